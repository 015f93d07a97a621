// 0.b Mask analysis on phantoms whose components, overlap and sweep are known exactly.
import MapIO
import Testing
@testable import Analysis

@Suite struct Level0MaskAnalysisTests {
    func run(_ map: Volume, threshold: Double) -> SectionResult {
        MaskAnalysis().runIsolated(AnalysisContext(map: map, mapPath: "phantom.mrc", threshold: threshold, resolution: nil))
    }

    /// Big ball r = 9, small ball r = 3, five single-voxel spikes; 2 Å voxels (8 Å³), dilation 1 voxel.
    func ballsAndSpikes() -> Volume {
        let spikes: [(SIMD3<Int>, Float)] = [(SIMD3(2, 2, 2), 1), (SIMD3(45, 3, 40), 1), (SIMD3(5, 44, 10), 1),
                                             (SIMD3(40, 40, 4), 1), (SIMD3(3, 30, 44), 1)]
        return Level0Phantom.map(SIMD3(48, 48, 48), voxelSize: SIMD3(2, 2, 2), balls: [
            .init(center: SIMD3(16, 24, 24), radius: 9, value: 1),
            .init(center: SIMD3(38, 24, 24), radius: 3, value: 1),
        ], spikes: spikes)
    }

    @Test func componentsOfBallsAndSpikes() {
        let big = Level0Phantom.ballCount(radius: 9), small = Level0Phantom.ballCount(radius: 3)
        let raw = big + small + 5
        let r = run(ballsAndSpikes(), threshold: 0.5)
        #expect(r.id == "0.b" && r.title == "Mask analysis")
        let m = r.metrics
        #expect(m["n_components"] == .int(7))
        #expect(m["raw_voxels"] == .int(raw))
        #expect(abs(m["raw_volume_A3"]!.doubleValue! - Double(raw) * 8) < 1e-9)
        // The big ball alone holds big/raw ≥ 95 % (3 071 of 3 199 voxels: 96.0 %).
        #expect(100 * big >= 95 * raw, "phantom assumption: big ball \(big) of \(raw)")
        #expect(m["components_to_95pct"] == .int(1))
        let rows = m["components"]!.arrayValue!
        #expect(rows.count == 1)
        #expect(rows[0]["voxels"] == .int(big))
        #expect(abs(rows[0]["volume_A3"]!.doubleValue! - Double(big) * 8) < 1e-9)
        let pct = 100 * Double(big) / Double(raw)
        #expect(abs(rows[0]["pct"]!.doubleValue! - pct) < 1e-9 && abs(rows[0]["cum_pct"]!.doubleValue! - pct) < 1e-9)
        // Remaining: the small ball and five spikes.
        #expect(m["remaining_count"] == .int(6))
        let mean = Double(small + 5) / 6
        #expect(abs(m["remaining_mean_voxels"]!.doubleValue! - mean) < 1e-9, "mean: expected \(mean), observed \(m["remaining_mean_voxels"]!)")
        #expect(abs(m["remaining_mean_volume_A3"]!.doubleValue! - mean * 8) < 1e-9)
        #expect(m["remaining_largest_voxels"] == .int(small) && m["remaining_smallest_voxels"] == .int(1))
        #expect(m["remaining_largest_volume_A3"]!.doubleValue! == Double(small) * 8)
        #expect(m["remaining_smallest_volume_A3"]!.doubleValue! == 8)
        // Hard mask: the big ball grown by 1 voxel (r = 9 ball ⊕ 6-neighbourhood), far from the rest.
        let hard = m["hard_mask_voxels"]!.intValue!
        #expect(hard > big && hard <= Level0Phantom.ballCount(radius: 10), "hard \(hard)")
        #expect(abs(m["hard_mask_volume_A3"]!.doubleValue! - Double(hard) * 8) < 1e-9)
        let overlap = Double(big) / Double(raw)
        #expect(abs(m["overlap"]!.doubleValue! - overlap) < 1e-12, "overlap: expected \(overlap), observed \(m["overlap"]!)")
        // Only the remaining-volume warning: 8 Å³ voxels make any leftover blob exceed 5 Å³.
        #expect(r.warnings.count == 1, "warnings: \(r.warnings)")
        #expect(r.warnings.first?.hasPrefix("The 6 small components outside the 95 % list have a mean volume of") == true)
    }

    @Test func singleBallHasNoWarning() {
        let r = run(Level0Phantom.map(SIMD3(32, 32, 32), voxelSize: SIMD3(2, 2, 2),
                                      balls: [.init(center: SIMD3(16, 16, 16), radius: 7, value: 1)]), threshold: 0.5)
        #expect(r.status == .ok, "warnings: \(r.warnings)")
        #expect(r.metrics["remaining_count"] == .int(0))
        #expect(r.metrics["remaining_mean_voxels"] == .null)
        #expect(r.metrics["overlap"] == .number(1))
    }

