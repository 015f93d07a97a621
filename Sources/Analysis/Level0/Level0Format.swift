// Number formatting for the Level 0 warning texts, through NumberText so that the numbers in a warning read
// as in the report's tables (plain text; the report escapes it for LaTeX).
import Foundation

enum Level0Format {
    /// Fixed-point with `digits` decimals, e.g. fixed(21.537, 1) = "21.5".
    static func fixed(_ x: Double, _ digits: Int) -> String { NumberText.fixed(x, digits) }

    /// A number as the tables print it (4 significant digits, scientific notation when very small or large).
    static func sig(_ x: Double) -> String { NumberText.format(x) }

    /// A p-value as the tables print it; when a Double cannot hold it, as a bound with its log10.
    static func pValue(_ p: Double, log10P: Double) -> String {
        if p >= 1e-300 { return NumberText.format(p) }
        return "below 10" + "⁻³⁰⁰ (log10 p = \(NumberText.fixed(log10P, 1)))"
    }

    static let axisNames = ["X", "Y", "Z"]
}
