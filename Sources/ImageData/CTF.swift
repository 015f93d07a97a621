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
    /// cos 2α_ast, sin 2α_ast (for `value(s2:cos2:sin2:)`).
    private let azimuthCos2: Double, azimuthSin2: Double

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
        azimuthCos2 = cos(2 * azimuth); azimuthSin2 = sin(2 * azimuth)
    }

    /// CTF at spatial frequency (sx, sy) in Å⁻¹. The azimuth's double angle comes from the components,
    /// cos 2φ = (sx² − sy²)/s², sin 2φ = 2·sx·sy/s², not from atan2 and a cosine: the reconstructions of 4.e and
    /// 4.f call this for every frequency of every particle, and atan2 was 7 % of 4.e's time. At s = 0 the
    /// defocus term vanishes, so any angle serves.
    @inline(__always)
    public func value(sx: Double, sy: Double) -> Double {
        let u2 = sx * sx + sy * sy
        guard u2 > 0 else { return value(s2: 0, cos2: 1, sin2: 0) }
        return value(s2: u2, cos2: (sx * sx - sy * sy) / u2, sin2: 2 * sx * sy / u2)
    }

    /// The same CTF at a frequency given by s² = |s|² (Å⁻²) and cos 2φ, sin 2φ of its azimuth φ, for loops over a
    /// fixed set of frequencies (no atan2): cos 2(φ − α_ast) = cos 2φ cos 2α_ast + sin 2φ sin 2α_ast.
    @inline(__always)
    public func value(s2 u2: Double, cos2: Double, sin2: Double) -> Double {
        let deltaF = defocusAverage + defocusDeviation * (cos2 * azimuthCos2 + sin2 * azimuthSin2)
        let chi = k1 * deltaF * u2 + k2 * u2 * u2 - k5 - k3
        var c = -sin(chi)
        if k4 != 0 { c *= exp(k4 * u2) }
        return c
    }

    /// The CTF on the half-spectrum grid of an n×n image (FFTW r2c layout: kx = 0…n/2 fastest, then ky
    /// = 0…n−1 with ky ≥ n/2 meaning ky − n), pixel size in Å.
    public func halfSpectrum(size n: Int, pixelSizeA: Double) -> [Float] {
        halfSpectrum(size: n, ny: n, pixelSizeA: pixelSizeA)
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

extension CTF {
    /// Multiplies the image's transform by `gain(ctf)` at every frequency (the image's own pixel size).
    /// The Nyquist column and row (even sizes) are set to zero: an astigmatic CTF differs between +Nyquist
    /// and −Nyquist, which the same coefficient stands for, so any gain there would break Hermitian symmetry.
    func filtered(_ image: Image2D, _ gain: (Double) -> Double) -> Image2D {
        var spectrum = FFT2D.forward(image)
        let h = halfSpectrum(size: image.nx, ny: image.ny, pixelSizeA: image.pixelSizeA)
        let hx = spectrum.hx
        for j in 0..<image.ny {
            for i in 0..<hx {
                let o = i + hx * j
                let nyquist = (image.nx % 2 == 0 && i == image.nx / 2) || (image.ny % 2 == 0 && j == image.ny / 2)
                spectrum.data[o] *= nyquist ? 0 : Float(gain(Double(h[o])))
            }
        }
        return FFT2D.inverse(spectrum)
    }

    /// The image as the microscope would record it: transform × CTF.
    public func apply(to image: Image2D) -> Image2D { filtered(image) { $0 } }

    /// Phase flipping: transform × sign(CTF).
    public func phaseFlip(_ image: Image2D) -> Image2D { filtered(image) { $0 < 0 ? -1 : 1 } }

    /// Wiener filter for one image: transform × CTF / (CTF² + 1/SNR), `snr` the spectral signal-to-noise
    /// ratio (constant over frequency).
    public func wienerFilter(_ image: Image2D, snr: Double) -> Image2D {
        filtered(image) { $0 / ($0 * $0 + 1 / snr) }
    }

    /// The CTF on the half-spectrum grid of an nx×ny image.
    public func halfSpectrum(size nx: Int, ny: Int, pixelSizeA: Double) -> [Float] {
        let hx = nx / 2 + 1
        var out = [Float](repeating: 0, count: hx * ny)
        let dsx = 1 / (Double(nx) * pixelSizeA), dsy = 1 / (Double(ny) * pixelSizeA)
        for j in 0..<ny {
            let ky = j < (ny + 1) / 2 ? j : j - ny
            for i in 0..<hx { out[i + hx * j] = Float(value(sx: Double(i) * dsx, sy: Double(ky) * dsy)) }
        }
        return out
    }
}
