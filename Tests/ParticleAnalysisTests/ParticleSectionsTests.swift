// The Particles section and 4.f on particles read from STAR files: the real fixture (5 RELION 3.1 particles)
// and particles simulated from a phantom; bad input (missing stack, no angles, pixel-size mismatch).
import Foundation
import ImageData
import MapIO
import TestSupport
import VolumeNumerics
import XCTest
@testable import Analysis
@testable import ParticleAnalysis

final class ParticleSectionsTests: XCTestCase {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func context(pixelSizeA: Double, box: Int = 32, resolution: Double? = 8, particles: ParticleInput) -> AnalysisContext {
        let phantom = GaussianPhantom.asymmetric(box: box, pixelSizeA: pixelSizeA, seed: 41)
        let c = AnalysisContext(map: phantom.volume(box: box, pixelSizeA: pixelSizeA), mapPath: "phantom.mrc",
                                threshold: 0.3, resolution: resolution)
        c.particles = particles
        return c
    }

    func testFixtureParticlesAreDescribedAndAPixelSizeMismatchWarns() throws {
        let star = root.appendingPathComponent("Fixtures/particles/relion31.star").path
        let p = try ParticleInput.load(starPath: star, maxParticles: nil)
        XCTAssertEqual(p.totalCount, 5); XCTAssertEqual(p.box, 256)
        XCTAssertEqual(p.pixelSizeA, 2.806, accuracy: 1e-9, "the STAR's optics pixel size, not the header's 1.0")
        XCTAssertEqual(p.pixelSizeSource, .star)
        let same = ParticlesSection().runIsolated(context(pixelSizeA: 2.806, particles: p))
        XCTAssertEqual(same.status, .ok, "\(same.warnings) \(same.reason ?? "")")
        XCTAssertEqual(same.metrics["particles"], .int(5)); XCTAssertEqual(same.metrics["box"], .int(256))
        XCTAssertEqual(same.metrics["has_angles"], .bool(true))
        XCTAssertNotNil(same.metrics["box_note"], "256² particles against a 32³ map are stated")
        let grid = try XCTUnwrap(same.figures.first { $0.id == "4particles_grid" })
        guard case .images(let panels) = grid.content else { return XCTFail("grid is not an image") }
        XCTAssertEqual(panels.panels[0].width, 5 * 64 + 4 * 2, "5 tiles of 256/4 pixels with 2-pixel gaps")
        let off = ParticlesSection().runIsolated(context(pixelSizeA: 2.7, particles: p))
        XCTAssertEqual(off.status, .warnings)
        XCTAssertTrue(off.warnings[0].contains("more than 1 %"), off.warnings[0])
        XCTAssertEqual(ParticlesSection().runIsolated(context(pixelSizeA: 2.8, particles: p)).status, .ok, "0.2 % is within 1 %")
    }

