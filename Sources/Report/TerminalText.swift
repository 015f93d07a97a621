// Text from files and flags made safe for one terminal line: control characters (newline, carriage return,
// tab, escape, the other C0 and C1 codes, DEL) are shown as Swift-style escapes instead of being sent raw, so
// that a file name holding "\n" or "\u{1B}[2J" cannot split an error message or drive the terminal.

public enum TerminalText {
    /// `text` with every control character written as an escape (`\n`, `\r`, `\t`, `\u{1B}`, …).
    public static func escaped(_ text: String) -> String {
        var out = ""
        out.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for s in text.unicodeScalars {
            switch s {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where s.value < 0x20 || (0x7F...0x9F).contains(s.value):
                out += "\\u{" + String(s.value, radix: 16, uppercase: true) + "}"
            default: out.unicodeScalars.append(s)
            }
        }
        return out
    }
}
