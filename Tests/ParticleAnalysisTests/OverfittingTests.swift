// 4.f: reconstructions from growing subsets of simulated particles (phantom projections with CTF and noise)
// against the same numbers of pure-noise images carrying the same angles and CTFs.
import Foundation
import ImageData
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
        for p in curve { print("4.f \(p.particles) particles: \(p.resolutionA) Å, noise \(p.noiseResolutionA) Å") }
        XCTAssertEqual(curve.map(\.particles), [40, 120, 400])
        for p in curve { XCTAssertLessThan(p.resolutionA, p.noiseResolutionA, "real particles beat noise at \(p.particles)") }
        XCTAssertLessThan(curve.last!.resolutionA, curve.first!.resolutionA, "more particles, better resolution")
        XCTAssertGreaterThan(curve.last!.noiseResolutionA, 3 * curve.last!.resolutionA, "noise reaches no real resolution")
    }
}
