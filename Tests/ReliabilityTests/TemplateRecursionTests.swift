// Issue 17, point 17: a partial that includes itself, directly or through another partial, made the template
// engine recurse until the stack overflowed (exit 139 after the whole analysis). It is now a template error
// (exit 78) naming the file and line of the include, given before the map is read.
import Foundation
import Testing

@Suite struct TemplateRecursionTests {
    @Test(arguments: [
        (["front.tex": "\\section*{Front}\n<<> front>>\n"], "front.tex", 2, "front.tex → front.tex"),
        // Reported at the include that closes the cycle (templates are visited in name order from document.tex).
        (["front.tex": "x\n\ny <<> loop-b>>\n", "loop-b.tex": "\n<<> front>>\n"], "loop-b.tex", 2, "front.tex → loop-b.tex → front.tex"),
    ])
    func recursivePartialIsRefusedBeforeTheAnalysis(_ files: [String: String], _ file: String, _ line: Int, _ cycle: String) throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let templates = dir.appendingPathComponent("templates")
        try FileManager.default.createDirectory(at: templates, withIntermediateDirectories: true)
        for (name, text) in files { try Data(text.utf8).write(to: templates.appendingPathComponent(name)) }
        let out = dir.appendingPathComponent("out")
        let r = try emvalidate(["report", badInputs.appendingPathComponent("good.mrc").path, "--threshold", "0.5",
                                "--templates", templates.path, "-o", out.path])
        #expect(r.status == 78, "exit \(r.status): \(r.stderr)")
        let lines = errorLines(r)
        #expect(lines.count == 1, "\(r.stderr)")
        let path = templates.appendingPathComponent(file).path
        #expect(lines.first?.contains("template \(path), line \(line)") == true, "\(r.stderr)")
        #expect(lines.first?.contains(cycle) == true, "\(r.stderr)")
        #expect(!r.stderr.contains("Reading map"), "the analysis ran first: \(r.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["templates"])
    }
}
