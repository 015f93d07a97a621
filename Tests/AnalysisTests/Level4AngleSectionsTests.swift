// 4.g and 4.h as report sections: angles from a simulated STAR table, statuses, metrics and the rules.
import Foundation
import MapIO
import ParticleAnalysis
import Testing
import VolumeNumerics
@testable import Analysis

struct Level4AngleSectionsTests {
    /// A 32³ ball of radius 8 voxels (2 Å voxels): hard-mask extent ≈ 2·(8 + 1 dilation) + 1 voxels.
    func context(angles: [SIMD3<Double>]?, resolution: Double? = 6) -> AnalysisContext {
        let n = 32
        var data = [Float](repeating: 0, count: n * n * n)
        for z in 0..<n { for y in 0..<n { for x in 0..<n {
            let r = SIMD3(Double(x - 16), Double(y - 16), Double(z - 16))
            if (r * r).sum() <= 64 { data[x + n * (y + n * z)] = 1 }
        } } }
        let map = Volume(nx: n, ny: n, nz: n, data: data, voxelSize: SIMD3(repeating: 2))
        let c = AnalysisContext(map: map, mapPath: "ball.mrc", threshold: 0.5, resolution: resolution)
        c.particles = ParticleInput(starPath: "particles.star", totalCount: angles?.count ?? 10, anglesDeg: angles)
        return c
    }

    func uniform(_ count: Int, seed: UInt64) -> [SIMD3<Double>] {
        var rng = SplitMix64(seed: seed)
        return (0..<count).map { _ in SIMD3(rng.uniform() * 360, acos(2 * rng.uniform() - 1) * 180 / .pi, rng.uniform() * 360) }
    }

    @Test func uniformAnglesPassBothSections() throws {
        let c = context(angles: uniform(4000, seed: 1))
        let g = OrientationEfficiencySection().runIsolated(c), h = SamplingCompensationSection().runIsolated(c)
        #expect(g.status == .ok && h.status == .ok, "\(g.warnings) \(h.warnings) \(g.reason ?? "") \(h.reason ?? "")")
        #expect((g.metrics["efficiency"]?.doubleValue ?? 0) > 0.9)
        #expect(abs((h.metrics["scf"]?.doubleValue ?? 0) - 1) < 0.05)
        #expect(g.metrics["particles_used"] == .int(4000))
        #expect(abs((g.metrics["diameter_A"]?.doubleValue ?? 0) - 38) < 4.1, "hard-mask extent of the ball")
        #expect(g.figures.map(\.id) == ["4g_directional_resolution", "4g_directional_map"] && h.figures.map(\.id) == ["4h_orientations"])
        // Uniform orientations: every direction of Fourier space is sampled, none blank.
        let map = try #require(directionalMap(g))
        #expect(map.pixels.allSatisfy { $0.isFinite })
    }

    @Test func aFewHundredUniformParticlesHaveAnEfficiencyNearOne() {
        // D ≈ 38 Å, R = 6 Å: slabs of 1/D would be crossed 200·6/76 ≈ 16 times per direction; widened to 20.
        let g = OrientationEfficiencySection().runIsolated(context(angles: uniform(200, seed: 4)))
        #expect(g.status == .ok, "\(g.warnings) \(g.reason ?? "")")
        #expect((g.metrics["efficiency"]?.doubleValue ?? 0) > 0.9, "E_od \(String(describing: g.metrics["efficiency"]))")
        #expect(g.metrics["directions_without_information"] == .int(0))
        #expect(g.metrics["thickness_note"] != nil)
        #expect((g.metrics["fourier_radius"]?.doubleValue ?? 0) == 5)
    }

    @Test func topViewsOnlyWarnInBothSections() throws {
        var rng = SplitMix64(seed: 2)
        let top = (0..<3000).map { _ in SIMD3(rng.uniform() * 360, rng.uniform() * 15, rng.uniform() * 360) }
        let c = context(angles: top)
        let g = OrientationEfficiencySection().runIsolated(c), h = SamplingCompensationSection().runIsolated(c)
        #expect(g.status == .warnings, "E_od \(String(describing: g.metrics["efficiency"]))")
        #expect(h.status == .warnings, "SCF* \(String(describing: h.metrics["scf_star"]))")
        #expect(h.warnings.first?.contains("SCF*") == true)
        // Top views fill the sections perpendicular to z: on 4.g's map the top and bottom rows (directions along
        // z) are blank or worse than anything in the middle band (directions in the xy plane).
        let map = try #require(directionalMap(g))
        let w = map.width, rows = map.height
        func row(_ v: Int) -> [Float] { Array(map.pixels[(w * v)..<(w * (v + 1))]) }
        let middle = row(rows / 2 - 1) + row(rows / 2)
        #expect(middle.allSatisfy { $0.isFinite }, "middle band \(middle.prefix(8))")
        let worstMiddle = middle.max()!
        for v in [0, rows - 1] {
            #expect(row(v).allSatisfy { !$0.isFinite || $0 > worstMiddle }, "row \(v): \(row(v).prefix(8)) vs middle ≤ \(worstMiddle)")
        }
    }

    /// 4.g's directional-resolution map (its only image).
    func directionalMap(_ g: SectionResult) -> Image2D? {
        guard case .images(let p)? = g.figures.first(where: { $0.id == "4g_directional_map" })?.content else { return nil }
        return p.panels.first
    }

    @Test func starWithoutAnglesDoesNotApplyAndSaysWhy() {
        let c = context(angles: nil)
        for r in [OrientationEfficiencySection().runIsolated(c), SamplingCompensationSection().runIsolated(c)] {
            #expect(r.status == .notApplicable)
            #expect(r.reason?.contains("has no angles") == true, "\(r.reason ?? "")")
        }
    }

    @Test func efficiencyNeedsTheReportedResolution() {
        let r = OrientationEfficiencySection().runIsolated(context(angles: uniform(100, seed: 3), resolution: nil))
        #expect(r.status == .notApplicable && r.reason?.contains("--resolution") == true)
    }
}
