// 4.g Efficiency of the orientation distribution (after Naydenova & Russo 2017, Nat. Commun. 8:629, cryoEF).
//
// The transfer function of the orientation distribution at the shell of the resolution R is the relative
// sampling t(u) = S(u)/⟨S⟩ of each direction u (CentralSectionSampling at K = D/R, D the particle diameter;
// ⟨S⟩ is the same for every distribution of the same particles, so t = 1 for uniform sampling). With the
// particles' B-factor B, the SSNR in direction u falls as t(u)·N·exp(−B k²/2), so the resolution reached in
// direction u obeys k_u² = k_R² + (2/B)·ln t(u) (the logarithmic dependence on particle number of Rosenthal &
// Henderson 2003); directions with no sampling carry no information (k_u = 0). This surface k_u is the
// point-spread function of the distribution in Fourier space. The efficiency is its harmonic over its
// arithmetic mean, E_od = (1/⟨1/k_u⟩)/⟨k_u⟩: 1 for uniform sampling, 0 when a direction is never sampled.
// The mean directional resolution is 1/⟨k_u⟩ (Å), which stays finite when some k_u = 0.
import Foundation
import ImageData

public struct OrientationEfficiency: Sendable, Equatable {
    public var efficiency: Double
    /// 1/⟨k_u⟩ in Å.
    public var meanDirectionalResolutionA: Double
    /// Per direction: the unit vector and its resolution in Å (nil: never sampled, no information).
    public var directions: [SIMD3<Double>]
    public var directionalResolutionA: [Double?]
    public var fourierRadius: Double

    /// - Parameters: viewing directions of the particles; `resolutionA` R; `diameterA` D; `bFactorA2` B (Å²).
    public static func compute(viewingDirections n: [SIMD3<Double>], resolutionA: Double, diameterA: Double,
                               bFactorA2: Double, symmetryOperators: [Rotation3] = [],
                               directionCount: Int = 1000) -> OrientationEfficiency {
        let k = max(2, diameterA / resolutionA)
        let dirs = HemisphereDirections.fibonacci(count: directionCount)
        let expanded = CentralSectionSampling.symmetryExpanded(n, operators: symmetryOperators)
        let s = CentralSectionSampling.counts(viewingDirections: expanded, directions: dirs, fourierRadius: k)
        let mean = s.reduce(0, +) / Double(s.count)
        let kR = 1 / resolutionA
        let ku: [Double] = s.map { si in
            guard si > 0, mean > 0 else { return 0 }
            return max(0, kR * kR + 2 / bFactorA2 * log(si / mean)).squareRoot()
        }
        let arith = ku.reduce(0, +) / Double(ku.count)
        let efficiency: Double = ku.contains(0) || arith == 0
            ? 0 : 1 / (ku.map { 1 / $0 }.reduce(0, +) / Double(ku.count)) / arith
        return OrientationEfficiency(efficiency: efficiency, meanDirectionalResolutionA: arith > 0 ? 1 / arith : .infinity,
                                     directions: dirs, directionalResolutionA: ku.map { $0 > 0 ? 1 / $0 : nil },
                                     fourierRadius: k)
    }
}
