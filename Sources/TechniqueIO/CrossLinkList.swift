// Cross-links from a CSV file (cross-linking mass spectrometry, section O.a). Each row names two residues,
// each by its protein (or chain) and residue number. Recognised column layouts (names compared without case):
//   IMP/PMI examples:      pep1.accession, pep1.xlinked_aa, pep2.accession, pep2.xlinked_aa
//   xiNET, XlinkAnalyzer,
//   xQuest:                Protein1, AbsPos1, Protein2, AbsPos2
//   xiNET (peptide form):  Protein1, PepPos1, LinkPos1, Protein2, PepPos2, LinkPos2 (residue = PepPos + LinkPos − 1)
//   IMP PMI database:      Protein1, Residue1, Protein2, Residue2 (also Chain1/Chain2, Res1/Res2)
// Comment lines (#) and blank lines are skipped; fields may be quoted.

public struct CrossLink: Sendable, Equatable, Codable {
    public var protein1: String
    public var residue1: Int
    public var protein2: String
    public var residue2: Int
    /// Line of the file (1-based).
    public var line: Int
    public init(protein1: String, residue1: Int, protein2: String, residue2: Int, line: Int) {
        self.protein1 = protein1; self.residue1 = residue1; self.protein2 = protein2; self.residue2 = residue2
        self.line = line
    }
}

public struct CrossLinkList: Sendable, Equatable {
    public var links: [CrossLink]
    /// The layout recognised, e.g. "IMP/PMI (pep1.accession, pep1.xlinked_aa, …)".
    public var layout: String

    public init(links: [CrossLink], layout: String) { self.links = links; self.layout = layout }

    /// Column names per end, by layout: protein, residue, and (xiNET) the link position in the peptide.
    struct Layout {
        var name: String
        var protein: [String], residue: [String], linkPosition: [String]?
    }
    static let layouts: [Layout] = [
        Layout(name: "IMP/PMI (pep1.accession, pep1.xlinked_aa, pep2.accession, pep2.xlinked_aa)",
               protein: ["pep1.accession", "pep2.accession"], residue: ["pep1.xlinked_aa", "pep2.xlinked_aa"], linkPosition: nil),
        Layout(name: "xiNET/XlinkAnalyzer (Protein1, AbsPos1, Protein2, AbsPos2)",
               protein: ["protein1", "protein2"], residue: ["abspos1", "abspos2"], linkPosition: nil),
        Layout(name: "xiNET (Protein1, PepPos1, LinkPos1, Protein2, PepPos2, LinkPos2)",
               protein: ["protein1", "protein2"], residue: ["peppos1", "peppos2"], linkPosition: ["linkpos1", "linkpos2"]),
        Layout(name: "IMP PMI (Protein1, Residue1, Protein2, Residue2)",
               protein: ["protein1", "protein2"], residue: ["residue1", "residue2"], linkPosition: nil),
        Layout(name: "chains (Chain1, Residue1, Chain2, Residue2)",
               protein: ["chain1", "chain2"], residue: ["residue1", "residue2"], linkPosition: nil),
        Layout(name: "chains (Chain1, Res1, Chain2, Res2)",
               protein: ["chain1", "chain2"], residue: ["res1", "res2"], linkPosition: nil),
    ]

    public static var recognisedLayouts: [String] { layouts.map { $0.name } }

    public static func read(path: String) throws -> CrossLinkList {
        try parse(try InputFileError.readText(path), file: path)
    }

