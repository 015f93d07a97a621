// `emvalidate templates export DIR`: writes the default templates so that users can adapt them.
import ArgumentParser
import Foundation
import Report

struct TemplatesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "templates",
        abstract: "Work with the LaTeX templates of the report.",
        subcommands: [Export.self])

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the default templates to DIR; edit them and pass --templates DIR to `report`.")

        @Argument(help: "Folder to write the templates to (created if missing).")
        var directory: String

        @Flag(help: "Overwrite templates that already exist in DIR.")
        var force = false

        func run() throws {
            do {
                let written = try TemplateExport.export(to: directory, overwrite: force)
                Stderr.print("Wrote \(written.count) files to \(directory)")
            } catch {
                Stderr.print("emvalidate: error: \(error)")
                throw ExitCode(73)
            }
        }
    }
}
