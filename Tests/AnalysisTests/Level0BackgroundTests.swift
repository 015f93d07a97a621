// 0.c Background analysis on noise phantoms, with scipy.stats.ttest_1samp as the oracle.
import Foundation
import MapIO
import TestSupport
import Testing
import VolumeNumerics
@testable import Analysis

@Suite struct Level0BackgroundTests {
    func context(_ map: Volume, threshold: Double) -> AnalysisContext {
        AnalysisContext(map: map, mapPath: "phantom.mrc", threshold: threshold, resolution: nil)
    }

    /// Gaussian noise (σ = 1, fixed seed) around `offset`, a ball of value 20 (r = 8) in the middle; T = 10.
    func noisyBall(offset: Double = 0, seed: UInt64 = 21, voxelSize: Double = 1,
                   spikes: [(SIMD3<Int>, Float)] = []) -> Volume {
        Level0Phantom.map(SIMD3(48, 46, 44), voxelSize: SIMD3(voxelSize, voxelSize, voxelSize),
                          balls: [.init(center: SIMD3(24, 23, 22), radius: 8, value: 20)],
                          noise: 1, offset: offset, seed: seed, spikes: spikes)
    }

    /// Background values (outside the hard mask) written for the oracle, and its answer.
    func oracle(_ ctx: AnalysisContext) throws -> [String: Any] {
        let hard = try ctx.masks().hard
        let values = zip(ctx.map.data, hard.voxels).filter { !$0.1 }.map { $0.0 }
        let path = Level0Oracle.tempPath("background.f32")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try values.withUnsafeBufferPointer { try Data(buffer: $0).write(to: URL(fileURLWithPath: path)) }
        return try JSONSerialization.jsonObject(with: try Level0Oracle.run("level0_ttest.py", [path])) as! [String: Any]
    }

    func compare(_ r: SectionResult, _ o: [String: Any], pTolerance: Double = 1e-8) {
        let m = r.metrics
        #expect(m["background_voxels"]!.intValue! == o["n"] as! Int)
        for (key, okey, tol) in [("mean", "mean", 1e-9), ("std", "std", 1e-9), ("t_statistic", "t", 1e-6)] {
            let expected = o[okey] as! Double, observed = m[key]!.doubleValue!
            let err = abs(observed - expected) / max(1e-12, abs(expected))
            #expect(err < tol, "\(key): scipy \(expected), observed \(observed), rel. error \(err)")
        }
        let p = o["p"] as! Double, observed = m["p_value"]!.doubleValue!
        #expect(abs(observed - p) / p < pTolerance, "p: scipy \(p), observed \(observed)")
        #expect(m["outlier_voxels"]!.intValue! == o["outliers_5sigma"] as! Int)
    }

    /// The outlier list (values screened eight at a time, planes on separate workers) against a plain loop, with
    /// values at the bound, one Float step beyond it, NaN and ±∞, inside and outside the mask, rows of odd length.
    @Test func outlierListMatchesAPlainLoop() {
        var rng = Level0RNG(seed: 41)
        let nx = 13, ny = 7, nz = 9, bound = 2.5
        let atBound = Float(bound), beyond = Float(bound).nextUp
        var data = (0..<(nx * ny * nz)).map { _ in Float.random(in: -2...2, using: &rng) }
        for (k, value) in [atBound, -atBound, beyond, -beyond, .nan, .infinity, -.infinity, 3, -7].enumerated() {
            for j in 0..<6 { data[(k * 97 + j * 131) % data.count] = value }
        }
        let mask = BinaryMask(nx: nx, ny: ny, nz: nz, voxels: (0..<data.count).map { _ in Bool.random(using: &rng) })
        let map = Volume(nx: nx, ny: ny, nz: nz, data: data)
        var expected: [BackgroundAnalysis.Outlier] = []
        for z in 0..<nz { for y in 0..<ny { for x in 0..<nx {
            let i = x + nx * (y + ny * z)
            if !mask.voxels[i] && abs(Double(data[i])) > bound { expected.append(.init(position: SIMD3(x, y, z), value: data[i])) }
        } } }
        #expect(expected.count > 10 && expected.contains { $0.value == beyond } && !expected.contains { $0.value == atBound })
        #expect(BackgroundAnalysis.outliers(map: map, hard: mask, bound: bound) == expected)
    }

    @Test func gaussianNoiseIsAcceptedAndMatchesScipy() throws {
        let ctx = context(noisyBall(), threshold: 10)
        let r = BackgroundAnalysis().runIsolated(ctx)
        #expect(r.id == "0.c" && r.title == "Background analysis")
        let m = r.metrics
        #expect(m["p_value"]!.doubleValue! >= 0.001, "p = \(m["p_value"]!) for zero-mean noise")
        // ~9·10⁴ background voxels: 0.05 outliers expected beyond 5σ, so a ratio of 0 (or ~20 for one voxel).
        #expect(m["outlier_ratio"]!.doubleValue! <= 20, "ratio \(m["outlier_ratio"]!)")
        #expect(abs(m["gaussian_outlier_pct"]!.doubleValue! - 5.733031437583878e-5) < 1e-15)
        #expect(abs(m["std"]!.doubleValue! - 1) < 0.01, "σ \(m["std"]!)")
        #expect(r.status == .ok, "warnings: \(r.warnings)")
        compare(r, try oracle(ctx))
    }

