import XCTest
import MapIO
import VolumeNumerics
@testable import ImageData

final class ImageStackTests: XCTestCase {
    /// Every pixel of both real stacks equals what mrcfile reads (Tests/Oracles/mrc_read.py), read one image
    /// and a range at a time.
    func testRealStacksMatchMrcfile() throws {
        for name in ["particles/relion31.mrcs", "classes/mixture_2D.mrcs"] {
            let path = imageDataRepositoryRoot.appendingPathComponent("Fixtures/\(name)").path
            let dir = try imageDataTempDir()
            defer { try? FileManager.default.removeItem(at: dir) }
            let raw = dir.appendingPathComponent("o.raw").path
            let r = try runTool("python3", [imageDataRepositoryRoot.appendingPathComponent("Tests/Oracles/mrc_read.py").path, path, raw])
            XCTAssertEqual(r.status, 0, r.output)
            let oracle = try Data(contentsOf: URL(fileURLWithPath: raw)).withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
            let stack = try ImageStack(path: path)
            let n = stack.nx * stack.ny
            XCTAssertEqual(oracle.count, n * stack.count)
            let all = try stack.allImages(pixelSizeA: 1)
            XCTAssertEqual(all.flatMap { $0.data }, oracle)
            let third = try stack.image(3, pixelSizeA: 1)
            XCTAssertEqual(third.data, Array(oracle[(2 * n)..<(3 * n)]))
            let range = try stack.images(2...4, pixelSizeA: 1)
            XCTAssertEqual(range.flatMap { $0.data }, Array(oracle[n..<(4 * n)]))
        }
    }

    func testClassesFixtureHasNoPixelSize() throws {
        let path = imageDataRepositoryRoot.appendingPathComponent("Fixtures/classes/mixture_2D.mrcs").path
        let stack = try ImageStack(path: path)
        XCTAssertEqual(stack.count, 100)
        XCTAssertEqual(stack.nx, 96)
        XCTAssertNil(stack.headerPixelSizeA)
        XCTAssertThrowsError(try stack.pixelSize()) { e in
            XCTAssertEqual("\(e)", "\(path): no pixel size: header words 8 and 11 (mx, cell a) give 0.0 Å / 96; expected a positive pixel size (give it with a flag)")
        }
        let flagged = try stack.pixelSize(flag: 3.2)
        XCTAssertEqual(flagged.valueA, 3.2)
        XCTAssertEqual(flagged.source, .flag)
        XCTAssertThrowsError(try stack.image(101, pixelSizeA: 1)) { e in
            XCTAssertEqual("\(e)", "\(path): image 101 requested; the stack holds images 1…100")
        }
    }

    func testWrittenStackRoundTripsWithHeaderPixelSize() throws {
        let dir = try imageDataTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        var gen = SplitMix64(seed: 7)
        let images = (0..<3).map { _ in Image2D(nx: 12, ny: 10, data: (0..<120).map { _ in Float(gen.uniform()) }, pixelSizeA: 2.5) }
        let path = dir.appendingPathComponent("s.mrcs").path
        try writeStack(images, to: path, pixelSizeA: 2.5)
        let s = try ImageStack(path: path)
        XCTAssertEqual(s.count, 3)
        XCTAssertEqual(s.nx, 12)
        XCTAssertEqual(s.ny, 10)
        XCTAssertEqual(try s.pixelSize(star: 1.1).valueA, 2.5, "the header wins unless it says 0 or exactly 1")
        XCTAssertEqual(try s.allImages(pixelSizeA: 2.5), images)
    }

    /// A stack whose data is not a whole number of images, or whose nz disagrees with the data: one-line
    /// errors naming the file and the field.
    func testBadStacksAreOneLineErrors() throws {
        let dir = try imageDataTempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let img = Image2D(nx: 8, ny: 8, pixelSizeA: 1, value: 1)
        let path = dir.appendingPathComponent("s.mrcs").path
        try writeStack([img, img], to: path, pixelSizeA: 1)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let cut = dir.appendingPathComponent("cut.mrcs").path
        try bytes.prefix(bytes.count - 10).write(to: URL(fileURLWithPath: cut))
        XCTAssertThrowsError(try ImageStack(path: cut)) { e in
            XCTAssertEqual("\(e)", "\(cut): data size (file size − 1024 − nsymbt) is 502 bytes; expected a whole number of 8×8 images of 256 bytes (header words 1-4), nz = 2 of them")
        }
        bytes.append(Data(count: 256))
        let extra = dir.appendingPathComponent("extra.mrcs").path
        try bytes.write(to: URL(fileURLWithPath: extra))
        XCTAssertThrowsError(try ImageStack(path: extra)) { e in
            XCTAssertEqual("\(e)", "\(extra): header word 3 (nz) is 2; expected 3, the number of 8×8 images the file holds")
        }
    }
}
