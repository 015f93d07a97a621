// 3.b Internal consistency of a 2D class: the Fourier ring correlation (Saxton & Baumeister 1982; van Heel
// 1987) between the averages of two random halves of its aligned particles, and the resolution where it falls
// below 0.5. Both averages are multiplied by the same soft circular mask (radius 0.45 box, raised-cosine edge of
// 0.05 box) so that the corners' noise does not enter. The crossing follows the project's FSC rule
// (VolumeNumerics FSCCrossings, docs/methods.md "FSC crossings"): crossings in the first two rings are ignored,
// a curve that stays above 0.5 is limited by the last ring, and one below 0.5 from the start gives no resolution,
// never the Nyquist value.
// The halves were aligned to the same reference, so their noise is not independent (the reference's features
// are reinforced in both: "Einstein from noise", Henderson 2013): the resolution is an optimistic, relative
// measure between classes.
import Foundation
import ImageData
import VolumeNumerics

public struct HalfSetFRC: Sendable {
    /// FRC for rings 1 … n/2 − 1.
    public let values: [Double]
    /// Ring frequencies in Å⁻¹.
    public let frequencyInvA: [Double]
    /// Where the curve crosses 0.5.
    public let crossing: FSCCrossing
    /// Sizes of the two halves.
    public let halfSizes: (Int, Int)

    /// Resolution in Å at FRC 0.5: the crossing, the last ring's when the curve stays above 0.5, nil when the
    /// curve gives no resolution.
    public var resolutionA: Double? { crossing.resolutionA([0] + frequencyInvA) }

    /// The halves are a seeded random split (sizes ⌈n/2⌉, ⌊n/2⌋) of at least 2 images.
    public init(aligned: [Image2D], seed: UInt64 = 20170101) {
        precondition(aligned.count >= 2)
        let (a, b) = Self.halves(count: aligned.count, seed: seed)
        self.init(first: a.map { aligned[$0] }, second: b.map { aligned[$0] })
    }

    /// The FRC between the averages of two given sets of images.
    public init(first: [Image2D], second: [Image2D]) {
        let m1 = Self.masked(Self.average(first)), m2 = Self.masked(Self.average(second))
        let frc = FourierRingCorrelation(m1, m2)
        values = frc.values
        frequencyInvA = frc.frequencyInvA
        // Shell 0 (the mean) is prepended so that ring k sits at index k, as FSCCrossings expects.
        let curve = [1.0] + frc.values
        crossing = FSCCrossings.firstDownward(curve, thresholds: curve.map { _ in 0.5 }, frequencies: [0] + frc.frequencyInvA)
        halfSizes = (first.count, second.count)
    }

    /// A seeded random split of 0..<count into two halves.
    public static func halves(count: Int, seed: UInt64) -> ([Int], [Int]) {
        var idx = Array(0..<count)
        var rng = SplitMix64(seed: seed)
        for i in stride(from: count - 1, to: 0, by: -1) { idx.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
        let k = (count + 1) / 2
        return (Array(idx[..<k]).sorted(), Array(idx[k...]).sorted())
    }

    public static func average(_ images: [Image2D]) -> Image2D {
        var out = Image2D(nx: images[0].nx, ny: images[0].ny, pixelSizeA: images[0].pixelSizeA)
        for img in images { for i in 0..<out.data.count { out.data[i] += img.data[i] } }
        let s = 1 / Float(images.count)
        for i in 0..<out.data.count { out.data[i] *= s }
        return out
    }

    /// The image times a soft circular mask: 1 within 0.45·n − w, a raised cosine to 0 at 0.45·n, w = 0.05·n.
    static func masked(_ img: Image2D) -> Image2D {
        var out = img
        let n = Double(img.nx), outer = 0.45 * n, width = 0.05 * n, inner = outer - width
        for y in 0..<img.ny { for x in 0..<img.nx {
            let r = (pow(Double(x - img.nx / 2), 2) + pow(Double(y - img.ny / 2), 2)).squareRoot()
            let w = r <= inner ? 1 : r >= outer ? 0 : 0.5 * (1 + cos(Double.pi * (r - inner) / width))
            out[x, y] = img[x, y] * Float(w)
        } }
        return out
    }
}
