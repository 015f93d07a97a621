// 2D comparison and alignment of images of the same size and pixel size.
// - Normalised cross-correlation within a circular mask after the least-squares grey-level fit a·P + b
//   (the fit does not change the Pearson correlation; it gives the residual class − (a·P + b)).
// - Translation: the peak of the FFT cross-correlation, refined to sub-pixel by a parabola through the
//   peak and its neighbours along each axis.
// - Rotation: the rotational correlation of polar-resampled Fourier amplitudes, which do not depend on
//   translation (|F| of a shifted image is unchanged) — the classical "rotation before translation" of
//   self-correlation / invariant methods (Penczek, Radermacher & Frank 1992; Joyeux & Penczek 2002). Amplitudes
//   are Friedel-symmetric, so the angle comes with a 180° ambiguity that the caller resolves with the
//   real-space correlation.
import CFFTW
import Foundation
import VolumeNumerics

/// A circular mask: pixels within `radius` (pixels) of the centre (n/2, n/2).
public struct CircularMask: Sendable {
    public let size: Int
    public let radiusPx: Double
    /// Indices (x + n·y) of the pixels inside.
    public let indices: [Int]

    public init(size n: Int, radiusPx: Double) {
        size = n; self.radiusPx = radiusPx
        var idx: [Int] = []
        for y in 0..<n { for x in 0..<n {
            let dx = Double(x - n / 2), dy = Double(y - n / 2)
            if dx * dx + dy * dy <= radiusPx * radiusPx { idx.append(x + n * y) }
        } }
        indices = idx
    }
}

/// The least-squares fit class ≈ a·P + b within a mask and the Pearson correlation there.
public struct GreyLevelFit: Sendable, Equatable {
    public var a: Double, b: Double
    /// Normalised cross-correlation of the two images within the mask.
    public var cc: Double

    public init(reference p: Image2D, image c: Image2D, mask: CircularMask) {
        var sp = 0.0, sc = 0.0, spp = 0.0, scc = 0.0, spc = 0.0
        for i in mask.indices {
            let x = Double(p.data[i]), y = Double(c.data[i])
            sp += x; sc += y; spp += x * x; scc += y * y; spc += x * y
        }
        let n = Double(mask.indices.count)
        let vp = spp - sp * sp / n, vc = scc - sc * sc / n, cov = spc - sp * sc / n
        a = vp > 0 ? cov / vp : 0
        b = (sc - a * sp) / n
        cc = vp > 0 && vc > 0 ? cov / (vp * vc).squareRoot() : 0
    }

    /// a·P + b inside the mask, 0 outside.
    public func fitted(_ p: Image2D, mask: CircularMask) -> Image2D {
        var out = Image2D(nx: p.nx, ny: p.ny, pixelSizeA: p.pixelSizeA)
        for i in mask.indices { out.data[i] = Float(a * Double(p.data[i]) + b) }
        return out
    }

    /// class − (a·P + b) inside the mask, 0 outside.
    public func residual(_ p: Image2D, _ c: Image2D, mask: CircularMask) -> Image2D {
        var out = Image2D(nx: p.nx, ny: p.ny, pixelSizeA: p.pixelSizeA)
        for i in mask.indices { out.data[i] = c.data[i] - Float(a * Double(p.data[i]) + b) }
        return out
    }
}

