// 4.f: reconstructions from growing subsets of simulated particles (phantom projections with CTF and noise)
// against the same numbers of pure-noise images carrying the same angles and CTFs.
import Foundation
import ImageData
import TestSupport
import XCTest
import VolumeNumerics
@testable import ParticleAnalysis

final class OverfittingTests: XCTestCase {
    func testRealParticlesReachBetterResolutionThanNoiseAtEverySize() throws {
        let n = 32, pixel = 2.0, count = 400
        let phantom = GaussianPhantom.asymmetric(box: n, pixelSizeA: pixel, seed: 21)
        let angles = randomOrientations(count, seed: 22)
        let ctfs = (0..<count).map { TestCTF(defocusA: 9000 + Double($0 % 11) * 1500) }
        let clean = (0..<count).map { i -> [Float] in
            let a = EulerAngles(rot: angles[i].rot, tilt: angles[i].tilt, psi: angles[i].psi).matrix
            return ctfs[i].apply(to: phantom.projection(box: n, pixelSizeA: pixel, orientation: a), box: n, pixelSizeA: pixel)
        }
        let signalSD = clean.map { img -> Double in
            let m = img.reduce(0, +) / Float(img.count)
            return Double((img.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Float(img.count)).squareRoot())
        }.reduce(0, +) / Double(count)
        let noiseSD = signalSD * 1.5   // SNR ≈ 0.44 per image
        @Sendable func input(_ i: Int, image: [Float]) -> ReconstructionInput {
            let a = EulerAngles(rot: angles[i].rot, tilt: angles[i].tilt, psi: angles[i].psi).matrix
            return ReconstructionInput(image: image, orientation: a, ctf: ctfs[i].value)
        }
        @Sendable func noisy(_ i: Int, seed: UInt64, signal: Bool) -> [Float] {
            var rng = SplitMix64(seed: seed &+ UInt64(i))
            return (0..<n * n).map { j in (signal ? clean[i][j] : 0) + Float(rng.gaussian() * noiseSD) }
        }
        let curve = try OverfittingCurve.compute(count: count, box: n, pixelSizeA: pixel, fractions: [0.1, 0.3, 1.0],
            particle: { input($0, image: noisy($0, seed: 100, signal: true)) },
            noise: { input($0, image: noisy($0, seed: 900, signal: false)) })
        for p in curve { print("4.f \(p.particles) particles: \(String(describing: p.resolutionA)) Å, noise \(String(describing: p.noiseResolutionA)) Å") }
        XCTAssertEqual(curve.map(\.particles), [40, 120, 400])
        for p in curve { XCTAssertFalse(p.noiseMatchesParticles, "real particles beat noise at \(p.particles)") }
        let first = try XCTUnwrap(curve.first!.resolutionA), last = try XCTUnwrap(curve.last!.resolutionA)
        XCTAssertLessThan(last, first, "more particles, better resolution")
        // Every resolution lies between Nyquist and the box; noise gives none, or one far worse than the particles'.
        for p in curve {
            for r in [p.resolutionA, p.noiseResolutionA].compactMap({ $0 }) {
                XCTAssertTrue(r >= 2 * pixel && r <= Double(n) * pixel, "\(r) Å outside [2 × pixel, box]")
            }
        }
        if let noise = curve.last!.noiseResolutionA { XCTAssertGreaterThan(noise, 3 * last, "noise reaches no real resolution") }
    }

    /// The crossing rule on hand-made curves (shells of a 32-voxel box of 2 Å: shell s at s/64 Å⁻¹): a fall
    /// between shells 0 and 1 (the old reading gave a resolution coarser than the box) gives none; a fall
    /// between shells 5 and 6 is interpolated; a curve that never falls is flagged at Nyquist.
    func testHalfSetResolutionFollowsTheProjectsCrossingRule() {
        let f = (0...16).map { Double($0) / 64 }, counts = [Double](repeating: 100, count: 17)
        let noise = FSCCurve(frequencyInvA: f, fsc: [1] + [Double](repeating: 0.02, count: 16), voxelCount: counts)
        let none = OverfittingCurve.resolutionA(noise)
        XCTAssertNil(none.resolutionA, "below 0.143 from shell 1: no resolution, not 1/(f interpolated below shell 1)")
        XCTAssertFalse(none.atNyquist)
        // 0.5 at shell 5, 0.1 at shell 6: crossing at 5 + (0.5 − 0.143)/(0.5 − 0.1) = 5.8925 → 64/5.8925 Å.
        let falls = FSCCurve(frequencyInvA: f, fsc: (0...16).map { $0 <= 5 ? 0.5 : 0.1 }, voxelCount: counts)
        XCTAssertEqual(OverfittingCurve.resolutionA(falls).resolutionA!, 64 / 5.8925, accuracy: 1e-9)
        let flat = FSCCurve(frequencyInvA: f, fsc: [Double](repeating: 0.9, count: 17), voxelCount: counts)
        let nyquist = OverfittingCurve.resolutionA(flat)
        XCTAssertEqual(nyquist.resolutionA!, 4, accuracy: 1e-12)
        XCTAssertTrue(nyquist.atNyquist)
        XCTAssertTrue(OverfittingPoint(particles: 10, resolutionA: nil, noiseResolutionA: 30).noiseMatchesParticles)
        XCTAssertFalse(OverfittingPoint(particles: 10, resolutionA: 8, noiseResolutionA: nil).noiseMatchesParticles)
        XCTAssertFalse(OverfittingPoint(particles: 10, resolutionA: 8, noiseResolutionA: 20).noiseMatchesParticles)
    }
}
