// The table of `emvalidate batch`: CSV (RFC 4180: comma separated, fields may be double-quoted, "" inside
// quotes is a quote), one header row naming the columns, one report per data row.
//
// Columns (any order; unknown columns are an error, so that a typo does not silently drop an input):
//   map (required), threshold (required, map units), resolution (Å, may be empty), half1, half2, model,
//   title, emdb_id, pdb_id, authors, name (the entry's folder; default NNNN_<map stem>).
// Public data: a column `emdb` (an EMDB id, EMD-NNNN) replaces map and threshold (both then optional: they
// override the archive's); a file of bare EMDB ids, one per line and no header, is read as that column alone.
// Relative paths are relative to the folder holding the table. Rows are numbered from 0 (Slurm array index).
import EntryMetadata
import Foundation

public struct BatchTableError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

public struct BatchRow: Sendable, Equatable {
    /// 0-based index among the data rows (the Slurm array task id).
    public var index: Int
    /// Line of the table file the row starts on (1-based), for messages.
    public var line: Int
    /// Folder name of the entry under the batch output folder.
    public var name: String
    /// Values by column, as written (paths not yet resolved).
    public var fields: [String: String]
    /// Why the row cannot be run (bad number, missing map), or nil.
    public var problem: String?

    public func value(_ column: String) -> String? {
        guard let v = fields[column]?.trimmingCharacters(in: .whitespaces), !v.isEmpty else { return nil }
        return v
    }
}

public struct BatchTable: Sendable {
    public static let columns = ["map", "threshold", "resolution", "half1", "half2", "model", "title",
                                 "emdb_id", "pdb_id", "authors", "name", "emdb"]
    public static let pathColumns = ["map", "half1", "half2", "model"]

    /// Names in the batch folder that belong to the batch itself, not to an entry.
    public static let reservedNames = ["index.csv", "index.html", "slurm"]

    public let path: URL
    public let rows: [BatchRow]

