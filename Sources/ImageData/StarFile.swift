// STAR files (Hall, Allen & Brown 1991) as RELION and Xmipp write them: `data_NAME` blocks holding either a
// `loop_` table (labels `_name`, optionally followed by `#n`, then one row per line) or single `_name value`
// pairs. Comments start with `#` outside quotes; values may be quoted with ' or " to hold spaces; columns may
// come in any order and unknown columns are kept. Every row remembers its line number for error messages.
import Foundation
import MapIO

/// One table of a STAR block: column labels (without the leading underscore) and rows of strings.
public struct StarTable: Sendable, Equatable {
    /// Name of the block holding the table (without `data_`).
    public var block: String
    /// Column labels without the leading underscore, in file order (e.g. "rlnImageName").
    public var columns: [String]
    /// Values as written (quotes removed), one array per row, in column order.
    public var rows: [[String]]
    /// 1-based line number of each row in the file.
    public var lines: [Int]
    /// Whether the table was a `loop_` (false: single `_name value` pairs, one row).
    public var isLoop: Bool
    /// The file the table came from, for messages.
    public var file: String

    public init(block: String, columns: [String], rows: [[String]], lines: [Int], isLoop: Bool, file: String) {
        self.block = block; self.columns = columns; self.rows = rows; self.lines = lines
        self.isLoop = isLoop; self.file = file
    }

    public var rowCount: Int { rows.count }

    /// Index of a column (label without underscore), or nil.
    public func columnIndex(_ name: String) -> Int? { columns.firstIndex(of: name) }

    public func has(_ column: String) -> Bool { columnIndex(column) != nil }

    /// The value in `row` of `column`, or nil if the column is absent.
    public func string(_ row: Int, _ column: String) -> String? {
        guard let c = columnIndex(column) else { return nil }
        return rows[row][c]
    }

    /// The value as a number, nil if the column is absent; throws naming file, line and column if the value
    /// is not a number.
    public func double(_ row: Int, _ column: String) throws -> Double? {
        guard let s = string(row, column) else { return nil }
        guard let v = Double(s), v.isFinite else {
            throw ImageDataError.notANumber(file: file, line: lines[row], column: column, value: s)
        }
        return v
    }

    /// The value as an integer (written as an integer or an integral real, as RELION sometimes does).
    public func int(_ row: Int, _ column: String) throws -> Int? {
        guard let s = string(row, column) else { return nil }
        if let i = Int(s) { return i }
        if let d = Double(s), d.isFinite, d == d.rounded(), abs(d) < 1e15 { return Int(d) }
        throw ImageDataError.malformedStar(file: file, line: lines[row],
                                           detail: "column \(column): found '\(s)'; expected an integer")
    }

    /// The value of a required column; throws if the column is absent.
    public func requiredDouble(_ row: Int, _ column: String) throws -> Double {
        guard let v = try double(row, column) else {
            throw ImageDataError.missingColumn(file: file, block: block, column: column)
        }
        return v
    }
}

/// A parsed STAR file: its tables in file order.
public struct StarFile: Sendable, Equatable {
    /// Path as given.
    public var path: String
    /// Every table in file order (a block with both a loop and single values gives two tables).
    public var tables: [StarTable]

    /// Reads and parses `path`.
    public init(path: String) throws {
        let file = try PosixInputFile(path: path)
        var bytes = [UInt8](repeating: 0, count: try file.size())
        let got = try bytes.withUnsafeMutableBytes { try file.read(at: 0, into: $0) }
        let data = Data(bytes.prefix(got))
        guard let text = String(data: data, encoding: .utf8) ?? String(data: data, encoding: .isoLatin1) else {
            throw ImageDataError.unreadable(file: path, reason: "not text")
        }
        try self.init(text: text, path: path)
    }

    /// Parses STAR text; `path` names it in messages.
    public init(text: String, path: String) throws {
        self.path = path
        self.tables = try StarParser(path: path).parse(text)
    }

    /// The names of the blocks in file order (without `data_`).
    public var blockNames: [String] {
        var seen: [String] = []
        for t in tables where !seen.contains(t.block) { seen.append(t.block) }
        return seen
    }

    /// The first loop table of the named block, else its single-value table, else nil.
    public func table(block: String) -> StarTable? {
        tables.first { $0.block == block && $0.isLoop } ?? tables.first { $0.block == block }
    }

    /// The first loop table in the file holding `column`.
    public func table(withColumn column: String) -> StarTable? {
        tables.first { $0.isLoop && $0.has(column) } ?? tables.first { $0.has(column) }
    }
}

/// Line-by-line STAR grammar.
struct StarParser {
    let path: String

