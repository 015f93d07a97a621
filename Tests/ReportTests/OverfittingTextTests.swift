// 4.f's text about the working sampling: the R/3 rule is named only when a resolution set it.
import Analysis
import Foundation
import Testing
@testable import Report

@Suite struct OverfittingTextTests {
    func text(finestPixelA: Double?) throws -> String {
        let metrics: [String: JSONValue] = [
            "curve": .array([]), "particles_used": .int(500), "particles_total": .int(500),
            "box": .int(256), "pixel_size_A": .number(1.25), "particle_box": .int(320), "particle_pixel_size_A": .number(1),
            "resampled": .bool(true), "max_box": .int(256), "finest_pixel_A": finestPixelA.map { .number($0) } ?? .null,
            "nyquist_A": .number(2.5), "box_A": .number(320),
        ]
        let record = ReportDocument.SectionRecord(title: "Overfitting detection", level: "4", reference: "", status: .ok,
                                                  warnings: [], reason: nil, scored: true, metrics: metrics, figures: [])
        return try TemplateSet().render("section-4f.tex", TemplateContext.section(id: "4.f", record))
            .replacingOccurrences(of: "\n", with: " ")
    }

    @Test func croppingTextNamesTheResolutionRuleOnlyWithAResolution() throws {
        let withR = try text(finestPixelA: 1.1)
        #expect(withR.contains("to a pixel no finer than 1.1~\\AA{} (a third of the map's resolution) and to a box of at most 256 pixels"), "\(withR)")
        let withoutR = try text(finestPixelA: nil)
        #expect(withoutR.contains("over the same field of view, to a box of at most 256 pixels"), "\(withoutR)")
        #expect(!withoutR.contains("a third of"), "\(withoutR)")
    }
}
