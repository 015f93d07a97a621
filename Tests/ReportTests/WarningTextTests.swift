// Warnings and reasons print as sentences, whichever way a section worded them; metrics.json keeps the text.
import Analysis
import Foundation
import Testing
@testable import Report

@Suite struct WarningTextTests {
    @Test func sentencesGetACapitalAndAFullStop() {
        #expect(TemplateContext.sentence("the reported resolution 3 Å is better than 3.985 Å") == "The reported resolution 3 Å is better than 3.985 Å.")
        #expect(TemplateContext.sentence("The map may carry an offset.") == "The map may carry an offset.")
        #expect(TemplateContext.sentence("is it? ") == "Is it?")
        // A symbol, digit or flag at the start is left as it is.
        #expect(TemplateContext.sentence("SCF* = 0.13 < 0.5: the distribution attenuates") == "SCF* = 0.13 < 0.5: the distribution attenuates.")
        #expect(TemplateContext.sentence("--voltage 300 differs (classes 1, 2)") == "--voltage 300 differs (classes 1, 2).")
        #expect(TemplateContext.sentence("12 % of the particles moved") == "12 % of the particles moved.")
        #expect(TemplateContext.sentence("σ is 0") == "σ is 0.")
        #expect(TemplateContext.sentence("the rods prefer neither hand (p = 0.49)", capitalised: false) == "the rods prefer neither hand (p = 0.49).")
        #expect(TemplateContext.sentence("") == "")
    }

    @Test func sectionAndSummaryPrintWarningsAsSentences() throws {
        let record = ReportDocument.SectionRecord(title: "Sampling compensation factor", level: "4", reference: "", status: .warnings,
                                                  warnings: ["SCF* = 0.1296 < 0.5: the orientation distribution seriously attenuates the resolution",
                                                             "the reported resolution 3 Å is better than 3.985 Å"],
                                                  reason: nil, scored: true, metrics: [:], figures: [])
        let status = try TemplateSet().render("status.tex", TemplateContext.section(id: "4.h", record))
        #expect(status.contains("seriously attenuates the resolution."), "\(status)")
        #expect(status.contains("The reported resolution 3~\\AA{} is better") || status.contains("The reported resolution 3 Å is better"), "\(status)")
        let failed = ReportDocument.SectionRecord(title: "Hand", level: "0", reference: "", status: .failed, warnings: [],
                                                  reason: "the rods prefer neither hand", scored: true, metrics: [:], figures: [])
        let failedStatus = try TemplateSet().render("status.tex", TemplateContext.section(id: "0.h", failed))
        #expect(failedStatus.contains("The rods prefer neither hand."), "\(failedStatus)")
    }
}
