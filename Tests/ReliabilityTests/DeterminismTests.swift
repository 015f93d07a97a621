// Determinism: the same inputs give a byte-identical metrics.json apart from `generated_utc` (the one field
// that records when the run happened, ReportDocument.swift) and byte-identical figure files; the sections,
// which run concurrently, give identical results run after run.
import Analysis
import Foundation
import MapIO
import Report
import Testing

@Suite(.serialized) struct DeterminismTests {
    /// metrics.json with the value of `generated_utc` blanked, and a check that the field is there.
    static func withoutDate(_ data: Data) throws -> Data {
        var text = String(decoding: data, as: UTF8.self)
        let pattern = try NSRegularExpression(pattern: "\"generated_utc\"\\s*:\\s*\"[^\"]*\"")
        let matches = pattern.matches(in: text, range: NSRange(text.startIndex..., in: text))
        #expect(matches.count == 1, "metrics.json has \(matches.count) generated_utc fields, expected 1")
        text = pattern.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text),
                                                withTemplate: "\"generated_utc\":\"\"")
        return Data(text.utf8)
    }

    /// Relative path → bytes of every file under `dir`.
    static func files(under dir: URL) throws -> [String: Data] {
        var result: [String: Data] = [:]
        let fm = FileManager.default
        for case let rel as String in fm.enumerator(atPath: dir.path)! {
            var isDir: ObjCBool = false
            let url = dir.appendingPathComponent(rel)
            if fm.fileExists(atPath: url.path, isDirectory: &isDir), !isDir.boolValue {
                result[rel] = try Data(contentsOf: url)
            }
        }
        return result
    }

    @Test func sameInputsGiveIdenticalMetricsAndFigures() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let map = repositoryRoot.appendingPathComponent("Fixtures/daq/2566_3J6B_9.mrc").path
        let out = dir.appendingPathComponent("report")
        let args = ["report", map, "--threshold", "0.2", "--resolution", "3.2", "--title", "determinism",
                    "--no-pdf", "-q", "-o", out.path]
        var runs: [[String: Data]] = []
        for i in 0..<2 {
            let r = try emvalidate(args)
            try #require(r.status == 0, "run \(i): exit \(r.status): \(r.stderr)")
            runs.append(try Self.files(under: out))
            try FileManager.default.moveItem(at: out, to: dir.appendingPathComponent("run\(i)"))
        }
        let (a, b) = (runs[0], runs[1])
        #expect(Set(a.keys) == Set(b.keys), "different files: \(Set(a.keys).symmetricDifference(Set(b.keys)))")
        let figures = a.keys.filter { $0.hasPrefix("figures/") }
        #expect(figures.count >= 5, "only \(figures.count) figure files")
        try #expect(Self.withoutDate(a["metrics.json"]!) == Self.withoutDate(b["metrics.json"]!),
                    "metrics.json differs beyond generated_utc")
        for key in a.keys.sorted() where key != "metrics.json" {
            #expect(a[key] == b[key], "\(key) differs between identical runs")
        }
    }

    static func json(_ r: SectionResult) throws -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try e.encode(r)
    }

    /// The concurrent section runner: the same context, run three times, gives equal results in the same
    /// order (also run under the thread sanitizer by `make test-tsan`).
    @Test func concurrentSectionsGiveIdenticalResults() throws {
        let map = try MRCReader.read(path: repositoryRoot.appendingPathComponent("Fixtures/daq/2566_3J6B_9.mrc").path).volume
        var results: [[SectionResult]] = []
        for _ in 0..<3 {
            // A fresh context each time, so the shared masks are built concurrently each time.
            let context = AnalysisContext(map: map, mapPath: "map.mrc", threshold: 0.2, resolution: 3.2)
            results.append(ReportPipeline.runSections(SectionRegistry.reportSections(halfMaps: false, model: false), context))
        }
        #expect(results[0].map(\.id) == results[1].map(\.id))
        for r in results.dropFirst() {
            for (x, y) in zip(results[0], r) {
                // Compared as JSON with sorted keys: figures hold NaN for blank pixels (NaN ≠ NaN), and
                // dictionaries have no fixed order in memory.
                #expect(try Self.json(x) == Self.json(y), "section \(x.id) differs between runs")
            }
        }
    }
}

/// `--threads` changes how fast, never what: the demo's map and model on one thread and on two give the same
/// metrics.json apart from the date and the command line that records the flag, and the same figure files
/// (every split sum is split alike whatever the thread count, Parallel.reductionChunks; ambient occlusion in 8
/// parts). Run as separate processes, so no other test's thread setting can reach them.
@Suite struct ThreadCountDeterminismTests {
    @Test func oneThreadAndTwoGiveTheSameMetricsAndFigures() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let fixtures = repositoryRoot.appendingPathComponent("Fixtures/daq")
        let out = dir.appendingPathComponent("report")
        var documents: [[String: Any]] = []
        var figures: [[String: Data]] = []
        for threads in ["1", "2"] {
            let r = try emvalidate(["report", fixtures.appendingPathComponent("2566_3J6B_9.mrc").path, "--threshold", "0.2",
                                    "--resolution", "3.2", "--model", fixtures.appendingPathComponent("3J6B_9.pdb").path,
                                    "--threads", threads, "--no-pdf", "-q", "-o", out.path])
            try #require(r.status == 0, "--threads \(threads): exit \(r.status): \(r.stderr)")
            let data = try DeterminismTests.withoutDate(Data(contentsOf: out.appendingPathComponent("metrics.json")))
            var document = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            var tool = try #require(document["tool"] as? [String: Any])
            let line = try #require(tool["command_line"] as? [String])
            #expect(line.suffix(5).first == threads, "the command line records --threads: \(line)")
            tool["command_line"] = nil
            document["tool"] = tool
            documents.append(document)
            figures.append(try DeterminismTests.files(under: out.appendingPathComponent("figures")))
            try FileManager.default.moveItem(at: out, to: dir.appendingPathComponent("threads\(threads)"))
        }
        let sections = try #require(documents[0]["sections"] as? [String: Any])
        #expect(sections.keys.contains("A.a") && sections.keys.contains("0.e"), "sections: \(sections.keys.sorted())")
        #expect(NSDictionary(dictionary: documents[0]).isEqual(to: documents[1]),
                "metrics.json differs between --threads 1 and --threads 2 beyond the date and the command line")
        #expect(figures[0].count >= 5 && Set(figures[0].keys) == Set(figures[1].keys), "figures: \(figures[0].keys.sorted())")
        for name in figures[0].keys.sorted() {
            #expect(figures[0][name] == figures[1][name], "figures/\(name) differs between --threads 1 and --threads 2")
        }
    }
}
