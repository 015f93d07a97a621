import XCTest
@testable import ImageData

final class CTFTests: XCTestCase {
    /// λ at 300 kV is 0.019687 Å and at 200 kV 0.025079 Å (relativistic; tabulated values).
    /// Both forms equal the defining formula (header of CTF.swift, RELION's ctf.h), written out here with the
    /// azimuth from atan2: astigmatic, with an envelope and a phase plate, in every quadrant and on the axes.
    func testValueEqualsTheDefiningFormulaInEveryQuadrant() {
        let p = CTFParameters(defocusUA: 14000, defocusVA: 11000, defocusAngleDeg: 37, phaseShiftDeg: 20, bFactorA2: 40)
        let ctf = CTF(p)
        let lambda = p.wavelengthA, cs = p.sphericalAberrationMM * 1e7, q = p.amplitudeContrast
        func formula(_ sx: Double, _ sy: Double) -> Double {
            let s2 = sx * sx + sy * sy, alpha = atan2(sy, sx), ast = p.defocusAngleDeg * .pi / 180
            let df = -((p.defocusUA + p.defocusVA) / 2 + (p.defocusUA - p.defocusVA) / 2 * cos(2 * (alpha - ast)))
            let chi = Double.pi * lambda * df * s2 + Double.pi / 2 * cs * pow(lambda, 3) * s2 * s2
                - p.phaseShiftDeg * .pi / 180 - atan(q / (1 - q * q).squareRoot())
            return -sin(chi) * exp(-p.bFactorA2 * s2 / 4)
        }
        let points = [(0.0, 0.0), (0.01, 0.0), (0.0, -0.03), (-0.04, 0.0), (0.0, 0.05), (0.12, 0.07), (-0.2, 0.15),
                      (-0.05, -0.31), (0.22, -0.01), (1e-9, 2e-9)]
        for (sx, sy) in points {
            XCTAssertEqual(ctf.value(sx: sx, sy: sy), formula(sx, sy), accuracy: 1e-12, "(\(sx), \(sy))")
            let s2 = sx * sx + sy * sy, phi = atan2(sy, sx)
            XCTAssertEqual(ctf.value(s2: s2, cos2: cos(2 * phi), sin2: sin(2 * phi)), formula(sx, sy), accuracy: 1e-12)
        }
    }

    func testWavelength() {
        XCTAssertEqual(CTFParameters(defocusUA: 1e4, defocusVA: 1e4, voltageKV: 300).wavelengthA, 0.019687, accuracy: 2e-6)
        XCTAssertEqual(CTFParameters(defocusUA: 1e4, defocusVA: 1e4, voltageKV: 200).wavelengthA, 0.025079, accuracy: 2e-6)
    }

    /// Zeros where π λ Δf s² − (π/2) Cs λ³ s⁴ + atan(Q0/√(1−Q0²)) = kπ, solved for s² by hand (quadratic),
    /// along the U axis (at the astigmatism angle) with ΔfU and along V (90° away) with ΔfV.
    func testZerosAtTheAnalyticPositions() {
        let p = CTFParameters(defocusUA: 15000, defocusVA: 12000, defocusAngleDeg: 30, sphericalAberrationMM: 2.7,
                              voltageKV: 300, amplitudeContrast: 0.07)
        let ctf = CTF(p)
        let lambda = 0.019687, cs = 2.7e7
        let phi0 = atan(0.07 / (1 - 0.07 * 0.07).squareRoot())
        for (defocus, azimuthDeg) in [(15000.0, 30.0), (12000.0, 120.0)] {
            let a = Double.pi / 180 * azimuthDeg
            for k in 1...6 {
                // (π/2) Cs λ³ S² − π λ Δf S + (kπ − φ0) = 0, smaller root S = s².
                let qa = Double.pi / 2 * cs * pow(lambda, 3), qb = -Double.pi * lambda * defocus, qc = Double(k) * .pi - phi0
                let s2 = (-qb - (qb * qb - 4 * qa * qc).squareRoot()) / (2 * qa)
                let s = s2.squareRoot()
                XCTAssertEqual(ctf.value(sx: s * cos(a), sy: s * sin(a)), 0, accuracy: 1e-3, "zero \(k) at \(s) Å⁻¹")
                // A sign change across it.
                let before = ctf.value(sx: 0.995 * s * cos(a), sy: 0.995 * s * sin(a))
                let after = ctf.value(sx: 1.005 * s * cos(a), sy: 1.005 * s * sin(a))
                XCTAssertLessThan(before * after, 0)
            }
        }
        // Positive at low frequency (RELION's sign), equal to sin(φ0) at s = 0.
        XCTAssertEqual(ctf.value(sx: 0, sy: 0), sin(phi0), accuracy: 1e-12)
    }

    /// B-factor envelope exp(−B s²/4) and a 90° phase shift (phase plate: −sin(χ − π/2) = cos χ).
    func testEnvelopeAndPhaseShift() {
        let base = CTFParameters(defocusUA: 10000, defocusVA: 10000, amplitudeContrast: 0)
        var damped = base; damped.bFactorA2 = 100
        let s = 0.1
        XCTAssertEqual(CTF(damped).value(sx: s, sy: 0), CTF(base).value(sx: s, sy: 0) * exp(-100 * s * s / 4), accuracy: 1e-12)
        var plate = base; plate.phaseShiftDeg = 90
        let lambda = base.wavelengthA
        let chi = -Double.pi * lambda * 10000 * s * s + Double.pi / 2 * 2.7e7 * pow(lambda, 3) * pow(s, 4)
        XCTAssertEqual(CTF(plate).value(sx: s, sy: 0), -sin(chi - .pi / 2), accuracy: 1e-9)
    }

    /// Phase flipping a CTF-modulated image leaves |CTF|·F; Wiener filtering at high SNR undoes the CTF away
    /// from its zeros.
    func testPhaseFlipAndWiener() {
        let n = 32
        var img = Image2D(nx: n, ny: n, pixelSizeA: 2)
        img[16, 16] = 1; img[10, 20] = -0.5; img[22, 9] = 0.7
        let ctf = CTF(CTFParameters(defocusUA: 8000, defocusVA: 7000, defocusAngleDeg: 10))
        let recorded = ctf.apply(to: img)
        let flipped = FFT2D.forward(ctf.phaseFlip(recorded)).data
        let original = FFT2D.forward(img).data
        let h = ctf.halfSpectrum(size: n, pixelSizeA: 2)
        let hx = n / 2 + 1
        for i in 0..<h.count where i % hx != n / 2 && i / hx != n / 2 {   // Nyquist row and column are zeroed
            let expected = original[i] * abs(h[i])
            XCTAssertEqual(flipped[i].x, expected.x, accuracy: 1e-4)
            XCTAssertEqual(flipped[i].y, expected.y, accuracy: 1e-4)
        }
        let restored = FFT2D.forward(ctf.wienerFilter(recorded, snr: 1e6)).data
        for i in 0..<h.count where abs(h[i]) > 0.2 && i % hx != n / 2 && i / hx != n / 2 {
            XCTAssertEqual(restored[i].x, original[i].x, accuracy: 1e-3)
            XCTAssertEqual(restored[i].y, original[i].y, accuracy: 1e-3)
        }
    }
}
