// How the sections of a large map run (above concurrentSectionsMaxVoxels): one at a time, except that consecutive
// lightweight sections (0.a–0.c) run together; the report draws each section's figures as it ends and lets their
// data go (issue 16: a 512³ report held every section's meshes through the later sections).
import Foundation
import Testing
import Analysis
import MapIO
import TestSupport
import VolumeNumerics
@testable import Report

@Suite struct SectionRunOrderTests {
    @Test func largeMapsRunLightweightSectionsTogetherAndTheOthersAlone() {
        let n = 201   // 201³ > 200³: one at a time
        let c = AnalysisContext(map: Volume(nx: n, ny: n, nz: n, value: 1), mapPath: "m", threshold: 0.5, resolution: nil)
        #expect(!ReportPipeline.sectionsRunConcurrently(c))
        let together = Parallel.workers > 1
        let log = ProbeSection.Log()
        func light(_ id: String, _ group: Set<String>) -> ProbeSection {
            ProbeSection(id: id, isLightweight: true, waitsFor: together ? group.subtracting([id]) : [], log: log)
        }
        // Groups of two, so that two workers can hold a whole group at once.
        let sections: [any Section] = [light("a", ["a", "b"]), light("b", ["a", "b"]),
                                       ProbeSection(id: "c", log: log),
                                       ProbeSection(id: "d", log: log), light("e", ["e", "f"]), light("f", ["e", "f"])]
        var groups: [(Int, [String])] = []
        let results = ReportPipeline.runSections(sections, c) { first, ended in
            groups.append((first, ended.map(\.id)))
            return ended.map { var r = $0; r.title = "after " + r.id; return r }
        }
        // The hook is called once per group, in order, and its results replace the sections' own.
        #expect(groups.map(\.0) == [0, 2, 3, 4])
        #expect(groups.map(\.1) == [["a", "b"], ["c"], ["d"], ["e", "f"]])
        #expect(results.map(\.id) == ["a", "b", "c", "d", "e", "f"])
        #expect(results.allSatisfy { $0.title == "after " + $0.id })
        // The heavy sections ran alone; the lightweight ones with their group (on more than one worker).
        #expect(log.mostAlongside["c"] == 1 && log.mostAlongside["d"] == 1)
        if together {
            #expect(["a", "b", "e", "f"].allSatisfy { log.mostAlongside[$0]! == 2 }, "\(log.mostAlongside)")
        }
    }

    /// A report of a 201³ map (one section at a time): the figures drawn as each section ended are the sections'
    /// own (their data read back from OUTDIR/data equal the figures the same sections give on the same map), and
    /// every file metrics.json names exists.
    @Test func figuresDrawnAsEachSectionEndsAreTheSectionsOwn() throws {
        let n = 201, p = 1.5
        var map = GaussianPhantom.asymmetric(box: n, pixelSizeA: p).volume(box: n, pixelSizeA: p)
        var rng = SplitMix64(seed: 11)
        for i in map.data.indices { map.data[i] += Float(0.02 * (rng.uniform() - 0.5)) }
        let dir = try temporaryDirectory()
        let path = dir.appendingPathComponent("map201.mrc").path
        try MRCWriter.write(map, to: path, labels: ["SectionRunOrderTests phantom"])
        let out = dir.appendingPathComponent("report")
        var request = ReportRequest(mapPath: path, threshold: 0.3, resolution: 3, outputDirectory: out.path, makePDF: false)
        request.selection = SectionSelection(only: ["0.a", "0.b", "0.c", "0.d"])
        let outcome = try ReportPipeline.run(request)

        let context = AnalysisContext(map: map, mapPath: path, threshold: 0.3, resolution: 3)
        let direct = ReportPipeline.runSections([MassCentering(), MaskAnalysis(), BackgroundAnalysis(), GuinierBFactor()], context)
        let dataDir = out.appendingPathComponent(FigureData.folderName)
        var figures = 0
        for r in direct {
            let recorded = try #require(outcome.document.sections[r.id])
            #expect(recorded.figures.map(\.id) == r.figures.map(\.id), "\(r.id)")
            for (record, figure) in zip(recorded.figures, r.figures) {
                #expect(!record.files.isEmpty, "\(record.id) was not drawn")
                for file in record.files.values {
                    #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(file).path), "\(file)")
                }
                #expect(try FigureData.load(id: figure.id, from: dataDir) == figure, "\(figure.id)")
                figures += 1
            }
        }
        #expect(figures >= 3, "the sections drew \(figures) figures; the test needs some")
    }
}
