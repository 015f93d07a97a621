// A phantom made of 3D Gaussian blobs, whose projections are known in closed form: a blob of amplitude a and
// width σ centred at c (Å from the box centre) projects along the viewing axis of A to a 2D Gaussian of
// amplitude a·√(2π)·σ centred at the first two components of A·c (Rotation3's convention).
import Foundation
import ImageData
import MapIO
import VolumeNumerics

public struct GaussianPhantom: Sendable {
    public struct Blob: Sendable {
        public var centreA: SIMD3<Double>, sigmaA: Double, amplitude: Double
        public init(centreA: SIMD3<Double>, sigmaA: Double, amplitude: Double) {
            self.centreA = centreA; self.sigmaA = sigmaA; self.amplitude = amplitude
        }
    }
    public var blobs: [Blob]
    public init(blobs: [Blob]) { self.blobs = blobs }

    /// An asymmetric phantom of a few blobs inside a sphere of radius 0.3·box·pixel.
    public static func asymmetric(box n: Int, pixelSizeA p: Double, seed: UInt64 = 7) -> GaussianPhantom {
        var rng = SplitMix64(seed: seed)
        let r = 0.28 * Double(n) * p
        var blobs: [Blob] = []
        for i in 0..<9 {
            let c = SIMD3(rng.uniform() * 2 - 1, rng.uniform() * 2 - 1, rng.uniform() * 2 - 1) * r * 0.8
            blobs.append(Blob(centreA: c, sigmaA: p * (1.4 + 0.6 * Double(i % 3)), amplitude: 0.5 + rng.uniform()))
        }
        return GaussianPhantom(blobs: blobs)
    }

    public func volume(box n: Int, pixelSizeA p: Double) -> Volume {
        var data = [Float](repeating: 0, count: n * n * n)
        let c = Double(n / 2)
        for z in 0..<n { for y in 0..<n { for x in 0..<n {
            let r = SIMD3(Double(x) - c, Double(y) - c, Double(z) - c) * p
            var v = 0.0
            for b in blobs { let d = r - b.centreA; v += b.amplitude * exp(-(d * d).sum() / (2 * b.sigmaA * b.sigmaA)) }
            data[x + n * (y + n * z)] = Float(v)
        } } }
        return Volume(nx: n, ny: n, nz: n, data: data, voxelSize: SIMD3(repeating: p))
    }

    /// The projection (sum along the viewing axis, in voxel units: integral / pixel) moved by −`originA`
    /// (RELION's origin convention, as ImageData documents it).
    public func projection(box n: Int, pixelSizeA p: Double, orientation a: Rotation3,
                    originA: SIMD2<Double> = .zero) -> [Float] {
        var img = [Float](repeating: 0, count: n * n)
        let c = Double(n / 2)
        let centres = blobs.map { b -> (SIMD2<Double>, Double, Double) in
            let q = a.apply(b.centreA)
            return (SIMD2(q.x, q.y) - originA, b.sigmaA, b.amplitude * (2 * Double.pi).squareRoot() * b.sigmaA / p)
        }
        for y in 0..<n { for x in 0..<n {
            let r = SIMD2(Double(x) - c, Double(y) - c) * p
            var v = 0.0
            for (q, s, amp) in centres { let d = r - q; v += amp * exp(-(d * d).sum() / (2 * s * s)) }
            img[x + n * y] = Float(v)
        } }
        return img
    }
}

