// `emvalidate render OUTDIR`: refills the templates from OUTDIR/metrics.json and recompiles the PDF. Nothing
// is analysed and no map is read: the templates receive only what metrics.json holds (TemplateContext), and
// the figures already drawn in OUTDIR/figures are included as they are.
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
        do { try Data(tex.utf8).write(to: dir.appendingPathComponent("report.tex"), options: .atomic) }
        catch { throw ReportFailure.output("cannot write \(dir.path)/report.tex: \(error.localizedDescription)") }
        guard makePDF else { return (doc, nil) }
        do {
            return (doc, try LatexCompiler.compile(directory: dir, timeoutSeconds: latexTimeoutSeconds))
        } catch { throw ReportFailure.latex("\(error)") }
    }
}
