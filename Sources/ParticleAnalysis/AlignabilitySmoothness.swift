// 4.b Alignability smoothness (after Méndez et al. 2021, J Struct Biol 213:107771: a correctly oriented
// particle sits at the maximum of a smooth correlation landscape over orientations).
//
// Landscape: orientations A = R(ω)·A₀ around the assigned A₀, ω a rotation vector (degrees, rotation about an
// axis of the map frame) on a cubic grid of step `stepDeg` inside |ω| ≤ `rangeDeg` (LocalRealignment.grid).
// At each orientation the score is the Pearson correlation, in Fourier space over frequencies 1/∞ < k ≤
// 1/`lowPassA` (DC excluded), between the particle and the map's projection (ImageData.FourierProjector)
// moved by −origin₀ and multiplied by the particle's CTF. The origin is kept at its assigned value: the
// landscape is then a function of the orientation alone, costs one projection per orientation, and the shift
// search is 4.d's job (a wrong origin lowers the whole landscape but does not move its maximum much).
// Smoothing: a Gaussian of σ = `smoothingSigmaDeg` in the geodesic distance between orientations (the
// distance between R(ω_i)·A₀ and R(ω_j)·A₀ does not depend on A₀, so the kernel is computed once), normalised
// per point (a weighted mean, so the grid's edge is not biased downwards). The maximum of the smoothed
// landscape is refined below the grid step by a parabola through it and its two neighbours along each axis
// (clamped to ±step/2). The distance is the geodesic angle between that orientation and A₀, the smallest
// over the symmetry mates A₀·L.
import Foundation
import ImageData

public struct SmoothnessResult: Sendable, Equatable, Codable {
    /// Angle (degrees) between the assigned orientation and the smoothed landscape's maximum.
    public var distanceDeg: Double
    /// Correlation at the assigned orientation and the smoothed landscape's largest value.
    public var assignedCC: Double
    public var smoothedPeakCC: Double
    /// Whether the maximum lies on the grid's outer shell (the true maximum may be farther).
    public var atEdge: Bool
}

public struct AlignabilitySmoothness: Sendable {
    public let rangeDeg: Double, stepDeg: Double, smoothingSigmaDeg: Double
    /// Frequencies up to 1/lowPassA Å⁻¹ enter the correlation.
    public let lowPassA: Double
    public var symmetry: [Rotation3] = [Rotation3.identity]
    /// Grid points as integer multiples of the step, and their rotation vectors (degrees).
    let cells: [SIMD3<Int>]
    let vectors: [SIMD3<Double>]
    let index: [SIMD3<Int>: Int]
    /// Smoothing kernel: per grid point, (neighbour, weight) for neighbours within 3σ.
    let kernel: [[(Int, Double)]]

    /// The low-pass (Å) used unless the pixel is coarser than half of it.
    public static let defaultLowPassA = 8.0

    public init(rangeDeg: Double = 36, stepDeg: Double = 6, smoothingSigmaDeg: Double = 6, lowPassA: Double = defaultLowPassA) {
        self.rangeDeg = rangeDeg; self.stepDeg = stepDeg; self.smoothingSigmaDeg = smoothingSigmaDeg
        self.lowPassA = lowPassA
        let m = Int((rangeDeg / stepDeg).rounded(.down))
        var cells: [SIMD3<Int>] = []
        for i in -m...m { for j in -m...m { for k in -m...m where i * i + j * j + k * k <= m * m {
            cells.append(SIMD3(i, j, k))
        } } }
        self.cells = cells
        vectors = cells.map { SIMD3(Double($0.x), Double($0.y), Double($0.z)) * stepDeg }
        var index: [SIMD3<Int>: Int] = [:]
        for (i, c) in cells.enumerated() { index[c] = i }
        self.index = index
        let rotations = vectors.map(LocalRealignment.rotation)
        let reach = 3 * smoothingSigmaDeg
        // |ω_i − ω_j| bounds the geodesic distance from below only approximately; 1.5× leaves room.
        let vectors = self.vectors
        kernel = (0..<cells.count).map { i in
            var out: [(Int, Double)] = []
            for j in 0..<cells.count {
                let d = vectors[i] - vectors[j]
                if (d * d).sum() > 2.25 * reach * reach { continue }
                let g = rotations[i].angularDistanceDeg(to: rotations[j])
                if g <= reach { out.append((j, exp(-g * g / (2 * smoothingSigmaDeg * smoothingSigmaDeg)))) }
            }
            return out
        }
    }

