// Customising and regenerating a finished report: `templates export` → edit → `render`, `figures`, and a
// broken template; every metrics.json produced is validated against schema/metrics.schema.json.
import Foundation
import MapIO
import Testing
import TestSupport
@testable import Report

/// Validates metrics.json files with python-jsonschema against the committed schema (Tests/Oracles/validate_metrics.py).
func expectValidAgainstSchema(_ files: [URL], sourceLocation: SourceLocation = #_sourceLocation) throws {
    let (status, out) = try runProcess("python3", [
        repositoryRoot.appendingPathComponent("Tests/Oracles/validate_metrics.py").path,
        repositoryRoot.appendingPathComponent("schema/metrics.schema.json").path] + files.map(\.path), mergeStderr: true)
    #expect(status == 0, "metrics.json does not match the schema:\n\(out)", sourceLocation: sourceLocation)
}

/// SHA-256 of every file under `dir` except those under the given subfolders, by relative path.
func fileHashes(_ dir: URL, excluding: [String] = []) throws -> [String: String] {
    var out: [String: String] = [:]
    let fm = FileManager.default
    guard let e = fm.enumerator(atPath: dir.path) else { return out }
    while let rel = e.nextObject() as? String {
        if excluding.contains(where: { rel == $0 || rel.hasPrefix($0 + "/") }) { continue }
        var isDir: ObjCBool = false
        let path = dir.appendingPathComponent(rel).path
        if fm.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue {
            out[rel] = try FileHash.sha256(path: path)
        }
    }
    return out
}

/// Decimal numbers (with a point) in a text: what the report prints from metrics.json.
func decimals(_ text: String) -> Set<String> {
    let re = try! NSRegularExpression(pattern: #"[0-9]+\.[0-9]+"#)
    let ns = text as NSString
    return Set(re.matches(in: text, range: NSRange(location: 0, length: ns.length)).map { ns.substring(with: $0.range) })
}

@Suite(.serialized) struct RegenerationTests {
    @Test(.enabled(if: haveLaTeX)) func exportEditRenderFiguresAndBrokenTemplate() throws {
        let work = try temporaryDirectory()
        // The map is a copy that is deleted after the report: render and figures must not need it.
        let map = work.appendingPathComponent("map.mrc")
        try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent("Fixtures/daq/2566_3J6B_9.mrc"), to: map)
        let out = work.appendingPathComponent("report")
        let r = try emvalidate(["report", map.path, "--threshold", "0.2", "--resolution", "3.2", "-q", "-o", out.path])
        #expect(r.status == 0, "report failed: \(r.output)")
        try FileManager.default.removeItem(at: map)
        try expectValidAgainstSchema([out.appendingPathComponent("metrics.json")])
        let data = try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("data").path)
        #expect(data.contains("README.md") && data.contains("0b_mass_vs_threshold.json") && data.contains("input_central_slices.0.mrc"),
                "data/ holds \(data.sorted())")
        let originalText = try pdfText(out.appendingPathComponent("report.pdf"))

        // figures --colormap: some coloured figures change, grey density slices do not, nothing outside figures/.
        // The baseline is a plain redraw.
        let plain = try emvalidate(["figures", out.path, "-q"])
        #expect(plain.status == 0, "figures failed: \(plain.output)")
        let before = try fileHashes(out)
        let f = try emvalidate(["figures", out.path, "--colormap", "cividis", "-q"])
        #expect(f.status == 0, "figures failed: \(f.output)")
        let after = try fileHashes(out)
        let changed = Set(after.keys.filter { after[$0] != before[$0] })
        #expect(Set(after.keys) == Set(before.keys), "files added or removed: \(Set(after.keys).symmetricDifference(before.keys))")
        #expect(changed.allSatisfy { $0.hasPrefix("figures/") }, "changed outside figures/: \(changed.sorted())")
        // (0.e does not apply to this fixture: 74 % of its voxels are exactly 0, a masked crop with no noise.)
        #expect(changed.contains("figures/0f_local_bfactor_slices.png"), "coloured slices unchanged; changed: \(changed.sorted())")
        // Grey density slices stay grey (FigureRenderer keeps grey maps); their PNG bytes are not compared:
        // text anti-aliasing in PNGs drawn concurrently is not byte-stable between processes (seen here).
        let svg = try emvalidate(["figures", out.path, "--format", "svg", "--size", "6x4", "-q"])
        #expect(svg.status == 0, "figures --format svg failed: \(svg.output)")
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("figures/0b_mass_vs_threshold.svg").path))
        let badMap = try emvalidate(["figures", out.path, "--colormap", "rainbow"])
        #expect(badMap.status == 64, "unknown colour map: exit \(badMap.status)")

        // templates export → edit one caption → render.
        let templates = work.appendingPathComponent("templates")
        #expect(try emvalidate(["templates", "export", templates.path]).status == 0)
        let figureTeX = templates.appendingPathComponent("figure.tex")
        let edited = try String(contentsOf: figureTeX, encoding: .utf8)
            .replacingOccurrences(of: "\\caption{<<caption>>}", with: "\\caption{Edited by the curator: <<caption>>}")
        #expect(edited.contains("Edited by the curator"), "figure.tex has no \\caption{<<caption>>} line to edit")
        try Data(edited.utf8).write(to: figureTeX)
        let metricsBefore = try Data(contentsOf: out.appendingPathComponent("metrics.json"))
        let t0 = Date()
        let rr = try emvalidate(["render", out.path, "--templates", templates.path])
        let renderSeconds = Date().timeIntervalSince(t0)
        #expect(rr.status == 0, "render failed: \(rr.output)")
        #expect(rr.output.contains("no map read"))
        let newText = try pdfText(out.appendingPathComponent("report.pdf"))
        #expect(newText.contains("Edited by the curator"), "the new caption is not in the PDF")
        #expect(decimals(newText) == decimals(originalText),
                "numbers differ: only before \(decimals(originalText).subtracting(decimals(newText)).sorted()), only after \(decimals(newText).subtracting(decimals(originalText)).sorted())")
        #expect(try Data(contentsOf: out.appendingPathComponent("metrics.json")) == metricsBefore, "render changed metrics.json")
        print("render of a Level 0 report: \(String(format: "%.2f", renderSeconds)) s (the map was deleted before)")

        // A broken template: exit 78 and a message naming the file and the line.
        try Data("one\ntwo\n<</is_ok>> unopened\n".utf8).write(to: templates.appendingPathComponent("summary.tex"))
        let broken = try emvalidate(["render", out.path, "--templates", templates.path])
        #expect(broken.status == 78, "exit \(broken.status): \(broken.output)")
        #expect(broken.output.contains("summary.tex") && broken.output.contains("line 3"), "\(broken.output)")
        try Data("one\n<<not_a_variable>>\n".utf8).write(to: templates.appendingPathComponent("summary.tex"))
        let unknown = try emvalidate(["render", out.path, "--templates", templates.path])
        #expect(unknown.status == 78 && unknown.output.contains("summary.tex, line 2") && unknown.output.contains("not_a_variable"),
                "exit \(unknown.status): \(unknown.output)")
    }

    @Test func renderWithoutAReportFolderFails() throws {
        let dir = try temporaryDirectory()
        let r = try emvalidate(["render", dir.path, "--no-pdf"])
        #expect(r.status == 65 && r.output.contains("metrics.json"), "exit \(r.status): \(r.output)")
        let f = try emvalidate(["figures", dir.path])
        #expect(f.status == 65 && f.output.contains("data"), "exit \(f.status): \(f.output)")
    }
}
