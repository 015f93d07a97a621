import XCTest
import VolumeNumerics
@testable import ImageData

final class Fourier2DTests: XCTestCase {
    /// The forward transform equals the DFT sum written out, and the inverse undoes it.
    func testForwardIsTheDFTAndInverseUndoesIt() {
        let nx = 12, ny = 10
        var gen = SplitMix64(seed: 3)
        let img = Image2D(nx: nx, ny: ny, data: (0..<(nx * ny)).map { _ in Float(gen.uniform() - 0.5) }, pixelSizeA: 1)
        let f = FFT2D.forward(img)
        for j in 0..<ny {
            for i in 0...(nx / 2) {
                var re = 0.0, im = 0.0
                for y in 0..<ny { for x in 0..<nx {
                    let a = -2 * Double.pi * (Double(i * x) / Double(nx) + Double(j * y) / Double(ny))
                    re += Double(img[x, y]) * cos(a); im += Double(img[x, y]) * sin(a)
                } }
                XCTAssertEqual(Double(f.data[i + f.hx * j].x), re, accuracy: 1e-4)
                XCTAssertEqual(Double(f.data[i + f.hx * j].y), im, accuracy: 1e-4)
            }
        }
        let back = FFT2D.inverse(f)
        for k in 0..<img.data.count { XCTAssertEqual(back.data[k], img.data[k], accuracy: 1e-5) }
    }
}
