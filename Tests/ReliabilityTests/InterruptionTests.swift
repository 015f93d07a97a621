// Issue 17, point 6: SIGTERM during the analysis and during LaTeX leaves no staging folder, no output folder
// and no running child (the process table is read before and after), and the run dies of the signal.
import Foundation
import MapIO
import Testing

/// A 96³ map with two half maps (blob plus independent noise), so that the analysis runs for a few seconds: at 64³
/// it took under a second once nested parallel loops shared the cores (issue 16), and on a loaded machine the
/// signal sometimes came after it.
private func writeLevel1Inputs(in dir: URL) throws -> [String] {
    let n = 96
    let blob = blobVolume(n)
    var rng = UInt64(17)
    func noise() -> Float {
        rng = rng &* 6364136223846793005 &+ 1442695040888963407
        return Float(Double(rng >> 11) / Double(1 << 53) - 0.5) * 0.2
    }
    var paths: [String] = []
    for name in ["map", "half1", "half2"] {
        var v = blob
        if name != "map" { for i in 0..<v.data.count { v.data[i] += noise() } }
        let p = dir.appendingPathComponent("\(name).mrc").path
        try MRCWriter.write(v, to: p, labels: ["interruption test"])
        paths.append(p)
    }
    return ["report", paths[0], "--threshold", "0.3", "--resolution", "4", "--half1", paths[1], "--half2", paths[2]]
}

@Suite(.serialized) struct InterruptionTests {
    @Test func sigtermDuringAnalysisLeavesNothing() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let inputs = dir.appendingPathComponent("in")
        try FileManager.default.createDirectory(at: inputs, withIntermediateDirectories: true)
        let outParent = dir.appendingPathComponent("reports")
        let run = try LiveRun(try writeLevel1Inputs(in: inputs) + ["--no-pdf", "-o", outParent.appendingPathComponent("out").path])
        try #require(run.waitFor("Reading half maps"), "the run ended early: \(run.stderr)")
        kill(run.process.processIdentifier, SIGTERM)
        run.wait()
        #expect(run.process.terminationReason == .uncaughtSignal && run.process.terminationStatus == SIGTERM,
                "ended with \(run.process.terminationStatus): \(run.stderr)")
        #expect(!run.stderr.contains("Analysis ("), "the signal came after the analysis; the test proves nothing")
        #expect(try FileManager.default.contentsOfDirectory(atPath: outParent.path).isEmpty,
                "left: \(listing(outParent))")
    }

    @Test(.enabled(if: haveLaTeX)) func sigtermDuringLaTeXStopsTheWholeTreeAndLeavesNothing() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let outParent = dir.appendingPathComponent("reports")
        let good = badInputs.appendingPathComponent("good.mrc").path
        let run = try LiveRun(["report", good, "--threshold", "0.5", "-o", outParent.appendingPathComponent("out").path])
        try #require(run.waitFor("metrics.json and report.tex"), "the run ended early: \(run.stderr)")
        // Wait for pdflatex (or at least latexmk) to be running below emvalidate.
        var tree: [Int32: (start: String, comm: String)] = [:]
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline, run.process.isRunning {
            tree = descendants(of: run.process.processIdentifier)
            if tree.values.contains(where: { $0.comm == "pdflatex" }) { break }
            usleep(10_000)
        }
        try #require(tree.values.contains { $0.comm == "pdflatex" || $0.comm == "latexmk" },
                     "LaTeX was not seen running: \(tree.values.map(\.comm)); \(run.stderr)")
        kill(run.process.processIdentifier, SIGTERM)
        run.wait()
        #expect(run.process.terminationReason == .uncaughtSignal && run.process.terminationStatus == SIGTERM,
                "ended with \(run.process.terminationStatus): \(run.stderr)")
        #expect(!run.stderr.contains("PDF (latexmk)"), "LaTeX had finished; the test proves nothing")
        // Every process of the LaTeX tree has ended (checked for a few seconds: SIGKILL follows after 2 s).
        var running: [String] = []
        for _ in 0..<100 {
            running = tree.filter { stillRunning($0.key, start: $0.value.start) }.map { "\($0.key) \($0.value.comm)" }
            if running.isEmpty { break }
            usleep(50_000)
        }
        #expect(running.isEmpty, "still running: \(running)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: outParent.path).isEmpty,
                "left: \(listing(outParent))")
    }
}
