// The template variable catalogue against what TemplateContext really provides, the unknown-variable check,
// and the README generated from the catalogue.
import Analysis
import DefaultTemplates
import Foundation
import Testing
@testable import Report

/// A document exercising every optional value: all inputs, warnings, a failed section, figures, estimates.
func richDocument() -> ReportDocument {
    let fig = ReportDocument.FigureRecord(id: "0a_x", caption: "c", files: ["png": "figures/0a_x.png"], kind: "images")
    let a = ReportDocument.SectionRecord(
        title: "A", level: "0", reference: "ref", status: .warnings, warnings: ["w1"], reason: nil, scored: true,
        metrics: ["mean": .number(1.5), "box": .array([.int(1), .int(2), .int(3)]),
                  "resolution_estimates_A": .array([.object(["name": .string("FSC"), "value_A": .number(3.1)])])],
        figures: [fig])
    let b = ReportDocument.SectionRecord(title: "B", level: "1", reference: "", status: .failed, warnings: [],
                                         reason: "why", scored: true, metrics: [:], figures: [])
    let inputs = ReportDocument.Inputs(
        map: .init(file: "m.mrc", sha256: String(repeating: "0", count: 64), box: [1, 2, 3], voxelSize: [1, 1, 1], origin: [0, 0, 0]),
        threshold: 0.1, resolution: 2.0, title: "T", emdbID: "EMD-1", pdbID: "1ABC", authors: "X",
        emdb: .init(id: "EMD-1000", title: "T", authors: ["X"], depositionDate: "2002-01-01", contourLevel: 0.1,
                    contourSource: "AUTHOR", resolutionA: 2.0, resolutionMethod: "FSC 0.143 CUT-OFF", fittedPDBIDs: ["1abc"],
                    headerSHA256: String(repeating: "1", count: 64), headerURL: "https://x/emd-1000-v30.xml",
                    sources: .init(threshold: .archive, resolution: .archive, halfMaps: .none, model: .archive),
                    absentInputs: ["The entry has no half maps, so Level 1 is not run."]))
    return ReportDocument(tool: .init(version: "0.1.0", commandLine: ["emvalidate"]), generatedUTC: "2026-01-01T00:00:00Z",
                          inputs: inputs, sections: ["0.a": a, "1.b": b], order: ["0.a", "1.b"],
                          skippedByRequest: [.init(id: "0.e", title: "Local resolution")])
}

