import XCTest
import VolumeNumerics
@testable import ImageData

final class Align2DTests: XCTestCase {
    /// An asymmetric projection rotated by a known angle, moved by a known shift and with noise added is
    /// brought back: the recovered rotation undoes the applied one (within 1.5°) and the correlation is high.
    func testRecoversKnownRotationAndShift() {
        let n = 48
        let reference = FourierProjector(volume: armPhantom(n: n)).project(rot: 20, tilt: 70, psi: 0)
        var gen = SplitMix64(seed: 5)
        let sd = reference.meanAndStd.std
        for (angle, sx, sy) in [(37.0, 2.5, -1.5), (200.0, -3.0, 0.5), (-95.0, 0.0, 3.25)] {
            var moved = Align2D.rotated(reference, angleDeg: angle)
            moved = FFT2D.inverse(FFT2D.forward(moved).phaseShifted(x: sx, y: sy))
            for i in 0..<moved.data.count { moved.data[i] += Float(0.2 * sd * gen.gaussian()) }
            let r = Align2D.align(reference: reference, image: moved)
            var err = (r.angleDeg + angle).truncatingRemainder(dividingBy: 360)
            if err > 180 { err -= 360 }
            if err < -180 { err += 360 }
            XCTAssertLessThan(abs(err), 1.5, "applied \(angle)°, found \(r.angleDeg)°")
            // The shift undoes the applied one after the rotation back: |shift| equals |applied shift|.
            XCTAssertEqual((r.shiftX * r.shiftX + r.shiftY * r.shiftY).squareRoot(), (sx * sx + sy * sy).squareRoot(), accuracy: 0.5)
            XCTAssertGreaterThan(r.cc, 0.9)
        }
    }

    /// The grey-level fit recovers a and b exactly for an affine copy, with correlation 1.
    func testGreyLevelFit() {
        let p = FourierProjector(volume: armPhantom(n: 32)).project(rot: 0, tilt: 30, psi: 10)
        var c = p
        for i in 0..<c.data.count { c.data[i] = 2.5 * p.data[i] - 0.75 }
        let mask = CircularMask(size: 32, radiusPx: 14)
        let fit = GreyLevelFit(reference: p, image: c, mask: mask)
        XCTAssertEqual(fit.a, 2.5, accuracy: 1e-4)
        XCTAssertEqual(fit.b, -0.75, accuracy: 1e-4)
        XCTAssertEqual(fit.cc, 1, accuracy: 1e-6)
        XCTAssertLessThan(fit.residual(p, c, mask: mask).data.map { abs($0) }.max()!, 1e-3)
    }

    /// Fourier resampling keeps a band-limited image: a Gaussian drawn at 2 Å/pixel resampled to 1.5 Å/pixel
    /// equals the same Gaussian drawn at 1.5 Å/pixel.
    func testFourierResamplingOfAGaussian() {
        func gaussian(n: Int, pixel: Double) -> Image2D {
            var g = Image2D(nx: n, ny: n, pixelSizeA: pixel)
            for y in 0..<n { for x in 0..<n {
                let dx = Double(x - n / 2) * pixel, dy = Double(y - n / 2) * pixel
                g[x, y] = Float(exp(-(dx * dx + dy * dy) / (2 * 8.0 * 8.0)))
            } }
            return g
        }
        let r = gaussian(n: 48, pixel: 2).resampled(pixelSizeA: 1.5, box: 64)
        XCTAssertEqual(r.pixelSizeA, 1.5, accuracy: 1e-9)
        XCTAssertLessThan(relativeRMS(r.data, gaussian(n: 64, pixel: 1.5).data), 0.01)
    }
}