/// An isotropic test CTF with RELION's sign (positive at low frequency; RELION writes −sin(χ) with the
/// defocus entering χ negatively): sin(π λ Δf k² − π/2 Cs λ³ k⁴ + φ_a), φ_a = atan(w/√(1−w²)), Δf the
/// underfocus. Frequencies in 1/Å, defocus in Å, Cs in mm, voltage in kV.
public struct TestCTF: Sendable {
    public var defocusA: Double
    public var voltageKV = 300.0, csMM = 2.7, amplitudeContrast = 0.1
    /// Astigmatism U − V (Å) with U along `astigmatismAngleDeg` from x: the defocus at azimuth φ is
    /// defocusA + astigmatismA/2 · cos 2(φ − angle) (Mindell & Grigorieff 2003), defocusA being (U + V)/2.
    public var astigmatismA = 0.0, astigmatismAngleDeg = 0.0
    public init(defocusA: Double, voltageKV: Double = 300, csMM: Double = 2.7, amplitudeContrast: Double = 0.1,
                astigmatismA: Double = 0, astigmatismAngleDeg: Double = 0) {
        self.defocusA = defocusA; self.voltageKV = voltageKV; self.csMM = csMM; self.amplitudeContrast = amplitudeContrast
        self.astigmatismA = astigmatismA; self.astigmatismAngleDeg = astigmatismAngleDeg
    }
    public var lambdaA: Double {
        let v = voltageKV * 1e3
        return 12.2643247 / (v * (1 + v * 0.978466e-6)).squareRoot()
    }
    public func value(_ kx: Double, _ ky: Double) -> Double {
        let k2 = kx * kx + ky * ky, l = lambdaA, cs = csMM * 1e7
        let df = defocusA + astigmatismA / 2 * cos(2 * (atan2(ky, kx) - astigmatismAngleDeg * .pi / 180))
        let phase = Double.pi * l * df * k2 - Double.pi / 2 * cs * l * l * l * k2 * k2
            + atan(amplitudeContrast / (1 - amplitudeContrast * amplitudeContrast).squareRoot())
        return sin(phase)
    }

    /// The image's spectrum multiplied by the CTF (the image's origin at pixel 0; the CTF is even in k).
    public func apply(to image: [Float], box n: Int, pixelSizeA p: Double) -> [Float] {
        var f = FFT.forward(Volume(nx: n, ny: n, nz: 1, data: image))
        let hx = n / 2 + 1
        for j in 0..<n { for i in 0..<hx {
            let ky = Double(j < n / 2 ? j : j - n) / (Double(n) * p), kx = Double(i) / (Double(n) * p)
            f.data[i + hx * j] *= Float(value(kx, ky))
        } }
        return FFT.inverseValues(f)
    }
}

/// Uniformly distributed random orientations (rot, psi uniform; cos tilt uniform).
public func randomOrientations(_ count: Int, seed: UInt64) -> [(rot: Double, tilt: Double, psi: Double)] {
    var rng = SplitMix64(seed: seed)
    return (0..<count).map { _ in
        (rng.uniform() * 360, acos(2 * rng.uniform() - 1) * 180 / .pi, rng.uniform() * 360)
    }
}

/// Pearson correlation of two equally long arrays.
public func pearson(_ a: [Float], _ b: [Float]) -> Double {
    let n = Double(a.count)
    let ma = a.reduce(0.0) { $0 + Double($1) } / n, mb = b.reduce(0.0) { $0 + Double($1) } / n
    var sab = 0.0, saa = 0.0, sbb = 0.0
    for i in 0..<a.count {
        let da = Double(a[i]) - ma, db = Double(b[i]) - mb
        sab += da * db; saa += da * da; sbb += db * db
    }
    return sab / (saa * sbb).squareRoot()
}

/// The volume low-passed to the radius `radius` (in Fourier indices of its own box).
public func lowPassed(_ v: Volume, radius: Double) -> Volume {
    var f = FFT.forward(v)
    let hx = v.nx / 2 + 1, n = v.nx
    for k in 0..<n { for j in 0..<n { for i in 0..<hx {
        let fy = Double(j < n / 2 ? j : j - n), fz = Double(k < n / 2 ? k : k - n)
        if (Double(i * i) + fy * fy + fz * fz).squareRoot() > radius { f.data[i + hx * (j + n * k)] = .zero }
    } } }
    return FFT.inverse(f, like: v)
}
