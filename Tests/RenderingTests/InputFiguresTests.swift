// Renders every Input-data figure of a phantom map (the figures the report shows first), and times it.
import Foundation
import Testing
@testable import Rendering
import Analysis
import MapIO
import VolumeNumerics

/// A protein-like phantom: a few Gaussian blobs of different sizes plus deterministic noise.
func proteinPhantom(n: Int, voxel: Double = 1.1) -> Volume {
    var d = [Float](repeating: 0, count: n * n * n)
    let s = Double(n) / 64
    let blobs: [(Double, Double, Double, Double, Float)] = [(30, 32, 28, 6, 1), (38, 26, 34, 4, 0.8), (24, 40, 36, 5, 0.9),
                                                          (36, 38, 22, 3, 1.2), (28, 24, 40, 3.5, 0.7)]
    var seed: UInt64 = 12345
    d.withUnsafeMutableBufferPointer { p in
        for z in 0..<n { for y in 0..<n { for x in 0..<n {
            var v: Float = 0
            for b in blobs {
                let dx = Double(x) - b.0 * s, dy = Double(y) - b.1 * s, dz = Double(z) - b.2 * s
                let r2 = (dx * dx + dy * dy + dz * dz) / (b.3 * b.3 * s * s)
                if r2 < 30 { v += b.4 * Float(exp(-0.5 * r2)) }
            }
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            let u = Float(seed >> 40) / Float(1 << 24) - 0.5
            p[x + n * (y + n * z)] = v + 0.08 * u
        } } }
    }
    return Volume(nx: n, ny: n, nz: n, data: d, voxelSize: SIMD3(voxel, voxel, voxel))
}

@Test func inputDataFiguresRender() throws {
    let map = proteinPhantom(n: 48)
    let ctx = AnalysisContext(map: map, mapPath: "phantom.mrc", threshold: 0.3, resolution: 3.5)
    // Masks stand-in: V ≥ T and a box-smoothed copy (the real masks come from the context).
    let hard = map.withData(map.data.map { $0 >= 0.3 ? 1 : 0 })
    let soft = map.withData(hard.data.map { $0 * 0.8 + 0.1 })
    let result = try InputData(hasher: { _ in "0" }, masksProvider: { _ in (BinaryMask(volume: hard, threshold: 0.5), CroppedVolume(full: soft)) }).run(ctx)
    let dir = Gallery.tempDir("input")
    var small = SurfaceRenderer.Options()   // debug builds: small 3D views without ambient occlusion
    small.viewWidth = 260; small.viewHeight = 140; small.supersample = 1; small.aoDirections = 0
    for f in result.figures {
        let out = try FigureRenderer.render(f, to: dir, options: RenderOptions(formats: [.png, .pdf], surface: small))
        #expect(out.count == 2, "\(f.id): expected 2 files")
    }
    print("input figures in \(dir.path)")
}