public enum Align2D {
    /// The shift (pixels, sub-pixel) to apply to the image with spectrum `p` so that it best matches the
    /// image with spectrum `c`, searched within |shift| ≤ maxShift, and the peak's height (Σ c·shifted p,
    /// with the mean removed). `scratch` needs hx·n complex and `real` n² floats.
    public static func bestShift(c: UnsafeBufferPointer<SIMD2<Float>>, p: UnsafeBufferPointer<SIMD2<Float>>, n: Int,
                                 maxShift: Int, scratch: UnsafeMutableBufferPointer<SIMD2<Float>>,
                                 real: UnsafeMutableBufferPointer<Float>) -> (x: Double, y: Double, peak: Double) {
        let count = (n / 2 + 1) * n
        for i in 0..<count {
            let a = c[i], b = p[i]
            // c · conj(p): the cross-correlation peaks at the shift that moves p onto c.
            scratch[i] = SIMD2(a.x * b.x + a.y * b.y, a.y * b.x - a.x * b.y)
        }
        scratch[0] = .zero
        FFT2D.inverseUnnormalised(nx: n, ny: n, input: scratch, output: real)
        var best = -Float.infinity, bx = 0, by = 0
        for dy in -maxShift...maxShift {
            let y = (dy + n) % n
            for dx in -maxShift...maxShift where dx * dx + dy * dy <= maxShift * maxShift {
                let v = real[(dx + n) % n + n * y]
                if v > best { best = v; bx = dx; by = dy }
            }
        }
        func at(_ dx: Int, _ dy: Int) -> Double { Double(real[((dx % n) + n) % n + n * (((dy % n) + n) % n)]) }
        func vertex(_ m: Double, _ z: Double, _ p: Double) -> Double {
            let d = m - 2 * z + p
            return d < 0 ? max(-0.5, min(0.5, 0.5 * (m - p) / d)) : 0
        }
        let fx = vertex(at(bx - 1, by), at(bx, by), at(bx + 1, by))
        let fy = vertex(at(bx, by - 1), at(bx, by), at(bx, by + 1))
        return (Double(bx) + fx, Double(by) + fy, Double(best) / Double(n * n))
    }

    /// The image rotated by `angleDeg` counter-clockwise (x towards y) about (n/2, n/2), bilinear, `fill`
    /// outside.
    public static func rotated(_ img: Image2D, angleDeg: Double, fill: Float = 0) -> Image2D {
        var out = Image2D(nx: img.nx, ny: img.ny, pixelSizeA: img.pixelSizeA, value: fill)
        let a = angleDeg * .pi / 180, c = cos(a), s = sin(a)
        let cx = Double(img.nx / 2), cy = Double(img.ny / 2)
        for y in 0..<img.ny { for x in 0..<img.nx {
            // Source of output pixel: rotate back by −angle.
            let dx = Double(x) - cx, dy = Double(y) - cy
            let sx = c * dx + s * dy + cx, sy = -s * dx + c * dy + cy
            let x0 = Int(sx.rounded(.down)), y0 = Int(sy.rounded(.down))
            guard x0 >= 0, y0 >= 0, x0 + 1 < img.nx, y0 + 1 < img.ny else { continue }
            let fx = Float(sx - Double(x0)), fy = Float(sy - Double(y0))
            let v0 = img[x0, y0] + (img[x0 + 1, y0] - img[x0, y0]) * fx
            let v1 = img[x0, y0 + 1] + (img[x0 + 1, y0 + 1] - img[x0, y0 + 1]) * fx
            out[x, y] = v0 + (v1 - v0) * fy
        } }
        return out
    }

