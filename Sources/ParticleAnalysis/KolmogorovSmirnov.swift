// Two-sample Kolmogorov–Smirnov test (two-sided). D = sup |F₁ − F₂| of the two empirical distribution
// functions. The p-value P(D ≥ d) is exact under the null hypothesis that both samples come from one
// continuous distribution: every interleaving of the m + n sorted values is then equally likely, an
// interleaving is a lattice path from (0, 0) to (m, n), and its D is the largest |i/m − j/n| along the path
// (Hodges 1957). We follow the probability of staying strictly inside |i·n − j·m| < d·m·n step by step (a step
// takes the next value from sample 1 with probability (m − i)/(m + n − i − j)) and add up the probability that
// leaves the band, so that small p-values keep their relative precision. Exact for any sizes (O(m·n)); with
// ties the test is conservative, as every exact KS test. Checked against scipy.stats.ks_2samp(method="exact")
// in Tests/Oracles/ks_2samp.py.
import Foundation

public enum KolmogorovSmirnov {
    /// The statistic D and the exact two-sided p-value for samples `a` and `b` (each non-empty).
    public static func twoSample(_ a: [Double], _ b: [Double]) -> (statistic: Double, pValue: Double) {
        precondition(!a.isEmpty && !b.isEmpty)
        let d = statistic(a, b)
        return (d, pValue(statistic: d, m: a.count, n: b.count))
    }

    /// sup over x of |F_a(x) − F_b(x)|, evaluated after each distinct value.
    public static func statistic(_ a: [Double], _ b: [Double]) -> Double {
        let x = a.sorted(), y = b.sorted()
        var i = 0, j = 0, d = 0.0
        while i < x.count || j < y.count {
            let v = min(i < x.count ? x[i] : .infinity, j < y.count ? y[j] : .infinity)
            while i < x.count && x[i] == v { i += 1 }
            while j < y.count && y[j] == v { j += 1 }
            d = max(d, abs(Double(i) / Double(x.count) - Double(j) / Double(y.count)))
        }
        return d
    }

    /// P(D ≥ d) for sample sizes m and n.
    public static func pValue(statistic d: Double, m: Int, n: Int) -> Double {
        // d is |i/m − j/n| at some lattice point, so d·m·n is an integer up to rounding.
        let h = Int((d * Double(m) * Double(n)).rounded())
        if h <= 0 { return 1 }
        func inside(_ i: Int, _ j: Int) -> Bool { abs(i * n - j * m) < h }
        var row = [Double](repeating: 0, count: n + 1)
        var left = 0.0
        row[0] = 1
        for i in 0...m {
            var next = [Double](repeating: 0, count: n + 1)
            for j in 0...n {
                let p = row[j]
                guard p > 0 else { continue }
                let remaining = Double(m + n - i - j)
                guard remaining > 0 else { continue }
                if i < m {
                    let q = p * Double(m - i) / remaining
                    if inside(i + 1, j) { next[j] += q } else { left += q }
                }
                if j < n {
                    let q = p * Double(n - j) / remaining
                    if inside(i, j + 1) { row[j + 1] += q } else { left += q }
                }
            }
            row = next
        }
        return min(1, left)
    }
}

/// Gaussian kernel density estimate with Silverman's rule-of-thumb bandwidth (1986, eq. 3.31):
/// h = 0.9 · min(s, IQR/1.34) · n^(−1/5).
public enum KernelDensity {
    public static func bandwidth(_ x: [Double]) -> Double {
        let n = Double(x.count), mean = x.reduce(0, +) / n
        let sd = x.count > 1 ? (x.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / (n - 1)).squareRoot() : 0
        let s = x.sorted()
        let iqr = s[Int(0.75 * (n - 1))] - s[Int(0.25 * (n - 1))]
        let spread = iqr > 0 ? min(sd, iqr / 1.34) : sd
        return 0.9 * max(spread, 1e-3) * pow(n, -0.2)
    }

    /// The density (integrating to 1) at each point of `grid`.
    public static func density(_ x: [Double], at grid: [Double], bandwidth h: Double) -> [Double] {
        let norm = 1 / (Double(x.count) * h * (2 * Double.pi).squareRoot())
        return grid.map { g in norm * x.reduce(0) { $0 + exp(-0.5 * (($1 - g) / h) * (($1 - g) / h)) } }
    }
}
