// Issue 17, point 7: runs on the same OUTDIR take turns (flock on `.<OUTDIR>.emvalidate-lock` beside it). A run
// waits while another holds the lock; three runs started together leave exactly one complete report and
// nothing hidden.
import Foundation
import Report
import Testing
#if canImport(Glibc)
import Glibc
#endif

private let good = badInputs.appendingPathComponent("good.mrc").path

@Suite(.serialized) struct ConcurrentRunTests {
    @Test func aRunWaitsForTheLockHolder() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out")
        // Hold the lock as another run would (same file, same flock).
        let lockPath = dir.appendingPathComponent(".out.emvalidate-lock").path
        let fd = open(lockPath, O_RDWR | O_CREAT, 0o644)
        try #require(fd >= 0 && flock(fd, LOCK_EX) == 0)
        let run = try LiveRun(["report", good, "--threshold", "0.5", "--no-pdf", "-o", out.path])
        // While we hold the lock the run neither starts its analysis nor writes OUTDIR.
        #expect(!run.waitFor("Reading map", seconds: 3), "the run went on while the lock was held: \(run.stderr)")
        #expect(run.process.isRunning && !FileManager.default.fileExists(atPath: out.path))
        unlink(lockPath)
        close(fd)
        run.wait()
        #expect(run.process.terminationStatus == 0, "\(run.stderr)")
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("metrics.json").path))
        #expect(try hiddenEntries(dir).isEmpty, "left: \(listing(dir, hiddenOnly: true))")
    }

    @Test func concurrentRunsLeaveOneCompleteReportAndNothingHidden() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out")
        let runs = try (0..<3).map { _ in try LiveRun(["report", good, "--threshold", "0.5", "--no-pdf", "-o", out.path]) }
        for r in runs { r.wait() }
        for r in runs { #expect(r.process.terminationStatus == 0, "\(r.stderr)") }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["out"],
                "left: \(listing(dir))")
        // Complete: metrics.json, report.tex, figures and data, and the marker lists exactly what is there.
        for f in ["metrics.json", "report.tex", "figures", "data", ReportMarker.fileName] {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(f).path), "\(f) missing")
        }
        let marker = try JSONDecoder().decode(ReportMarker.self,
                                              from: Data(contentsOf: out.appendingPathComponent(ReportMarker.fileName)))
        let present = try treeFingerprint(out).keys.filter { $0 != ReportMarker.fileName }
        #expect(Set(marker.files.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }) == Set(present))
    }
}
