// How metrics are printed. The report prints numbers only through these functions, so the PDF and
// metrics.json always agree (the PDF shows the metric rounded for reading).

import Foundation

public enum NumberText {
    /// A number for reading: integers as they are; otherwise 4 significant digits, switching to
    /// scientific notation ("5.733×10⁻⁵") for very small or very large magnitudes. Minus signs are U+2212.
    public static func format(_ x: Double) -> String {
        guard x.isFinite else { return "n/a" }
        if x == x.rounded(), abs(x) < 1e9 { return signed(String(Int(x))) }
        let a = abs(x)
        if a >= 1e6 || a < 1e-3 {
            let exponent = Int(floor(log10(a)))
            var mantissa = x / pow(10, Double(exponent))
            var e = exponent
            if abs(mantissa) >= 9.9995 { mantissa /= 10; e += 1 }
            return signed(trimmingZeros(String(format: "%.3f", mantissa))) + "×10" + superscript(e)
        }
        // Fixed notation with 4 significant digits (at most 6 decimals, since |x| ≥ 0.001 here).
        let decimals = max(0, 3 - Int(floor(log10(a))))
        return signed(trimmingZeros(String(format: "%.\(decimals)f", x)))
    }

    /// `x` rounded to `decimals` decimals, for a metric stored at the precision its method reaches (float
    /// residue below it would otherwise be printed, and read, as a result). A value that rounds to zero is 0,
    /// not −0 (adding 0 clears the sign), so metrics.json never holds "-0".
    public static func rounded(_ x: Double, decimals: Int) -> Double {
        let k = pow(10, Double(decimals))
        return (x * k).rounded() / k + 0
    }

    /// A number with a fixed count of decimals (for percentages and values whose precision is known).
    public static func fixed(_ x: Double, _ decimals: Int) -> String {
        guard x.isFinite else { return "n/a" }
        return signed(String(format: "%.\(decimals)f", x))
    }

    /// "0.1430" → "0.143", "21.50" → "21.5": the digits shown are the significant ones.
    private static func trimmingZeros(_ s: String) -> String {
        guard s.contains(".") else { return s }
        var t = Substring(s)
        while t.hasSuffix("0") { t = t.dropLast() }
        if t.hasSuffix(".") { t = t.dropLast() }
        return String(t)
    }

    private static func signed(_ s: String) -> String {
        s.hasPrefix("-") ? "\u{2212}" + s.dropFirst() : s
    }

    private static func superscript(_ n: Int) -> String {
        let digits: [Character] = ["⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"]
        var s = n < 0 ? "⁻" : ""
        for c in String(abs(n)) { s.append(digits[Int(String(c))!]) }
        return s
    }
}
