// ProjectionSampling (Analysis/Level4/ProjectionSampling.swift): the sampling at which 4.a, 4.b, 4.d and 4.i compare
// particles with projections: the crop and cap rules and their note, projections of the cropped map against the
// full map's, and 4.d measuring known errors at a cropped sampling.
import Foundation
import ImageData
import MapIO
import TestSupport
import VolumeNumerics
import XCTest
@testable import Analysis
@testable import ParticleAnalysis

final class ProjectionSamplingTests: XCTestCase {
    func map(box: Int, pixelSizeA: Double) -> Volume {
        GaussianPhantom.asymmetric(box: box, pixelSizeA: pixelSizeA, seed: 41).volume(box: box, pixelSizeA: pixelSizeA)
    }

    func testTheMapIsCroppedToTheMethodsPixelAndTheBoxCapAndTheNoteSaysWhy() throws {
        // Nothing to change: the map's sampling, no note.
        let same = ProjectionSampling(map: map(box: 32, pixelSizeA: 2), limit: .none, particleBox: 32, particlePixelA: 2,
                                      interpolation: .trilinear)
        XCTAssertEqual(same.projector.size, 32); XCTAssertEqual(same.metrics["working_box"], .int(32))
        XCTAssertNil(same.metrics["sampling_note"])
        // The box cap alone: 48 pixels of 1 Å become 32 of 1.5 Å (the same 48 Å field).
        let capped = ProjectionSampling(map: map(box: 48, pixelSizeA: 1), limit: .none, particleBox: 48, particlePixelA: 1,
                                        interpolation: .trilinear, maxBox: 32)
        XCTAssertEqual(capped.projector.size, 32); XCTAssertEqual(capped.projector.pixelSizeA, 1.5, accuracy: 1e-12)
        XCTAssertEqual(capped.metrics["working_pixel_A"], .number(1.5))
        let note = try XCTUnwrap(capped.metrics["sampling_note"]?.stringValue)
        XCTAssertTrue(note.contains("48³ voxels of 1 Å") && note.contains("48² pixels of 1 Å") && note.contains("at most 32 pixels"), note)
        XCTAssertFalse(note.contains("no finer"), note)
        // The method's pixel binds before the cap: 3 Å from 1 Å gives 16 pixels; the cap is not mentioned.
        // R = 9 Å asks for 3 Å.
        let fine = ProjectionSampling(map: map(box: 48, pixelSizeA: 1), limit: .resolution(9),
                                      particleBox: 48, particlePixelA: 1, interpolation: .cubic, maxBox: 32)
        XCTAssertEqual(fine.projector.size, 16); XCTAssertEqual(fine.projector.pixelSizeA, 3, accuracy: 1e-12)
        let fineNote = try XCTUnwrap(fine.metrics["sampling_note"]?.stringValue)
        XCTAssertTrue(fineNote.contains("no finer than 3 Å (a third of the map's resolution)") && !fineNote.contains("at most"), fineNote)
        // A 7.5 Å low-pass asks for 0.4 × 7.5 = 3 Å too, and says so.
        let lowPass = ProjectionSampling(map: map(box: 48, pixelSizeA: 1), limit: .lowPass(7.5),
                                         particleBox: 48, particlePixelA: 1, interpolation: .trilinear, maxBox: 32)
        XCTAssertEqual(lowPass.projector.size, 16)
        let lowPassNote = try XCTUnwrap(lowPass.metrics["sampling_note"]?.stringValue)
        XCTAssertTrue(lowPassNote.contains("no finer than 3 Å (0.4 times the 7.5 Å low-pass)"), lowPassNote)
        // Without R, the resolution rule leaves the map's pixel: the 32-pixel map is kept.
        XCTAssertEqual(ProjectionSampling(map: map(box: 32, pixelSizeA: 2), limit: .resolution(nil), particleBox: 32,
                                          particlePixelA: 2, interpolation: .trilinear).projector.size, 32)
        // Particles of another sampling against a map kept as it is: only they are named.
        let particles = ProjectionSampling(map: map(box: 32, pixelSizeA: 2), limit: .none, particleBox: 64, particlePixelA: 1,
                                           interpolation: .trilinear)
        let particleNote = try XCTUnwrap(particles.metrics["sampling_note"]?.stringValue)
        XCTAssertTrue(particleNote.contains("the particles' 64² pixels of 1 Å") && !particleNote.contains("map's"), particleNote)
    }