@Suite struct TemplateVariableTests {
    @Test func catalogueListsExactlyTheKeysTheCodeProvides() {
        let doc = richDocument()
        let documentKeys = Set(TemplateContext.document(doc).keys)
        #expect(documentKeys == Set(TemplateVariables.document.map(\.name)),
                "TemplateContext.document gives \(documentKeys.sorted()); catalogue lists \(TemplateVariables.document.map(\.name).sorted())")
        let sectionKeys = Set(TemplateContext.section(id: "1.b", doc.sections["1.b"]!).keys)
            .union(TemplateContext.section(id: "0.a", doc.sections["0.a"]!).keys)
        #expect(sectionKeys == Set(TemplateVariables.section.map(\.name)),
                "TemplateContext.section gives \(sectionKeys.sorted()); catalogue lists \(TemplateVariables.section.map(\.name).sorted())")
        // Item keys of the lists.
        let ctx = TemplateContext.document(doc)
        for v in TemplateVariables.document where !v.itemKeys.isEmpty {
            let items: [[String: Any]] = (ctx[v.name] as? [[String: Any]]) ?? ((ctx[v.name] as? [String: Any]).map { [$0] } ?? [])
            #expect(!items.isEmpty, "\(v.name) is empty in the rich document")
            for item in items {
                #expect(Set(item.keys).isSubset(of: Set(v.itemKeys)), "\(v.name) items have \(item.keys.sorted()), catalogue \(v.itemKeys)")
            }
        }
        let sctx = TemplateContext.section(id: "0.a", doc.sections["0.a"]!)
        for name in ["figures", "warnings", "metric_rows"] {
            let keys = Set(((sctx[name] as? [[String: Any]]) ?? []).flatMap { $0.keys })
            let listed = Set(TemplateVariables.section.first { $0.name == name }!.itemKeys)
            #expect(!keys.isEmpty && keys.isSubset(of: listed), "\(name) items have \(keys.sorted()), catalogue \(listed.sorted())")
        }
    }

    @Test func defaultTemplatesUseOnlyKnownVariables() throws {
        // A run without --templates does not check the embedded defaults: this test does, with the same checks
        // as a user's folder gets (unknown variables, missing partials, inclusion cycles).
        let defaults = DefaultTemplates.files
        try TemplateSet.check(sources: defaults, origins: defaults.mapValues { _ in "default" })
        _ = try TemplateSet()
        for name in DefaultTemplates.files.keys {
            #expect(TemplateVariables.scope(of: name) != nil, "\(name) has no scope in TemplateVariables")
        }
    }

    func brokenOverride(_ file: String, _ text: String) throws -> TemplateError? {
        let dir = try temporaryDirectory()
        try Data(text.utf8).write(to: dir.appendingPathComponent(file))
        do { _ = try TemplateSet(overrideDirectory: dir.path); return nil }
        catch let e as TemplateError { return e }
    }

    @Test func unknownVariableIsReportedWithFileAndLine() throws {
        let e = try brokenOverride("summary.tex", "Score\n<<score_passed>> of\n<<score_evaluable>> and <<scroe_total>>\n")
        #expect(e != nil, "a misspelt variable was accepted")
        #expect(e?.file.hasSuffix("summary.tex") == true, "\(String(describing: e))")
        #expect(e?.line == 3, "line \(String(describing: e?.line)): \(String(describing: e))")
        #expect(e?.description.contains("scroe_total") == true, "\(String(describing: e))")
    }

    @Test func sectionVariablesAreUnknownOnTheFrontPage() throws {
        let e = try brokenOverride("front.tex", "<<title>>\n<<status_text>>\n")
        #expect(e?.line == 2, "\(String(describing: e))")
    }

    @Test func listItemKeysAreKnownInsideTheirListOnly() throws {
        #expect(try brokenOverride("summary.tex", "<<#all_warnings>><<section>>: <<text>><</all_warnings>>\n") == nil)
        let e = try brokenOverride("summary.tex", "a\n<<text>>\n")
        #expect(e?.line == 2, "\(String(describing: e))")
    }

    @Test func metricNamesAreNotCheckedAndMissingPartialsAre() throws {
        #expect(try brokenOverride("section-0a.tex", "<<m.anything>> <<#m.list>><<whatever>><</m.list>>\n") == nil)
        let e = try brokenOverride("section-0a.tex", "x\ny\n<<> no_such_partial>>\n")
        #expect(e?.line == 3 && e?.description.contains("no_such_partial") == true, "\(String(describing: e))")
    }

    @Test func exportedReadmeIsGeneratedAndCommitted() throws {
        let dir = try temporaryDirectory()
        _ = try TemplateExport.export(to: dir.path, overwrite: false)
        let readme = try String(contentsOf: dir.appendingPathComponent("README.md"), encoding: .utf8)
        for v in TemplateVariables.document + TemplateVariables.section + TemplateVariables.frame {
            #expect(readme.contains("`\(v.name)`"), "README does not list \(v.name)")
        }
        for name in DefaultTemplates.files.keys { #expect(readme.contains("### \(name)"), "README misses \(name)") }
        for p in ["hyperref", "tcolorbox [most]", "xcolor [table]", "graphicx"] {
            #expect(readme.contains("- \(p)"), "README misses package \(p)")
        }
        // Templates/README.md is the same text; EMVALIDATE_RECORD=1 rewrites it.
        let committed = repositoryRoot.appendingPathComponent("Templates/README.md")
        if ProcessInfo.processInfo.environment["EMVALIDATE_RECORD"] == "1" {
            try Data(readme.utf8).write(to: committed)
        }
        #expect(try String(contentsOf: committed, encoding: .utf8) == readme,
                "Templates/README.md is out of date; rerun the test with EMVALIDATE_RECORD=1")
    }
}
