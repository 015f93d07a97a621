// Escaping of every string that reaches LaTeX from outside: titles, file names, header labels, flags, warnings.
//
// The escaped text must compile under pdflatex for any input and show the text literally: the ten special
// characters become their text commands, control characters become spaces, and characters that pdflatex's
// utf8/T1 set-up cannot typeset are shown as their code point ("[U+4E2D]") instead of breaking the build.

public enum LaTeX {
    /// `text` escaped for LaTeX's text mode.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count + 16)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\textbackslash{}"
            case "{": out += "\\{"
            case "}": out += "\\}"
            case "$": out += "\\$"
            case "&": out += "\\&"
            case "#": out += "\\#"
            case "%": out += "\\%"
            case "_": out += "\\_"
            case "^": out += "\\textasciicircum{}"
            case "~": out += "\\textasciitilde{}"
            case "<": out += "\\textless{}"
            case ">": out += "\\textgreater{}"
            case "|": out += "\\textbar{}"
            case "\"": out += "\\textquotedbl{}"
            // Ligature-forming or fragile ASCII: break the ligatures so `--`, `''`, `!`` stay literal.
            case "-": out += "-{}"
            // A line may break after a slash: a long path in a reason ("the STAR file /data/…/particles.star has
            // no …") otherwise runs into the margin, since LaTeX breaks lines only at spaces and hyphens.
            case "/": out += "/\\allowbreak{}"
            case "`": out += "\\textasciigrave{}"
            case "'": out += "\\textquotesingle{}"
            case "\n", "\r", "\t": out += " "
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += " "
                } else if scalar.isASCII {
                    out.unicodeScalars.append(scalar)
                } else if let mapped = mapped[scalar.value] {
                    out += mapped
                } else if typesetByT1(scalar.value) {
                    out.unicodeScalars.append(scalar)
                } else {
                    out += "[U+" + String(scalar.value, radix: 16, uppercase: true).leftPadded(to: 4) + "]"
                }
            }
        }
        return out
    }

    /// Characters outside the T1 set that have a standard text-mode command.
    static let mapped: [UInt32: String] = [
        0x212B: "\\AA{}",                // ANGSTROM SIGN
        0x00AD: "",                      // soft hyphen: invisible
        0x00B5: "\\textmu{}", 0x03BC: "\\textmu{}",
        0x00B0: "\\textdegree{}", 0x00B1: "\\textpm{}", 0x00D7: "\\texttimes{}", 0x00F7: "\\textdiv{}",
        0x00A9: "\\textcopyright{}", 0x00AE: "\\textregistered{}", 0x00B2: "\\textsuperscript{2}",
        0x00B3: "\\textsuperscript{3}", 0x00B7: "\\textperiodcentered{}", 0x00A0: "~",
        0x2013: "\\textendash{}", 0x2014: "\\textemdash{}", 0x2018: "\\textquoteleft{}",
        0x2019: "\\textquoteright{}", 0x201C: "\\textquotedblleft{}", 0x201D: "\\textquotedblright{}",
        0x2026: "\\textellipsis{}", 0x2022: "\\textbullet{}", 0x2212: "\\textminus{}", 0x2032: "\\textquotesingle{}",
        0x2070: "\\textsuperscript{0}", 0x00B9: "\\textsuperscript{1}", 0x2074: "\\textsuperscript{4}",
        0x2075: "\\textsuperscript{5}", 0x2076: "\\textsuperscript{6}", 0x2077: "\\textsuperscript{7}",
        0x2078: "\\textsuperscript{8}", 0x2079: "\\textsuperscript{9}", 0x207B: "\\textsuperscript{\\textminus}",
        0x2264: "\\ensuremath{\\leq}", 0x2265: "\\ensuremath{\\geq}", 0x2248: "\\ensuremath{\\approx}",
        0x2192: "\\ensuremath{\\rightarrow}", 0x221E: "\\ensuremath{\\infty}", 0x221A: "\\ensuremath{\\surd}",
        0x03B1: "\\ensuremath{\\alpha}", 0x03B2: "\\ensuremath{\\beta}", 0x03B3: "\\ensuremath{\\gamma}",
        0x03B4: "\\ensuremath{\\delta}", 0x03B5: "\\ensuremath{\\epsilon}", 0x03B8: "\\ensuremath{\\theta}",
        0x03BB: "\\ensuremath{\\lambda}", 0x03C0: "\\ensuremath{\\pi}", 0x03C3: "\\ensuremath{\\sigma}",
        0x03C6: "\\ensuremath{\\phi}", 0x03C7: "\\ensuremath{\\chi}", 0x03C8: "\\ensuremath{\\psi}",
        0x03C9: "\\ensuremath{\\omega}", 0x0394: "\\ensuremath{\\Delta}", 0x03A9: "\\ensuremath{\\Omega}",
    ].merging(subscripts) { a, _ in a }

    /// Unicode subscript digits and letters (a caption's "tₖ", "d₀") as `\textsubscript`, as the superscripts above.
    static let subscripts: [UInt32: String] = {
        var s: [UInt32: String] = [0x1D62: "\\textsubscript{i}", 0x2C7C: "\\textsubscript{j}"]
        for d in 0...9 { s[0x2080 + UInt32(d)] = "\\textsubscript{\(d)}" }
        for (v, letter) in zip([0x2090, 0x2091, 0x2092, 0x2093, 0x2095, 0x2096, 0x2097, 0x2098, 0x2099, 0x209A, 0x209B, 0x209C] as [UInt32],
                               ["a", "e", "o", "x", "h", "k", "l", "m", "n", "p", "s", "t"]) {
            s[v] = "\\textsubscript{" + letter + "}"
        }
        return s
    }()

    /// Letters that pdflatex with `\usepackage[T1]{fontenc}` and utf8 input typesets: Latin-1 letters and the
    /// Latin Extended-A letters that T1 encodes (checked by compiling them all; see ReportTests).
    static func typesetByT1(_ v: UInt32) -> Bool {
        if (0xC0...0xFF).contains(v) { return v != 0xD7 && v != 0xF7 }
        // Latin-1 symbols: defined by T1 or by textcomp (TS1), except the lone cedilla and the soft hyphen.
        if (0xA1...0xBF).contains(v) { return v != 0xB8 && v != 0xAD }
        if (0x100...0x17F).contains(v) { return !latinExtendedANotInT1.contains(v) }
        return false
    }

    /// Latin Extended-A code points that t1enc.dfu does not define (checked against TeX Live 2022).
    static let latinExtendedANotInT1: Set<UInt32> = [0x126, 0x127, 0x138, 0x13F, 0x140, 0x149, 0x166, 0x167, 0x17F]
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