    func testCroppedProjectionsMatchTheMapsOwnAtTheFrequenciesKept() throws {
        // Fourier cropping keeps the low frequencies: the projection of the cropped map equals the full map's
        // projection brought to the same sampling (up to interpolation error, ~1 % at padding 2), times 24/48: a
        // projection is a ray sum over the box's voxels, and the cropped map has half as many along each ray (every
        // comparison of 4.a, 4.b, 4.d and 4.i is free of scale).
        let full = map(box: 48, pixelSizeA: 1)
        let cropped = ProjectionSampling(map: full, limit: .resolution(6), particleBox: 48, particlePixelA: 1,
                                         interpolation: .cubic)
        XCTAssertEqual(cropped.projector.size, 24)
        let reference = FourierProjector(volume: full, interpolation: .cubic)
        for (rot, tilt, psi) in [(0.0, 0.0, 0.0), (30.0, 60.0, 100.0), (200.0, 120.0, 45.0)] {
            let a = reference.project(rot: rot, tilt: tilt, psi: psi).resampled(pixelSizeA: 2, box: 24)
            let b = cropped.projector.project(rot: rot, tilt: tilt, psi: psi)
            var diff = 0.0, norm = 0.0
            for i in 0..<a.data.count {
                let expected = a.data[i] * 24 / 48
                diff += Double((expected - b.data[i]) * (expected - b.data[i])); norm += Double(expected * expected)
            }
            XCTAssertLessThan((diff / norm).squareRoot(), 0.02, "(\(rot), \(tilt), \(psi))")
        }
    }

    func testRealignmentAtTheWorkingSamplingMeasuresKnownErrors() throws {
        // Assignments 10° (about a random axis) and 4 Å (along x) from the truth: 4.d, at the working sampling R/3 =
        // 2 Å (36 pixels instead of 48 of 1.5 Å), measures both.
        let phantom = GaussianPhantom.asymmetric(box: 48, pixelSizeA: 1.5, seed: 41)
        let star = try SimulatedParticles(count: 30, box: 48, pixelSizeA: 1.5, noiseSD: 0.3).write(phantom)
        var p = try ParticleInput.load(starPath: star, maxParticles: nil)
        var rng = SplitMix64(seed: 5)
        p.table!.particles = p.table!.particles.map { q in
            var q = q
            let axis = SIMD3(rng.gaussian(), rng.gaussian(), rng.gaussian())
            q.angles = EulerAngles(matrix: Rotation3(axis: axis / (axis * axis).sum().squareRoot(), angleDeg: 10) * q.angles!.matrix)
            q.originXA += 4
            return q
        }
        let c = AnalysisContext(map: phantom.volume(box: 48, pixelSizeA: 1.5), mapPath: "phantom.mrc", threshold: 0.3, resolution: 6)
        c.particles = p
        let r = RealignmentSection().runIsolated(c)
        XCTAssertEqual(r.metrics["working_box"], .int(36)); XCTAssertEqual(r.metrics["working_pixel_A"], .number(2))
        XCTAssertTrue(r.metrics["sampling_note"]?.stringValue?.contains("a third of the map's resolution") == true, "\(r.metrics)")
        let angle = try XCTUnwrap(r.metrics["median_angle_difference_deg"]?.doubleValue)
        let shift = try XCTUnwrap(r.metrics["median_shift_difference_A"]?.doubleValue)
        print("4.d at 2 Å working pixel, 10° and 4 Å errors: median angle \(angle)°, shift \(shift) Å")
        XCTAssertEqual(angle, 10, accuracy: 2, "the fine grid's step is 5/3°")
        XCTAssertEqual(shift, 4, accuracy: 1e-9, "two working pixels exactly")
    }
}
