// The numerics under Level 3 against known truth: the robust covariance on Gaussian samples with and without
// contamination, the leading principal components of data built from known directions, the half-set FRC of
// identical and of unrelated images, in-plane alignment of a rotated and shifted projection, and the
// reference-free classification of particles from three known views.
import Foundation
import ImageData
import TestSupport
import VolumeNumerics
import XCTest
@testable import ParticleAnalysis

final class Level3NumericsTests: XCTestCase {
    /// Points of a 2D Gaussian with covariance (xx, xy, yy) around `mean`.
    func gaussian(_ n: Int, mean: SIMD2<Double>, cov: SIMD3<Double>, _ rng: inout SplitMix64) -> [SIMD2<Double>] {
        // Cholesky factor of the covariance.
        let l11 = cov.x.squareRoot(), l21 = cov.y / l11, l22 = (cov.z - l21 * l21).squareRoot()
        return (0..<n).map { _ in
            let a = rng.gaussian(), b = rng.gaussian()
            return mean + SIMD2(l11 * a, l21 * a + l22 * b)
        }
    }

    func testRobustCovarianceOfAGaussianKeepsNinetyNinePercentInTheCore() {
        var rng = SplitMix64(seed: 1)
        let truth = SIMD3<Double>(4, 1.2, 1)
        let pts = gaussian(2000, mean: SIMD2(3, -1), cov: truth, &rng)
        let r = RobustCovariance2D(points: pts)
        let core = Double(r.distances.filter { $0 <= 3 }.count) / Double(pts.count)
        print("MCD clean: core \(core), mean \(r.mean), cov \(r.covariance)")
        XCTAssertEqual(core, 1 - exp(-4.5), accuracy: 0.01, "P(χ²₂ ≤ 9) = 0.989")
        XCTAssertEqual(r.mean.x, 3, accuracy: 0.15); XCTAssertEqual(r.mean.y, -1, accuracy: 0.1)
        XCTAssertEqual(r.covariance.x, truth.x, accuracy: 0.1 * truth.x)
        XCTAssertEqual(r.covariance.z, truth.z, accuracy: 0.1 * truth.z)
        XCTAssertEqual(r.covariance.y, truth.y, accuracy: 0.15)
    }

    func testRobustCovarianceIgnoresFortyPercentContamination() {
        var rng = SplitMix64(seed: 2)
        let good = gaussian(600, mean: .zero, cov: SIMD3(1, 0, 1), &rng)
        // A broad cloud of outliers centred 8 σ away, as junk in a class would be.
        let bad = gaussian(400, mean: SIMD2(8, 5), cov: SIMD3(9, 0, 9), &rng)
        let r = RobustCovariance2D(points: good + bad)
        let goodCore = Double(r.distances[..<600].filter { $0 <= 3 }.count) / 600
        let badCore = Double(r.distances[600...].filter { $0 <= 3 }.count) / 400
        print("MCD contaminated: good in core \(goodCore), outliers in core \(badCore), mean \(r.mean), cov \(r.covariance)")
        XCTAssertGreaterThan(goodCore, 0.96)
        XCTAssertLessThan(badCore, 0.05)
        XCTAssertEqual(r.mean.x, 0, accuracy: 0.2); XCTAssertEqual(r.mean.y, 0, accuracy: 0.2)
        XCTAssertEqual(r.covariance.x, 1, accuracy: 0.25); XCTAssertEqual(r.covariance.z, 1, accuracy: 0.25)
        XCTAssertEqual(RobustCovariance2D.consistencyFactor(0.975), 1.1045, accuracy: 1e-4, "Croux–Haesbroeck, 2 dimensions")
    }

    func testPrincipalComponentsFindTheDirectionsTheDataWereBuiltFrom() {
        var rng = SplitMix64(seed: 3)
        let d = 400
        var u = (0..<d).map { _ in rng.gaussian() }, v = (0..<d).map { _ in rng.gaussian() }
        var basis = [u, v]
        PrincipalComponents.orthonormalise(&basis)
        u = basis[0]; v = basis[1]
        // Standard deviations 5 and 2 along u and v, 0.1 noise per pixel.
        let vectors: [[Float]] = (0..<300).map { _ in
            let a = 5 * rng.gaussian(), b = 2 * rng.gaussian()
            return (0..<d).map { Float(1 + a * u[$0] + b * v[$0] + 0.1 * rng.gaussian()) }
        }
        let pca = PrincipalComponents(vectors: vectors)
        let c1 = abs(PrincipalComponents.dot(pca.components[0], u)), c2 = abs(PrincipalComponents.dot(pca.components[1], v))
        print("PCA: |cos| \(c1), \(c2); variances \(pca.variances)")
        XCTAssertGreaterThan(c1, 0.99); XCTAssertGreaterThan(c2, 0.99)
        XCTAssertEqual(pca.variances[0], 25, accuracy: 5); XCTAssertEqual(pca.variances[1], 4, accuracy: 1)
        XCTAssertEqual(pca.scores.count, 300)
    }

    func projection(_ phantom: GaussianPhantom, rot: Double, tilt: Double, psi: Double, n: Int = 32) -> Image2D {
        Image2D(nx: n, ny: n, data: phantom.projection(box: n, pixelSizeA: 2, orientation: EulerAngles(rot: rot, tilt: tilt, psi: psi).matrix),
                pixelSizeA: 2)
    }

