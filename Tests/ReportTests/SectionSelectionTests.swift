// `--sections`, `--skip` and `--threads` (issue 16): what runs, what the report says about the rest, and the
// CPU count a run uses by default.
import Foundation
import Analysis
import Testing
import VolumeNumerics
import TestSupport
@testable import Report

@Suite struct SectionSelectionParsingTests {
    let known = ["input", "0.a", "0.b", "0.c", "0.e", "1.halves", "1.a", "1.c", "A.model", "A.a"]

    @Test func idsAndLevelsSelectSections() throws {
        let s = try SectionSelection.parse(sections: "0.a,1", skip: "1.c", knownIDs: known)
        #expect(known.filter(s.includes) == ["0.a", "1.halves", "1.a"])
        let level = try SectionSelection.parse(sections: nil, skip: "0, a", knownIDs: known)
        #expect(known.filter(level.includes) == ["input", "1.halves", "1.a", "1.c"], "level ids are case-insensitive")
        #expect(try SectionSelection.parse(sections: nil, skip: nil, knownIDs: known).isEverything)
    }

    @Test func unknownTokensAndEmptySelectionsAreOneLineErrors() {
        for (sections, skip, expected) in [("0.z", nil, "--sections: '0.z' is neither a section id"),
                                           (nil, "9", "--skip: '9' is neither a section id"),
                                           ("0.a,,0.b", nil, "--sections expects a comma-separated list"),
                                           ("0", "0", "leave no section to run"),
                                           ("1", nil, "leave no section to run")] as [(String?, String?, String)] {
            do {
                // Without half maps or a model, only input and Level 0 are available.
                try SectionSelection.parse(sections: sections, skip: skip, knownIDs: known)
                    .check(leavesSomethingOf: ["input", "0.a", "0.b", "0.c", "0.e"])
                Issue.record("expected an error for --sections \(sections ?? "-") --skip \(skip ?? "-")")
            } catch {
                let message = "\(error)"
                #expect(message.contains(expected), "got: \(message)")
                #expect(!message.contains("\n"))
            }
        }
    }
}

@Suite struct ThreadCountTests {
    @Test func smallestOfAffinityQuotaAndSlurm() {
        #expect(Parallel.availableCPUs(environment: [:], affinity: 8, cgroupQuota: nil) == 8)
        #expect(Parallel.availableCPUs(environment: [:], affinity: 8, cgroupQuota: 2.5) == 3, "quota rounds up")
        #expect(Parallel.availableCPUs(environment: ["SLURM_CPUS_PER_TASK": "2"], affinity: 8, cgroupQuota: 4) == 2)
        #expect(Parallel.availableCPUs(environment: ["SLURM_CPUS_PER_TASK": "x"], affinity: 4, cgroupQuota: nil) == 4)
        #expect(Parallel.availableCPUs(environment: [:], affinity: 0, cgroupQuota: 0.1) == 1)
    }

    @Test func cgroupFilesAreRead() throws {
        let dir = try temporaryDirectory()
        try "150000 100000\n".write(toFile: dir.path + "/cpu.max", atomically: true, encoding: .utf8)
        #expect(Parallel.cgroupCPUQuota(root: dir.path) == 1.5)
        try "max 100000\n".write(toFile: dir.path + "/cpu.max", atomically: true, encoding: .utf8)
        #expect(Parallel.cgroupCPUQuota(root: dir.path) == nil, "no quota")
    }

    @Test func performVisitsEveryIterationOnce() {
        for workers in [1, 2, 7] {
            let lock = NSLock()
            var seen = [Int](repeating: 0, count: 1000)
            Parallel.withWorkers(workers) {
                Parallel.perform(iterations: 1000) { i in lock.lock(); seen[i] += 1; lock.unlock() }
            }
            #expect(seen.allSatisfy { $0 == 1 }, "workers \(workers)")
        }
    }
}

@Suite(.serialized) struct SectionSelectionReportTests {
    let daq = repositoryRoot.appendingPathComponent("Fixtures/daq/2566_3J6B_9.mrc").path

    @Test(.enabled(if: haveLaTeX)) func onlyTheChosenSectionsRunAndTheFrontPageNamesTheRest() throws {
        let out = try temporaryDirectory().appendingPathComponent("report")
        let r = try emvalidate(["report", daq, "--threshold", "0.2", "--resolution", "3.2", "--sections", "0.a,0.b,0.c",
                                "--threads", "1", "-o", out.path])
        #expect(r.status == 0, "emvalidate failed: \(r.output)")
        let m = try loadMetrics(out)
        try expectValidAgainstSchema([out.appendingPathComponent("metrics.json")])
        #expect(m["order"] as? [String] == ["0.a", "0.b", "0.c"])
        let skipped = (m["skipped_by_request"] as? [[String: String]] ?? []).compactMap { $0["id"] }
        #expect(skipped.contains("input") && skipped.contains("0.e") && skipped.contains("0.h"), "skipped: \(skipped)")
        let score = m["score"] as! [String: Int]
        #expect(score["evaluable"]! <= 3)
        let text = try pdfText(out.appendingPathComponent("report.pdf"))
        #expect(text.contains("Skipped by request"))
    }

    @Test func badSelectionsAreRefusedBeforeAnyOutput() throws {
        let out = try temporaryDirectory().appendingPathComponent("report")
        for args in [["--sections", "0.q"], ["--skip", "0,input"], ["--sections", "1,A"], ["--threads", "0"]] {
            let r = try emvalidate(["report", daq, "--threshold", "0.2", "-o", out.path] + args)
            #expect(r.status == 64, "\(args): exit \(r.status) \(r.output)")
            #expect(!FileManager.default.fileExists(atPath: out.path))
        }
    }

    @Test func shadedViewsAreJPEG() throws {
        let out = try temporaryDirectory().appendingPathComponent("report")
        let r = try emvalidate(["report", daq, "--threshold", "0.2", "--sections", "input", "--no-pdf", "-o", out.path])
        #expect(r.status == 0, "emvalidate failed: \(r.output)")
        let m = try loadMetrics(out)
        let input = (m["sections"] as! [String: [String: Any]])["input"]!
        let surfaces = (input["figures"] as! [[String: Any]]).filter { $0["kind"] as? String == "surface" }
        #expect(!surfaces.isEmpty)
        for f in surfaces {
            let files = f["files"] as! [String: String]
            #expect(files.keys.sorted() == ["jpg"], "\(f["id"] ?? ""): \(files)")
            let bytes = try Data(contentsOf: out.appendingPathComponent(files["jpg"]!))
            #expect(bytes.starts(with: [0xFF, 0xD8, 0xFF]), "not a JPEG")
        }
    }
}