    @Test func smallOffsetMatchesScipyPValue() throws {
        // Offset 0.012σ over ~9·10⁴ voxels: t ≈ 3.6, p ≈ 3·10⁻⁴ — a p-value scipy represents well.
        let ctx = context(noisyBall(offset: 0.012), threshold: 10)
        let r = BackgroundAnalysis().runIsolated(ctx)
        let o = try oracle(ctx)
        compare(r, o)
        let p = o["p"] as! Double
        #expect((p < 0.001) == r.warnings.contains { $0.hasPrefix("The background mean is not 0") },
                "p = \(p), warnings: \(r.warnings)")
    }

    @Test func offsetBackgroundWarns() {
        let r = BackgroundAnalysis().runIsolated(context(noisyBall(offset: 0.05), threshold: 10))
        let m = r.metrics
        #expect(m["t_statistic"]!.doubleValue! > 10, "t \(m["t_statistic"]!)")
        #expect(m["p_value"]!.doubleValue! < 1e-20)
        #expect(r.status == .warnings)
        #expect(r.warnings.count == 1 && r.warnings[0].hasPrefix("The background mean is not 0:"), "warnings: \(r.warnings)")
        #expect(r.warnings[0].contains("(criterion: p ≥ 0.001)"))
    }

    @Test func scatteredSpikesWarnAndShowInTheFigure() throws {
        // 60 single-voxel spikes of 12 (above T = 10, beyond 5σ), away from the ball, in 2 Å voxels (8 Å³):
        // 0.c sees ~0.07 % outliers (≈ 1 200 × Gaussian), 0.b a remaining mean of 8 Å³ (> 5 Å³).
        var rng = Level0RNG(seed: 99)
        var spikes: [(SIMD3<Int>, Float)] = []
        while spikes.count < 60 {
            let p = SIMD3(Int.random(in: 0..<48, using: &rng), Int.random(in: 0..<46, using: &rng), Int.random(in: 0..<44, using: &rng))
            let d = p &- SIMD3(24, 23, 22)
            if (d &* d).wrappedSum() > 14 * 14 && !spikes.contains(where: { $0.0 == p }) { spikes.append((p, 12)) }
        }
        let ctx = context(noisyBall(voxelSize: 2, spikes: spikes), threshold: 10)
        let r = BackgroundAnalysis().runIsolated(ctx)
        let m = r.metrics
        #expect(m["outlier_voxels"]!.intValue! >= 60, "outliers \(m["outlier_voxels"]!)")
        #expect(m["outlier_ratio"]!.doubleValue! > 20)
        #expect(r.warnings.contains { $0.hasPrefix("There is a significant proportion of outliers in the background:") },
                "warnings: \(r.warnings)")
        compare(r, try oracle(ctx))

        let b = MaskAnalysis().runIsolated(ctx)
        #expect(b.warnings.contains { $0.contains("small components outside the 95 % list") }, "0.b warnings: \(b.warnings)")

        // Figure: three max-variance slices, labelled with their index, each through at least one spike.
        let fig = r.figures.first { $0.id == "0c_background_outliers" }
        guard case .images(let panels)? = fig?.content else { Issue.record("no 0c_background_outliers images"); return }
        #expect(panels.panels.count == 3)
        for (a, axis) in Axis.allCases.enumerated() {
            let label = panels.panels[a].label
            #expect(label.hasPrefix("\(axis.name) = "))
            let k = Int(label.dropFirst(4))!
            #expect(spikes.contains { $0.0[a] == k }, "slice \(label) holds no spike")
            #expect(panels.panels[a].pixels.contains { $0 != 0 })
            #expect(fig!.caption.contains(label))
        }
    }

    @Test func sparseSlicesMatchVolumeSlices() {
        // The figure's sparse max-variance index and slice equal Slices.swift's on the full outlier volume.
        var rng = Level0RNG(seed: 5)
        let dims = SIMD3(13, 11, 9)
        var list: [BackgroundAnalysis.Outlier] = []
        var full = Volume(nx: dims.x, ny: dims.y, nz: dims.z, voxelSize: SIMD3(1, 1.5, 2))
        for _ in 0..<12 {
            let p = SIMD3(Int.random(in: 0..<13, using: &rng), Int.random(in: 0..<11, using: &rng), Int.random(in: 0..<9, using: &rng))
            if list.contains(where: { $0.position == p }) { continue }
            let v = Float(rng.normal() * 10)
            list.append(.init(position: p, value: v)); full[p.x, p.y, p.z] = v
        }
        for axis in Axis.allCases {
            let k = BackgroundAnalysis.maxVarianceIndex(list, dims: dims, axis: axis)
            #expect(k == full.maxVarianceIndex(axis), "\(axis.name): sparse \(k), volume \(full.maxVarianceIndex(axis))")
            #expect(BackgroundAnalysis.slice(list, map: full, axis: axis, index: k) == full.slice(axis, k))
        }
    }

    @Test func maskedMapFails() {
        // Background exactly 0 (σ = 0): the test cannot run.
        let map = Level0Phantom.map(SIMD3(24, 24, 24), balls: [.init(center: SIMD3(12, 12, 12), radius: 5, value: 1)])
        let r = BackgroundAnalysis().runIsolated(context(map, threshold: 0.5))
        #expect(r.status == .failed && r.reason?.contains("σ = 0") == true, "reason: \(r.reason ?? "nil")")
    }

    @Test func thresholdAboveMaximumFailsEverySection() {
        let ctx = context(noisyBall(), threshold: 1000)
        let results: [SectionResult] = [MassCentering().runIsolated(ctx), MaskAnalysis().runIsolated(ctx),
                                        BackgroundAnalysis().runIsolated(ctx)]
        for r in results {
            #expect(r.status == .failed && r.reason?.hasPrefix("threshold too high: no voxel at or above T = 1000") == true,
                    "\(r.id): \(r.status), \(r.reason ?? "nil")")
        }
    }
}
