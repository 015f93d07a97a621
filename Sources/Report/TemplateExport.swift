// Exports the default templates with a README describing the template language.
import DefaultTemplates
import Foundation

public enum TemplateExport {
    /// Writes every default template and README.md into `directory`; returns the files written.
    public static func export(to directory: String, overwrite: Bool) throws -> [String] {
        let fm = FileManager.default
        try fm.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var files = DefaultTemplates.files
        files["README.md"] = readme
        var written: [String] = []
        for (name, text) in files.sorted(by: { $0.key < $1.key }) {
            let path = (directory as NSString).appendingPathComponent(name)
            if fm.fileExists(atPath: path) && !overwrite {
                throw OutputError(message: "\(path) exists; pass --force to overwrite")
            }
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
            written.append(path)
        }
        return written
    }

    /// The README written beside the templates, generated from the variable catalogue
    /// (TemplateVariables) and the default frame's `\usepackage` lines, so it cannot drift from the code.
    public static var readme: String {
        var out = """
        # emvalidate report templates

        Copy this folder, edit any template, and pass `--templates DIR` to `emvalidate report` or
        `emvalidate render OUTDIR` (which refills the templates from OUTDIR/metrics.json without rerunning the
        analysis): a file in DIR replaces the default of the same name; files you leave out keep their default.
        A template syntax error, an unknown variable or an include of a missing template stops the run with
        the file and line (exit code 78).

        ## Language
        Mustache with `<<` and `>>` as delimiters (LaTeX is full of braces):
        - `<<name>>` prints a value escaped for LaTeX (titles, file names and warnings can contain any character);
        - `<<&name>>` prints a value unescaped (only for values emvalidate generates: figure paths, colours);
        - `<<#name>>…<</name>>` repeats for each item of a list, or prints once when a value is present or true;
        - `<<^name>>…<</name>>` prints when a value is absent, false or empty;
        - `<<> name>>` includes the template name.tex;
        - `<<a.b>>` looks up b inside a.
        Numbers are never computed in templates: every number comes from metrics.json, formatted.

        ## LaTeX packages loaded by the frame (document.tex)

        """
        out += "\n"
        for p in TemplateVariables.packages(inFrame: DefaultTemplates.files["document.tex"] ?? "") {
            out += "- \(p)\n"
        }
        out += "\n## Templates and the variables they receive\n"
        for name in DefaultTemplates.files.keys.sorted() {
            guard let scope = TemplateVariables.scope(of: name) else { continue }
            out += "\n### \(name)\n\(purpose(name))\nReceives the \(scope.rawValue) variables"
            switch scope {
            case .frame: out += " (the document variables, plus front, summary and body).\n"
            case .document: out += " (the document variables).\n"
            case .section: out += " (the document variables, plus the section variables).\n"
            case .figure: out += " (as a section, plus id, caption, label and path of the figure being included).\n"
            }
        }
        func table(_ title: String, _ vars: [TemplateVariables.Variable]) {
            out += "\n## \(title)\n\n| variable | meaning | item keys |\n|---|---|---|\n"
            for v in vars {
                out += "| `\(v.name)` | \(v.meaning.replacingOccurrences(of: "|", with: "\\|")) | \(v.itemKeys.joined(separator: ", ")) |\n"
            }
        }
        table("Document variables (every template)", TemplateVariables.document)
        table("Frame variables (document.tex only)", TemplateVariables.frame)
        table("Section variables (section-*.tex, status.tex, figure.tex)", TemplateVariables.section)
        out += "\nItems of `resolution_summary.estimates`: \(TemplateVariables.estimateKeys.joined(separator: ", ")).\n"
        out += "\nA section with id `0.a` uses `section-0a.tex` if it exists, otherwise `section-generic.tex`; "
        out += "a level heading `level-<level>.tex` is printed before the first section of each level.\n"
        return out
    }

    static func purpose(_ name: String) -> String {
        switch name {
        case "document.tex": return "The frame: packages, colours, header; places front, summary and body."
        case "front.tex": return "The front page."
        case "summary.tex": return "The summarised overall quality."
        case "status.tex": return "Partial: the status box ending every section."
        case "figure.tex": return "Partial: one figure."
        case "section-generic.tex": return "Any section without a template of its own: its metrics as a table, figures and status."
        default:
            if name.hasPrefix("level-") { return "Heading and introduction of Level \(name.dropFirst(6).dropLast(4).uppercased())." }
            if name.hasPrefix("section-") { return "Section \(name.dropFirst(8).dropLast(4))." }
            return ""
        }
    }
}
