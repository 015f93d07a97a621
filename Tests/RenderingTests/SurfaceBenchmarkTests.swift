// Speed of the 3D views on a 256³ map (issue 3: three 1300 × 700 views under 3 s on 2 cores). Runs only
// with SURFACE_BENCH=1, in the release configuration:
//   SURFACE_BENCH=1 swift test -c release -Xswiftc -enable-testing --filter SurfaceBenchmark
import Foundation
import Testing
import MapIO
import VolumeNumerics
import Analysis
@testable import Rendering

/// A 256³ protein-like phantom: smooth random density (a 34³ lattice of random values, trilinearly
/// upsampled ×8) under a spherical envelope, so the isosurface is a large convoluted closed surface.
func benchmarkMap(n: Int = 256) -> Volume {
    var state: UInt64 = 2024
    func next() -> Float { state = state &* 6364136223846793005 &+ 1442695040888963407; return Float(state >> 40) / Float(1 << 24) }
    let m = n / 8 + 2
    let coarse = (0..<(m * m * m)).map { _ in next() }
    var v = Volume(nx: n, ny: n, nz: n, voxelSize: SIMD3(1.1, 1.1, 1.1))
    let c = Float(n) / 2
    v.data.withUnsafeMutableBufferPointer { d in
        for z in 0..<n { for y in 0..<n { for x in 0..<n {
            let gx = Float(x) / 8, gy = Float(y) / 8, gz = Float(z) / 8
            let ix = Int(gx), iy = Int(gy), iz = Int(gz)
            let fx = gx - Float(ix), fy = gy - Float(iy), fz = gz - Float(iz)
            func at(_ a: Int, _ b: Int, _ e: Int) -> Float { coarse[a + m * (b + m * e)] }
            let c00 = at(ix, iy, iz) * (1 - fx) + at(ix + 1, iy, iz) * fx
            let c10 = at(ix, iy + 1, iz) * (1 - fx) + at(ix + 1, iy + 1, iz) * fx
            let c01 = at(ix, iy, iz + 1) * (1 - fx) + at(ix + 1, iy, iz + 1) * fx
            let c11 = at(ix, iy + 1, iz + 1) * (1 - fx) + at(ix + 1, iy + 1, iz + 1) * fx
            let noise = (c00 * (1 - fy) + c10 * fy) * (1 - fz) + (c01 * (1 - fy) + c11 * fy) * fz
            let r = ((Float(x) - c) * (Float(x) - c) + (Float(y) - c) * (Float(y) - c) + (Float(z) - c) * (Float(z) - c)).squareRoot()
            let envelope = max(0, 1 - r / (0.42 * Float(n)))
            d[x + n * (y + n * z)] = noise * envelope
        } } }
    }
    return v
}

@Test(.enabled(if: ProcessInfo.processInfo.environment["SURFACE_BENCH"] == "1"))
func surfaceBenchmark256() throws {
    let map = benchmarkMap()
    let clock = ContinuousClock()
    var mesh = IsosurfaceMesh()
    let tIso = clock.measure { mesh = map.isosurface(threshold: 0.3) }
    let views = SurfaceViews(mesh: TriangleMesh(mesh))
    let dir = outputDirectory()
    var files: [URL] = []
    let tAll = try clock.measure {
        files = try SurfaceRenderer.render(views, to: dir, id: "bench_256", formats: [.png])
    }
    let t = try clock.measure { _ = try SurfaceRenderer.renderViews(views, options: SurfaceRenderer.Options()) }
    let tAO = clock.measure {
        let built = try? SurfaceSceneBuilder.build(views, aoDirections: 32)
        _ = built
    }
    let total = tIso + tAll
    print("""
        surface benchmark 256³: \(mesh.vertexCount) vertices, \(mesh.triangleCount) triangles
          isosurface \(tIso); scene + AO \(tAO); three views \(t); views + PNG \(tAll); total \(total)
          \(files.first?.path ?? "")
        """)
    #expect(total < .seconds(3), "256³ isosurface + three 1300×700 views: expected < 3 s, observed \(total)")
}