    /// Best in-plane rotation (degrees, counter-clockwise, applied to `image`) and shift (pixels, applied after
    /// the rotation) bringing `image` onto `reference`, and the masked correlation reached. Candidates from the
    /// polar amplitude correlation (and their 180° partners) are refined by ±0.5 polar steps.
    public static func align(reference: Image2D, image: Image2D, maskRadiusPx: Double? = nil,
                             maxShiftPx: Int? = nil) -> (angleDeg: Double, shiftX: Double, shiftY: Double, cc: Double) {
        let n = reference.nx
        let polar = PolarAmplitudes(size: n)
        let rs = FFT2D.forward(reference), cs = FFT2D.forward(image)
        let fr = rs.data.withUnsafeBufferPointer { polar.features($0) }
        let fc = cs.data.withUnsafeBufferPointer { polar.features($0) }
        let candidates = polar.bestRotations(reference: fr, image: fc, count: 3)
        let mask = CircularMask(size: n, radiusPx: maskRadiusPx ?? 0.45 * Double(n))
        var best = (angleDeg: 0.0, shiftX: 0.0, shiftY: 0.0, cc: -2.0)
        var scratch = [SIMD2<Float>](repeating: .zero, count: (n / 2 + 1) * n)
        var real = [Float](repeating: 0, count: n * n)
        func evaluate(_ angle: Double) -> (angleDeg: Double, shiftX: Double, shiftY: Double, cc: Double) {
            let r = rotated(image, angleDeg: angle, fill: image.edgeMean)
            let spec = FFT2D.forward(r)
            let s = rs.data.withUnsafeBufferPointer { c in spec.data.withUnsafeBufferPointer { p in
                scratch.withUnsafeMutableBufferPointer { sc in real.withUnsafeMutableBufferPointer { re in
                    bestShift(c: c, p: p, n: n, maxShift: maxShiftPx ?? n / 4, scratch: sc, real: re)
                } }
            } }
            let moved = FFT2D.inverse(spec.phaseShifted(x: s.x, y: s.y))
            return (angle, s.x, s.y, GreyLevelFit(reference: reference, image: moved, mask: mask).cc)
        }
        for base in candidates {
            for start in [base, base + 180] {
                // Hill-climb on the angle with halving steps from one polar step down to 1/8 of it.
                var here = evaluate(start)
                var step = polar.stepDeg
                while step > polar.stepDeg / 9 {
                    let l = evaluate(here.angleDeg - step), r = evaluate(here.angleDeg + step)
                    if l.cc > here.cc && l.cc >= r.cc { here = l } else if r.cc > here.cc { here = r } else { step /= 2 }
                }
                if here.cc > best.cc { best = here }
            }
        }
        best.angleDeg = best.angleDeg.truncatingRemainder(dividingBy: 360)
        return best
    }
}

extension Spectrum2D {
    /// The spectrum of the image moved by (x, y) pixels (towards +x, +y).
    public func phaseShifted(x: Double, y: Double) -> Spectrum2D {
        var out = self
        for j in 0..<ny {
            let ky = Double(self.ky(j))
            for i in 0..<hx {
                let ph = -2 * Double.pi * (Double(i) * x / Double(nx) + ky * y / Double(ny))
                let c = Float(cos(ph)), s = Float(sin(ph))
                let v = data[i + hx * j]
                out.data[i + hx * j] = SIMD2(v.x * c - v.y * s, v.x * s + v.y * c)
            }
        }
        return out
    }
}

/// Translation-invariant rotational features: Fourier amplitudes sampled on rings (radius in frequency
/// pixels) at `angles` directions over 180°, each ring with its mean removed and unit norm, kept as the ring's
/// 1D spectrum so that the correlation over every rotation is one inverse FFT.
public struct PolarAmplitudes: Sendable {
    public let size: Int
    public let rings: [Double]
    public let angles: Int
    /// Angular step in degrees (180 / angles).
    public var stepDeg: Double { 180 / Double(angles) }
    var ringHalf: Int { angles / 2 + 1 }
    /// Number of complex values per image.
    public var featureCount: Int { rings.count * ringHalf }

    /// Rings from radius 2 up to `maxRadius` frequency pixels (default n/4, where class averages still hold
    /// signal) every pixel, 64 angles (2.8°).
    public init(size n: Int, maxRadius: Double? = nil, angles: Int = 64) {
        size = n
        let rMax = max(3, Int(maxRadius ?? Double(n) / 4))
        rings = (2...rMax).map(Double.init)
        self.angles = angles
    }

