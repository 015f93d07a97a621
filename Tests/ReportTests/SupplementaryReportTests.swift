// End-to-end for the workflow (W), cross-link (O.a) and SAXS (O.b) sections: real fixtures through the report
// pipeline (the map's own sections reduced to Input data to keep the run short), the PDF compiled, metrics.json
// valid against the schema, and the key numbers on the page.
import Analysis
import Foundation
import TechniqueIO
import Testing
@testable import Report

@Suite(.serialized) struct SupplementaryReportTests {
    let map = repositoryRoot.appendingPathComponent("Fixtures/strudel/emd_6272.mrc").path
    func fixture(_ p: String) -> String { repositoryRoot.appendingPathComponent("Fixtures/" + p).path }

    @Test(.enabled(if: haveLaTeX)) func workflowAndCrossLinksOnPolII() throws {
        let out = try temporaryDirectory().appendingPathComponent("report")
        var request = ReportRequest(mapPath: map, threshold: 0.5, resolution: nil, modelPath: fixture("xlms/1WCM_fitted.pdb"),
                                    outputDirectory: out.path)
        let chains = ChainMapping(chainOf: Dictionary(uniqueKeysWithValues: (1...12).map { ("Rpb\($0)", String(UnicodeScalar(UInt8(64 + $0)))) }))
        request.supplementary = SupplementaryInputs(workflowPath: fixture("workflow/relion_betagal-tutorial.json"),
                                                    crossLinksPath: fixture("xlms/polii_xlinks.csv"), crossLinkChains: chains)
        let outcome = try ReportPipeline.run(request, sections: [InputData()])
        let w = try #require(outcome.document.sections["W"])
        #expect(w.status == .ok && !w.scored)
        #expect(w.metrics["steps"] == .int(33) && w.metrics["edges"] == .int(52))
        #expect(w.figures.first?.files["pdf"] != nil, "the workflow graph was not drawn")
        let oa = try #require(outcome.document.sections["O.a"])
        #expect(oa.status == .ok || oa.status == .warnings, "\(oa.reason ?? "")")
        #expect(oa.metrics["links"] == .int(157))
        let inModel = try #require(oa.metrics["links_in_model"]?.doubleValue)
        let notIn = try #require(oa.metrics["links_not_in_model"]?.doubleValue)
        #expect(inModel + notIn == 157 && inModel > 100)
        // Every link: SASD is a path around atoms, never shorter than the straight line (less the ≤ 1.8 Å of
        // rounding both Cα to grid points), and satisfied exactly when SASD ≤ 33 Å.
        for l in oa.metrics["per_link"]?.arrayValue ?? [] {
            let ca = l["ca_distance_A"]!.doubleValue!
            if let s = l["sasd_A"]?.doubleValue {
                #expect(s >= ca - 1.8)
                #expect(l["satisfied"] == .bool(s <= 33))
            } else { #expect(l["satisfied"] == .bool(false)) }
        }
        try expectValidAgainstSchema([out.appendingPathComponent("metrics.json")])
        let text = plainDigits(try pdfText(out.appendingPathComponent("report.pdf")))
        #expect(text.contains("Qualifier W: processing workflow") && text.contains("relion - 3D auto-refine #3"))
        #expect(text.contains("O.a Cross-linking mass spectrometry"))
        #expect(text.contains("\(Int(inModel)) in the model"))
    }

    @Test(.enabled(if: haveLaTeX)) func saxsOnLysozyme() throws {
        let out = try temporaryDirectory().appendingPathComponent("report")
        var request = ReportRequest(mapPath: map, threshold: 0.5, resolution: nil, modelPath: fixture("saxs/6lyz.pdb"),
                                    outputDirectory: out.path)
        request.supplementary = SupplementaryInputs(saxsPath: fixture("saxs/imp_lyzexp_nm.dat"))
        let outcome = try ReportPipeline.run(request, sections: [InputData()])
        let ob = try #require(outcome.document.sections["O.b"])
        #expect(ob.status == .ok && !ob.scored)
        let chi2 = try #require(ob.metrics["chi2"]?.doubleValue)
        let rg = try #require(ob.metrics["rg_data_A"]?.doubleValue)
        #expect(ob.metrics["q_unit_in_file"] == .string("nm⁻¹"))
        #expect(rg > 13.5 && rg < 16.5)
        #expect(outcome.document.score.evaluable == 0, "informative sections must not be scored")
        try expectValidAgainstSchema([out.appendingPathComponent("metrics.json")])
        let text = plainDigits(try pdfText(out.appendingPathComponent("report.pdf")))
        #expect(text.contains("O.b Small-angle X-ray scattering"))
        #expect(text.contains(printed(chi2)), "χ² \(printed(chi2)) not on the page")
        #expect(text.contains(printed(rg)))
    }
}
