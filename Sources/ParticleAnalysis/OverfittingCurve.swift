// 4.f Overfitting detection (after Xmipp's validate_overfitting; Heymann 2015's "noise bias" idea): the
// half-set FSC resolution of reconstructions from growing subsets of the particles, and of the same numbers
// of pure-noise images carrying the same angles and CTFs. Real particles should reach a better resolution than
// noise at every size, and improve as the subset grows; noise that reaches a comparable resolution means the
// angles themselves (not the images) carry the structure — the reconstruction can be overfitted.
//
// Each subset is the first m particles of the order given; its halves are the even and odd positions. The
// FSC is unmasked, in one-voxel shells (VolumeNumerics.FSC), and its 0.143 crossing follows the project's one
// rule (FSCCrossings.firstDownward, docs/methods.md "FSC crossings"): a curve below 0.143 from the lowest
// shells on gives no resolution (nil, flagged), never a number coarser than the box; a curve that never falls
// below it is flagged as limited by Nyquist. So every resolution lies in [2 × pixel, box × pixel].
import Foundation
import MapIO
import VolumeNumerics

public struct OverfittingPoint: Sendable, Equatable, Codable {
    public var particles: Int
    /// FSC-0.143 resolution of the particles' half sets in Å; nil when the curve gives none.
    public var resolutionA: Double?
    /// The same for pure noise with the same angles and CTFs.
    public var noiseResolutionA: Double?
    /// The curve did not fall below 0.143 before Nyquist (the resolution is the Nyquist limit, a bound).
    public var atNyquist: Bool
    public var noiseAtNyquist: Bool

    public init(particles: Int, resolutionA: Double?, noiseResolutionA: Double?, atNyquist: Bool = false, noiseAtNyquist: Bool = false) {
        self.particles = particles; self.resolutionA = resolutionA; self.noiseResolutionA = noiseResolutionA
        self.atNyquist = atNyquist; self.noiseAtNyquist = noiseAtNyquist
    }

    /// Noise does as well as the particles: it has a resolution, and the particles have none or no better one.
    public var noiseMatchesParticles: Bool {
        guard let noise = noiseResolutionA else { return false }
        guard let real = resolutionA else { return true }
        return noise <= real
    }
}

/// A half-set FSC-0.143 resolution: nil when the curve gives none; `atNyquist` when it never falls below.
public struct HalfSetResolution: Sendable, Equatable {
    public var resolutionA: Double?
    public var atNyquist: Bool
}

public enum OverfittingCurve {
    /// The default subset fractions (of the particles given), as in the issue: 3, 10, 30, 75, 100 %.
    public static let defaultFractions = [0.03, 0.1, 0.3, 0.75, 1.0]

    public static func compute(count: Int, box n: Int, pixelSizeA: Double, fractions: [Double] = defaultFractions,
                               particle: @Sendable (Int) throws -> ReconstructionInput,
                               noise: @Sendable (Int) throws -> ReconstructionInput) throws -> [OverfittingPoint] {
        var sizes: [Int] = []
        for f in fractions {
            let m = max(4, Int((Double(count) * f).rounded()))
            if m <= count, !sizes.contains(m) { sizes.append(m) }
        }
        return try sizes.map { m in
            let real = try halfSetResolution(m, box: n, pixelSizeA: pixelSizeA, particle)
            let pure = try halfSetResolution(m, box: n, pixelSizeA: pixelSizeA, noise)
            return OverfittingPoint(particles: m, resolutionA: real.resolutionA, noiseResolutionA: pure.resolutionA,
                                    atNyquist: real.atNyquist, noiseAtNyquist: pure.atNyquist)
        }
    }

    /// FSC-0.143 resolution (Å) between reconstructions of the even and odd particles among the first m.
    public static func halfSetResolution(_ m: Int, box n: Int, pixelSizeA: Double,
                                         _ source: @Sendable (Int) throws -> ReconstructionInput) throws -> HalfSetResolution {
        let h1 = try FourierReconstruction.reconstruct(count: (m + 1) / 2, box: n, pixelSizeA: pixelSizeA) { try source(2 * $0) }
        let h2 = try FourierReconstruction.reconstruct(count: m / 2, box: n, pixelSizeA: pixelSizeA) { try source(2 * $0 + 1) }
        return resolutionA(FSC.curve(h1, h2))
    }

    /// The 0.143 crossing of an FSC curve by the project's rule (FSCCrossings.firstDownward).
    public static func resolutionA(_ curve: FSCCurve) -> HalfSetResolution {
        let crossing = FSCCrossings.crossing(curve, .fixed(0.143))
        return HalfSetResolution(resolutionA: crossing.resolutionA(curve.frequencyInvA), atNyquist: crossing == .notBeforeNyquist)
    }
}
