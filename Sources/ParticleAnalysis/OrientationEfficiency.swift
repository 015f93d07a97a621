// 4.g Efficiency of the orientation distribution (after Naydenova & Russo 2017, Nat. Commun. 8:629, cryoEF).
//
// The transfer function of the orientation distribution at the shell of the resolution R is the relative
// sampling t(u) = S(u)/⟨S⟩ of each direction u (CentralSectionSampling at radius K, in units of 1/D, D the
// particle diameter; ⟨S⟩ is the same for every distribution of the same particles, so t = 1 for uniform
// sampling). With the particles' B-factor B, the SSNR in direction u falls as t(u)·N·exp(−B k²/2), so the
// resolution reached in direction u obeys k_u² = k_R² + (2/B)·ln t(u) (the logarithmic dependence on particle
// number of Rosenthal & Henderson 2003); directions with no sampling carry no information (k_u = 0). This surface
// k_u is the point-spread function of the distribution in Fourier space. The efficiency is its harmonic over its
// arithmetic mean, E_od = (1/⟨1/k_u⟩)/⟨k_u⟩: 1 for uniform sampling, 0 when a direction is never sampled.
// The mean directional resolution is 1/⟨k_u⟩ (Å), which stays finite when some k_u = 0.
//
// Section thickness. Each central section is a slab of thickness 1/D (the particle's finite size), so at the
// shell of R it covers directions within |u·n| < R/(2D), K = D/R. A uniform distribution of N sections then
// crosses each direction N·R/(2D) times on average, Poisson-distributed: with a few hundred particles (N·R/2D of
// 2–3) some of the test directions are crossed by none and E_od would be 0 although the distribution is fine.
// The sampling S(u) is a count whose relative noise is 1/√S(u), so it can only be told apart from uniform at an
// angular scale holding enough sections: we widen the slab, when needed, so that a uniform distribution crosses
// every direction `minimumSections` (20, a relative noise of 22 %, a few per cent in k_u) times on average,
// K = min(D/R, N/(2·20)) (at least 2). Large sets keep the thickness 1/D; real gaps wider than the widened slab
// (± 20/N in u·n) still give unsampled directions and E_od = 0. docs/methods.md 4.g.
import Foundation
import ImageData

public struct OrientationEfficiency: Sendable, Equatable {
    public var efficiency: Double
    /// 1/⟨k_u⟩ in Å.
    public var meanDirectionalResolutionA: Double
    /// Per direction: the unit vector and its resolution in Å (nil: never sampled, no information).
    public var directions: [SIMD3<Double>]
    public var directionalResolutionA: [Double?]
    /// The radius K (units of 1/D) whose slabs were counted, and D/R, the radius of slabs of thickness 1/D.
    public var fourierRadius: Double
    public var nominalFourierRadius: Double

    /// Sections that cross each direction on average for a uniform distribution, at least (see above).
    public static let minimumSections = 20.0

    /// The radius K at which slabs are counted for `sections` central sections (symmetry copies included).
    public static func fourierRadius(resolutionA: Double, diameterA: Double, sections: Int) -> Double {
        max(2, min(diameterA / resolutionA, Double(sections) / (2 * minimumSections)))
    }

    /// - Parameters: viewing directions of the particles; `resolutionA` R; `diameterA` D; `bFactorA2` B (Å²).
    public static func compute(viewingDirections n: [SIMD3<Double>], resolutionA: Double, diameterA: Double,
                               bFactorA2: Double, symmetryOperators: [Rotation3] = [],
                               directionCount: Int = 1000) -> OrientationEfficiency {
        let dirs = HemisphereDirections.fibonacci(count: directionCount)
        let expanded = CentralSectionSampling.symmetryExpanded(n, operators: symmetryOperators)
        let k = fourierRadius(resolutionA: resolutionA, diameterA: diameterA, sections: expanded.count)
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
                                     fourierRadius: k, nominalFourierRadius: diameterA / resolutionA)
    }
}
