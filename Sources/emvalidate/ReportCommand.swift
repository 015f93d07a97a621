// `emvalidate report MAP --threshold T [--resolution R] … -o OUTDIR`
import Analysis
import ArgumentParser
import Foundation
import Report

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Analyse a map and write OUTDIR/report.pdf, report.tex, figures/ and metrics.json.",
        discussion: """
        The output folder is written atomically: it appears only when the report is complete. An existing \
        folder is replaced only if it holds an earlier report.

        Example:
          emvalidate report emd_1234.map --threshold 0.02 --resolution 3.2 --emdb-id EMD-1234 -o out/emd_1234
        """)

    @Argument(help: "The map (MRC/CCP4, optionally .gz or .bz2).")
    var map: String

    // Value options take the next argument whatever it looks like, so that `--threshold -0.1` and
    // `--title "-ish"` work (a normalised map's contour level is often negative).
    @Option(name: .long, parsing: .unconditional,
            help: "Contour threshold T, in map units (the recommended contour level; may be negative).",
            transform: { try NumberArgument.finite($0) })
    var threshold: Double

    @Option(name: .long, parsing: .unconditional,
            help: "Reported resolution R, in Å (between 2 × the voxel size and 1000 Å).",
            transform: { try NumberArgument.finite($0) })
    var resolution: Double?

    @Option(name: .long, parsing: .unconditional, help: "First half map (Level 1); needs --half2.")
    var half1: String?

    @Option(name: .long, parsing: .unconditional, help: "Second half map (Level 1); needs --half1.")
    var half2: String?

    @Option(name: .long, parsing: .unconditional, help: "Atomic model fitted to the map, PDB or mmCIF, optionally gzipped (Level A).")
    var model: String?

    @Option(name: .long, parsing: .unconditional, help: "Title on the front page.")
    var title: String?

    @Option(name: .customLong("emdb-id"), parsing: .unconditional, help: "EMDB entry id, e.g. EMD-1234.")
    var emdbID: String?

    @Option(name: .customLong("pdb-id"), parsing: .unconditional, help: "PDB id of the fitted model, e.g. 1ABC.")
    var pdbID: String?

    @Option(name: .long, parsing: .unconditional, help: "Authors, as printed on the front page.")
    var authors: String?

    @Option(name: .shortAndLong, parsing: .unconditional, help: "Output folder.")
    var output: String

    @Option(name: .long, parsing: .unconditional, help: "Folder of templates overriding the defaults file by file (see `emvalidate templates export`).")
    var templates: String?

    @Flag(name: .customLong("no-pdf"), help: "Write report.tex, figures and metrics.json but do not run LaTeX.")
    var noPDF = false

    @Option(name: .customLong("latex-timeout"), help: "Time limit for LaTeX, in seconds.")
    var latexTimeout: Int = 300

    @Flag(name: .shortAndLong, help: "No progress output on stderr.")
    var quiet = false

    func validate() throws {
        guard threshold.isFinite else { throw ValidationError("--threshold must be a finite number, got \(threshold)") }
        if let r = resolution {
            guard r.isFinite, r > 0, r < 1000 else {
                throw ValidationError("--resolution must be a resolution in Å between 0 and 1000, got \(r)")
            }
        }
        guard (half1 == nil) == (half2 == nil) else {
            throw ValidationError("--half1 and --half2 go together: give both half maps or neither")
        }
        guard latexTimeout > 0 else { throw ValidationError("--latex-timeout must be positive") }
    }

    func run() throws {
        let request = ReportRequest(
            mapPath: map, threshold: threshold, resolution: resolution, half1Path: half1, half2Path: half2,
            modelPath: model, title: title, emdbID: emdbID,
            pdbID: pdbID, authors: authors, outputDirectory: output, templatesDirectory: templates,
            makePDF: !noPDF, commandLine: CommandLine.arguments, latexTimeoutSeconds: latexTimeout)
        let quiet = self.quiet
        do {
            let outcome = try ReportPipeline.run(request,
                                                 progress: { if !quiet { Stderr.print($0) } })
            let s = outcome.document.score
            if !quiet {
                Stderr.print("Score: \(s.passed) out of \(s.evaluable) evaluable items. Report: \(outcome.pdf?.path ?? outcome.outputDirectory.path)")
            }
        } catch let failure as ReportFailure {
            Stderr.print("emvalidate: error: \(failure)")
            throw ExitCode(failure.exitCode)
        }
    }
}

enum Stderr {
    static func print(_ line: String) {
        // Control characters from file names and flags are escaped: one message, one line (TerminalText).
        FileHandle.standardError.write(Data((TerminalText.escaped(line) + "\n").utf8))
    }
}
