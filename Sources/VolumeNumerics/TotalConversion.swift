// Double → Int without traps. `Int(x)` traps on NaN, ±∞ and |x| ≥ 2⁶³ ("Double value cannot be converted to
// Int"); sizes computed from user numbers (a resolution of 1e-20 Å, a voxel size of 1e-6 Å) reach those.
// Every such conversion in the numerics goes through here, with the range its use allows.

extension Int {
    /// `x` rounded by `rule`, then clamped to `range`; NaN gives `range.lowerBound`.
    public static func clamped(_ x: Double, _ rule: FloatingPointRoundingRule = .towardZero,
                               to range: ClosedRange<Int>) -> Int {
        guard !x.isNaN else { return range.lowerBound }
        let r = x.rounded(rule)
        if r <= Double(range.lowerBound) { return range.lowerBound }
        if r >= Double(range.upperBound) { return range.upperBound }
        return Int(r)
    }
}
