// End-to-end: the `emvalidate` binary on real fixtures and phantoms, checked through metrics.json and the
// PDF's text (pdftotext).
import Foundation
import Analysis
import MapIO
import Testing
import TestSupport
@testable import Report

/// The emvalidate executable built beside the test bundle.
let emvalidateBinary: String = {
    let dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for candidate in [dir, dir.deletingLastPathComponent()] {
        let p = candidate.appendingPathComponent("emvalidate").path
        if FileManager.default.isExecutableFile(atPath: p) { return p }
    }
    return repositoryRoot.appendingPathComponent(".build/release/emvalidate").path
}()

func emvalidate(_ args: [String]) throws -> (status: Int32, output: String) {
    try runProcess(emvalidateBinary, args, mergeStderr: true)
}

func loadMetrics(_ dir: URL) throws -> [String: Any] {
    let data = try Data(contentsOf: dir.appendingPathComponent("metrics.json"))
    return try JSONSerialization.jsonObject(with: data) as! [String: Any]
}

/// The text NumberText prints for a metric, as pdftotext gives it back: superscript exponents come back
/// as plain digits after "×10", and minus signs are compared as hyphens.
func printed(_ x: Double) -> String {
    plainDigits(NumberText.format(x))
}

func plainDigits(_ s: String) -> String {
    let map: [Character: Character] = ["⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4", "⁵": "5", "⁶": "6",
                                       "⁷": "7", "⁸": "8", "⁹": "9", "⁻": "-", "\u{2212}": "-"]
    return String(s.map { map[$0] ?? $0 })
}

@Suite(.serialized) struct EndToEndTests {
    let daq = repositoryRoot.appendingPathComponent("Fixtures/daq/2566_3J6B_9.mrc").path

