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

    static let readme = """
    # emvalidate report templates

    Copy this folder, edit any template, and pass `--templates DIR` to `emvalidate report`: a file in DIR
    replaces the default of the same name; files you leave out keep their default.

    ## Language
    Mustache with `<<` and `>>` as delimiters (LaTeX is full of braces):
    - `<<name>>` prints a value escaped for LaTeX (titles, file names and warnings can contain any character);
    - `<<&name>>` prints a value unescaped (only for values emvalidate generates: figure paths, colours);
    - `<<#name>>…<</name>>` repeats for each item of a list, or prints once when a value is present or true;
    - `<<^name>>…<</name>>` prints when a value is absent, false or empty;
    - `<<> name>>` includes the template name.tex;
    - `<<a.b>>` looks up b inside a.

    ## Files
    - document.tex: the frame (packages, colours, header) placing `front`, `summary` and `body`.
    - front.tex, summary.tex: the front page and the summarised overall quality.
    - level-0.tex: heading and introduction of Level 0.
    - section-<id>.tex: one section, e.g. section-0a.tex for 0.a; a section without its own template uses
      section-generic.tex (a table of its metrics).
    - status.tex, figure.tex: partials used by every section.

    ## Values
    Every template receives the document values: title, emdb_id, pdb_id, authors, map_file, map_sha256,
    threshold, resolution (absent when not reported), generated_date, tool_version, score_passed,
    score_evaluable, levels_present, status_rows, warning_sentences, failed_sentences, all_warnings, has_warnings.
    A section template also receives: id, slug, title, level, reference, status_text, status_color, is_ok,
    has_warnings, is_not_applicable, is_failed, is_evaluated, reason, warnings (each with text), m (the section's
    metrics from metrics.json, formatted: numbers as text, [x, y, z] triples as m.key.x / .y / .z / .text, lists
    of objects as lists), fig (figures by id: path, caption, label), figures (the same, in order), metric_rows.
    Numbers are never computed in templates: every number comes from metrics.json.
    """
}