    public static func parse(_ text: String, file: String) throws -> CrossLinkList {
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
            .map { String($0).trimmingCharacters(in: ["\r"]) }
        var headerLine = 0
        var header: [String]?
        for (k, l) in lines.enumerated() {
            let t = l.trimmingCharacters(in: .whitespaces)
            if t.isEmpty || t.hasPrefix("#") { continue }
            header = try csvFields(l, file: file, line: k + 1).map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            headerLine = k + 1
            break
        }
        guard let header else { throw InputFileError(file: file, message: "no header line; expected a CSV file of cross-links") }
        let column = Dictionary(header.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        guard let layout = layouts.first(where: { l in
            (l.protein + l.residue + (l.linkPosition ?? [])).allSatisfy { column[$0] != nil }
        }) else {
            throw InputFileError(file: file, line: headerLine, message: "the header has no recognised cross-link columns (found: \(header.filter { !$0.isEmpty }.prefix(12).joined(separator: ", "))); expected one of: " + recognisedLayouts.joined(separator: "; "))
        }
        var links: [CrossLink] = []
        for k in headerLine..<lines.count {
            let l = lines[k]
            let t = l.trimmingCharacters(in: .whitespaces)
            if t.isEmpty || t.hasPrefix("#") || t.allSatisfy({ $0 == "," }) { continue }
            let f = try csvFields(l, file: file, line: k + 1)
            func field(_ name: String) throws -> String {
                guard let i = column[name], i < f.count else {
                    throw InputFileError(file: file, line: k + 1, message: "column \(name) is missing (\(f.count) fields); expected \(header.count) fields as in the header")
                }
                return f[i].trimmingCharacters(in: .whitespaces)
            }
            func number(_ name: String) throws -> Int {
                let s = try field(name)
                guard let v = Int(s), v > -100_000, v < 1_000_000 else {
                    throw InputFileError(file: file, line: k + 1, message: "column \(name): found \"\(s)\"; expected a residue number")
                }
                return v
            }
            var residues: [Int] = []
            var proteins: [String] = []
            for end in 0..<2 {
                let p = try field(layout.protein[end])
                guard !p.isEmpty else {
                    throw InputFileError(file: file, line: k + 1, message: "column \(layout.protein[end]) is empty; expected a protein or chain name")
                }
                proteins.append(p)
                var r = try number(layout.residue[end])
                if let lp = layout.linkPosition { r += try number(lp[end]) - 1 }
                residues.append(r)
            }
            links.append(CrossLink(protein1: proteins[0], residue1: residues[0], protein2: proteins[1], residue2: residues[1], line: k + 1))
        }
        guard !links.isEmpty else {
            throw InputFileError(file: file, message: "no cross-links after the header; expected one row per cross-link")
        }
        return CrossLinkList(links: links, layout: layout.name)
    }

    /// One CSV record (RFC 4180 quoting: "a, b" and "" for a quote inside a quoted field).
    static func csvFields(_ line: String, file: String, line number: Int) throws -> [String] {
        var fields: [String] = []
        var current = ""
        var quoted = false
        var chars = Array(line)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if quoted {
                if c == "\"" {
                    if i + 1 < chars.count, chars[i + 1] == "\"" { current.append("\""); i += 1 } else { quoted = false }
                } else { current.append(c) }
            } else if c == "\"" && current.trimmingCharacters(in: .whitespaces).isEmpty {
                quoted = true; current = ""
            } else if c == "," {
                fields.append(current); current = ""
            } else { current.append(c) }
            i += 1
        }
        guard !quoted else {
            throw InputFileError(file: file, line: number, message: "a quoted field is not closed; expected a closing \"")
        }
        fields.append(current)
        chars.removeAll()
        return fields
    }
}

/// Which model chain each protein name of a cross-link list stands for.
public struct ChainMapping: Sendable, Equatable {
    public var chainOf: [String: String]

    public init(chainOf: [String: String] = [:]) { self.chainOf = chainOf }

    /// "Rpb1=A,Rpb2=B" (the --crosslink-chains option).
    public static func parse(_ text: String, option: String = "--crosslink-chains") throws -> ChainMapping {
        var map: [String: String] = [:]
        for item in text.split(separator: ",") {
            let parts = item.split(separator: "=", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw InputFileError(file: option, message: "found \"\(item)\"; expected PROTEIN=CHAIN pairs separated by commas, e.g. Rpb1=A,Rpb2=B")
            }
            map[parts[0]] = parts[1]
        }
        guard !map.isEmpty else {
            throw InputFileError(file: option, message: "empty; expected PROTEIN=CHAIN pairs separated by commas, e.g. Rpb1=A,Rpb2=B")
        }
        return ChainMapping(chainOf: map)
    }

    /// The chain for a protein name: the mapping's, else the name itself (a list that names chains directly).
    public func chain(for protein: String) -> String { chainOf[protein] ?? protein }
}
