// The rasteriser's coverage and occlusion against a brute-force oracle written here: random, overlapping,
// mutually intersecting triangles facing the viewer, each a flat colour; for every sample centre the oracle tests
// every triangle (edge functions in Double) and keeps the nearest (plane depth in Double). The rasteriser's
// sample must show that triangle's colour, shaded with Blinn–Phong for a normal towards the viewer (written
// here from the formula), or the white background. Samples the oracle finds ambiguous (a centre within 1e-3
// sample of an edge, two depths within 1e-3 Å) are not compared.
import Foundation
import Testing
import VolumeNumerics
@testable import Rendering

@Suite struct SurfaceRasterizerTests {
    static let width = 96, height = 64

    /// Triangles in sample units (camera: u = x, v = height − y), all normals towards the viewer.
    static func scene(seed: UInt64, count: Int, opacity: Float) -> SurfaceScene {
        var rng = SplitMix64(seed: seed)
        var s = SurfaceScene()
        s.opacity = opacity
        for t in 0..<count {
            let c = SIMD2(Float(rng.uniform(4, Double(width) - 4)), Float(rng.uniform(4, Double(height) - 4)))
            let size = Float(rng.uniform(1, 24))
            var corners = (0..<3).map { _ -> SIMD3<Float> in
                let p = c + SIMD2(Float(rng.uniform(-1, 1)), Float(rng.uniform(-1, 1))) * size
                return SIMD3(min(max(p.x, 2.5), Float(width) - 2.5), min(max(p.y, 2.5), Float(height) - 2.5),
                             Float(rng.uniform(-10, 10)))
            }
            // Counter-clockwise seen from the viewer, so the normal (+z) is the side in view.
            let a = corners[1] - corners[0], b = corners[2] - corners[0]
            if a.x * b.y - a.y * b.x < 0 { corners.swapAt(1, 2) }
            for p in corners {
                s.positions.append(p)
                s.normals.append(SIMD3(0, 0, 1))
                s.colors.append(palette(t))
                s.ambient.append(1)
            }
            s.triangles += [UInt32(3 * t), UInt32(3 * t + 1), UInt32(3 * t + 2)]
        }
        return s
    }

    /// Distinct flat colours: red and green in steps of 1/7 × 0.85, blue fixed (never white).
    static func palette(_ t: Int) -> SIMD3<Float> {
        SIMD3(Float(t % 8) / 7 * 0.85, Float((t / 8) % 8) / 7 * 0.85, 0.3)
    }

    /// Blinn–Phong for n = +z, ambient occlusion 1, no depth cue: what a flat colour becomes, in 0…255.
    static func shaded(_ c: SIMD3<Float>, _ sh: Shading) -> SIMD3<Double> {
        func unit(_ v: SIMD3<Float>) -> SIMD3<Double> { let d = SIMD3<Double>(v); return d / (d * d).sum().squareRoot() }
        let l1 = unit(sh.key), l2 = unit(sh.fill), h = unit(sh.key / (sh.key * sh.key).sum().squareRoot() + SIMD3(0, 0, 1))
        let k = Double(sh.ambient) + Double(sh.keyIntensity) * max(0, l1.z) + Double(sh.fillIntensity) * max(0, l2.z)
        let spec = pow(max(0, h.z), 32) * Double(sh.specular)
        return (SIMD3<Double>(c) * k + spec) * 255
    }

    /// The oracle's answer at sample (u, v).
    enum Truth { case background, triangle(Int), ambiguous }

    static func truth(_ s: SurfaceScene, _ u: Int, _ v: Int) -> Truth {
        let pu = Double(u) + 0.5, pv = Double(v) + 0.5
        var best: (z: Double, t: Int)? = nil, ambiguous = false
        var depths: [Double] = []
        for t in 0..<(s.triangles.count / 3) {
            let p = (0..<3).map { i -> SIMD3<Double> in
                let q = SIMD3<Double>(s.positions[Int(s.triangles[3 * t + i])]); return SIMD3(q.x, Double(height) - q.y, q.z)
            }
            let area = (p[1].x - p[0].x) * (p[2].y - p[0].y) - (p[2].x - p[0].x) * (p[1].y - p[0].y)
            if abs(area) < 1e-9 { continue }
            func edge(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> Double { ((b.x - pu) * (a.y - pv) - (a.x - pu) * (b.y - pv)) / area }
            let b0 = edge(p[2], p[1]), b1 = edge(p[0], p[2]), b2 = 1 - b0 - b1
            // Distance of the centre to the nearest edge line, in samples.
            let lengths = [(p[1], p[2]), (p[2], p[0]), (p[0], p[1])].map { a, b in ((b - a) * (b - a)).sum().squareRoot() }
            let dist = zip([b0, b1, b2], lengths).map { b, l in abs(b) * abs(area) / max(l, 1e-12) }.min()!
            if dist < 1e-3 { ambiguous = true; continue }
            guard b0 > 0, b1 > 0, b2 > 0 else { continue }
            let z = b0 * p[0].z + b1 * p[1].z + b2 * p[2].z
            depths.append(z)
            if best == nil || z > best!.z { best = (z, t) }
        }
        if let best, depths.contains(where: { $0 != best.z && abs($0 - best.z) < 1e-3 }) { return .ambiguous }
        if ambiguous { return .ambiguous }
        return best.map { .triangle($0.t) } ?? .background
    }

    @Test(arguments: [Float(1), 0.5])
    func everySampleShowsTheNearestTriangle(opacity: Float) throws {
        let s = Self.scene(seed: 20261203, count: 60, opacity: opacity)
        var sh = Shading()
        sh.depthCueStrength = 0
        sh.silhouetteJump = .infinity
        let camera = ViewCamera(rotation: Rotation3.about(x: 0, y: 0, z: 0), scale: 1, cu: 0, cv: Double(Self.height),
                                zNear: 10, zFar: -10)
        let image = SurfaceRasterizer.render(s, camera: camera, width: Self.width, height: Self.height, supersample: 1,
                                             shading: sh)
        let expected = (0..<60).map { Self.shaded(Self.palette($0), sh) * Double(opacity) + 255 * (1 - Double(opacity)) }
        var compared = 0, covered = 0, wrong: [String] = []
        for v in 0..<Self.height { for u in 0..<Self.width {
            let p = image.pixels[u + Self.width * v]
            let rgb = SIMD3<Double>(Double((p >> 16) & 0xff), Double((p >> 8) & 0xff), Double(p & 0xff))
            switch Self.truth(s, u, v) {
            case .ambiguous: continue
            case .background:
                compared += 1
                if rgb != SIMD3(255, 255, 255) { wrong.append("(\(u), \(v)) background, got \(rgb)") }
            case .triangle(let t):
                compared += 1; covered += 1
                let d = rgb - expected[t]
                if (d * d).sum().squareRoot() > 2.5 { wrong.append("(\(u), \(v)) triangle \(t) \(expected[t]), got \(rgb)") }
            }
        } }
        #expect(compared > Self.width * Self.height * 9 / 10)
        #expect(covered > Self.width * Self.height / 4)
        #expect(wrong.isEmpty, "\(wrong.count) samples differ: \(wrong.prefix(5))")
    }
}

private extension SplitMix64 {
    mutating func uniform(_ lo: Double, _ hi: Double) -> Double { lo + (hi - lo) * uniform() }
}
