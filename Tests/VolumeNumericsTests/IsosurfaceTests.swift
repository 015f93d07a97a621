// Isosurface extraction against analytic truth: a sphere's area and volume, watertightness, placement in Å
// (voxel size and origin), masking, normals.
import Foundation
import Testing
import MapIO
@testable import VolumeNumerics

/// A map whose value is r0 − |p − c| (Å): the isosurface at 0 is the sphere of radius r0 about c.
private func sphereMap(n: Int, radiusA: Double, voxel: SIMD3<Double>, centreVox: SIMD3<Double>,
                       origin: SIMD3<Double> = .zero) -> Volume {
    var v = Volume(nx: n, ny: n, nz: n, voxelSize: voxel)
    v.headerOrigin = origin
    for z in 0..<n { for y in 0..<n { for x in 0..<n {
        let d = (SIMD3(Double(x), Double(y), Double(z)) - centreVox) * voxel
        v[x, y, z] = Float(radiusA - (d * d).sum().squareRoot())
    } } }
    return v
}

@Test func sphereAreaAndVolumeWithinOnePercent() {
    let r = 12.0
    let map = sphereMap(n: 40, radiusA: r, voxel: SIMD3(1, 1, 1), centreVox: SIMD3(19.3, 19.6, 20.1))
    let mesh = map.isosurface(threshold: 0)
    let area = mesh.areaA2, volume = mesh.enclosedVolumeA3
    let area0 = 4 * Double.pi * r * r, volume0 = 4.0 / 3.0 * Double.pi * r * r * r
    print("sphere r = \(r) Å: area \(area) vs \(area0) Å², volume \(volume) vs \(volume0) Å³, \(mesh.triangleCount) triangles")
    #expect(abs(area - area0) / area0 < 0.01, "area: expected \(area0) Å², observed \(area) Å², error \((area - area0) / area0 * 100) %")
    #expect(abs(volume - volume0) / volume0 < 0.01,
            "volume: expected \(volume0) Å³, observed \(volume) Å³, error \((volume - volume0) / volume0 * 100) %")
    #expect(mesh.isWatertight, "sphere mesh is not watertight (\(mesh.triangleCount) triangles)")
}

@Test func anisotropicVoxelsAndOriginPlaceTheSurfaceInAngstrom() {
    let r = 10.0
    let voxel = SIMD3<Double>(1.2, 0.9, 1.5), origin = SIMD3<Double>(-30, 40, 5)
    let centreVox = SIMD3<Double>(15.2, 19.7, 12.4)
    let map = sphereMap(n: 40, radiusA: r, voxel: voxel, centreVox: centreVox, origin: origin)
    let mesh = map.isosurface(threshold: 0)
    let centre = origin + centreVox * voxel
    var worst = 0.0, normalWorst = 0.0
    for v in 0..<mesh.vertexCount {
        let p = SIMD3(Double(mesh.vertices[3 * v]), Double(mesh.vertices[3 * v + 1]), Double(mesh.vertices[3 * v + 2]))
        let d = p - centre
        let dist = (d * d).sum().squareRoot()
        worst = max(worst, abs(dist - r))
        let n = SIMD3(Double(mesh.normals[3 * v]), Double(mesh.normals[3 * v + 1]), Double(mesh.normals[3 * v + 2]))
        normalWorst = max(normalWorst, 1 - (n * d).sum() / dist)   // 1 − cos(angle to the radial direction)
    }
    #expect(worst < 0.15, "vertex distance to the sphere: expected 0 Å, worst \(worst) Å")
    #expect(normalWorst < 0.02, "normals: expected outward radial (1 − cos = 0), worst 1 − cos = \(normalWorst)")
    let volume0 = 4.0 / 3.0 * Double.pi * r * r * r
    #expect(abs(mesh.enclosedVolumeA3 - volume0) / volume0 < 0.01,
            "volume: expected \(volume0) Å³, observed \(mesh.enclosedVolumeA3) Å³")
}

@Test func maskRestrictsTheSurface() {
    // Two balls; the mask keeps only the first: the mesh is one closed sphere around it.
    let n = 40
    var map = Volume(nx: n, ny: n, nz: n), mask = Volume(nx: n, ny: n, nz: n)
    for z in 0..<n { for y in 0..<n { for x in 0..<n {
        let a = SIMD3(Double(x) - 10, Double(y) - 20, Double(z) - 20), b = SIMD3(Double(x) - 29, Double(y) - 20, Double(z) - 20)
        map[x, y, z] = Float(max(9 - (a * a).sum().squareRoot(), 9 - (b * b).sum().squareRoot()))
        mask[x, y, z] = x < 19 ? 1 : 0
    } } }
    let whole = map.isosurface(threshold: 1), masked = map.isosurface(threshold: 1, mask: mask)
    let one = 4.0 / 3.0 * Double.pi * 512   // radius 8 Å
    #expect(abs(whole.enclosedVolumeA3 - 2 * one) / (2 * one) < 0.02, "two balls: expected \(2 * one), observed \(whole.enclosedVolumeA3)")
    #expect(abs(masked.enclosedVolumeA3 - one) / one < 0.02, "masked: expected \(one), observed \(masked.enclosedVolumeA3)")
    #expect(masked.isWatertight)
    let maxX = stride(from: 0, to: masked.vertices.count, by: 3).map { masked.vertices[$0] }.max() ?? 0
    #expect(maxX < 19, "masked mesh reaches x = \(maxX) Å, expected < 19 Å (ball at 10 ± 8)")
}

@Test func surfaceThroughSaddlesAndCornersIsWatertight() {
    // A rough random field: many ambiguous cube faces; every closed component must still close.
    var state: UInt64 = 12345
    func next() -> Float { state = state &* 6364136223846793005 &+ 1442695040888963407; return Float(state >> 40) / Float(1 << 24) }
    let n = 20
    var v = Volume(nx: n, ny: n, nz: n, value: -1)
    for z in 1..<(n - 1) { for y in 1..<(n - 1) { for x in 1..<(n - 1) { v[x, y, z] = next() * 2 - 1 } } }
    let mesh = v.isosurface(threshold: 0.1)   // the box faces are at −1: every component is closed
    #expect(mesh.triangleCount > 1000)
    #expect(mesh.isWatertight, "random field mesh with \(mesh.triangleCount) triangles is not watertight")
    #expect(mesh.enclosedVolumeA3 > 0, "orientation: enclosed volume \(mesh.enclosedVolumeA3) should be positive")
}

@Test func samplingAVolumeAtVertices() {
    // A linear ramp is reproduced exactly by trilinear sampling.
    let map = sphereMap(n: 24, radiusA: 7, voxel: SIMD3(1.5, 1.5, 1.5), centreVox: SIMD3(12, 12, 12), origin: SIMD3(3, -2, 1))
    var ramp = map
    for z in 0..<24 { for y in 0..<24 { for x in 0..<24 { ramp[x, y, z] = Float(2 * x - y + 3 * z) } } }
    let mesh = map.isosurface(threshold: 0)
    let values = mesh.sample(ramp)
    var worst: Float = 0
    for v in 0..<mesh.vertexCount {
        let g = (SIMD3(Double(mesh.vertices[3 * v]), Double(mesh.vertices[3 * v + 1]), Double(mesh.vertices[3 * v + 2])) - SIMD3(3, -2, 1)) / 1.5
        let truth = Float(2 * g.x - g.y + 3 * g.z)
        worst = max(worst, abs(values[v] - truth))
    }
    #expect(worst < 1e-3, "ramp sampled at vertices: worst error \(worst)")
}
