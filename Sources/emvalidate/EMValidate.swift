// The `emvalidate` command.
//
// Exit codes (sysexits.h): 0 report written (sections may still be "could not be measured");
// 64 invalid arguments; 65 the map (or another input) is unreadable or invalid; 70 LaTeX failed (OUTDIR is
// unchanged; report.tex, metrics.json, figures and the log are kept in OUTDIR.latex-failed); 73 the output
// folder cannot be written (refused, locked, or no space left); 78 a template is invalid; 69 (`report --emdb`)
// an archive file cannot be fetched (404, offline, still incomplete after the retries).
// `batch` exits 65 when any row failed (the other rows are written).
import ArgumentParser
import Foundation

@main
struct EMValidate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "emvalidate",
        abstract: "Validate a cryo-EM density map and write a PDF validation report with metrics.json.",
        discussion: """
        Exit codes: 0 success; 64 invalid arguments; 65 unreadable or invalid input; 70 LaTeX failed \
        (OUTDIR unchanged, the attempt kept in OUTDIR.latex-failed); 69 archive file unavailable (--emdb: not found, offline); 73 output folder cannot be written; \
        78 invalid template.
        """,
        version: "0.1.0",
        subcommands: [ReportCommand.self, RenderCommand.self, FiguresCommand.self, BatchCommand.self,
                      TemplatesCommand.self],
        defaultSubcommand: nil)
}
