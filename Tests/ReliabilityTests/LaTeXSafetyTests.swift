// LaTeX safety through the binary: titles, authors, ids and the map's file name drawn from LaTeX specials,
// control sequences (\input, \write18, \immediate, \catcode, ^^) and random Unicode; every report compiles,
// the PDF shows the text literally (pdftotext), and nothing is run by the shell escape.
import Foundation
import MapIO
@testable import Report
import Testing
import VolumeNumerics
import TestSupport

/// Picks one element with the shared seeded generator.
extension SplitMix64 {
    mutating func pick<T>(_ a: [T]) -> T { a[Int(next() % UInt64(a.count))] }
}

@Suite(.serialized) struct LaTeXSafetyTests {
    static let hostile = ["\\input{/etc/passwd}", "\\write18{touch PWNED}", "\\immediate\\write18{touch PWNED}",
                          "\\catcode`\\@=11", "^^41", "^^5c", "\\end{document}", "\\def\\x{y}", "{", "}", "$", "&",
                          "%", "#", "_", "~", "^", "\\", "--", "<>", "|", "\"", "''", "``"]
    /// Characters the report's fonts typeset (their text comes back from pdftotext as is) and a few that
    /// are shown as their code point.
    static let letters: [String] = ["a", "Z", "7", "é", "ß", "Å", "ñ", "ü", "Ø", "ç", "α", "中", "😀", "\u{212B}"]

    static func randomText(_ rng: inout SplitMix64, pieces: Int) -> String {
        var s = ""
        for _ in 0..<pieces {
            switch rng.next() % 3 {
            case 0: s += rng.pick(hostile)
            case 1: s += rng.pick(letters)
            default: s += " "
            }
        }
        return s
    }

    /// What pdftotext should give back for `s` (code points for untypesettable characters), compared
    /// without white space and with pdftotext's typographic quotes undone. ASCII hyphens are left out:
    /// pdftotext drops a hyphen that ends a line (it takes it for hyphenation), and LaTeX may hyphenate a
    /// long word; a `--` turned into an en dash (a ligature) still shows, as "–" is kept.
    static func key(_ s: String) -> String {
        var visible = ""
        for u in s.unicodeScalars {
            if u.value < 0x20 { visible += " " }
            else if u.isASCII || LaTeX.typesetByT1(u.value) || LaTeX.mapped[u.value] != nil { visible.unicodeScalars.append(u) }
            else { visible += "[U+" + String(format: "%04X", u.value) + "]" }
        }
        return visible.replacingOccurrences(of: "\u{2019}", with: "'").replacingOccurrences(of: "\u{2018}", with: "`")
            .replacingOccurrences(of: "\u{201D}", with: "\"").replacingOccurrences(of: "\u{201C}", with: "\"")
            .replacingOccurrences(of: "\u{212B}", with: "Å")
            .precomposedStringWithCanonicalMapping.filter { !$0.isWhitespace && $0 != "-" }
    }

    @Test(.enabled(if: haveLaTeX)) func hostileTextIsShownLiterallyAndNeverExecuted() throws {
        var rng = SplitMix64(seed: 7_2026_1125)
        for run in 0..<3 {
            let dir = try temporaryDirectory("latexsafety\(run)")
            defer { try? FileManager.default.removeItem(at: dir) }
            let title = "T\(run) " + Self.randomText(&rng, pieces: 8)
            let authors = "A\(run) " + Self.randomText(&rng, pieces: 6)
            let emdb = "EMD-" + Self.randomText(&rng, pieces: 3)
            let pdb = "P" + Self.randomText(&rng, pieces: 2)
            // File names cannot hold "/" or NUL; everything else goes.
            let fileName = ("m\(run)_#$%&{}~^\\ " + Self.randomText(&rng, pieces: 2)).replacingOccurrences(of: "/", with: "") + ".mrc"
            let map = dir.appendingPathComponent(fileName)
            try MRCWriter.write(blobVolume(24), to: map.path, labels: ["latex safety"])
            let before = try hashes(of: [map.path])
            let out = dir.appendingPathComponent("out")
            let r = try emvalidate(["report", map.path, "--threshold", "0.3", "--resolution", "4", "--title", title,
                                    "--authors", authors, "--emdb-id", emdb, "--pdb-id", pdb, "-q", "-o", out.path])
            try #require(r.status == 0, "run \(run) did not compile: exit \(r.status): \(r.stderr)")
            let text = Self.key(try pdfText(out.appendingPathComponent("report.pdf")))
            for (what, value) in [("title", title), ("authors", authors), ("EMDB id", emdb), ("PDB id", pdb), ("file name", fileName)] {
                #expect(text.contains(Self.key(value)), "run \(run): \(what) \(value.debugDescription) not shown literally (\(Self.key(value)))")
            }
            // \write18 never ran: no file appeared anywhere the compiler could have written.
            for folder in [dir, out, URL(fileURLWithPath: FileManager.default.currentDirectoryPath)] {
                #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("PWNED").path), "shell escape ran")
            }
            let log = (try? String(contentsOf: out.appendingPathComponent("report.log"), encoding: .utf8)) ?? ""
            #expect(!log.contains("\\write18 enabled"), "LaTeX ran with shell escape enabled")
            #expect(try hashes(of: [map.path]) == before)
        }
    }
}