    public init(path: String) throws {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw BatchTableError(message: "table \(path) cannot be read")
        }
        var records: [Record]
        do { records = try BatchTable.parseCSV(String(decoding: data, as: UTF8.self)) }
        catch let e as BatchTableError { throw BatchTableError(message: "table \(path): \(e.message)") }
        guard let header = records.first else { throw BatchTableError(message: "table \(path) is empty; expected a header row") }
        var names = header.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        if names.count == 1, EMDBID(names[0]) != nil {
            // A list of EMDB ids, one per line, without a header.
            names = ["emdb"]
            records.insert(Record(fields: ["emdb"], line: 0), at: 0)
        }
        for n in names where !BatchTable.columns.contains(n) {
            throw BatchTableError(message: "table \(path), line 1: unknown column “\(n)”; expected some of \(BatchTable.columns.joined(separator: ", "))")
        }
        for (k, n) in names.enumerated() {
            if let first = names.firstIndex(of: n), first < k {
                throw BatchTableError(message: "table \(path), line 1: column “\(n)” appears twice (columns \(first + 1) and \(k + 1))")
            }
        }
        for required in ["map", "threshold"] where !names.contains(required) && !names.contains("emdb") {
            throw BatchTableError(message: "table \(path), line 1: no “\(required)” column")
        }
        var rows: [BatchRow] = []
        var seen: [String: Int] = [:]
        for rec in records.dropFirst() where !rec.fields.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            var fields: [String: String] = [:]
            for (k, n) in names.enumerated() where k < rec.fields.count { fields[n] = rec.fields[k] }
            var row = BatchRow(index: rows.count, line: rec.line, name: "", fields: fields, problem: nil)
            if rec.fields.count != names.count {
                row.problem = "line \(rec.line): \(rec.fields.count) fields, expected \(names.count)"
            }
            row.name = BatchTable.entryName(row)
            if BatchTable.reservedNames.contains(row.name.lowercased()) {
                throw BatchTableError(message: "table \(path), line \(rec.line): entry name “\(row.name)” is reserved for the batch's own files (\(BatchTable.reservedNames.joined(separator: ", "))); choose another name")
            }
            if let other = seen[row.name] {
                throw BatchTableError(message: "table \(path), line \(rec.line): entry name “\(row.name)” already used on line \(other)")
            }
            seen[row.name] = rec.line
            if row.problem == nil { row.problem = BatchTable.problem(row) }
            rows.append(row)
        }
        self.path = url
        self.rows = rows
    }

    /// The absolute path of a path column, resolved against the table's folder.
    public func resolvedPath(_ row: BatchRow, _ column: String) -> String? {
        guard let v = row.value(column) else { return nil }
        if v.hasPrefix("/") { return v }
        return path.deletingLastPathComponent().appendingPathComponent(v).standardizedFileURL.path
    }

    /// The entry folder name: the `name` column, or NNNN_<map stem> (row number from 1), safe for a file name.
    static func entryName(_ row: BatchRow) -> String {
        func safe(_ s: String) -> String {
            String(s.unicodeScalars.map { CharacterSet.alphanumerics.contains($0) && $0.isASCII || "-_.".unicodeScalars.contains($0) ? Character($0) : "_" })
        }
        if let n = row.value("name") {
            let s = safe(n)
            return s.hasPrefix(".") ? "_" + s : s
        }
        if row.value("map") == nil, let e = row.value("emdb") { return EMDBID(e)?.description ?? safe(e) }
        var stem = ((row.value("map") ?? "map") as NSString).lastPathComponent
        for ext in [".gz", ".bz2", ".mrc", ".map", ".ccp4"] where stem.lowercased().hasSuffix(ext) { stem = String(stem.dropLast(ext.count)) }
        return String(format: "%04d_", row.index + 1) + safe(stem)
    }

    /// What makes a row unusable before running it: missing map, numbers that are not numbers, a lone half.
    static func problem(_ row: BatchRow) -> String? {
        if let e = row.value("emdb") {
            guard EMDBID(e) != nil else { return "line \(row.line): emdb “\(e)” is not an EMDB id (EMD- and digits)" }
            guard row.value("map") == nil else { return "line \(row.line): give either map or emdb, not both" }
        } else {
            guard row.value("map") != nil else { return "line \(row.line): the map is empty" }
            guard row.value("threshold") != nil else { return "line \(row.line): the threshold is empty" }
        }
        if let t = row.value("threshold") {
            guard let tv = Double(t), tv.isFinite else { return "line \(row.line): threshold “\(t)” is not a number" }
        }
        if let r = row.value("resolution") {
            guard let rv = Double(r), rv.isFinite, rv > 0, rv < 1000 else {
                return "line \(row.line): resolution “\(r)” is not a resolution in Å between 0 and 1000"
            }
        }
        if (row.value("half1") == nil) != (row.value("half2") == nil) {
            return "line \(row.line): half1 and half2 go together"
        }
        return nil
    }

    struct Record { var fields: [String]; var line: Int }

    /// RFC 4180 records with the line each starts on; CRLF or LF line ends. A quote left open would swallow
    /// the rest of the file into one field: it is an error naming the line it starts on.
    static func parseCSV(_ text: String) throws -> [Record] {
        var records: [Record] = []
        var fields: [String] = []
        var field = ""
        var inQuotes = false
        var line = 1, startLine = 1, quoteLine = 1
        var chars = Array(text.unicodeScalars)[...]
        if chars.first == "\u{FEFF}" { chars = chars.dropFirst() }
        var it = chars.makeIterator()
        var pending: Unicode.Scalar? = nil
        func next() -> Unicode.Scalar? {
            if let p = pending { pending = nil; return p }
            return it.next()
        }
        var any = false
        while let c = next() {
            any = true
            if inQuotes {
                if c == "\"" {
                    if let d = next() {
                        if d == "\"" { field.unicodeScalars.append("\"") } else { inQuotes = false; pending = d }
                    } else { inQuotes = false }
                } else {
                    if c == "\n" { line += 1 }
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case "\"": inQuotes = true; quoteLine = line
            case ",": fields.append(field); field = ""
            case "\r": break
            case "\n":
                fields.append(field); field = ""
                records.append(Record(fields: fields, line: startLine))
                fields = []; line += 1; startLine = line; any = false
            default: field.unicodeScalars.append(c)
            }
        }
        if inQuotes { throw BatchTableError(message: "unterminated quote starting on line \(quoteLine)") }
        if any || !fields.isEmpty || !field.isEmpty {
            fields.append(field)
            records.append(Record(fields: fields, line: startLine))
        }
        return records
    }
}