    @Test(.enabled(if: haveLaTeX)) func fixtureReportHasEverySectionAndItsNumbers() throws {
        let out = try temporaryDirectory().appendingPathComponent("report")
        let title = "EMD-2566 crop_test & 100% #1 {x} ~ ^ \\ $ — Ångström"
        let r = try emvalidate(["report", daq, "--threshold", "0.2", "--resolution", "3.2", "--title", title,
                                "--emdb-id", "EMD-2566", "--pdb-id", "3J6B", "-o", out.path])
        #expect(r.status == 0, "emvalidate failed: \(r.output)")
        for f in ["report.pdf", "report.tex", "metrics.json", "figures"] {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(f).path), "missing \(f)")
        }
        let m = try loadMetrics(out)
        #expect(m["schema"] as? String == "emvalidate/1")
        try expectValidAgainstSchema([out.appendingPathComponent("metrics.json")])
        let inputs = m["inputs"] as! [String: Any]
        let map = inputs["map"] as! [String: Any]
        #expect(map["box"] as? [Int] == [35, 52, 47])
        #expect(map["sha256"] as? String == "417312ca40e445c3509330cea0429701a4ab7da130fd375e078dd5f1fb6b264f")
        let sections = m["sections"] as! [String: [String: Any]]
        let order = m["order"] as! [String]
        let text = plainDigits(try pdfText(out.appendingPathComponent("report.pdf")))
        try expectNothingWiderThanThePage(out)
        #expect(text.contains("EMD-2566 crop_test & 100% #1 {x} ~ ^ \\ $"), "title not shown literally")
        #expect(text.contains("Ångström"))
        for id in order {
            let s = sections[id]!
            let title = s["title"] as! String
            #expect(text.contains(title), "section title \(title) missing from the PDF")
            let status = s["status"] as! String
            #expect(["ok", "warnings", "not_applicable", "failed"].contains(status))
        }
        let score = m["score"] as! [String: Int]
        #expect(text.contains("\(score["passed"]!) out of \(score["evaluable"]!) evaluable items"))
        // Key numbers travel from metrics.json to the page.
        if let bg = sections["0.c"]?["metrics"] as? [String: Any], let mean = bg["mean"] as? Double {
            #expect(text.contains(printed(mean)), "0.c mean \(printed(mean)) not in the PDF")
        }
        if let mask = sections["0.b"]?["metrics"] as? [String: Any], let n = mask["n_components"] as? Int {
            #expect(text.contains("\(n) connected component"), "0.b component count not in the PDF")
        }
        for w in sections.values.flatMap({ $0["warnings"] as! [String] }) {
            let head = String(w.prefix(30))
            #expect(text.contains(head), "warning “\(head)…” not in the PDF")
        }
    }

    @Test(.enabled(if: haveLaTeX)) func thresholdAboveMaximumGivesFailedMaskSectionsAndAPDF() throws {
        let out = try temporaryDirectory().appendingPathComponent("report")
        let r = try emvalidate(["report", daq, "--threshold", "5", "-o", out.path])
        #expect(r.status == 0, "exit \(r.status): \(r.output)")
        try expectValidAgainstSchema([out.appendingPathComponent("metrics.json")])
        let sections = try loadMetrics(out)["sections"] as! [String: [String: Any]]
        for id in ["0.a", "0.b", "0.c"] {
            #expect(sections[id]?["status"] as? String == "failed", "\(id) should be failed")
            let reason = (sections[id]?["reason"] as? String) ?? ""
            #expect(reason.contains("threshold too high"), "\(id) reason: \(reason)")
        }
        let text = try pdfText(out.appendingPathComponent("report.pdf"))
        #expect(text.contains("threshold too high"))
        #expect(text.contains("Could not be measured"))
    }

    @Test func truncatedMapGivesOneLineErrorAndNoOutput() throws {
        let dir = try temporaryDirectory()
        let data = try Data(contentsOf: URL(fileURLWithPath: daq))
        let bad = dir.appendingPathComponent("truncated.mrc")
        try data.prefix(5000).write(to: bad)
        let out = dir.appendingPathComponent("report")
        let r = try emvalidate(["report", bad.path, "--threshold", "0.2", "-o", out.path])
        #expect(r.status == 65, "exit \(r.status)")
        let lines = r.output.split(separator: "\n").filter { $0.contains("error") }
        #expect(lines.count == 1, "expected one error line, got: \(r.output)")
        #expect(!FileManager.default.fileExists(atPath: out.path), "output folder must not exist")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix(".") }
        #expect(leftovers.isEmpty, "staging folders left behind: \(leftovers)")
    }

    @Test func outputFolderThatIsNotAReportIsRefused() throws {
        let dir = try temporaryDirectory()
        try Data("keep me".utf8).write(to: dir.appendingPathComponent("notes.txt"))
        let r = try emvalidate(["report", daq, "--threshold", "0.2", "--no-pdf", "-o", dir.path])
        #expect(r.status == 73, "exit \(r.status): \(r.output)")
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("notes.txt").path))
    }

    @Test func invalidArgumentsExitWith64() throws {
        let out = try temporaryDirectory().appendingPathComponent("never")
        for args in [["report", daq, "--threshold", "nan", "-o", out.path],
                     ["report", daq, "--threshold", "0.2", "--resolution", "-3", "-o", out.path]] {
            let r = try emvalidate(args)
            #expect(r.status == 64, "\(args): exit \(r.status)")
            #expect(!FileManager.default.fileExists(atPath: out.path), "\(args): an output folder was made")
        }
    }

    /// Level A writes a per-residue CSV: one row per residue of the model (the fixture's README counts 195 Cα).
    @Test func modelGivesPerResidueCSV() throws {
        let out = try temporaryDirectory().appendingPathComponent("report")
        let model = repositoryRoot.appendingPathComponent("Fixtures/daq/3J6B_9.pdb").path
        let r = try emvalidate(["report", daq, "--threshold", "0.2", "--resolution", "3.2", "--model", model,
                                "--no-pdf", "-q", "-o", out.path])
        #expect(r.status == 0, "\(r.output)")
        let csv = try String(contentsOf: out.appendingPathComponent("per_residue.csv"), encoding: .utf8)
        let lines = csv.split(separator: "\n")
        #expect(lines.count == 196, "expected a header and 195 residues, got \(lines.count) lines")
        #expect(lines.first?.lowercased().contains("chain") == true)
    }

    @Test func noPDFWritesTeXAndMetricsOnly() throws {
        let out = try temporaryDirectory().appendingPathComponent("report")
        let r = try emvalidate(["report", daq, "--threshold", "0.2", "--no-pdf", "-q", "-o", out.path])
        #expect(r.status == 0, "\(r.output)")
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("report.tex").path))
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("report.pdf").path))
    }
}
