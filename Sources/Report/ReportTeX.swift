// Fills the templates from a ReportDocument (metrics.json) and returns the LaTeX source of the report.
// No number is computed here or in a template: they come formatted from TemplateContext.
import Analysis
import Foundation

public enum ReportTeX {
    /// The level of a section from its id: "0.a" → "0", "A.b" → "A"; "" for sections outside levels (input).
    public static func level(ofSection id: String) -> String {
        guard let dot = id.firstIndex(of: ".") else { return "" }
        return String(id[..<dot])
    }

    /// The template used for a section: its own (section-0a.tex) or the generic one.
    public static func templateName(forSection id: String, in templates: TemplateSet) -> String {
        let own = "section-\(TemplateContext.slug(id)).tex"
        return templates.has(own) ? own : "section-generic.tex"
    }

    public static func build(_ doc: ReportDocument, templates: TemplateSet) throws -> String {
        let base = TemplateContext.document(doc)
        var body = ""
        var levelsOpened = Set<String>()
        for (id, record) in doc.orderedSections {
            let level = record.level
            if !level.isEmpty, !levelsOpened.contains(level) {
                levelsOpened.insert(level)
                let heading = "level-\(level.lowercased()).tex"
                if templates.has(heading) { body += try templates.render(heading, base) + "\n" }
            }
            var ctx = base
            for (k, v) in TemplateContext.section(id: id, record) { ctx[k] = v }
            body += try templates.render(templateName(forSection: id, in: templates), ctx) + "\n"
        }
        var frame = base
        frame["front"] = try templates.render("front.tex", base)
        frame["summary"] = try templates.render("summary.tex", base)
        frame["body"] = body
        return try templates.render("document.tex", frame)
    }
}
