import Foundation
import Testing
import VolumeNumerics
import TestSupport
@testable import Report

@Suite struct LaTeXEscapeTests {
    @Test func specialCharactersBecomeTextCommands() {
        #expect(LaTeX.escape("a_b") == "a\\_b")
        #expect(LaTeX.escape("50% & #1") == "50\\% \\& \\#1")
        #expect(LaTeX.escape("$x^2$") == "\\$x\\textasciicircum{}2\\$")
        #expect(LaTeX.escape("{~}") == "\\{\\textasciitilde{}\\}")
        #expect(LaTeX.escape("\\input{/etc/passwd}") == "\\textbackslash{}input\\{/\\allowbreak{}etc/\\allowbreak{}passwd\\}")
        #expect(LaTeX.escape("line\nbreak\ttab") == "line break tab")
        #expect(LaTeX.escape("Å and é") == "Å and é")
        #expect(LaTeX.escape("中") == "[U+4E2D]")
        #expect(LaTeX.escape("\u{212B}") == "\\AA{}")
        #expect(LaTeX.escape("tₖ, d₀ and x²") == "t\\textsubscript{k}, d\\textsubscript{0} and x\\textsuperscript{2}")
    }

    /// What a reader should see in the PDF for `s`: the string itself, with control characters as spaces
    /// and characters LaTeX cannot typeset shown as their code point.
    static func expectedVisible(_ s: String) -> String {
        var out = ""
        for u in s.unicodeScalars {
            if u.value < 0x20 || u.value == 0x7F { out += " " }
            else if u.value == 0xAD { continue }
            else if u.isASCII || LaTeX.typesetByT1(u.value) || LaTeX.mapped[u.value] != nil { out.unicodeScalars.append(u) }
            else { out += "[U+" + String(format: "%04X", u.value) + "]" }
        }
        return out.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    /// Property test: random strings made of LaTeX specials, control sequences and random Unicode always
    /// compile, and the PDF shows them literally.
    @Test(.enabled(if: haveLaTeX)) func randomStringsCompileAndShowLiterally() throws {
        var rng = SplitMix64(seed: 20261125)
        let pieces = ["\\input{x}", "\\write18{rm -rf /}", "\\immediate", "\\catcode`\\@=11", "^^41", "^^^^0041",
                      "_", "&", "%", "#", "$", "{", "}", "~", "^", "\\", "--", "---", "``", "''", "<", ">", "|",
                      "\"", "!`", "?`", "\\\\", "\\end{document}", "\\begin{verbatim}", "a", "EMD-1234", " "]
        var strings: [String] = []
        for _ in 0..<400 {
            var s = ""
            for _ in 0..<Int(rng.next() % 8 + 1) {
                switch rng.next() % 4 {
                case 0: s += pieces[Int(rng.next() % UInt64(pieces.count))]
                case 1: s.unicodeScalars.append(Unicode.Scalar(UInt32(0x20 + rng.next() % 0x5F))!)
                case 2: // any scalar from the Basic Multilingual Plane and beyond (no surrogates)
                    var v = UInt32(rng.next() % 0x2FFFF)
                    if (0xD800...0xDFFF).contains(v) { v = 0x41 }
                    s.unicodeScalars.append(Unicode.Scalar(v)!)
                default:
                    // Latin-1 and Latin Extended-A, except the letters T1 builds from a base and a separate
                    // accent (ogonek, cedilla), whose text pdftotext cannot give back in order; every one of
                    // them is still compiled below.
                    let v = UInt32(0xA0 + rng.next() % 0xE0)
                    s.unicodeScalars.append(Self.accentBuilt.contains(v) ? "a" : Unicode.Scalar(v)!)
                }
            }
            strings.append(s)
        }
        // Every subscript the escape maps, shown as its letter or digit.
        strings.append(String(String.UnicodeScalarView(LaTeX.subscripts.keys.sorted().map { Unicode.Scalar($0)! })))
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var body = "\\par ALL: " + LaTeX.escape(String(String.UnicodeScalarView((0xA0...0x17F).map { Unicode.Scalar(UInt32($0))! }))) + "\n"
        // A page wide enough that no string is broken across lines (pdftotext would drop a hyphen at a line end).
        for (i, s) in strings.enumerated() { body += "\\par\\noindent MARK\(i)> \(LaTeX.escape(s)) <END\(i)Z\n" }
        let tex = """
        \\documentclass{article}
        \\usepackage[paperwidth=500cm,paperheight=60cm,margin=1cm]{geometry}
        \\usepackage[T1]{fontenc}\\usepackage[utf8]{inputenc}\\usepackage{lmodern}\\usepackage{textcomp}
        \\begin{document}
        \(body)
        \\end{document}
        """
        try Data(tex.utf8).write(to: dir.appendingPathComponent("report.tex"))
        let pdf = try LatexCompiler.compile(directory: dir, timeoutSeconds: 120)
        let text = try pdfText(pdf)
        for (i, s) in strings.enumerated() {
            guard let start = text.range(of: "MARK\(i)> "), let end = text.range(of: "<END\(i)Z", range: start.upperBound..<text.endIndex) else {
                Issue.record("string \(i) missing from the PDF: \(s.debugDescription)")
                continue
            }
            let shown = String(text[start.upperBound..<end.lowerBound]).trimmingCharacters(in: .whitespaces)
            let expected = Self.expectedVisible(s)
            #expect(Self.textKey(shown) == Self.textKey(expected), "string \(i): input \(s.debugDescription), expected \(expected.debugDescription), shown \(shown.debugDescription)")
        }
    }

    static let accentBuilt: Set<UInt32> = [0x104, 0x105, 0x118, 0x119, 0x12E, 0x12F, 0x172, 0x173, 0x122, 0x123,
                                             0x136, 0x137, 0x13B, 0x13C, 0x145, 0x146, 0x156, 0x157, 0x15E, 0x15F,
                                             0x162, 0x163]

    /// What text extraction can be trusted to give back: pdftotext writes typographic quotes for some
    /// glyphs, compatibility forms for others (µ for μ), splits accented letters that T1 builds from a base
    /// and an accent (ogonek, cedilla) and inserts spaces where glyphs are kerned. Compare base letters and
    /// symbols, without white space and accents.
    static func textKey(_ s: String) -> String {
        let swapped = s.replacingOccurrences(of: "\u{2019}", with: "'").replacingOccurrences(of: "\u{2018}", with: "`")
            .replacingOccurrences(of: "\u{201D}", with: "\"").replacingOccurrences(of: "\u{2212}", with: "-")
        var out = String.UnicodeScalarView()
        for var u in swapped.decomposedStringWithCompatibilityMapping.unicodeScalars {
            if u == "ı" { u = "i" }
            if u == "ȷ" { u = "j" }
            if u == "Ð" { u = "Đ" }   // T1 draws both with one glyph
            if u.properties.generalCategory == .nonspacingMark || u.properties.isWhitespace { continue }
            if (0x02C0...0x02FF).contains(u.value) || [0xA8, 0xAF, 0xB4, 0xB8].contains(u.value) { continue }
            out.append(u)
        }
        return String(out)
    }
}
