// Direct Fourier inversion against a phantom whose projections are analytic (GaussianPhantom).
import Foundation
import ImageData
import MapIO
import TestSupport
import XCTest
import VolumeNumerics
@testable import ParticleAnalysis

final class ReconstructionTests: XCTestCase {
    let n = 32, pixel = 2.0

    func testNoiselessProjectionsReconstructThePhantom() throws {
        let phantom = GaussianPhantom.asymmetric(box: n, pixelSizeA: pixel)
        let angles = randomOrientations(600, seed: 11)
        var rng = SplitMix64(seed: 5)
        let shifts = angles.map { _ in SIMD2(rng.uniform() * 8 - 4, rng.uniform() * 8 - 4) }
        let (n, pixel) = (self.n, self.pixel)
        let v = try FourierReconstruction.reconstruct(count: angles.count, box: n, pixelSizeA: pixel) { i in
            let a = EulerAngles(rot: angles[i].rot, tilt: angles[i].tilt, psi: angles[i].psi).matrix
            return ReconstructionInput(image: phantom.projection(box: n, pixelSizeA: pixel, orientation: a, originA: shifts[i]),
                                       orientation: a, shiftA: shifts[i])
        }
        let truth = lowPassed(phantom.volume(box: n, pixelSizeA: pixel), radius: Double(n / 2) - 0.5)
        let cc = pearson(v.data, truth.data)
        let scale = v.data.max()! / truth.data.max()!
        print("reconstruction CC \(cc) (expected > 0.99), peak ratio \(scale)")
        XCTAssertGreaterThan(cc, 0.99)
        XCTAssertEqual(Double(scale), 1, accuracy: 0.1, "the inversion keeps the density scale")
    }

    func testCTFModulatedProjectionsReconstructWithWienerWeighting() throws {
        let phantom = GaussianPhantom.asymmetric(box: n, pixelSizeA: pixel, seed: 3)
        let angles = randomOrientations(800, seed: 12)
        let (n, pixel) = (self.n, self.pixel)
        let ctfs = (0..<angles.count).map { TestCTF(defocusA: 8000 + Double($0 % 17) * 1000) }
        let v = try FourierReconstruction.reconstruct(count: angles.count, box: n, pixelSizeA: pixel) { i in
            let a = EulerAngles(rot: angles[i].rot, tilt: angles[i].tilt, psi: angles[i].psi).matrix
            let img = ctfs[i].apply(to: phantom.projection(box: n, pixelSizeA: pixel, orientation: a), box: n, pixelSizeA: pixel)
            return ReconstructionInput(image: img, orientation: a, ctf: ctfs[i].value)
        }
        let truth = lowPassed(phantom.volume(box: n, pixelSizeA: pixel), radius: Double(n / 2) - 0.5)
        let cc = pearson(v.data, truth.data)
        print("CTF reconstruction CC \(cc) (expected > 0.99)")
        XCTAssertGreaterThan(cc, 0.99)
    }

    func testHalfSetFSCOfNoisyParticlesFallsWithFrequency() throws {
        let phantom = GaussianPhantom.asymmetric(box: n, pixelSizeA: pixel, seed: 9)
        let angles = randomOrientations(600, seed: 13)
        let (n, pixel) = (self.n, self.pixel)
        let noisy: @Sendable (Int) -> ReconstructionInput = { i in
            let a = EulerAngles(rot: angles[i].rot, tilt: angles[i].tilt, psi: angles[i].psi).matrix
            var img = phantom.projection(box: n, pixelSizeA: pixel, orientation: a)
            var r = SplitMix64(seed: UInt64(1000 + i))
            let sd = Double(img.max()!) * 0.7
            for j in 0..<img.count { img[j] += Float(r.gaussian() * sd) }
            return ReconstructionInput(image: img, orientation: a)
        }
        let h1 = try FourierReconstruction.reconstruct(count: 300, box: n, pixelSizeA: pixel) { noisy(2 * $0) }
        let h2 = try FourierReconstruction.reconstruct(count: 300, box: n, pixelSizeA: pixel) { noisy(2 * $0 + 1) }
        let fsc = FSC.curve(h1, h2)
        print("half-set FSC", fsc.fsc.map { String(format: "%.2f", $0) })
        XCTAssertGreaterThan(fsc.fsc[2], 0.9, "low frequencies agree")
        XCTAssertLessThan(fsc.fsc[n / 2 - 1], 0.5, "noise dominates near Nyquist")
    }

    /// The accumulated spectrum does not depend on the thread count, to the last bit: every voxel receives its
    /// particles' contributions in index order (the sums used to be split one part per thread). Shifts and CTFs
    /// make every term differ; 7 threads deal the 32 padded Z planes unevenly.
    func testAccumulationGivesTheSameSumsOnAnyThreadCount() throws {
        let n = 16, pixel = 2.0
        let phantom = GaussianPhantom.asymmetric(box: n, pixelSizeA: pixel, seed: 4)
        let angles = randomOrientations(37, seed: 21)
        var rng = SplitMix64(seed: 8)
        let shifts = angles.map { _ in SIMD2(rng.uniform() * 6 - 3, rng.uniform() * 6 - 3) }
        let ctfs = (0..<angles.count).map { TestCTF(defocusA: 6000 + Double($0 % 5) * 1500) }
        let particle: @Sendable (Int) -> ReconstructionInput = { i in
            let a = EulerAngles(rot: angles[i].rot, tilt: angles[i].tilt, psi: angles[i].psi).matrix
            let img = ctfs[i].apply(to: phantom.projection(box: n, pixelSizeA: pixel, orientation: a, originA: shifts[i]),
                                    box: n, pixelSizeA: pixel)
            return ReconstructionInput(image: img, orientation: a, shiftA: shifts[i], ctf: ctfs[i].value)
        }
        func sums(_ k: Int) throws -> FourierAccumulator {
            try Parallel.withWorkers(k) {
                try FourierReconstruction.accumulate(count: angles.count, box: n, pixelSizeA: pixel, particle: particle)
            }
        }
        let one = try sums(1)
        XCTAssertEqual(one.inserted, angles.count)
        XCTAssertGreaterThan(one.weight.filter { $0 > 0 }.count, one.weight.count / 4, "the sections fill the spectrum")
        var serial = FourierAccumulator(box: n, pixelSizeA: pixel)
        for i in 0..<angles.count { serial.insert(particle(i)) }
        for (name, acc) in try [("serial inserts", serial), ("2 threads", sums(2)), ("3 threads", sums(3)), ("7 threads", sums(7))] {
            XCTAssertEqual(acc.inserted, one.inserted, name)
            XCTAssertTrue(acc.data == one.data, "\(name): the data sums differ from one thread's")
            XCTAssertTrue(acc.weight == one.weight, "\(name): the CTF² sums differ from one thread's")
        }
        let v1 = one.volume(), v7 = try sums(7).volume()
        XCTAssertTrue(v1.data == v7.data, "the reconstructed volumes differ between 1 and 7 threads")
    }
}
