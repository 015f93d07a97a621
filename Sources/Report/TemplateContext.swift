// The values the templates receive, built from metrics.json (ReportDocument) alone: numbers are formatted
// here (NumberText) and strings are plain text that the template engine escapes for LaTeX.
// Keys are documented for template authors by `TemplateContext.variableDocumentation`.
import Analysis
import Foundation

public enum TemplateContext {
    /// A warning or reason as the report prints it: a sentence with a capital first letter and a full stop.
    /// Sections word their warnings either way ("The background mean …." in Level 0, "the reported resolution
    /// … (3.985 Å)" where a level reads them after "4.g: "); metrics.json keeps them as written, and a text that
    /// starts with a symbol, digit or flag ("SCF* = …", "--voltage …", "12 % of …") keeps its first character.
    public static func sentence(_ text: String, capitalised: Bool = true) -> String {
        var t = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let first = t.unicodeScalars.first else { return t }
        if capitalised, ("a"..."z").contains(first) {
            t = String(Character(first).uppercased()) + String(t.unicodeScalars.dropFirst())
        }
        if let last = t.last, !".!?".contains(last) { t += "." }
        return t
    }

    /// Display text of a status, as printed in the report.
    public static func statusText(_ status: SectionStatus, warnings: Int) -> String {
        switch status {
        case .ok: return "OK"
        case .warnings: return warnings == 1 ? "1 warning" : "\(warnings) warnings"
        case .notApplicable: return "Does not apply"
        case .failed: return "Could not be measured"
        }
    }

    /// Colour name defined in the document frame for each status.
    static func statusColor(_ status: SectionStatus) -> String {
        switch status {
        case .ok: return "statusok"
        case .warnings: return "statuswarn"
        case .notApplicable: return "statusna"
        case .failed: return "statusfail"
        }
    }