    func testHalfSetFRCReachesTheLimitForIdenticalImagesAndGivesNoResolutionForNoise() {
        let phantom = GaussianPhantom.asymmetric(box: 32, pixelSizeA: 2, seed: 41)
        let img = projection(phantom, rot: 10, tilt: 50, psi: 0)
        let same = HalfSetFRC(aligned: [Image2D](repeating: img, count: 12))
        XCTAssertEqual(same.crossing, .notBeforeNyquist, "\(same.values)")
        XCTAssertEqual(same.resolutionA!, 1 / same.frequencyInvA.last!, accuracy: 1e-9)
        var rng = SplitMix64(seed: 4)
        let noise = (0..<40).map { _ in Image2D(nx: 64, ny: 64, data: (0..<4096).map { _ in Float(rng.gaussian()) }, pixelSizeA: 2) }
        let unrelated = HalfSetFRC(aligned: noise)
        print("FRC of noise halves:", unrelated.values.map { String(format: "%.2f", $0) }.joined(separator: " "))
        XCTAssertEqual(unrelated.crossing, .belowFromStart)
        XCTAssertNil(unrelated.resolutionA, "unrelated halves give no resolution, never Nyquist")
        XCTAssertEqual(unrelated.halfSizes.0 + unrelated.halfSizes.1, 40)
    }

    func testAlignerUndoesAKnownRotationAndShift() {
        let phantom = GaussianPhantom.asymmetric(box: 32, pixelSizeA: 2, seed: 41)
        let ref = projection(phantom, rot: 30, tilt: 70, psi: 0)
        // The reference turned by 40° counter-clockwise and moved by (2, −3) pixels.
        let moved = FFT2D.inverse(FFT2D.forward(Align2D.rotated(ref, angleDeg: 40)).phaseShifted(x: 2, y: -3))
        let aligner = InPlaneAligner(references: [ref], maxShiftPx: 6)
        let a = aligner.align(moved, to: 0)
        let back = InPlaneAligner.apply(a, to: moved)
        let cc = aligner.maskedCC(aligned: back, reference: 0, mask: CircularMask(size: 32, radiusPx: 14))
        print("aligner: angle \(a.angleDeg), shift (\(a.shiftX), \(a.shiftY)), score \(a.score), masked CC \(cc)")
        let angleError = abs(((a.angleDeg - 320).truncatingRemainder(dividingBy: 360) + 540).truncatingRemainder(dividingBy: 360) - 180)
        XCTAssertLessThan(angleError, 2, "rotating back by −40°")
        XCTAssertGreaterThan(cc, 0.99)
    }

    func testScreeningBankFindsTheReferenceAndTheRotationOfThePlainSearch() {
        let phantom = GaussianPhantom.asymmetric(box: 32, pixelSizeA: 2, seed: 41)
        let refs = [projection(phantom, rot: 30, tilt: 70, psi: 0), projection(phantom, rot: 0, tilt: 0, psi: 0),
                    projection(phantom, rot: 120, tilt: 40, psi: 0)]
        let banked = InPlaneAligner(references: refs, maxShiftPx: 6, screeningBank: true)
        let plain = InPlaneAligner(references: refs, maxShiftPx: 6)
        for (r, angle) in [(0, 40.0), (1, 200.0), (2, 313.0)] {
            let moved = FFT2D.inverse(FFT2D.forward(Align2D.rotated(refs[r], angleDeg: angle)).phaseShifted(x: -2, y: 3))
            let b = banked.alignBest(moved), q = plain.alignBest(moved)
            print("bank: reference \(b.reference) angle \(b.alignment.angleDeg) score \(b.alignment.score); plain \(q.reference) \(q.alignment.angleDeg)")
            XCTAssertEqual(b.reference, r)
            let error = abs(((b.alignment.angleDeg + angle).truncatingRemainder(dividingBy: 360) + 540).truncatingRemainder(dividingBy: 360) - 180)
            XCTAssertLessThan(error, 2, "turning back by −\(angle)°")
            XCTAssertEqual(b.alignment.score, q.alignment.score, accuracy: 0.01)
        }
    }

    func testReferenceFreeClassificationSeparatesThreeViews() {
        let phantom = GaussianPhantom.asymmetric(box: 32, pixelSizeA: 2, seed: 41)
        let views = [(0.0, 0.0), (90.0, 90.0), (0.0, 90.0)]
        var rng = SplitMix64(seed: 6)
        var images: [Image2D] = [], truth: [Int] = []
        for i in 0..<90 {
            let v = i % 3
            var img = projection(phantom, rot: views[v].0, tilt: views[v].1, psi: rng.uniform() * 360)
            let sd = img.meanAndStd.std
            for j in 0..<img.data.count { img.data[j] += Float(0.5 * sd * rng.gaussian()) }
            images.append(img); truth.append(v)
        }
        let r = ReferenceFreeClassification(images: images, classes: 3, maxShiftPx: 4)
        // Purity: each found class is dominated by one view, and the three views go to three classes.
        var majority: [Int] = []
        for c in 0..<3 {
            let members = r.assignment.indices.filter { r.assignment[$0] == c }.map { truth[$0] }
            let counts = (0..<3).map { v in members.filter { $0 == v }.count }
            print("class \(c + 1): views \(counts)")
            majority.append(counts.firstIndex(of: counts.max()!)!)
            XCTAssertGreaterThanOrEqual(Double(counts.max()!), 0.9 * Double(members.count))
        }
        XCTAssertEqual(Set(majority).count, 3)
        print("iterations \(r.iterations), converged \(r.converged)")
    }
}
