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

    @Test func uniformAnglesPassBothSections() {
        let c = context(angles: uniform(4000, seed: 1))
        let g = OrientationEfficiencySection().runIsolated(c), h = SamplingCompensationSection().runIsolated(c)
        #expect(g.status == .ok && h.status == .ok, "\(g.warnings) \(h.warnings) \(g.reason ?? "") \(h.reason ?? "")")
        #expect((g.metrics["efficiency"]?.doubleValue ?? 0) > 0.9)
        #expect(abs((h.metrics["scf"]?.doubleValue ?? 0) - 1) < 0.05)
        #expect(g.metrics["particles_used"] == .int(4000))
        #expect(abs((g.metrics["diameter_A"]?.doubleValue ?? 0) - 38) < 4.1, "hard-mask extent of the ball")
        #expect(g.figures.contains { $0.id == "4g_orientations" })
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

    @Test func topViewsOnlyWarnInBothSections() {
        var rng = SplitMix64(seed: 2)
        let top = (0..<3000).map { _ in SIMD3(rng.uniform() * 360, rng.uniform() * 15, rng.uniform() * 360) }
        let c = context(angles: top)
        let g = OrientationEfficiencySection().runIsolated(c), h = SamplingCompensationSection().runIsolated(c)
        #expect(g.status == .warnings, "E_od \(String(describing: g.metrics["efficiency"]))")
        #expect(h.status == .warnings, "SCF* \(String(describing: h.metrics["scf_star"]))")
        #expect(h.warnings.first?.contains("SCF*") == true)
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
