// `emvalidate render OUTDIR`: refills the templates from OUTDIR/metrics.json and recompiles the PDF. Nothing
// is analysed and no map is read: the templates receive only what metrics.json holds (TemplateContext), and
// the figures already drawn in OUTDIR/figures are included as they are.
//
// Atomic like `report` (issue 17, point 4): OUTDIR is copied into a staging folder, report.tex and report.pdf
// are rebuilt there, and the result is swapped into place only when LaTeX succeeded; a failing template or
// LaTeX run leaves report.tex and report.pdf as they were (the failed attempt goes to `<OUTDIR>.latex-failed`).
import Foundation

public enum ReportRender {
    /// Rewrites OUTDIR/report.tex (and report.pdf when `makePDF`) from OUTDIR/metrics.json with the default
    /// templates overridden by `templatesDirectory`. Returns the document and the PDF written.
    @discardableResult
    public static func run(outputDirectory: String, templatesDirectory: String? = nil, makePDF: Bool = true,
                           latexTimeoutSeconds: Int = 300) throws -> (document: ReportDocument, pdf: URL?) {
        let templates: TemplateSet
        do { templates = try TemplateSet(overrideDirectory: templatesDirectory) }
        catch { throw ReportFailure.template("\(error)") }
        let dir = URL(fileURLWithPath: outputDirectory).standardizedFileURL
        let metricsURL = dir.appendingPathComponent("metrics.json")
        guard let data = FileManager.default.contents(atPath: metricsURL.path) else {
            throw ReportFailure.input("\(metricsURL.path) not found: OUTDIR must be a folder written by `emvalidate report`")
        }
        let doc: ReportDocument
        do { doc = try ReportDocument.decode(data) }
        catch { throw ReportFailure.input("\(metricsURL.path) is not a valid metrics.json: \(error)") }
        guard doc.schema == ReportDocument.schemaID else {
            throw ReportFailure.input("\(metricsURL.path): schema \(doc.schema), expected \(ReportDocument.schemaID)")
        }
        let tex: String
        do { tex = try ReportTeX.build(doc, templates: templates) }
        catch { throw ReportFailure.template("\(error)") }

        let folder: OutputFolder
        do { folder = try OutputFolder(final: dir, inputs: [templatesDirectory].compactMap { $0 }, mode: .update) }
        catch { throw ReportFailure.output("\(error)") }
        var committed = false
        defer { if !committed { folder.discard() } }
        do {
            try OutputWriting.write(Data(tex.utf8), to: folder.staging.appendingPathComponent("report.tex"),
                                    describedAs: folder.final.appendingPathComponent("report.tex").path)
        } catch { throw ReportFailure.output("\(error)") }
        var pdf: URL?
        if makePDF {
            do { try LatexCompiler.compile(directory: folder.staging, timeoutSeconds: latexTimeoutSeconds) }
            catch { throw ReportPipeline.failedLaTeX(error, folder) }
            pdf = folder.final.appendingPathComponent("report.pdf")
        }
        do { try folder.commit() } catch { throw ReportFailure.output("\(error)") }
        committed = true
        return (doc, pdf)
    }
}
