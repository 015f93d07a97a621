// 4.f Overfitting detection (after Xmipp's validate_overfitting; Heymann 2015's "noise bias" idea): the
// half-set FSC resolution of reconstructions from growing subsets of the particles, and of the same numbers
// of pure-noise images carrying the same angles and CTFs. Real particles should reach a better resolution than
// noise at every size, and improve as the subset grows; noise that reaches a comparable resolution means the
// angles themselves (not the images) carry the structure — the reconstruction can be overfitted.
//
// Each subset is the first m particles of the order given; its halves are the even and odd positions. The
// FSC is unmasked, in one-voxel shells (VolumeNumerics.FSC), and its first fall below 0.143 from shell 1 on
// (interpolated) gives the resolution in Å. Unlike 1.a we do not skip the first shells: a pure-noise curve
// falls below 0.143 at once, and skipping would report its first later crossing instead.
import Foundation
import MapIO
import VolumeNumerics

public struct OverfittingPoint: Sendable, Equatable, Codable {
    public var particles: Int
    public var resolutionA: Double
    public var noiseResolutionA: Double
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
            OverfittingPoint(particles: m,
                             resolutionA: try halfSetResolution(m, box: n, pixelSizeA: pixelSizeA, particle),
                             noiseResolutionA: try halfSetResolution(m, box: n, pixelSizeA: pixelSizeA, noise))
        }
    }

    /// FSC-0.143 resolution (Å) between reconstructions of the even and odd particles among the first m.
    public static func halfSetResolution(_ m: Int, box n: Int, pixelSizeA: Double,
                                         _ source: @Sendable (Int) throws -> ReconstructionInput) throws -> Double {
        let h1 = try FourierReconstruction.reconstruct(count: (m + 1) / 2, box: n, pixelSizeA: pixelSizeA) { try source(2 * $0) }
        let h2 = try FourierReconstruction.reconstruct(count: m / 2, box: n, pixelSizeA: pixelSizeA) { try source(2 * $0 + 1) }
        return resolutionA(FSC.curve(h1, h2))
    }

    /// The 0.143 crossing of an FSC curve in Å (Nyquist when it never crosses).
    public static func resolutionA(_ curve: FSCCurve) -> Double {
        let c = curve.fsc, f = curve.frequencyInvA, t = 0.143
        guard c.count > 2 else { return .infinity }
        for s in 1..<c.count where c[s] < t {
            if c[s - 1] < t || s == 1 && c[0] < t { return 1 / f[s] }
            let w = (c[s - 1] - t) / (c[s - 1] - c[s])
            return 1 / (f[s - 1] + w * (f[s] - f[s - 1]))
        }
        return 1 / f[c.count - 1]
    }
}
