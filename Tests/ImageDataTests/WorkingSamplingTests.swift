import XCTest
@testable import ImageData

/// The one cropping rule of the particle sections, against values worked by hand.
final class WorkingSamplingTests: XCTestCase {
    func check(_ n: Int, _ px: Double, max: Int, finest: Double? = nil, min: Int = 2, _ box: Int, _ pixel: Double,
               line: UInt = #line) {
        let w = WorkingSampling.cropped(box: n, pixelA: px, maxBox: max, finestPixelA: finest, minBox: min)
        XCTAssertEqual(w.box, box, "box \(n), pixel \(px)", line: line)
        XCTAssertEqual(w.pixelA, pixel, accuracy: 1e-12, line: line)
    }

    func testCropKeepsTheFieldOfViewOnAnEvenGrid() {
        check(128, 1.5, max: 64, 64, 3.0)                 // the cap halves the sampling: 192 Å on 64 pixels
        check(100, 1.0, max: 64, 64, 100.0 / 64)
        check(64, 1.0, max: 64, 64, 1.0)                  // at the cap: unchanged
        check(33, 2.0, max: 64, 32, 66.0 / 32)            // odd box: the unpaired Nyquist line goes
        check(65, 1.0, max: 64, 64, 65.0 / 64)            // odd and above the cap
        check(100, 1.0, max: 256, finest: 2.5, 40, 2.5)    // 100 Å at 2.5 Å per pixel
        check(100, 1.0, max: 256, finest: 3.0, 32, 100.0 / 32) // ⌊33.3⌋ = 33, made even: 32
        check(100, 1.0, max: 256, finest: 0.5, 100, 1.0)   // a finer limit never enlarges
        check(100, 1.0, max: 256, finest: 50, min: 16, 16, 100.0 / 16) // but the floor holds
        check(12, 1.0, max: 256, finest: 50, min: 16, 12, 1.0) // and never above the box itself
    }
}
