// Fault isolation: an error thrown inside one section (injected here) makes that section "failed" with its
// message, while the other sections, the score, metrics.json and the PDF are still produced.
import Analysis
import Foundation
import MapIO
import Report
import Testing
import TestSupport

/// A section that fails with an error that is not a SectionError (as a bug would), with LaTeX specials
/// in its message.
struct InjectedFaultSection: Section {
    struct Fault: Error, CustomStringConvertible {
        var description: String { "injected fault: index 7 out of range 0..<5 in \\write18{x} 100%_#" }
    }
    var id: String { "0.z" }
    var title: String { "Injected fault" }
    func run(_ context: AnalysisContext) throws -> SectionResult { throw Fault() }
}

@Suite(.serialized) struct FaultIsolationTests {
    @Test func oneFailingSectionDoesNotStopTheReport() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let mapPath = dir.appendingPathComponent("blob.mrc").path
        try MRCWriter.write(blobVolume(32), to: mapPath, labels: ["fault isolation test"])
        let sections: [any Section] = [InputData(), MassCentering(), InjectedFaultSection(), MaskAnalysis(),
                                       BackgroundAnalysis()]
        let out = dir.appendingPathComponent("report")
        let request = ReportRequest(mapPath: mapPath, threshold: 0.3, resolution: 4, outputDirectory: out.path,
                                    makePDF: haveLaTeX, latexTimeoutSeconds: 180)
        let outcome = try ReportPipeline.run(request, sections: sections)
        let doc = outcome.document
        #expect(doc.order == ["input", "0.a", "0.z", "0.b", "0.c"], "order \(doc.order)")
        let injected = try #require(doc.sections["0.z"])
        #expect(injected.status == .failed)
        #expect(injected.reason == InjectedFaultSection.Fault().description, "reason \(injected.reason ?? "nil")")
        for id in ["input", "0.a", "0.b", "0.c"] {
            let s = try #require(doc.sections[id])
            #expect(s.status == .ok || s.status == .warnings, "\(id) is \(s.status): \(s.reason ?? "")")
            #expect(!s.metrics.isEmpty, "\(id) has no metrics")
        }
        // SPEC "Score": ok out of ok-or-warnings among scored sections; the failed one is left out, and the
        // four others (input data is not scored) still count.
        let scored = doc.sections.values.filter { $0.scored && ($0.status == .ok || $0.status == .warnings) }
        #expect(scored.count == 3, "scored evaluable sections: \(scored.count), expected 0.a, 0.b, 0.c")
        let passed = scored.filter { $0.status == .ok }.count
        #expect(doc.score.evaluable == scored.count, "evaluable \(doc.score.evaluable), expected \(scored.count)")
        #expect(doc.score.passed == passed, "passed \(doc.score.passed), expected \(passed)")
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("metrics.json").path))
        if haveLaTeX {
            let pdf = try #require(outcome.pdf)
            let text = try pdfText(pdf)
            #expect(text.contains("injected fault: index 7 out of range 0..<5 in \\write18{x} 100%_#"),
                    "the failure reason is not shown literally")
            #expect(text.contains("Injected fault"))
        }
    }
}
