// Values shared between sections (AnalysisContext.shared): made once per context, and, when the sections run one at
// a time (a large map), released after their last reader so that later sections do not carry them.
import Foundation
import Testing
import Analysis
import MapIO
@testable import Report

@Suite struct SharedValueTests {
    @Test func aSharedValueIsMadeOnceAndMadeAgainAfterRelease() throws {
        let c = AnalysisContext(map: Volume(nx: 4, ny: 4, nz: 4), mapPath: "m", threshold: 0.5, resolution: nil)
        var made = 0
        for _ in 0..<3 { _ = try c.shared(.localBands) { made += 1; return 7 } }
        #expect(made == 1 && c.holds(.localBands))
        c.release(.localBands)
        #expect(!c.holds(.localBands))
        _ = try c.shared(.localBands) { made += 1; return 7 }
        #expect(made == 2)
        struct Boom: Error {}
        c.release(.localBands)
        #expect(throws: Boom.self) { try c.shared(.localBands) { () throws -> Int in throw Boom() } }
        #expect(!c.holds(.localBands))
    }

    /// Above `concurrentSectionsMaxVoxels` the sections run in order: the value is made by the first reader, kept
    /// for the second, and gone for the section after the last reader.
    @Test func oneAtATimeTheValueGoesAfterItsLastReader() {
        let n = 201   // 201³ > 200³: one at a time
        let c = AnalysisContext(map: Volume(nx: n, ny: n, nz: n, value: 1), mapPath: "m", threshold: 0.5, resolution: nil)
        #expect(!ReportPipeline.sectionsRunConcurrently(c))
        let log = ProbeSection.Log()
        let sections: [any Section] = [ProbeSection(id: "a", reads: true, log: log), ProbeSection(id: "b", reads: false, log: log),
                                       ProbeSection(id: "c", reads: true, log: log), ProbeSection(id: "d", reads: false, log: log)]
        _ = ReportPipeline.runSections(sections, c)
        #expect(log.made == 1)
        #expect(log.heldAtStart == ["a": false, "b": true, "c": true, "d": false])
        #expect(!c.holds(.localBands))
    }
}
