// 4.d Local realignment: each particle is aligned again against the map's projections near its assigned
// orientation and origin, and the new assignment is compared with the old one.
//
// Orientations: A = R(ω)·A₀ for rotation vectors ω on a cubic grid of step `stepDeg` inside the ball
// |ω| ≤ `rangeDeg` (rotations about axes of the map frame), then a second grid of step stepDeg/3 and range
// stepDeg around the best. For each orientation the projection (ImageData.FourierProjector, moved by −origin₀,
// times the particle's CTF) is cross-correlated with the particle through FFTs; the score is the peak of the
// cross-correlation within ±`shiftRangeA` along x and y, divided by the projection's norm (the particle's norm
// is the same for every candidate). Angle difference: the geodesic distance between A and A₀ (the smallest
// over the symmetry group's mates); shift difference: |origin − origin₀| in Å.
import Foundation
import ImageData

public struct RealignmentResult: Sendable, Equatable, Codable {
    public var angleDifferenceDeg: Double
    public var shiftDifferenceA: Double
    public var score: Double
}

public struct LocalRealignment: Sendable {
    public var rangeDeg = 15.0, stepDeg = 5.0, shiftRangeA = 5.0
    public var symmetry: [Rotation3] = [Rotation3.identity]

    public init() {}

    /// Rotation vectors (degrees) of a cubic grid of `step` inside the ball of radius `range`.
    static func grid(range: Double, step: Double) -> [SIMD3<Double>] {
        let m = Int((range / step).rounded(.down))
        var out: [SIMD3<Double>] = []
        for i in -m...m { for j in -m...m { for k in -m...m {
            let w = SIMD3(Double(i), Double(j), Double(k)) * step
            if (w * w).sum() <= range * range + 1e-9 { out.append(w) }
        } } }
        return out
    }

    static func rotation(_ w: SIMD3<Double>) -> Rotation3 {
        let a = (w * w).sum().squareRoot()
        return a < 1e-12 ? .identity : Rotation3(axis: w / a, angleDeg: a)
    }

    public func realign(image: Image2D, angles: EulerAngles, originA: SIMD2<Double>, ctf: CTF?,
                        projector: FourierProjector) -> RealignmentResult {
        let n = projector.size, px = projector.pixelSizeA, hx = n / 2 + 1
        let imageSpectrum = FFT2D.forward(image)
        let ctfValues = ctf?.halfSpectrum(size: n, pixelSizeA: px)
        let a0 = angles.matrix
        let maxShift = Int((shiftRangeA / px).rounded(.down))
        var slice = [SIMD2<Float>](repeating: .zero, count: hx * n)
        var product = [SIMD2<Float>](repeating: .zero, count: hx * n)
        var ccf = [Float](repeating: 0, count: n * n)

        func evaluate(_ a: Rotation3) -> (score: Double, shift: SIMD2<Int>) {
            slice.withUnsafeMutableBufferPointer {
                projector.slice(EulerAngles(matrix: a), shiftX: -originA.x / px, shiftY: -originA.y / px, into: $0)
            }
            var norm = 0.0
            for j in 0..<n {
                for x in 0..<hx {
                    let i = x + hx * j
                    var p = slice[i]
                    if let c = ctfValues { p *= c[i] }
                    let w = (x == 0 || x == n / 2) ? 1.0 : 2.0   // Hermitian half: interior columns count twice
                    norm += w * Double(p.x * p.x + p.y * p.y)
                    let f = imageSpectrum.data[i]
                    product[i] = SIMD2(f.x * p.x + f.y * p.y, f.y * p.x - f.x * p.y)   // F·conj(P)
                }
            }
            product.withUnsafeMutableBufferPointer { pr in
                ccf.withUnsafeMutableBufferPointer { FFT2D.inverseUnnormalised(nx: n, ny: n, input: pr, output: $0) }
            }
            var best = -Double.infinity, at = SIMD2(0, 0)
            for dy in -maxShift...maxShift { for dx in -maxShift...maxShift {
                let v = Double(ccf[(dx + n) % n + n * ((dy + n) % n)])
                if v > best { best = v; at = SIMD2(dx, dy) }
            } }
            return (best / max(norm.squareRoot(), 1e-30), at)
        }

        var bestW = SIMD3<Double>(repeating: 0)
        var best = evaluate(a0)
        for w in Self.grid(range: rangeDeg, step: stepDeg) where w != .zero {
            let r = evaluate(Self.rotation(w) * a0)
            if r.score > best.score { best = r; bestW = w }
        }
        let centre = bestW
        for d in Self.grid(range: stepDeg, step: stepDeg / 3) where d != .zero {
            let w = centre + d
            if (w * w).sum() > rangeDeg * rangeDeg + 1e-9 { continue }
            let r = evaluate(Self.rotation(w) * a0)
            if r.score > best.score { best = r; bestW = w }
        }
        let a = Self.rotation(bestW) * a0
        let angle = symmetry.map { (a * $0).angularDistanceDeg(to: a0) }.min()!
        // The content sits at the projection moved by the peak d: −origin = −origin₀ + d·px.
        let shift = (SIMD2(Double(best.shift.x), Double(best.shift.y)) * px)
        return RealignmentResult(angleDifferenceDeg: angle, shiftDifferenceA: (shift * shift).sum().squareRoot(), score: best.score)
    }
}