    func testMissingStackIsAOneLineErrorNamingTheStarLineAndReference() throws {
        let star = try SimulatedParticles(count: 3).write(GaussianPhantom.asymmetric(box: 32, pixelSizeA: 2))
        try FileManager.default.removeItem(atPath: URL(fileURLWithPath: star).deletingLastPathComponent().appendingPathComponent("particles.mrcs").path)
        XCTAssertThrowsError(try ParticleInput.load(starPath: star, maxParticles: nil)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.hasPrefix(star) && text.contains("line") && text.contains("1@particles.mrcs") && text.contains("does not exist"), text)
            XCTAssertFalse(text.contains("\n"))
        }
    }

    func testOverfittingSectionSeparatesParticlesFromNoise() throws {
        let phantom = GaussianPhantom.asymmetric(box: 32, pixelSizeA: 2, seed: 41)
        let star = try SimulatedParticles(count: 300, noiseSD: 0.6).write(phantom)
        let p = try ParticleInput.load(starPath: star, maxParticles: nil)
        let r = OverfittingSection().runIsolated(context(pixelSizeA: 2, particles: p))
        XCTAssertEqual(r.status, .ok, "\(r.warnings) \(r.reason ?? "")")
        guard case .array(let curve) = r.metrics["curve"] else { return XCTFail("no curve") }
        XCTAssertEqual(curve.count, 5)
        for point in curve {
            // The particles have a resolution between Nyquist and the box; the noise none, or a worse one.
            let res = try XCTUnwrap(point["resolution_A"]?.doubleValue, "\(point)")
            XCTAssertTrue(res >= 4 && res <= 64, "\(point)")
            if let noise = point["noise_resolution_A"]?.doubleValue { XCTAssertLessThan(res, noise, "\(point)") }
            else { XCTAssertEqual(point["noise_no_resolution"], .bool(true)) }
        }
        XCTAssertEqual(r.metrics["particles_used"], .int(300))
        // R = 8 Å asks for pixels of 8/3 Å: the 32-pixel images of 2 Å are cropped to 24 pixels (64 Å / 24), stated.
        XCTAssertEqual(r.metrics["box"], .int(24)); XCTAssertEqual(r.metrics["particle_box"], .int(32))
        XCTAssertEqual(r.metrics["resampled"], .bool(true))
        XCTAssertEqual(try XCTUnwrap(r.metrics["pixel_size_A"]?.doubleValue), 64.0 / 24, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(r.metrics["nyquist_A"]?.doubleValue), 2 * 64.0 / 24, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(r.metrics["box_A"]?.doubleValue), 64, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(r.metrics["finest_pixel_A"]?.doubleValue), 8.0 / 3, accuracy: 1e-12)
        // Without a resolution the particles' own sampling is kept (32 ≤ maxBox).
        let own = OverfittingSection().runIsolated(context(pixelSizeA: 2, resolution: nil, particles: p))
        XCTAssertEqual(own.status, .ok, "\(own.warnings) \(own.reason ?? "")")
        XCTAssertEqual(own.metrics["box"], .int(32)); XCTAssertEqual(own.metrics["resampled"], .bool(false))
        XCTAssertEqual(own.metrics["pixel_size_A"], .number(2)); XCTAssertEqual(own.metrics["finest_pixel_A"], .null)
        // With --max-particles 100 the section says so and uses 100.
        var q = p; q.maxParticles = 100
        XCTAssertEqual(OverfittingSection().runIsolated(context(pixelSizeA: 2, particles: q)).metrics["particles_used"], .int(100))
    }

    /// The working sampling of 4.f, against values worked by hand: pixel ≥ R/3, box ≤ 256, the field of view kept.
    func testOverfittingWorkingSamplingCoarsensToAThirdOfTheResolutionAndCapsTheBox() {
        func check(_ n: Int, _ px: Double, _ r: Double?, _ box: Int, _ pixel: Double, line: UInt = #line) {
            let w = OverfittingSection.workingSampling(box: n, pixelA: px, resolutionA: r)
            XCTAssertEqual(w.box, box, "box \(n), pixel \(px), R \(r.map { "\($0)" } ?? "none")", line: line)
            XCTAssertEqual(w.pixelA, pixel, accuracy: 1e-12, line: line)
        }
        check(512, 1.0, 3.0, 256, 2.0)            // R/3 = 1 Å is the pixel already; the box cap halves the sampling
        check(200, 0.8, 4.5, 106, 0.8 * 200 / 106) // R/3 = 1.5 Å: ⌊160/1.5⌋ = 106 pixels
        check(100, 2.0, 3.0, 100, 2.0)            // pixel already coarser than R/3
        check(64, 1.0, nil, 64, 1.0)              // no resolution, small box: unchanged
        check(300, 1.0, nil, 256, 300.0 / 256)    // no resolution: only the cap
        check(96, 1.0, 30.0, 16, 6.0)             // a very low resolution still leaves 16 pixels
        check(10, 1.0, 30.0, 10, 1.0)             // never enlarged
    }

    func testStarWithoutAnglesMakesLevelFourNotApply() throws {
        let star = try SimulatedParticles(count: 30, withAngles: false).write(GaussianPhantom.asymmetric(box: 32, pixelSizeA: 2))
        let p = try ParticleInput.load(starPath: star, maxParticles: nil)
        XCTAssertNil(p.anglesDeg)
        let c = context(pixelSizeA: 2, particles: p)
        XCTAssertEqual(ParticlesSection().runIsolated(c).status, .ok)
        for s in [OverfittingSection() as any Section, OrientationEfficiencySection(), SamplingCompensationSection()] {
            let r = s.runIsolated(c)
            XCTAssertEqual(r.status, .notApplicable, s.id)
            XCTAssertTrue(r.reason?.contains("has no angles") == true, r.reason ?? "")
        }
    }

    func testSimilarityOfNoiselessParticlesIsNearOneAndDropsWithWrongAngles() throws {
        let phantom = GaussianPhantom.asymmetric(box: 32, pixelSizeA: 2, seed: 41)
        let star = try SimulatedParticles(count: 60, noiseSD: 0).write(phantom)
        let p = try ParticleInput.load(starPath: star, maxParticles: nil)
        let r = SimilaritySection().runIsolated(context(pixelSizeA: 2, particles: p))
        XCTAssertEqual(r.status, .ok, r.reason ?? "")
        let cc = try XCTUnwrap(r.metrics["cc_mean"]?.doubleValue), ccMin = try XCTUnwrap(r.metrics["cc_min"]?.doubleValue)
        print("4.a noiseless: CC mean \(cc), min \(ccMin), IMED \(r.metrics["imed_mean"]!)")
        XCTAssertGreaterThan(ccMin, 0.97, "the projector, the CTF and the origin convention agree with the simulation")
        var wrong = p
        wrong.table!.particles = p.table!.particles.map { q in var q = q; q.angles!.psiDeg += 40; return q }
        let w = SimilaritySection().runIsolated(context(pixelSizeA: 2, particles: wrong))
        let ccWrong = try XCTUnwrap(w.metrics["cc_mean"]?.doubleValue), imedWrong = try XCTUnwrap(w.metrics["imed_mean"]?.doubleValue)
        XCTAssertLessThan(ccWrong, cc - 0.2)
        XCTAssertGreaterThan(imedWrong, try XCTUnwrap(r.metrics["imed_mean"]?.doubleValue))
    }

    func testModeCountSeparatesOneAndTwoPopulations() {
        var rng = SplitMix64(seed: 8)
        let one = (0..<500).map { _ in 0.6 + 0.05 * rng.gaussian() }
        let two = (0..<500).map { i in (i % 2 == 0 ? 0.3 : 0.7) + 0.04 * rng.gaussian() }
        XCTAssertEqual(ParticleSimilarity.modeCount(one), 1)
        XCTAssertEqual(ParticleSimilarity.modeCount(two), 2)
    }

    func testRealignmentFindsExactAnglesAndFlagsRandomOnes() throws {
        let phantom = GaussianPhantom.asymmetric(box: 32, pixelSizeA: 2, seed: 41)
        let star = try SimulatedParticles(count: 60, noiseSD: 0.3).write(phantom)
        let p = try ParticleInput.load(starPath: star, maxParticles: nil)
        let exact = RealignmentSection().runIsolated(context(pixelSizeA: 2, particles: p))
        print("4.d exact:", exact.metrics["median_angle_difference_deg"]!, exact.metrics["fraction_angle_outliers"]!, exact.metrics["median_shift_difference_A"]!)
        XCTAssertEqual(exact.status, .ok, "\(exact.warnings) \(exact.reason ?? "")")
        XCTAssertLessThan(try XCTUnwrap(exact.metrics["median_angle_difference_deg"]?.doubleValue), 5, "below the search step")
        XCTAssertLessThan(try XCTUnwrap(exact.metrics["median_shift_difference_A"]?.doubleValue), 2, "within a pixel")
        // 40 % of the particles get random angles.
        var rng = SplitMix64(seed: 77)
        var shuffled = p
        shuffled.table!.particles = p.table!.particles.enumerated().map { i, q in
            var q = q
            if i % 5 < 2 { q.angles = EulerAngles(rot: rng.uniform() * 360, tilt: acos(2 * rng.uniform() - 1) * 180 / .pi, psi: rng.uniform() * 360) }
            return q
        }
        let r = RealignmentSection().runIsolated(context(pixelSizeA: 2, particles: shuffled))
        let f = try XCTUnwrap(r.metrics["fraction_angle_outliers"]?.doubleValue)
        print("4.d with 40 % random angles: flagged \(f)")
        XCTAssertEqual(f, 0.4, accuracy: 0.1)
        XCTAssertEqual(r.status, .warnings)
        XCTAssertTrue(r.warnings.contains { $0.contains("5°") })
    }
}