    /// Number of orientations in the landscape.
    public var orientationCount: Int { cells.count }

    /// The correlation at every grid orientation (order of the grid).
    public func landscape(image: Image2D, angles: EulerAngles, originA: SIMD2<Double>, ctf: CTF?,
                          projector: FourierProjector) -> [Double] {
        let n = projector.size, px = projector.pixelSizeA, hx = n / 2 + 1
        let kMax = min(Double(n / 2), Double(n) * px / lowPassA)
        let f = FFT2D.forward(image).data
        let ctfValues = ctf?.halfSpectrum(size: n, pixelSizeA: px)
        // Coefficients in the band, each with its Hermitian multiplicity (interior columns stand for two).
        var band: [(Int, Float)] = []
        var imageNorm = 0.0
        for j in 0..<n {
            let ky = j < (n + 1) / 2 ? j : j - n
            for i in 0..<hx {
                let r2 = Double(i * i + ky * ky)
                if r2 == 0 || r2 > kMax * kMax { continue }
                let w: Float = (i == 0 || i == n / 2) ? 1 : 2
                band.append((i + hx * j, w))
                imageNorm += Double(w * (f[i + hx * j].x * f[i + hx * j].x + f[i + hx * j].y * f[i + hx * j].y))
            }
        }
        let a0 = angles.matrix
        var slice = [SIMD2<Float>](repeating: .zero, count: hx * n)
        return vectors.map { w in
            slice.withUnsafeMutableBufferPointer {
                projector.slice(EulerAngles(matrix: LocalRealignment.rotation(w) * a0),
                                shiftX: -originA.x / px, shiftY: -originA.y / px, maxRadius: kMax, into: $0)
            }
            var dot = 0.0, norm = 0.0
            for (o, wt) in band {
                var p = slice[o]
                if let c = ctfValues { p *= c[o] }
                let q = f[o]
                dot += Double(wt * (q.x * p.x + q.y * p.y))
                norm += Double(wt * (p.x * p.x + p.y * p.y))
            }
            return dot / max((norm * imageNorm).squareRoot(), 1e-30)
        }
    }

    /// The landscape smoothed by the Gaussian kernel (a weighted mean over neighbours within 3σ).
    public func smoothed(_ cc: [Double]) -> [Double] {
        kernel.map { nb in
            var s = 0.0, w = 0.0
            for (j, g) in nb { s += g * cc[j]; w += g }
            return s / w
        }
    }

    /// Distance from the assignment to the smoothed landscape's maximum.
    public func analyse(_ cc: [Double], angles: EulerAngles) -> SmoothnessResult {
        let s = smoothed(cc)
        let best = s.indices.max { s[$0] < s[$1] }!
        let c = cells[best]
        var w = vectors[best]
        for axis in 0..<3 {
            var e = SIMD3<Int>(0, 0, 0); e[axis] = 1
            guard let lo = index[c &- e], let hi = index[c &+ e] else { continue }
            let denominator = s[lo] - 2 * s[best] + s[hi]
            if denominator < 0 {
                w[axis] += max(-0.5, min(0.5, 0.5 * (s[lo] - s[hi]) / denominator)) * stepDeg
            }
        }
        let a0 = angles.matrix, a = LocalRealignment.rotation(w) * a0
        let distance = symmetry.map { (a * $0).angularDistanceDeg(to: a0) }.min()!
        let m = Int((rangeDeg / stepDeg).rounded(.down))
        let r2 = c.x * c.x + c.y * c.y + c.z * c.z
        return SmoothnessResult(distanceDeg: distance, assignedCC: cc[index[SIMD3(0, 0, 0)]!], smoothedPeakCC: s[best],
                                atEdge: Double(r2).squareRoot() > Double(m) - 1)
    }
}
