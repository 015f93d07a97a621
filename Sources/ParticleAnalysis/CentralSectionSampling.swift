// How often each direction of Fourier space is sampled by the particles' central sections, at one shell.
//
// A particle seen along n fills the central section perpendicular to n; with a finite particle (diameter D)
// the section is a slab of thickness 1/D, so at Fourier radius K (in units of 1/D: K = D·k) it covers the
// directions u with |u·n|·K < 1/2. S(u) counts the particles whose slab covers u. This is the sampling of
// Baldwin & Lyumkis 2020 (SCF) and the transfer function of Naydenova & Russo 2017 (cryoEF). S(u) = S(−u),
// so the directions cover one hemisphere.
import Foundation
import ImageData
import VolumeNumerics

public enum CentralSectionSampling {
    /// Number of directions used at Fourier radius K: 2πK² (one per unit area of the shell), at most 5000
    /// (as the SCF program of Baldwin & Lyumkis).
    public static func directionCount(fourierRadius k: Double) -> Int {
        max(100, min(5000, Int(2 * Double.pi * k * k)))
    }

    /// S(u) for each direction u, given the particles' viewing directions (unit vectors) and the radius K.
    public static func counts(viewingDirections n: [SIMD3<Double>], directions u: [SIMD3<Double>],
                              fourierRadius k: Double) -> [Double] {
        let limit = 0.5 / k
        var out = [Double](repeating: 0, count: u.count)
        out.withUnsafeMutableBufferPointer { o in
            let base = o.baseAddress!
            Parallel.perform(iterations: u.count) { j in
                let d = u[j]
                var c = 0
                for v in n where abs((d * v).sum()) < limit { c += 1 }
                base[j] = Double(c)
            }
        }
        return out
    }

    /// Viewing directions expanded by the symmetry operators L (map-space rotations): a particle at A is also
    /// seen at A·L, whose viewing direction is Lᵀ·n.
    public static func symmetryExpanded(_ n: [SIMD3<Double>], operators: [Rotation3]) -> [SIMD3<Double>] {
        if operators.count <= 1 { return n }
        return operators.flatMap { l in n.map { l.transposed.apply($0) } }
    }
}

/// Directions spread evenly over the upper hemisphere (z ≥ 0) on a Fibonacci spiral (equal area per point).
public enum HemisphereDirections {
    public static func fibonacci(count: Int) -> [SIMD3<Double>] {
        let golden = (5.0.squareRoot() - 1) * Double.pi
        return (0..<count).map { j in
            let z = (Double(j) + 0.5) / Double(count)
            let r = (1 - z * z).squareRoot(), phi = golden * Double(j)
            return SIMD3(r * cos(phi), r * sin(phi), z)
        }
    }
}