    /// The features of a half spectrum (FFTW layout, n×(n/2+1)).
    public func features(_ f: UnsafeBufferPointer<SIMD2<Float>>) -> [SIMD2<Float>] {
        var out = [SIMD2<Float>](repeating: .zero, count: featureCount)
        var ring = [Float](repeating: 0, count: angles)
        var ringSpectrum = [SIMD2<Float>](repeating: .zero, count: ringHalf)
        let n = size, hx = n / 2 + 1
        func amplitude(_ kx: Int, _ ky: Int) -> Float {
            var x = kx, y = ky
            if x < 0 { x = -x; y = -y }
            guard x < hx else { return 0 }
            let v = f[x + hx * ((y % n + n) % n)]
            return (v.x * v.x + v.y * v.y).squareRoot()
        }
        for (r, radius) in rings.enumerated() {
            var mean: Float = 0
            for j in 0..<angles {
                let t = Double.pi * Double(j) / Double(angles)
                let kx = radius * cos(t), ky = radius * sin(t)
                let x0 = Int(kx.rounded(.down)), y0 = Int(ky.rounded(.down))
                let fx = Float(kx - Double(x0)), fy = Float(ky - Double(y0))
                let a0 = amplitude(x0, y0) + (amplitude(x0 + 1, y0) - amplitude(x0, y0)) * fx
                let a1 = amplitude(x0, y0 + 1) + (amplitude(x0 + 1, y0 + 1) - amplitude(x0, y0 + 1)) * fx
                ring[j] = a0 + (a1 - a0) * fy
                mean += ring[j]
            }
            mean /= Float(angles)
            var norm: Float = 0
            for j in 0..<angles { ring[j] -= mean; norm += ring[j] * ring[j] }
            let scale = norm > 0 ? 1 / norm.squareRoot() : 0
            for j in 0..<angles { ring[j] *= scale }
            ring.withUnsafeMutableBufferPointer { i in
                ringSpectrum.withUnsafeMutableBufferPointer { o in FFT2D.forward(nx: angles, ny: 1, input: i, output: o) }
            }
            for k in 0..<ringHalf { out[r * ringHalf + k] = ringSpectrum[k] }
        }
        return out
    }

    /// Σ over rings of the circular correlation of `image`'s features with `reference`'s, for every rotation
    /// step; `scratch` (ringHalf complex) and `out` (angles floats) are caller-owned.
    public func rotationalCorrelation(reference: UnsafeBufferPointer<SIMD2<Float>>, image: UnsafeBufferPointer<SIMD2<Float>>,
                                      scratch: UnsafeMutableBufferPointer<SIMD2<Float>>, out: UnsafeMutableBufferPointer<Float>) {
        let h = ringHalf
        for k in 0..<h { scratch[k] = .zero }
        for r in 0..<rings.count {
            let base = r * h
            for k in 0..<h {
                let a = reference[base + k], b = image[base + k]
                // conj(reference) · image: peaks at the rotation step that carries the reference onto the image.
                scratch[k] += SIMD2(a.x * b.x + a.y * b.y, a.x * b.y - a.y * b.x)
            }
        }
        FFT2D.inverseUnnormalised(nx: angles, ny: 1, input: scratch, output: out)
    }

    /// The `count` best rotations (degrees in [0, 180), counter-clockwise, to apply to `image`) and the score.
    public func bestRotations(reference: [SIMD2<Float>], image: [SIMD2<Float>], count: Int) -> [Double] {
        var scratch = [SIMD2<Float>](repeating: .zero, count: ringHalf)
        var out = [Float](repeating: 0, count: angles)
        reference.withUnsafeBufferPointer { r in image.withUnsafeBufferPointer { i in
            scratch.withUnsafeMutableBufferPointer { s in out.withUnsafeMutableBufferPointer { o in
                rotationalCorrelation(reference: r, image: i, scratch: s, out: o)
            } }
        } }
        // Local maxima, best first. Peak at step Δ: image(θ) ≈ reference(θ − Δ), i.e. the image is the
        // reference rotated by +Δ, so the image must be rotated by −Δ.
        var peaks: [(Int, Float)] = []
        for j in 0..<angles where out[j] >= out[(j + angles - 1) % angles] && out[j] >= out[(j + 1) % angles] {
            peaks.append((j, out[j]))
        }
        return peaks.sorted { $0.1 > $1.1 }.prefix(count).map { p in
            let deg = -Double(p.0) * stepDeg
            return deg < 0 ? deg + 180 : deg
        }
    }
}
