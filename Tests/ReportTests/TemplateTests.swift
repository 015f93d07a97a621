import DefaultTemplates
import Foundation
import Testing
@testable import Report

@Suite struct TemplateTests {
    @Test func everyTemplateFileIsEmbedded() throws {
        let dir = repositoryRoot.appendingPathComponent("Templates/tex")
        let onDisk = Set(try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".tex") })
        #expect(onDisk == Set(DefaultTemplates.files.keys), "Templates/tex and DefaultTemplates.swift disagree")
        for name in onDisk {
            let text = try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
            #expect(DefaultTemplates.files[name] == text, "\(name) differs from its embedded copy")
        }
    }

    @Test func overrideReplacesOneTemplateAndKeepsTheOthers() throws {
        let dir = try temporaryDirectory()
        try Data("CUSTOM <<title>>".utf8).write(to: dir.appendingPathComponent("front.tex"))
        let set = try TemplateSet(overrideDirectory: dir.path)
        #expect(try set.render("front.tex", ["title": "a_b"]) == "CUSTOM a\\_b")
        #expect(set.origins["summary.tex"] == "default")
    }

    @Test func syntaxErrorNamesFileAndLine() throws {
        let dir = try temporaryDirectory()
        try Data("line one\nline two\n<</never>> closed without opening\nline four\n".utf8).write(to: dir.appendingPathComponent("summary.tex"))
        do {
            _ = try TemplateSet(overrideDirectory: dir.path)
            Issue.record("a broken template was accepted")
        } catch let e as TemplateError {
            #expect(e.file.hasSuffix("summary.tex"))
            #expect(e.line == 3, "line \(String(describing: e.line)) reported: \(e)")
        }
    }

    @Test func numbersAreFormattedForReading() {
        #expect(NumberText.format(4885) == "4885")
        #expect(NumberText.format(-0.014428) == "\u{2212}0.01443")
        #expect(NumberText.format(21.5432) == "21.54")
        #expect(NumberText.format(2187.49) == "2187")
        #expect(NumberText.format(5.733e-5) == "5.733×10⁻⁵")
        #expect(NumberText.format(.nan) == "n/a")
        #expect(NumberText.format(0.143) == "0.143")   // no trailing zeros: only significant digits
        #expect(NumberText.format(21.5) == "21.5")
        #expect(NumberText.format(2e-5) == "2×10⁻⁵")
    }

    @Test func roundedMetricsPrintAtTheirPrecision() {
        #expect(NumberText.rounded(0.005886, decimals: 2) == 0.01)
        #expect(NumberText.rounded(-0.007914, decimals: 2) == -0.01)
        #expect(NumberText.format(NumberText.rounded(-3.565e-4, decimals: 2)) == "0")   // not "−0" nor 10⁻⁴
        // Stored as +0: JSON would write "-0" into metrics.json (it did for 2.a's shifts).
        #expect(NumberText.rounded(-3.565e-4, decimals: 2).sign == .plus && NumberText.rounded(-0.04, decimals: 1).sign == .plus)
        #expect(NumberText.format(NumberText.rounded(1.2449, decimals: 2)) == "1.24")
        #expect(NumberText.format(NumberText.rounded(-2.344e3, decimals: -1)) == "\u{2212}2340")
    }

    @Test func scoreCountsOkOutOfEvaluatedScoredSections() {
        func rec(_ s: Analysis.SectionStatus, scored: Bool = true) -> ReportDocument.SectionRecord {
            .init(title: "t", level: "0", reference: "", status: s, warnings: s == .warnings ? ["w"] : [], reason: nil,
                  scored: scored, metrics: [:], figures: [])
        }
        let score = ReportDocument.Score.of([rec(.ok), rec(.warnings), rec(.warnings), rec(.notApplicable),
                                             rec(.failed), rec(.ok, scored: false)])
        #expect(score == .init(passed: 1, evaluable: 3))
    }
}

import Analysis
