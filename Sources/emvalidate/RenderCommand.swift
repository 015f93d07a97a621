// `emvalidate render OUTDIR [--templates DIR]`: refill the templates from metrics.json and recompile the PDF.
import ArgumentParser
import Foundation
import Report

struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Rebuild OUTDIR/report.tex and report.pdf from OUTDIR/metrics.json; no analysis, no map read.",
        discussion: """
        Use it after editing templates (see `emvalidate templates export`) or after `emvalidate figures`.

        Example:
          emvalidate templates export my-templates
          (edit my-templates/section-0a.tex)
          emvalidate render out/emd_1234 --templates my-templates
        """)

    @Argument(help: "A folder written by `emvalidate report`.")
    var outdir: String

    @Option(name: .long, help: "Folder of templates overriding the defaults file by file.")
    var templates: String?

    @Flag(name: .customLong("no-pdf"), help: "Write report.tex only; do not run LaTeX.")
    var noPDF = false

    @Option(name: .customLong("latex-timeout"), help: "Time limit for LaTeX, in seconds.")
    var latexTimeout: Int = 300

    @Flag(name: .shortAndLong, help: "No progress output on stderr.")
    var quiet = false

    func validate() throws {
        guard latexTimeout > 0 else { throw ValidationError("--latex-timeout must be positive") }
    }

    func run() throws {
        let t0 = Date()
        Interruption.install()
        do {
            let r = try ReportRender.run(outputDirectory: outdir, templatesDirectory: templates, makePDF: !noPDF,
                                         latexTimeoutSeconds: latexTimeout)
            if !quiet {
                Stderr.print(String(format: "Rendered %@ from metrics.json in %.2f s (no map read).",
                                    r.pdf?.path ?? (outdir as NSString).appendingPathComponent("report.tex"),
                                    Date().timeIntervalSince(t0)))
            }
        } catch let failure as ReportFailure {
            Stderr.print("emvalidate: error: \(failure)")
            throw ExitCode(failure.exitCode)
        }
    }
}
