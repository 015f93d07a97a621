// Number formatting for the Level 0 warning texts (plain text; the report escapes it for LaTeX).
import Foundation

enum Level0Format {
    /// Fixed-point with `digits` decimals, e.g. fixed(21.537, 1) = "21.5".
    static func fixed(_ x: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", x) }

    /// `digits` significant digits, in scientific notation when needed, e.g. sig(1.234e-240) = "1.23e-240".
    static func sig(_ x: Double, _ digits: Int = 3) -> String { String(format: "%.\(digits)g", x) }

    /// A p-value: two significant digits when a Double holds it, else as a power of ten from log10 p.
    static func pValue(_ p: Double, log10P: Double) -> String {
        if p >= 1e-300 { return sig(p, 2) }
        return "10^" + fixed(log10P, 1)
    }

    static let axisNames = ["X", "Y", "Z"]
}
