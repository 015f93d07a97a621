// A count of one prints with a singular noun ("1 stack", "1 connected component"), any other with the plural.
import Analysis
import Foundation
import Testing
@testable import Report

@Suite struct SingularCountTests {
    func record(_ metrics: [String: JSONValue]) -> ReportDocument.SectionRecord {
        ReportDocument.SectionRecord(title: "Particles", level: "4", reference: "", status: .ok, warnings: [],
                                     reason: nil, scored: false, metrics: metrics, figures: [])
    }

    @Test func oneIsSetForIntegerOnesOnly() {
        let c = TemplateContext.section(id: "4.particles", record(["stacks": .int(1), "particles": .int(12),
                                                                   "fraction": .number(1), "name": .string("1")]))
        let one = c["one"] as? [String: Bool]
        #expect(one == ["stacks": true], "\(String(describing: one))")
    }

    @Test func templatesChooseTheSingular() throws {
        let templates = try TemplateSet()
        let single = try templates.render("section-4particles.tex", TemplateContext.section(id: "4.particles",
            record(["particles": .int(3000), "stacks": .int(1)])))
        #expect(single.contains("3000 in 1 stack \\\\"), "\(single)")
        let several = try templates.render("section-4particles.tex", TemplateContext.section(id: "4.particles",
            record(["particles": .int(3000), "stacks": .int(15)])))
        #expect(several.contains("3000 in 15 stacks \\\\"), "\(several)")
        let mask = try templates.render("section-0b.tex", TemplateContext.section(id: "0.b",
            record(["n_components": .int(1), "components_to_95pct": .int(1), "remaining_count": .int(1)])))
        let flat = mask.replacingOccurrences(of: "\n", with: " ")
        #expect(flat.contains("1 connected component,") && flat.contains("(1 component)")
                && flat.contains("The remaining 1 component has on average"), "\(flat)")
    }
}
