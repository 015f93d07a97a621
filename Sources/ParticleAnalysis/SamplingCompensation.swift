// 4.h Sampling compensation factor (Baldwin & Lyumkis 2020, Prog. Biophys. Mol. Biol. 150:160).
//
// With S(u) the number of central sections through direction u at Fourier radius K (CentralSectionSampling),
// the noise of the reconstruction in direction u goes as 1/S(u), so non-uniform sampling costs
// SCF = 1 / (⟨S⟩ · ⟨1/S⟩), the mean of 1/S taken over the sampled directions; SCF = 1 for uniform sampling,
// 8/π² ≈ 0.81 for pure side views (S ∝ 1/sin θ). SCF* also charges the unsampled directions: with q/p the
// ratio of unsampled to sampled directions, SCF* = SCF / (1 + (q/p)·⟨S⟩·SCF/2), as in the authors' program
// (LyumkisLab/CommandLineSCF). K = 50 is the program's default.
import Foundation
import ImageData

public struct SamplingCompensation: Sendable, Equatable {
    public var scf: Double
    public var scfStar: Double
    /// Fraction of directions not sampled at all.
    public var fractionUnsampled: Double
    /// Mean number of sections through a direction, ⟨S⟩.
    public var meanSampling: Double
    public var directions: Int

    public static func compute(viewingDirections n: [SIMD3<Double>], fourierRadius k: Double = 50,
                               symmetryOperators: [Rotation3] = []) -> SamplingCompensation {
        let dirs = HemisphereDirections.fibonacci(count: CentralSectionSampling.directionCount(fourierRadius: k))
        let expanded = CentralSectionSampling.symmetryExpanded(n, operators: symmetryOperators)
        let s = CentralSectionSampling.counts(viewingDirections: expanded, directions: dirs, fourierRadius: k)
        let sampled = s.filter { $0 > 0 }
        let mean = s.reduce(0, +) / Double(s.count)
        guard !sampled.isEmpty, mean > 0 else {
            return SamplingCompensation(scf: 0, scfStar: 0, fractionUnsampled: 1, meanSampling: 0, directions: dirs.count)
        }
        let meanRecip = sampled.map { 1 / $0 }.reduce(0, +) / Double(sampled.count)
        let scf = 1 / (meanRecip * mean)
        let unsampled = Double(s.count - sampled.count) / Double(s.count)
        let qOverP = unsampled / (1 - unsampled)
        let star = scf / (1 + qOverP * mean * scf / 2)
        return SamplingCompensation(scf: scf, scfStar: star, fractionUnsampled: unsampled, meanSampling: mean,
                                    directions: dirs.count)
    }
}
