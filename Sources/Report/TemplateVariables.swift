// The catalogue of variables the templates receive (built by TemplateContext and ReportTeX), and the check
// that a template names only those: every tag's first name component must be a variable of the template's
// scope or a key of a list it is inside. Names under `m.` (section metrics) vary by section and are not
// checked, nor is anything inside a block opened on an `m.` name.
//
// ReportTests check that TemplateContext produces exactly these keys, so the catalogue, the exported README
// (generated from it) and the check cannot drift from the code.
import Foundation

public enum TemplateVariables {
    public struct Variable: Sendable {
        public let name: String
        public let meaning: String
        /// Keys of each item when the variable is a list (or an object entered with `<<#name>>`).
        public let itemKeys: [String]
        init(_ name: String, _ meaning: String, items: [String] = []) {
            self.name = name; self.meaning = meaning; self.itemKeys = items
        }
    }

    static let figureKeys = ["id", "caption", "label", "path"]

    /// Values every template receives (TemplateContext.document).
    public static let document: [Variable] = [
        .init("title", "title given with --title or from the EMDB entry (absent if none)"),
        .init("emdb_id", "EMDB id (absent if none)"),
        .init("pdb_id", "PDB id of the model (absent if none)"),
        .init("authors", "authors (absent if none)"),
        .init("map_file", "file name of the map"),
        .init("map_sha256", "SHA-256 of the map file"),
        .init("threshold", "contour threshold T, formatted"),
        .init("resolution", "reported resolution in Å, formatted (absent if not reported)"),
        .init("generated_date", "date of the run, YYYY-MM-DD"),
        .init("generated_utc", "time of the run, ISO 8601 UTC"),
        .init("tool_version", "emvalidate version"),
        .init("score_passed", "sections passed"),
        .init("score_evaluable", "sections that could be evaluated"),
        .init("levels_present", "levels with evaluated sections, e.g. \"0, 1\""),
        .init("status_rows", "one row per section", items: ["id", "title", "reference", "status_text", "status_color", "scored"]),
        .init("warning_sentences", "one sentence per section with warnings", items: ["text"]),
        .init("failed_sentences", "one sentence per section that could not be measured", items: ["text"]),
        .init("all_warnings", "every warning", items: ["section", "text"]),
        .init("has_warnings", "true if any section has warnings"),
        .init("resolution_summary", "range and mean of all resolution estimates (absent if none)",
              items: ["count", "min_A", "max_A", "mean_A", "estimates", "overestimated", "limit_A"]),
        .init("skipped_sections", "sections left out with --sections/--skip, as \"0.e Local resolution; …\" (absent if none)"),
        .init("report_kind", "\"Public data-based report\" (report --emdb) or \"User data-based report\""),
        .init("is_public_data", "true for a report of an EMDB entry fetched from the archive"),
        .init("threshold_source", "where the contour threshold came from (the entry or --threshold)"),
        .init("resolution_source", "where the reported resolution came from (absent if not reported)"),
        .init("deposition_date", "deposition date of the EMDB entry, YYYY-MM-DD (absent if none)"),
        .init("fitted_pdb_ids", "every PDB id fitted to the entry, e.g. \"1MI6, 1MVR\" (absent if none)"),
        .init("header_sha256", "SHA-256 of the entry's header XML (public data only)"),
        .init("absent_inputs", "inputs the archive did not provide, one sentence each (absent if none)"),
    ]

    /// Keys of `resolution_summary.estimates` items.
    static let estimateKeys = ["section", "name", "value_A"]

    /// Values only the frame (document.tex) receives (ReportTeX.build).
    public static let frame: [Variable] = [
        .init("front", "the filled front.tex (print with <<&front>>)"),
        .init("summary", "the filled summary.tex (print with <<&summary>>)"),
        .init("body", "every level heading and section, filled (print with <<&body>>)"),
    ]

    /// Values a section template receives in addition to the document values (TemplateContext.section).
    public static let section: [Variable] = [
        .init("id", "section id, e.g. 0.a"),
        .init("slug", "id without punctuation, e.g. 0a (for labels)"),
        .init("title", "section title"),
        .init("level", "level of the section, e.g. 0"),
        .init("reference", "literature reference of the method"),
        .init("status_text", "status as printed (OK, 2 warnings, …)"),
        .init("status_color", "colour name of the status (print with <<&status_color>>)"),
        .init("is_ok", "status is ok"),
        .init("has_warnings", "status is warnings"),
        .init("is_not_applicable", "the section does not apply"),
        .init("is_failed", "the section could not be measured"),
        .init("is_evaluated", "ok or warnings"),
        .init("reason", "why the section does not apply or failed (absent otherwise)"),
        .init("scored", "whether the section counts in the score"),
        .init("warnings", "the section's warnings", items: ["text"]),
        .init("m", "the section's metrics from metrics.json, formatted: m.key; triples as m.key.x/.y/.z/.text; lists of objects as lists (with index)"),
        .init("fig", "figures by id: fig.<id>.path, .caption, .label", items: figureKeys),
        .init("figures", "the section's figures in order", items: figureKeys),
        .init("metric_rows", "every printable metric", items: ["name", "value"]),
        .init("one", "one.key is true when the metric key is the integer 1, so that a template can choose a singular word"),
    ]

