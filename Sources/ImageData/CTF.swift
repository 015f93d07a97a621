// The contrast transfer function in RELION's definition (RELION ctf.h; Mindell & Grigorieff 2003 for the
// astigmatism angle):
//   λ = 12.2643247 / sqrt(V·(1 + 0.978466·10⁻⁶·V)) Å (V in volts, relativistic),
//   Δf(α) = −[(ΔfU + ΔfV)/2 + (ΔfU − ΔfV)/2 · cos 2(α − α_ast)]   (underfocus positive in the STAR file),
//   χ(s) = π λ Δf s² + (π/2) Cs λ³ s⁴ − φ − atan(Q0 / sqrt(1 − Q0²)),
//   CTF(s) = −sin χ(s) · exp(−B s²/4),
// with s the spatial frequency in Å⁻¹, α its azimuth, Cs in Å (mm · 10⁷) and φ the phase shift. With this sign
// the CTF is positive at low frequency for an underfocused image, as in RELION.
import Foundation

/// CTF parameters as RELION's STAR columns give them.
public struct CTFParameters: Sendable, Equatable, Codable {
    /// rlnDefocusU, rlnDefocusV in Å (underfocus positive).
    public var defocusUA: Double
    public var defocusVA: Double
    /// rlnDefocusAngle in degrees: the azimuth of the U axis from the image x axis.
    public var defocusAngleDeg: Double
    /// rlnSphericalAberration in mm.
    public var sphericalAberrationMM: Double
    /// rlnVoltage in kV.
    public var voltageKV: Double
    /// rlnAmplitudeContrast (fraction, Q0).
    public var amplitudeContrast: Double
    /// rlnPhaseShift in degrees (phase plates).
    public var phaseShiftDeg: Double
    /// rlnCtfBfactor in Å² (envelope exp(−B s²/4)).
    public var bFactorA2: Double

    public init(defocusUA: Double, defocusVA: Double, defocusAngleDeg: Double = 0, sphericalAberrationMM: Double = 2.7,
                voltageKV: Double = 300, amplitudeContrast: Double = 0.1, phaseShiftDeg: Double = 0, bFactorA2: Double = 0) {
        self.defocusUA = defocusUA; self.defocusVA = defocusVA; self.defocusAngleDeg = defocusAngleDeg
        self.sphericalAberrationMM = sphericalAberrationMM; self.voltageKV = voltageKV
        self.amplitudeContrast = amplitudeContrast; self.phaseShiftDeg = phaseShiftDeg; self.bFactorA2 = bFactorA2
    }

    /// Relativistic electron wavelength in Å.
    public var wavelengthA: Double {
        let v = voltageKV * 1000
        return 12.2643247 / (v * (1 + v * 0.978466e-6)).squareRoot()
    }
}

/// A CTF ready to evaluate (constants precomputed).
public struct CTF: Sendable {
    public let parameters: CTFParameters
    private let k1: Double, k2: Double, k3: Double, k4: Double, k5: Double
    private let defocusAverage: Double, defocusDeviation: Double, azimuth: Double

    public init(_ p: CTFParameters) {
        parameters = p
        let lambda = p.wavelengthA
        let cs = p.sphericalAberrationMM * 1e7
        k1 = .pi * lambda
        k2 = .pi / 2 * cs * lambda * lambda * lambda
        let q = min(max(p.amplitudeContrast, 0), 0.999999)
        k3 = atan(q / (1 - q * q).squareRoot())
        k4 = -p.bFactorA2 / 4
        k5 = p.phaseShiftDeg * .pi / 180
        defocusAverage = -(p.defocusUA + p.defocusVA) / 2
        defocusDeviation = -(p.defocusUA - p.defocusVA) / 2
        azimuth = p.defocusAngleDeg * .pi / 180
    }

    /// CTF at spatial frequency (sx, sy) in Å⁻¹.
    @inline(__always)
    public func value(sx: Double, sy: Double) -> Double {
        let u2 = sx * sx + sy * sy
        let deltaF = defocusAverage + defocusDeviation * cos(2 * (atan2(sy, sx) - azimuth))
        let chi = k1 * deltaF * u2 + k2 * u2 * u2 - k5 - k3
        var c = -sin(chi)
        if k4 != 0 { c *= exp(k4 * u2) }
        return c
    }

    /// The CTF on the half-spectrum grid of an n×n image (FFTW r2c layout: kx = 0…n/2 fastest, then ky
    /// = 0…n−1 with ky ≥ n/2 meaning ky − n), pixel size in Å.
    public func halfSpectrum(size n: Int, pixelSizeA: Double) -> [Float] {
        let hx = n / 2 + 1
        var out = [Float](repeating: 0, count: hx * n)
        let ds = 1 / (Double(n) * pixelSizeA)
        for j in 0..<n {
            let ky = j < (n + 1) / 2 ? j : j - n
            for i in 0..<hx { out[i + hx * j] = Float(value(sx: Double(i) * ds, sy: Double(ky) * ds)) }
        }
        return out
    }

    /// The CTF as an n×n image with zero frequency at pixel (n/2, n/2), for figures and tests.
    public func image(size n: Int, pixelSizeA: Double) -> Image2D {
        var img = Image2D(nx: n, ny: n, pixelSizeA: pixelSizeA)
        let ds = 1 / (Double(n) * pixelSizeA)
        for y in 0..<n {
            for x in 0..<n {
                img[x, y] = Float(value(sx: Double(x - n / 2) * ds, sy: Double(y - n / 2) * ds))
            }
        }
        return img
    }
}