    func parse(_ text: String) throws -> [StarTable] {
        var tables: [StarTable] = []
        var block: String?
        var inLoop = false
        var loop: StarTable?
        var singles: StarTable?
        func flushLoop() {
            if let l = loop { tables.append(l) }
            loop = nil; inLoop = false
        }
        func flushSingles() {
            if let s = singles { tables.append(s) }
            singles = nil
        }
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let tokens = try tokenize(rawLine, line: lineNumber)
            guard let first = tokens.first else { continue }
            if first.hasPrefix("data_") {
                flushLoop(); flushSingles()
                block = String(first.dropFirst(5))
                continue
            }
            guard let blockName = block else {
                throw ImageDataError.malformedStar(file: path, line: lineNumber,
                                                   detail: "found '\(first)' before any data_ block; expected data_NAME first")
            }
            if first == "loop_" {
                flushLoop()
                inLoop = true
                loop = StarTable(block: blockName, columns: [], rows: [], lines: [], isLoop: true, file: path)
                continue
            }
            if first.hasPrefix("_") {
                let label = String(first.dropFirst())
                if inLoop, var l = loop, l.rows.isEmpty {
                    // A label line of the loop header; RELION appends "#n".
                    if tokens.count > 1 && !(tokens.count == 2 && tokens[1].hasPrefix("#")) {
                        throw ImageDataError.malformedStar(file: path, line: lineNumber,
                                                           detail: "label \(first) followed by '\(tokens[1])' in a loop header; expected only the label")
                    }
                    if l.columns.contains(label) {
                        throw ImageDataError.malformedStar(file: path, line: lineNumber,
                                                           detail: "column \(first) appears twice in the loop header")
                    }
                    l.columns.append(label)
                    loop = l
                    continue
                }
                // A single `_name value` pair (also ends a loop whose rows have started).
                flushLoop()
                guard tokens.count == 2 else {
                    throw ImageDataError.malformedStar(file: path, line: lineNumber,
                                                       detail: "label \(first) has \(tokens.count - 1) values; expected one")
                }
                var s = singles ?? StarTable(block: blockName, columns: [], rows: [[]], lines: [lineNumber],
                                             isLoop: false, file: path)
                s.columns.append(label)
                s.rows[0].append(tokens[1])
                singles = s
                continue
            }
            guard inLoop, let columns = loop?.columns else {
                throw ImageDataError.malformedStar(file: path, line: lineNumber,
                                                   detail: "found '\(first)' outside a loop; expected a _label or loop_")
            }
            guard !columns.isEmpty else {
                throw ImageDataError.malformedStar(file: path, line: lineNumber,
                                                   detail: "row before any column label in loop_")
            }
            guard tokens.count == columns.count else {
                throw ImageDataError.malformedStar(file: path, line: lineNumber,
                                                   detail: "row has \(tokens.count) values; expected \(columns.count) (the columns of data_\(blockName))")
            }
            // Appended in place: a copy of the table (var l = loop … loop = l) copied every row read so far on
            // each row, quadratic in the number of particles (6.7 s for 20,000 rows).
            loop!.rows.append(tokens)
            loop!.lines.append(lineNumber)
        }
        flushLoop(); flushSingles()
        return tables
    }

    /// Splits a line into values: whitespace-separated, quotes group, `#` outside quotes starts a comment
    /// (kept as a token only right after a loop label, where RELION writes the column number).
    func tokenize(_ line: Substring, line lineNumber: Int) throws -> [String] {
        var tokens: [String] = []
        var i = line.startIndex
        while i < line.endIndex {
            let c = line[i]
            if c == " " || c == "\t" || c == "\r" { i = line.index(after: i); continue }
            if c == "#" {
                // A "#n" column number after a label is passed on; any other comment ends the line.
                if tokens.count == 1 && tokens[0].hasPrefix("_") { tokens.append("#") }
                break
            }
            if c == "\"" || c == "'" {
                let start = line.index(after: i)
                var j = start
                // A closing quote counts only when followed by whitespace or the end (STAR rule).
                while j < line.endIndex {
                    if line[j] == c {
                        let next = line.index(after: j)
                        if next == line.endIndex || line[next] == " " || line[next] == "\t" || line[next] == "\r" { break }
                    }
                    j = line.index(after: j)
                }
                guard j < line.endIndex else {
                    throw ImageDataError.malformedStar(file: path, line: lineNumber,
                                                       detail: "quoted value without its closing \(c)")
                }
                tokens.append(String(line[start..<j]))
                i = line.index(after: j)
                continue
            }
            var j = i
            while j < line.endIndex && line[j] != " " && line[j] != "\t" && line[j] != "\r" { j = line.index(after: j) }
            tokens.append(String(line[i..<j]))
            i = j
        }
        return tokens
    }
}
