// Rendering of surface figures: files written, colour bar mapping, atom views; writes example PNGs to
// $SURFACE_PNG_DIR when set (to look at them).
import Foundation
import Testing
import MapIO
import ModelIO
import Analysis
@testable import Rendering

func outputDirectory() -> URL {
    if let d = ProcessInfo.processInfo.environment["SURFACE_PNG_DIR"] {
        let url = URL(fileURLWithPath: d)
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("surface-tests-\(getpid())")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Two overlapping Gaussian blobs and a small ring: something with shape to look at.
func blobMap(n: Int = 48) -> Volume {
    var v = Volume(nx: n, ny: n, nz: n, voxelSize: SIMD3(1.5, 1.5, 1.5))
    let c = Double(n) / 2
    for z in 0..<n { for y in 0..<n { for x in 0..<n {
        let p = SIMD3(Double(x), Double(y), Double(z))
        func g(_ m: SIMD3<Double>, _ s: Double) -> Double { let d = p - m; return exp(-(d * d).sum() / (2 * s * s)) }
        var val = g(SIMD3(c - 6, c, c), 7) + 0.8 * g(SIMD3(c + 8, c + 4, c - 3), 5)
        // A torus around the Z axis at z = c + 9.
        let rho = ((p.x - c) * (p.x - c) + (p.y - c) * (p.y - c)).squareRoot()
        let dt = ((rho - 10) * (rho - 10) + (p.z - c - 11) * (p.z - c - 11))
        val += 0.9 * exp(-dt / (2 * 2.2 * 2.2))
        v[x, y, z] = Float(val)
    } } }
    return v
}

@Test func writesPNGAndPDF() throws {
    let views = SurfaceViews.isosurface(volume: blobMap(), threshold: 0.3)
    let dir = outputDirectory()
    var options = SurfaceRenderer.Options()
    options.viewWidth = 650; options.viewHeight = 350
    let files = try SurfaceRenderer.render(views, to: dir, id: "test_blobs", formats: [.png, .pdf], options: options)
    #expect(files.map(\.lastPathComponent) == ["test_blobs.png", "test_blobs.pdf"])
    for f in files {
        let data = try Data(contentsOf: f)
        let magic = f.pathExtension == "png" ? [UInt8]([0x89, 0x50, 0x4e, 0x47]) : Array("%PDF".utf8)
        #expect(Array(data.prefix(4)) == magic, "\(f.lastPathComponent) does not start with its format's magic bytes")
    }
    print("surface figure: \(files[0].path)")
}