    /// The scope of a template file: the variables it receives.
    public enum Scope: String, Sendable {
        case frame, document, section, figure
        /// Variables available at the top of a template of this scope.
        public var variables: [Variable] {
            switch self {
            case .frame: return TemplateVariables.document + TemplateVariables.frame
            case .document: return TemplateVariables.document
            case .section: return TemplateVariables.document + TemplateVariables.section
            case .figure:
                return TemplateVariables.document + TemplateVariables.section
                    + TemplateVariables.figureKeys.map { Variable($0, "of the figure being included") }
            }
        }
    }

    /// The scope of a template by its file name; nil for files we do not know (user partials: not checked
    /// against one scope but against every known name).
    public static func scope(of file: String) -> Scope? {
        switch file {
        case "document.tex": return .frame
        case "front.tex", "summary.tex": return .document
        case "figure.tex": return .figure
        case "status.tex", "section-generic.tex": return .section
        default:
            if file.hasPrefix("level-") { return .document }
            if file.hasPrefix("section-") { return .section }
            return nil
        }
    }

    /// Every name a template can use somewhere (for files without a known scope).
    static var allNames: Set<String> {
        var s = Set((document + frame + section).map(\.name))
        for v in document + section { s.formUnion(v.itemKeys) }
        s.formUnion(estimateKeys)
        return s
    }

    /// Item keys available inside a block opened on `name`.
    static func itemKeys(forBlock name: String) -> [String] {
        let first = String(name.split(separator: ".").first ?? "")
        if first == "fig" { return figureKeys }
        if name == "resolution_summary.estimates" || name == "estimates" { return estimateKeys }
        return (document + section).first { $0.name == name }?.itemKeys ?? []
    }

    /// A tag of a template: its kind (`#`, `^`, `/`, `&`, `>`, `!`, `=` or "" for a plain value), name and line.
    struct Tag { let kind: String; let name: String; let line: Int }

    /// The `<< … >>` tags of `text` with their 1-based line numbers.
    static func tags(_ text: String) -> [Tag] {
        var out: [Tag] = []
        var line = 1
        let scalars = Array(text.unicodeScalars)
        var i = 0
        while i < scalars.count {
            if scalars[i] == "\n" { line += 1; i += 1; continue }
            if scalars[i] == "<", i + 1 < scalars.count, scalars[i + 1] == "<" {
                var j = i + 2
                var inner = String.UnicodeScalarView()
                var lineAtEnd = line
                while j + 1 < scalars.count, !(scalars[j] == ">" && scalars[j + 1] == ">") {
                    if scalars[j] == "\n" { lineAtEnd += 1 }
                    inner.append(scalars[j]); j += 1
                }
                guard j + 1 < scalars.count else { break }
                var body = String(inner).trimmingCharacters(in: .whitespaces)
                var kind = ""
                if let c = body.first, "#^/&>!=".contains(c) {
                    kind = String(c); body = String(body.dropFirst()).trimmingCharacters(in: .whitespaces)
                }
                out.append(Tag(kind: kind, name: body, line: line))
                line = lineAtEnd
                i = j + 2
                continue
            }
            i += 1
        }
        return out
    }

    /// Checks that every tag of `text` (template `file`, read from `origin`) names a variable it receives and
    /// that every included partial exists in `available`.
    public static func check(file: String, origin: String, text: String, available: Set<String>) throws {
        let scope = scope(of: file)
        let top = Set((scope?.variables ?? []).map(\.name))
        var stack: [(name: String, keys: Set<String>, wildcard: Bool)] = []
        for tag in tags(text) {
            switch tag.kind {
            case "!", "=": continue
            case ">":
                let partial = tag.name.hasSuffix(".tex") ? tag.name : tag.name + ".tex"
                guard available.contains(partial) else {
                    throw TemplateError(file: origin, line: tag.line,
                                        message: "includes “\(tag.name)”, but there is no template \(partial)")
                }
                continue
            case "/":
                if let k = stack.lastIndex(where: { $0.name == tag.name }) { stack.removeSubrange(k...) }
                continue
            default: break
            }
            let name = tag.name
            let first = String(name.split(separator: ".").first ?? "")
            let wildcard = stack.contains { $0.wildcard }
            if !(name == "." || wildcard || first == "m") {
                let known = scope == nil ? allNames.contains(first)
                    : top.contains(first) || stack.contains { $0.keys.contains(first) }
                if !known {
                    let listed = scope.map { " (\($0.rawValue) templates receive: " + $0.variables.map(\.name).joined(separator: ", ") + ")" } ?? ""
                    throw TemplateError(file: origin, line: tag.line, message: "unknown variable “\(name)”\(listed)")
                }
            }
            if tag.kind == "#" || tag.kind == "^" {
                stack.append((name, Set(itemKeys(forBlock: name)), first == "m" || wildcard))
            }
        }
    }

    /// The LaTeX packages a frame template loads (its `\usepackage` lines), e.g. "hyperref", "xcolor [table]".
    public static func packages(inFrame text: String) -> [String] {
        var out: [String] = []
        let pattern = #"\\usepackage(\[[^\]]*\])?\{([^}]*)\}"#
        guard let re = try? NSRegularExpression(pattern: pattern) else { return [] }
        for line in text.components(separatedBy: "\n") where !line.trimmingCharacters(in: .whitespaces).hasPrefix("%") {
            let ns = line as NSString
            for m in re.matches(in: line, range: NSRange(location: 0, length: ns.length)) {
                let opts = m.range(at: 1).location == NSNotFound ? "" : " " + ns.substring(with: m.range(at: 1))
                for p in ns.substring(with: m.range(at: 2)).split(separator: ",") {
                    out.append(p.trimmingCharacters(in: .whitespaces) + opts)
                }
            }
        }
        return out
    }
}
