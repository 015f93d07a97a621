// Robust location and scatter of points in the plane: the reweighted Minimum Covariance Determinant estimator
// (Rousseeuw 1984; the FAST-MCD search of Rousseeuw & Van Driessen 1999, Technometrics 41:212).
// - Raw MCD: the h = ⌊(n + 3)/2⌋ points (p = 2 dimensions: ⌊(n + p + 1)/2⌋, the largest breakdown point) whose
//   covariance has the smallest determinant, found from 500 random 3-point starts, two concentration steps
//   each (on a random 300-point subsample when n > 600), then the best 10 iterated to convergence on all points.
// - Consistency: the covariance of the central fraction α of a Gaussian underestimates its covariance by
//   c(α) = α / P(χ²₄ ≤ χ²₂,α) (Croux & Haesbroeck 1999), which in two dimensions has the closed form
//   c(α) = α / (α + (1 − α)·ln(1 − α)). It depends on α only, not on the data, so contamination cannot inflate
//   it (a correction by the median distance of all points would).
// - Reweighting: mean and covariance of the points with d² ≤ χ²₂(0.975) = −2 ln 0.025, times c(0.975).
// Mahalanobis distances d = √((x − μ)ᵀ Σ⁻¹ (x − μ)); for Gaussian data P(d ≤ 3) = 1 − e^{−4.5} = 0.989.
import Foundation
import VolumeNumerics

public struct RobustCovariance2D: Sendable {
    public let mean: SIMD2<Double>
    /// Covariance (xx, xy, yy).
    public let covariance: SIMD3<Double>
    /// Mahalanobis distance of every input point.
    public let distances: [Double]

    /// χ²₂ quantile at probability `q`: −2 ln(1 − q).
    public static func chiSquare2Quantile(_ q: Double) -> Double { -2 * log(1 - q) }

    /// Croux–Haesbroeck consistency factor in two dimensions for the central fraction α.
    public static func consistencyFactor(_ alpha: Double) -> Double {
        alpha >= 1 ? 1 : alpha / (alpha + (1 - alpha) * log(1 - alpha))
    }

    /// Reweighted MCD of `points` (at least 5). Points that all coincide, or lie on one line, give zero spread
    /// along it: a tiny ridge keeps the covariance invertible, so such points are at distance 0.
    public init(points: [SIMD2<Double>], starts: Int = 500, seed: UInt64 = 11) {
        let n = points.count
        precondition(n >= 5, "RobustCovariance2D needs at least 5 points")
        let h = (n + 3) / 2
        var rng = SplitMix64(seed: seed)
        // Large sets: the random starts run on a subsample of 300 points (FAST-MCD's nested scheme, simplified).
        let sample = n > 600 ? Array(ParticleSubset.indices(count: n, limit: 300, seed: seed)) : Array(points.indices)
        let sub = sample.map { points[$0] }, hs = (sub.count + 3) / 2
        var trials: [(det: Double, fit: (SIMD2<Double>, SIMD3<Double>))] = []
        for _ in 0..<starts {
            var start = Set<Int>()
            while start.count < 3 { start.insert(Int(rng.next() % UInt64(sub.count))) }
            var subset = Array(start)
            // Grow a degenerate start (collinear points) until its covariance is invertible, as FAST-MCD does.
            var fit = Self.fit(sub, subset)
            while Self.determinant(fit.1) <= 0 && subset.count < sub.count {
                var extra = Int(rng.next() % UInt64(sub.count))
                while subset.contains(extra) { extra = (extra + 1) % sub.count }
                subset.append(extra); fit = Self.fit(sub, subset)
            }
            let s = Self.concentrate(sub, Self.fit(sub, Self.concentrate(sub, fit, hs)), hs)
            let f = Self.fit(sub, s)
            trials.append((Self.determinant(f.1), f))
        }
        trials.sort { $0.det < $1.det }
        var best: (det: Double, subset: [Int]) = (.infinity, [])
        for t in trials.prefix(10) {
            var subset = Self.concentrate(points, t.fit, h)
            var det = Self.determinant(Self.fit(points, subset).1)
            for _ in 0..<100 {
                let next = Self.concentrate(points, Self.fit(points, subset), h)
                let d = Self.determinant(Self.fit(points, next).1)
                if d >= det { break }
                subset = next; det = d
            }
            if det < best.det { best = (det, subset) }
        }
        let raw = Self.fit(points, best.subset)
        let rawCov = raw.1 * Self.consistencyFactor(Double(h) / Double(n))
        let cutoff = Self.chiSquare2Quantile(0.975)
        let inliers = points.indices.filter { Self.squaredDistance(points[$0], raw.0, rawCov) <= cutoff }
        var (m, c) = Self.fit(points, inliers.count >= 3 ? inliers : best.subset)
        c *= Self.consistencyFactor(0.975)
        mean = m
        covariance = c
        distances = points.map { Self.squaredDistance($0, m, c).squareRoot() }
    }

    /// Mean and covariance (ML, divided by the count, as in FAST-MCD's C-steps) of the points at `indices`,
    /// with a ridge of 1e-12 × trace so that a degenerate set stays invertible.
    static func fit(_ p: [SIMD2<Double>], _ indices: [Int]) -> (SIMD2<Double>, SIMD3<Double>) {
        var m = SIMD2<Double>(0, 0)
        for i in indices { m += p[i] }
        m /= Double(indices.count)
        var c = SIMD3<Double>(0, 0, 0)
        for i in indices { let d = p[i] - m; c += SIMD3(d.x * d.x, d.x * d.y, d.y * d.y) }
        c /= Double(indices.count)
        let ridge = 1e-12 * max(c.x + c.z, 1e-300)
        return (m, SIMD3(c.x + ridge, c.y, c.z + ridge))
    }

    static func determinant(_ c: SIMD3<Double>) -> Double { c.x * c.z - c.y * c.y }

    static func squaredDistance(_ x: SIMD2<Double>, _ m: SIMD2<Double>, _ c: SIMD3<Double>) -> Double {
        let d = x - m, det = determinant(c)
        guard det > 0 else { return d.x == 0 && d.y == 0 ? 0 : .infinity }
        return (c.z * d.x * d.x - 2 * c.y * d.x * d.y + c.x * d.y * d.y) / det
    }

    /// A concentration step: the h points closest to the fit.
    static func concentrate(_ p: [SIMD2<Double>], _ fit: (SIMD2<Double>, SIMD3<Double>), _ h: Int) -> [Int] {
        let d = p.map { squaredDistance($0, fit.0, fit.1) }
        return Array(p.indices.sorted { d[$0] < d[$1] || (d[$0] == d[$1] && $0 < $1) }.prefix(h))
    }
}