    /// "0.a" → "0a": used in template file names and LaTeX labels.
    public static func slug(_ id: String) -> String {
        String(id.lowercased().unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) && $0.isASCII })
    }

    /// A metric as the templates see it: numbers as formatted text, [x, y, z] triples as {x, y, z, text},
    /// lists of objects as lists of formatted objects (with a 1-based `index`), null as absent.
    static func display(_ value: JSONValue) -> Any? {
        switch value {
        case .null: return nil
        case .bool(let b): return b
        case .int(let i): return NumberText.format(Double(i))
        case .number(let d): return d.isFinite ? NumberText.format(d) : nil
        case .string(let s): return s
        case .object(let o): return displayObject(o)
        case .array(let a):
            if a.count == 3, a.allSatisfy({ $0.doubleValue != nil }) {
                let t = a.map { NumberText.format($0.doubleValue!) }
                return ["x": t[0], "y": t[1], "z": t[2], "text": t.joined(separator: ", ")]
            }
            return a.enumerated().map { (i, v) -> Any in
                if case .object(let o) = v {
                    var d = displayObject(o); d["index"] = String(i + 1); return d
                }
                return ["value": display(v) ?? "n/a", "index": String(i + 1)]
            }
        }
    }

    static func displayObject(_ o: [String: JSONValue]) -> [String: Any] {
        var d: [String: Any] = [:]
        for (k, v) in o { if let x = display(v) { d[k] = x } }
        return d
    }

    /// The figure to include for a record: vector PDF for plots, JPEG or PNG for images and 3D views.
    static func figureContext(_ f: ReportDocument.FigureRecord) -> [String: Any] {
        let preferPDF = FigureFiles.vectorKinds.contains(f.kind)
        let path = (preferPDF ? f.files["pdf"] : nil) ?? f.files["jpg"] ?? f.files["png"] ?? f.files["pdf"]
            ?? f.files.values.sorted().first
        var c: [String: Any] = ["id": f.id, "caption": f.caption, "label": "fig:" + f.id]
        if let path, !path.isEmpty { c["path"] = path }   // absent: the figure could not be drawn
        return c
    }

    /// The context of one section's template.
    public static func section(id: String, _ r: ReportDocument.SectionRecord) -> [String: Any] {
        var figs: [String: Any] = [:]
        for f in r.figures { figs[f.id] = figureContext(f) }
        var c: [String: Any] = [
            "id": id, "slug": slug(id), "title": r.title, "level": r.level, "reference": r.reference,
            "status_text": statusText(r.status, warnings: r.warnings.count),
            "status_color": statusColor(r.status),
            "is_ok": r.status == .ok, "has_warnings": r.status == .warnings,
            "is_not_applicable": r.status == .notApplicable, "is_failed": r.status == .failed,
            "is_evaluated": r.status == .ok || r.status == .warnings,
            "warnings": r.warnings.map { ["text": sentence($0)] },
            "m": displayObject(r.metrics),
            "fig": figs,
            "figures": r.figures.map(figureContext),
            "scored": r.scored,
            // Counts of exactly one, for a singular noun: "component<<^one.n_components>>s<</one.n_components>>".
            "one": Dictionary(uniqueKeysWithValues: r.metrics.compactMap { k, v in v == .int(1) ? (k, true) : nil }),
            "metric_rows": r.metrics.keys.sorted().compactMap { k -> [String: Any]? in
                guard let v = display(r.metrics[k]!) else { return nil }
                if let s = v as? String { return ["name": k, "value": s] }
                if let d = v as? [String: Any], let t = d["text"] as? String { return ["name": k, "value": t] }
                return nil
            },
        ]
        if let reason = r.reason { c["reason"] = sentence(reason) }
        return c
    }

    /// The context shared by the frame, the front page and the summary.
    public static func document(_ doc: ReportDocument) -> [String: Any] {
        let inputs = doc.inputs
        var c: [String: Any] = [
            "tool_version": doc.tool.version,
            "generated_date": String(doc.generatedUTC.prefix(10)),
            "generated_utc": doc.generatedUTC,
            "map_file": inputs.map.file,
            "map_sha256": inputs.map.sha256,
            "threshold": NumberText.format(inputs.threshold),
            "score_passed": String(doc.score.passed),
            "score_evaluable": String(doc.score.evaluable),
        ]
        if let t = inputs.title, !t.isEmpty { c["title"] = t }
        if let e = inputs.emdbID, !e.isEmpty { c["emdb_id"] = e }
        if let p = inputs.pdbID, !p.isEmpty { c["pdb_id"] = p }
        if let a = inputs.authors, !a.isEmpty { c["authors"] = a }
        if let r = inputs.resolution { c["resolution"] = NumberText.format(r) }
        for (k, v) in provenance(inputs) { c[k] = v }

        let sections = doc.orderedSections
        c["levels_present"] = levelsPresent(sections.map { $0.record })
        c["status_rows"] = sections.filter { $0.record.level != "" }.map { s -> [String: Any] in
            ["id": s.id, "title": s.record.title, "reference": s.record.reference,
             "status_text": statusText(s.record.status, warnings: s.record.warnings.count),
             "status_color": statusColor(s.record.status), "scored": s.record.scored]
        }
        c["warning_sentences"] = sections.filter { !$0.record.warnings.isEmpty }.map { s -> [String: Any] in
            let n = s.record.warnings.count
            return ["text": "Section \(s.id) (\(s.record.title)) has \(n == 1 ? "one warning" : "\(n) warnings")."]
        }
        c["failed_sentences"] = sections.filter { $0.record.status == .failed }.map { s -> [String: Any] in
            ["text": "Section \(s.id) (\(s.record.title)) could not be measured: "
                + sentence(s.record.reason ?? "unknown reason", capitalised: false)]
        }
        c["all_warnings"] = sections.flatMap { s in
            s.record.warnings.map { ["section": s.id, "text": sentence($0)] as [String: Any] }
        }
        c["has_warnings"] = sections.contains { !$0.record.warnings.isEmpty }
        if let r = resolutionSummary(doc) { c["resolution_summary"] = r }
        if let skipped = doc.skippedByRequest, !skipped.isEmpty {
            c["skipped_sections"] = skipped.map { "\($0.id) \($0.title)" }.joined(separator: "; ")
        }
        return c
    }

    /// Every global resolution estimate the sections report (metric `resolution_estimates_A`: a list of
    /// {name, value_A}), as (section, name, Å).
    public static func resolutionEstimates(_ doc: ReportDocument) -> [(section: String, name: String, valueA: Double)] {
        doc.orderedSections.flatMap { s -> [(String, String, Double)] in
            (s.record.metrics["resolution_estimates_A"]?.arrayValue ?? []).compactMap { e in
                guard let v = e["value_A"]?.doubleValue, v.isFinite, v > 0 else { return nil }
                return (s.id, e["name"]?.stringValue ?? "", v)
            }
        }
    }

    /// docs/methods.md "1.a" (front page): the range and mean of all resolution estimates, and whether the reported resolution R
    /// may be overestimated (R < 0.8 × the mean).
    static func resolutionSummary(_ doc: ReportDocument) -> [String: Any]? {
        let estimates = resolutionEstimates(doc)
        guard !estimates.isEmpty else { return nil }
        let values = estimates.map { $0.valueA }
        let mean = values.reduce(0, +) / Double(values.count)
        var c: [String: Any] = [
            "count": String(values.count), "min_A": NumberText.format(values.min()!),
            "max_A": NumberText.format(values.max()!), "mean_A": NumberText.format(mean),
            "estimates": estimates.map { ["section": $0.section, "name": $0.name, "value_A": NumberText.format($0.valueA)] },
        ]
        if let r = doc.inputs.resolution, r < 0.8 * mean {
            c["overestimated"] = true
            c["limit_A"] = NumberText.format(0.8 * mean)
        }
        return c
    }

    static func levelsPresent(_ records: [ReportDocument.SectionRecord]) -> String {
        var seen: [String] = []
        for r in records where r.level != "" && (r.status == .ok || r.status == .warnings) && !seen.contains(r.level) {
            seen.append(r.level)
        }
        return seen.isEmpty ? "none" : seen.joined(separator: ", ")
    }
}