    @Test func equalBallsAreFragmented() {
        // Eight equal balls: 8 components needed for 95 % (87.5 % after 7), overlap 1/8.
        var balls: [Level0Phantom.Ball] = []
        for z in [10, 30] { for y in [10, 30] { for x in [10, 30] { balls.append(.init(center: SIMD3(x, y, z), radius: 4, value: 1)) } } }
        let r = run(Level0Phantom.map(SIMD3(40, 40, 40), balls: balls), threshold: 0.5)
        let m = r.metrics
        #expect(m["n_components"] == .int(8) && m["components_to_95pct"] == .int(8) && m["remaining_count"] == .int(0))
        let cum = m["components"]!.arrayValue!.map { $0["cum_pct"]!.doubleValue! }
        let expected = (1...8).map { 12.5 * Double($0) }
        #expect(zip(cum, expected).allSatisfy { abs($0 - $1) < 1e-9 } && cum.count == 8, "cumulative %: \(cum)")
        #expect(abs(m["overlap"]!.doubleValue! - 0.125) < 1e-12)
        #expect(r.warnings.contains { $0.contains("is fragmented: 8 connected components are needed") }, "warnings: \(r.warnings)")
        #expect(r.warnings.contains { $0.hasPrefix("Only 12.5 % of the voxels above the threshold lie in the constructed (hard) mask") },
                "warnings: \(r.warnings)")
        #expect(r.warnings.count == 2)
    }

    @Test func listStopsAtOneHundredRows() {
        // 150 single voxels on a lattice with gaps: 143 are needed for 95 %, only 100 are listed.
        var v = [Float](repeating: 0, count: 30 * 30 * 30)
        var placed = 0
        outer: for z in stride(from: 1, to: 30, by: 3) { for y in stride(from: 1, to: 30, by: 3) { for x in stride(from: 1, to: 30, by: 3) {
            if placed == 150 { break outer }
            v[x + 30 * (y + 30 * z)] = 1; placed += 1
        } } }
        let r = run(Volume(nx: 30, ny: 30, nz: 30, data: v), threshold: 0.5)
        #expect(r.metrics["n_components"] == .int(150))
        #expect(r.metrics["components_to_95pct"] == .int(143), "ceil(0.95 · 150) = 143, observed \(r.metrics["components_to_95pct"]!)")
        #expect(r.metrics["components"]!.arrayValue!.count == 100)
        #expect(r.metrics["remaining_count"] == .int(7))
    }

    @Test func sweepCountsAreExact() {
        // A cone V = max(0, 10 − distance) around (20, 18, 16) in a 40×36×32 box of 1.2 Å voxels.
        let nx = 40, ny = 36, nz = 32
        var v = [Float](repeating: 0, count: nx * ny * nz)
        for z in 0..<nz { for y in 0..<ny { for x in 0..<nx {
            let d = Double((x - 20) * (x - 20) + (y - 18) * (y - 18) + (z - 16) * (z - 16)).squareRoot()
            v[x + nx * (y + ny * z)] = Float(max(0, 10 - d))
        } } }
        let map = Volume(nx: nx, ny: ny, nz: nz, data: v, voxelSize: SIMD3(1.2, 1.2, 1.2))
        let T = 3.0
        let r = run(map, threshold: T)
        let sweep = r.metrics["sweep"]!.arrayValue!
        #expect(sweep.count == 24)
        let v3 = 1.2 * 1.2 * 1.2
        for (i, row) in sweep.enumerated() {
            let k = i + 1
            let t = Double(k) * 10 / 25
            var count = 0
            for x in v where Double(x) >= t { count += 1 }
            #expect(abs(row["threshold"]!.doubleValue! - t) < 1e-12, "k=\(k) threshold \(row["threshold"]!)")
            #expect(row["voxels"] == .int(count), "k=\(k): expected \(count) voxels, observed \(row["voxels"]!)")
            let mass = Double(count) * v3 / 1207, residues = Double(count) * v3 / (110 * 1.207)
            #expect(abs(row["mass_kDa"]!.doubleValue! - mass) < 1e-12 * max(1, mass))
            #expect(abs(row["residues"]!.doubleValue! - residues) < 1e-9 * max(1, residues))
        }
        // The figure: mass against threshold, log y, T marked; zero-mass thresholds (none here) left out.
        let fig = r.figures.first { $0.id == "0b_mass_vs_threshold" }
        guard case .plot(let plot)? = fig?.content else { Issue.record("no 0b_mass_vs_threshold plot"); return }
        #expect(plot.logY && plot.xMarkers.count == 1 && plot.xMarkers[0].value == T)
        #expect(plot.series[0].x.count == 24 && plot.series[0].y.allSatisfy { $0 > 0 })
    }

    @Test func thresholdAboveMaximumFails() {
        let map = Level0Phantom.map(SIMD3(16, 16, 16), balls: [.init(center: SIMD3(8, 8, 8), radius: 3, value: 1)])
        let r = run(map, threshold: 1.01)
        #expect(r.status == .failed && r.reason?.hasPrefix("threshold too high: no voxel at or above T = 1.01") == true,
                "status \(r.status), reason \(r.reason ?? "nil")")
    }
}
