// End-to-end for the workflow (W), cross-link (O.a) and SAXS (O.b) sections: real fixtures through the report
// pipeline (the map's own sections reduced to Input data to keep the run short), the PDF compiled, metrics.json
// valid against the schema, and the key numbers on the page.
import Analysis
import Foundation
import MapIO
import TechniqueIO
import Testing
import VolumeNumerics
import TestSupport
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
        // 33 steps do not fit one page at a legible size: the graph is drawn in parts, each no taller than a
        // page allows and at most the text's width (points, from the PDF files' page sizes).
        #expect(w.metrics["graph_parts"] == .int(w.figures.count) && w.figures.count > 1, "\(w.figures.map(\.id))")
        for f in w.figures {
            let pdf = String(decoding: try Data(contentsOf: out.appendingPathComponent(f.files["pdf"]!)), as: UTF8.self)
            let start = try #require(pdf.range(of: "/MediaBox [ 0 0 "), "\(f.id): no page size")
            let size = pdf[start.upperBound...].prefix { $0 != "]" }.split(separator: " ").compactMap { Double($0) }
            try #require(size.count == 2, "\(f.id): page size \(size)")
            let (width, height) = (size[0], size[1])
            #expect(height * min(1, 482 / width) <= 640 + 1e-6, "\(f.id): \(width) × \(height) pt")
        }
        let oa = try #require(outcome.document.sections["O.a"])
        #expect(oa.status == .ok || oa.status == .warnings, "\(oa.reason ?? "")")
        #expect(oa.metrics["links"] == .int(157))
        let inModel = try #require(oa.metrics["links_in_model"]?.doubleValue)
        let notIn = try #require(oa.metrics["links_not_in_model"]?.doubleValue)
        // Line 49, Rpb2 K606–K606 (two overlapping peptides; the authors give no distance), is not measured.
        #expect(oa.metrics["links_same_residue"] == .int(1) && oa.metrics["same_residue"]?.arrayValue?.first?["line"] == .int(49))
        #expect(inModel + notIn + 1 == 157 && inModel > 100)
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
        try expectNothingWiderThanThePage(out)
        #expect(text.contains("Qualifier W: processing workflow") && text.contains("relion - 3D auto-refine #3"))
        #expect(text.contains("O.a Cross-linking mass spectrometry"))
        #expect(text.contains("\(Int(inModel)) in the model, \(Int(notIn)) not, 1 from a residue to itself"))
        #expect(text.contains("Line 49 links Rpb2 606 to itself (not counted)."))
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
        try expectNothingWiderThanThePage(out)
        #expect(text.contains("O.b Small-angle X-ray scattering"))
        #expect(text.contains(printed(chi2)), "χ² \(printed(chi2)) not on the page")
        #expect(text.contains(printed(rg)))
    }
}

/// Level 5 end-to-end: two synthetic micrographs (noise, one with a dark disc of thick ice) written as MRC files,
/// a RELION-style coordinates STAR, through the pipeline and LaTeX.
@Suite(.serialized) struct MicrographReportTests {
    @Test(.enabled(if: haveLaTeX)) func micrographsAndScreening() throws {
        let dir = try temporaryDirectory()
        var rng = SplitMix64(seed: 5)
        let n = 512
        var star = "data_particles\n\nloop_\n_rlnMicrographName #1\n_rlnCoordinateX #2\n_rlnCoordinateY #3\n"
        var inDisc = 0
        for k in 1...2 {
            var px = [Float](repeating: 0, count: n * n)
            for y in 0..<n { for x in 0..<n {
                let dx = Double(x - 200), dy = Double(y - 260)
                // Micrograph 2: a disc of thick ice (radius 100 pixels), darker by 1.
                if k == 2, dx * dx + dy * dy < 10000 { px[x + n * y] -= 1 }
                px[x + n * y] += Float(rng.gaussian())
            } }
            let name = "mic\(k).mrc"
            try MRCWriter.write(Volume(nx: n, ny: n, nz: 1, data: px, voxelSize: SIMD3(4, 4, 4)),
                                to: dir.appendingPathComponent(name).path, labels: ["synthetic micrograph"])
            // A 6 × 6 grid of particles 70 pixels apart, from (60, 60).
            for gy in 0..<6 { for gx in 0..<6 {
                let x = 60 + 70 * gx, y = 60 + 70 * gy
                star += "Micrographs/\(name) \(x) \(y)\n"
                if k == 2, (x - 200) * (x - 200) + (y - 260) * (y - 260) < 10000 { inDisc += 1 }
            } }
        }
        let coords = dir.appendingPathComponent("particles.star")
        try Data(star.utf8).write(to: coords)
        let out = dir.appendingPathComponent("report")
        var request = ReportRequest(mapPath: repositoryRoot.appendingPathComponent("Fixtures/strudel/emd_6272.mrc").path,
                                    threshold: 0.5, resolution: nil, outputDirectory: out.path)
        request.supplementary.micrographs = dir.path + "/mic*.mrc"
        request.supplementary.coordinatesPath = coords.path
        request.supplementary.particleBoxPixels = 40
        let outcome = try ReportPipeline.run(request, sections: [InputData()])
        let m = try #require(outcome.document.sections["5.micrographs"])
        #expect(m.status == .ok && !m.scored)
        #expect(m.metrics["micrographs"] == .int(2) && m.metrics["pixel_size_A"] == .number(4))
        #expect(m.metrics["coordinates"] == .int(72) && m.metrics["particles_per_micrograph_max"] == .int(36))
        let a = try #require(outcome.document.sections["5.a"])
        #expect(a.metrics["coordinates"] == .int(72))
        // The grid's particles inside the disc (counted above) are flagged, none of the others (all ≥ 60 pixels
        // from the edge, box 40).
        #expect(a.metrics["flagged"] == .int(inDisc), "flagged \(String(describing: a.metrics["flagged"])), in the disc \(inDisc)")
        #expect(a.status == (Double(inDisc) / 72 > 0.2 ? .warnings : .ok))
        // The overlay shows the micrograph with the flagged coordinates, not merely the first one.
        let overlay = try #require(a.figures.first { $0.id == "5a_screening_overlay" })
        #expect(overlay.caption.hasPrefix("Screening of mic2.mrc, the micrograph with the most flagged coordinates (\(inDisc) of 36)"), "\(overlay.caption)")
        try expectValidAgainstSchema([out.appendingPathComponent("metrics.json")])
        let text = plainDigits(try pdfText(out.appendingPathComponent("report.pdf")))
        try expectNothingWiderThanThePage(out)
        #expect(text.contains("Level 5: micrographs and particle coordinates") && text.contains("5.a Micrograph screening"))
        #expect(text.contains("\(inDisc) of 72 coordinates"))
    }
}
