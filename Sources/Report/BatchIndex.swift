// DIR/index.csv and DIR/index.html of a batch: one line per table row with its status (done, failed,
// pending), score, the status of each section, the error of a failed row and the link to its PDF.
import Foundation

public enum BatchIndex {
    public struct Entry {
        public var row: BatchRow
        /// "done", "failed" or "pending" (never run).
        public var status: String
        public var error: String?
        public var score: ReportDocument.Score?
        /// Section id → status ("ok", "warnings", "not_applicable", "failed"), in report order.
        public var sections: [(id: String, status: String)]
        /// Relative paths (from DIR) of the report files present.
        public var pdf: String?
        public var metrics: String?
        public var finishedUTC: String?

        init(row: BatchRow, options: BatchOptions) {
            self.row = row
            let state = BatchRunner.readState(BatchRunner.stateURL(options, row))
            let entry = URL(fileURLWithPath: options.outputDirectory).appendingPathComponent(row.name)
            var doc: ReportDocument?
            if let d = FileManager.default.contents(atPath: entry.appendingPathComponent("metrics.json").path) {
                doc = try? ReportDocument.decode(d)
            }
            status = state?.status.rawValue ?? (doc == nil ? "pending" : "done")
            if state?.status == .done, doc == nil { status = "pending" }   // output deleted since
            error = state?.error
            score = doc?.score
            sections = doc?.orderedSections.map { ($0.id, $0.record.status.rawValue) } ?? []
            if FileManager.default.fileExists(atPath: entry.appendingPathComponent("report.pdf").path) {
                pdf = row.name + "/report.pdf"
            }
            if doc != nil { metrics = row.name + "/metrics.json" }
            finishedUTC = state?.finishedUTC
        }
    }

    /// Section ids over all entries, in order of first appearance.
    static func sectionColumns(_ entries: [Entry]) -> [String] {
        var ids: [String] = []
        for e in entries { for s in e.sections where !ids.contains(s.id) { ids.append(s.id) } }
        return ids
    }

    static func csvField(_ s: String) -> String {
        s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
            ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }

    public static func csv(_ entries: [Entry]) -> String {
        let ids = sectionColumns(entries)
        var out = (["row", "name", "map", "status", "score_passed", "score_evaluable"] + ids.map { "section_" + $0 }
                   + ["pdf", "metrics", "error", "finished_utc"]).map(csvField).joined(separator: ",") + "\n"
        for e in entries {
            let byID = Dictionary(e.sections.map { ($0.id, $0.status) }, uniquingKeysWith: { a, _ in a })
            var f = [String(e.row.index), e.row.name, e.row.value("map") ?? e.row.value("emdb") ?? "", e.status,
                     e.score.map { String($0.passed) } ?? "", e.score.map { String($0.evaluable) } ?? ""]
            f += ids.map { byID[$0] ?? "" }
            f += [e.pdf ?? "", e.metrics ?? "", e.error ?? "", e.finishedUTC ?? ""]
            out += f.map(csvField).joined(separator: ",") + "\n"
        }
        return out
    }

    static func html(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static func href(_ path: String) -> String {
        html(path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? path)
    }

    public static func html(_ entries: [Entry], table: BatchTable) -> String {
        let ids = sectionColumns(entries)
        let done = entries.filter { $0.status == "done" }.count
        let failed = entries.filter { $0.status == "failed" }.count
        var out = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>emvalidate batch</title>
        <style>
        body{font-family:sans-serif;margin:1.5em} table{border-collapse:collapse;font-size:90%}
        th,td{border:1px solid #bbb;padding:2px 6px;text-align:left} th{background:#eee}
        .ok{background:#d9f2d0} .warnings{background:#fbeec4} .not_applicable{background:#e8e8e8}
        .failed{background:#f6c9c4} .pending{background:#dde6f6} .done{background:#d9f2d0}
        </style></head><body>
        <h1>emvalidate batch</h1>
        <p>Table: \(html(table.path.path)). \(entries.count) entries: \(done) done, \(failed) failed, \
        \(entries.count - done - failed) pending.</p>
        <table><thead><tr><th>Row</th><th>Entry</th><th>Map</th><th>Status</th><th>Score</th>
        """
        out += ids.map { "<th>\(html($0))</th>" }.joined() + "<th>Report</th><th>Error</th></tr></thead><tbody>\n"
        for e in entries {
            let byID = Dictionary(e.sections.map { ($0.id, $0.status) }, uniquingKeysWith: { a, _ in a })
            out += "<tr><td>\(e.row.index)</td><td>\(html(e.row.name))</td><td>\(html(e.row.value("map") ?? e.row.value("emdb") ?? ""))</td>"
            out += "<td class=\"\(e.status)\">\(e.status)</td>"
            out += "<td>" + (e.score.map { "\($0.passed) / \($0.evaluable)" } ?? "") + "</td>"
            for id in ids {
                let s = byID[id] ?? ""
                out += "<td class=\"\(html(s))\">\(html(s.replacingOccurrences(of: "_", with: " ")))</td>"
            }
            var links: [String] = []
            if let p = e.pdf { links.append("<a href=\"\(href(p))\">PDF</a>") }
            if let m = e.metrics { links.append("<a href=\"\(href(m))\">metrics.json</a>") }
            out += "<td>\(links.joined(separator: " "))</td><td>\(html(e.error ?? ""))</td></tr>\n"
        }
        out += "</tbody></table></body></html>\n"
        return out
    }
}
