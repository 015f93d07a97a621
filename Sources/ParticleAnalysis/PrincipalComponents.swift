// The leading principal components of a set of vectors (aligned particle images, pixels inside a mask), by
// subspace iteration on the centred data (Golub & Van Loan, "orthogonal iteration"): V ← orth(Xᵀ X V), then a
// Rayleigh–Ritz step orders the two directions by variance. It never forms the pixel × pixel covariance, so a
// class of thousands of 64² images costs O(n·d) per iteration.
import Foundation
import VolumeNumerics

public struct PrincipalComponents: Sendable {
    /// Mean vector.
    public let mean: [Double]
    /// The two leading unit directions, largest variance first.
    public let components: [[Double]]
    /// Variance (n − 1 denominator) of the data along each component.
    public let variances: [Double]
    /// Coordinates of each vector on the two components (centred).
    public let scores: [SIMD2<Double>]

    /// The two leading components of `vectors` (all the same length; at least 3 of them).
    public init(vectors: [[Float]], iterations: Int = 200, seed: UInt64 = 3) {
        let n = vectors.count, d = vectors[0].count
        precondition(n >= 3 && vectors.allSatisfy { $0.count == d })
        var mean = [Double](repeating: 0, count: d)
        for v in vectors { for i in 0..<d { mean[i] += Double(v[i]) } }
        for i in 0..<d { mean[i] /= Double(n) }
        let x = vectors.map { v in (0..<d).map { Double(v[$0]) - mean[$0] } }
        var rng = SplitMix64(seed: seed)
        var basis = [(0..<d).map { _ in rng.gaussian() }, (0..<d).map { _ in rng.gaussian() }]
        Self.orthonormalise(&basis)
        func project(_ b: [[Double]]) -> [SIMD2<Double>] {
            x.map { row in
                var s = SIMD2<Double>(0, 0)
                for i in 0..<d { s.x += row[i] * b[0][i]; s.y += row[i] * b[1][i] }
                return s
            }
        }
        for _ in 0..<iterations {
            let s = project(basis)
            var next = [[Double]](repeating: [Double](repeating: 0, count: d), count: 2)
            for (row, c) in zip(x, s) { for i in 0..<d { next[0][i] += row[i] * c.x; next[1][i] += row[i] * c.y } }
            Self.orthonormalise(&next)
            // Converged when the new basis spans the old one: the determinant of their overlap is ±1.
            let det = abs(Self.dot(next[0], basis[0]) * Self.dot(next[1], basis[1]) - Self.dot(next[0], basis[1]) * Self.dot(next[1], basis[0]))
            basis = next
            if det > 1 - 1e-10 { break }
        }
        // Rayleigh–Ritz: diagonalise the 2×2 covariance of the scores.
        let s = project(basis)
        var a = 0.0, b = 0.0, c = 0.0
        for p in s { a += p.x * p.x; b += p.x * p.y; c += p.y * p.y }
        let norm = Double(n - 1)
        a /= norm; b /= norm; c /= norm
        let half = (a + c) / 2, r = (((a - c) / 2) * ((a - c) / 2) + b * b).squareRoot()
        let theta = 0.5 * atan2(2 * b, a - c)   // direction of the larger eigenvalue in the (basis0, basis1) plane
        let ct = cos(theta), st = sin(theta)
        let first = (0..<d).map { ct * basis[0][$0] + st * basis[1][$0] }
        let second = (0..<d).map { -st * basis[0][$0] + ct * basis[1][$0] }
        self.mean = mean
        components = [first, second]
        variances = [half + r, max(0, half - r)]
        scores = s.map { SIMD2(ct * $0.x + st * $0.y, -st * $0.x + ct * $0.y) }
    }

    static func dot(_ a: [Double], _ b: [Double]) -> Double {
        var s = 0.0
        for i in 0..<a.count { s += a[i] * b[i] }
        return s
    }

    /// Gram–Schmidt; a vector that vanishes is replaced by a unit axis orthogonal to the others.
    static func orthonormalise(_ v: inout [[Double]]) {
        for k in 0..<v.count {
            for j in 0..<k { let p = dot(v[k], v[j]); for i in 0..<v[k].count { v[k][i] -= p * v[j][i] } }
            var len = dot(v[k], v[k]).squareRoot()
            if len < 1e-300 {
                v[k] = [Double](repeating: 0, count: v[k].count); v[k][k % v[k].count] = 1
                for j in 0..<k { let p = dot(v[k], v[j]); for i in 0..<v[k].count { v[k][i] -= p * v[j][i] } }
                len = max(dot(v[k], v[k]).squareRoot(), 1e-300)
            }
            for i in 0..<v[k].count { v[k][i] /= len }
        }
    }
}
