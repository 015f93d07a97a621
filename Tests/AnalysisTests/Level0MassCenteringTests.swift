// 0.a Mass analysis on ball phantoms: margins, decentering and centre of mass are known exactly.
import MapIO
import Testing
import VolumeNumerics
@testable import Analysis

@Suite struct Level0MassCenteringTests {
    func run(_ map: Volume, threshold: Double = 0.5) -> SectionResult {
        MassCentering().runIsolated(AnalysisContext(map: map, mapPath: "phantom.mrc", threshold: threshold, resolution: nil))
    }

    func triple(_ v: JSONValue?) -> [Double] { v!.arrayValue!.map { $0.doubleValue! } }

    @Test(arguments: [0, 3, -5])
    func shiftedBallMargins(shift k: Int) {
        // Ball r = 8 in a 48³ box of 1.5 Å voxels; hard mask = ball grown by ceil(2/1.5) = 2 voxels, so it spans
        // c − 10 … c + 10 on each axis. Shifting the ball by k voxels along X moves both margins by k·Ts.
        let ts = 1.5, n = 48, r = 8, d = 2
        let c = SIMD3(24 + k, 24, 23)
        let result = run(Level0Phantom.map(SIMD3(n, n, n), voxelSize: SIMD3(ts, ts, ts),
                                           balls: [.init(center: c, radius: Double(r), value: 1)]))
        #expect(result.id == "0.a" && result.title == "Mass analysis")
        let left = triple(result.metrics["space_left_A"]), right = triple(result.metrics["space_right_A"])
        let dec = triple(result.metrics["decentering_pct"]), com = triple(result.metrics["center_of_mass_vox"])
        let comDec = triple(result.metrics["com_decentering_pct"])
        for a in 0..<3 {
            let expLeft = ts * Double(c[a] - r - d), expRight = ts * Double(n - 1 - c[a] - r - d)
            let expDec = abs(expRight - expLeft) / (ts * Double(n)) * 100
            #expect(abs(left[a] - expLeft) < 1e-9, "axis \(a) left: expected \(expLeft), observed \(left[a])")
            #expect(abs(right[a] - expRight) < 1e-9, "axis \(a) right: expected \(expRight), observed \(right[a])")
            #expect(abs(dec[a] - expDec) < 1e-9, "axis \(a) decentering: expected \(expDec), observed \(dec[a])")
            // A uniform ball's centre of mass is its centre.
            #expect(abs(com[a] - Double(c[a])) < 1e-9, "axis \(a) COM: expected \(c[a]), observed \(com[a])")
            let expComDec = abs(Double(c[a]) - Double(n) / 2) / Double(n) * 100
            #expect(abs(comDec[a] - expComDec) < 1e-9, "axis \(a) COM decentering: expected \(expComDec), observed \(comDec[a])")
        }
        // Shifted by −5, the mask starts at x = 9: 13.5 Å of space on the left in X.
        if k == -5 {
            #expect(result.status == .warnings)
            #expect(result.warnings.contains { $0.contains("close to the box edge in X") && $0.contains("only 13.5 Å of free space on the left (criterion: at least 20 Å on each side)") },
                    "warnings: \(result.warnings)")
        }
    }

    @Test func centredBallHasNoWarning() {
        // Mask spans 15…35 of 0…49: 22.5 Å left, 21 Å right, decentering 1.5/75 = 2 %.
        let result = run(Level0Phantom.map(SIMD3(50, 50, 50), voxelSize: SIMD3(1.5, 1.5, 1.5),
                                           balls: [.init(center: SIMD3(25, 25, 25), radius: 8, value: 1)]))
        #expect(result.status == .ok, "warnings: \(result.warnings)")
    }

    @Test func decenteredBallWarns() {
        // Ball r = 6 at x = 36 in a 48-voxel box of 2 Å (dilation 1 voxel): mask spans 29…43, left 58 Å,
        // right 8 Å, decentering 50/96 = 52.08 %; COM (36 − 24)/48 = 25 %.
        let result = run(Level0Phantom.map(SIMD3(48, 40, 40), voxelSize: SIMD3(2, 2, 2),
                                           balls: [.init(center: SIMD3(36, 20, 20), radius: 6, value: 1)]))
        #expect(result.status == .warnings)
        let w = result.warnings
        #expect(w.contains("The map might be significantly decentered in X: 52.1 % of the box (criterion: 20 %); "
                           + "the mask leaves 58.0 Å on the left and 8.0 Å on the right. "
                           + "This is expected for local or focused reconstructions."), "warnings: \(w)")
        #expect(w.contains { $0.hasPrefix("The centre of mass of the density is decentered in X") && $0.contains("25.0 %") },
                "warnings: \(w)")
        #expect(w.contains { $0.contains("close to the box edge in X") && $0.contains("only 8.0 Å of free space on the right (criterion") })
        #expect(!w.contains { $0.contains(" in Y") || $0.contains(" in Z") }, "no warning expected in Y or Z: \(w)")
        #expect(w.count == 3, "warnings: \(w)")
    }

    @Test func anisotropicVoxelSizesPerAxis() {
        // Voxels 1 × 1.5 × 2.5 Å; dilation ceil(2/1) = 2 voxels on every axis; ball r = 5 at (20, 18, 14).
        let ts = SIMD3(1.0, 1.5, 2.5), n = SIMD3(40, 36, 30), c = SIMD3(20, 18, 14)
        let result = run(Level0Phantom.map(n, voxelSize: ts, balls: [.init(center: c, radius: 5, value: 1)]))
        let left = triple(result.metrics["space_left_A"]), right = triple(result.metrics["space_right_A"])
        let dec = triple(result.metrics["decentering_pct"])
        for a in 0..<3 {
            let expLeft = ts[a] * Double(c[a] - 7), expRight = ts[a] * Double(n[a] - 1 - c[a] - 7)
            #expect(abs(left[a] - expLeft) < 1e-9 && abs(right[a] - expRight) < 1e-9,
                    "axis \(a): expected \(expLeft), \(expRight); observed \(left[a]), \(right[a])")
            let expDec = abs(expRight - expLeft) / (ts[a] * Double(n[a])) * 100
            #expect(abs(dec[a] - expDec) < 1e-9)
        }
    }

    @Test func centreOfMassMatchesAPlainSumWithNaNsAndAnOddRow() {
        // Rows of 21 voxels: two blocks of eight in Double lanes and a tail of five; NaN voxels skipped.
        var rng = SplitMix64(seed: 33)
        let dims = SIMD3(21, 13, 9)
        let data = (0..<(dims.x * dims.y * dims.z)).map { i -> Float in i % 53 == 7 ? .nan : Float(1 + rng.uniform()) }
        var s = 0.0, sx = 0.0, sy = 0.0, sz = 0.0
        for z in 0..<dims.z { for y in 0..<dims.y { for x in 0..<dims.x {
            let v = Double(data[x + dims.x * (y + dims.y * z)])
            if v.isNaN { continue }
            s += v; sx += v * Double(x); sy += v * Double(y); sz += v * Double(z)
        } } }
        let com = MassCentering.centerOfMass(Volume(nx: dims.x, ny: dims.y, nz: dims.z, data: data))!
        for (a, expected) in [sx / s, sy / s, sz / s].enumerated() {
            #expect(abs(com[a] - expected) < 1e-12, "axis \(a): expected \(expected), observed \(com[a])")
        }
    }

    @Test func centreOfMassWithNegativeTotalIsUndefined() {
        // Background −0.1 everywhere outweighs the ball: Σ V < 0, so no centre of mass.
        let map = Level0Phantom.map(SIMD3(32, 32, 32), balls: [.init(center: SIMD3(16, 16, 16), radius: 4, value: 1.1)],
                                    offset: -0.1)
        let result = run(map)
        #expect(result.metrics["center_of_mass_vox"] == .null)
        #expect(result.metrics["com_decentering_pct"] == .null)
        #expect(result.status != .failed)
    }

    @Test func thresholdAboveMaximumFails() {
        let map = Level0Phantom.map(SIMD3(16, 16, 16), balls: [.init(center: SIMD3(8, 8, 8), radius: 3, value: 1)])
        let result = run(map, threshold: 3)
        #expect(result.status == .failed)
        #expect(result.reason?.hasPrefix("threshold too high: no voxel at or above T = 3") == true, "reason: \(result.reason ?? "nil")")
    }
}
