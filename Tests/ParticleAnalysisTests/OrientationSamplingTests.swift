// SCF (Baldwin & Lyumkis 2020) and the cryoEF efficiency (Naydenova & Russo 2017) on distributions whose
// values are known: uniform (SCF = 1, E_od = 1), pure side views (SCF = 8/π² ≈ 0.81), a single view (E_od ≈ 0).
import Foundation
import ImageData
import TestSupport
import XCTest
import VolumeNumerics
@testable import ParticleAnalysis

final class OrientationSamplingTests: XCTestCase {
    func directions(_ angles: [(rot: Double, tilt: Double, psi: Double)]) -> [SIMD3<Double>] {
        angles.map { EulerAngles(rot: $0.rot, tilt: $0.tilt, psi: $0.psi).matrix.r2 }
    }

    func testViewingDirectionUsedIsTheProjectionDirection() {
        let e = EulerAngles(rot: 30, tilt: 60, psi: -20)
        let d = e.matrix.r2, p = e.projectionDirection
        XCTAssertEqual(d.x, p.x, accuracy: 1e-12); XCTAssertEqual(d.y, p.y, accuracy: 1e-12); XCTAssertEqual(d.z, p.z, accuracy: 1e-12)
    }

    func testSCFOfUniformDistributionIsNearOne() {
        let s = SamplingCompensation.compute(viewingDirections: directions(randomOrientations(6000, seed: 1)), fourierRadius: 20)
        print("uniform SCF \(s.scf) SCF* \(s.scfStar)")
        XCTAssertEqual(s.scf, 1, accuracy: 0.03)
        XCTAssertEqual(s.scfStar, s.scf, accuracy: 1e-9, "no direction is unsampled")
    }

    func testSCFOfPureSideViewsIsEightOverPiSquared() {
        var rng = SplitMix64(seed: 2)
        let side = (0..<6000).map { _ in (rot: rng.uniform() * 360, tilt: 90.0, psi: rng.uniform() * 360) }
        let s = SamplingCompensation.compute(viewingDirections: directions(side), fourierRadius: 20)
        print("side-view SCF \(s.scf) (paper: 8/π² = \(8 / Double.pi / Double.pi)) SCF* \(s.scfStar)")
        XCTAssertEqual(s.scf, 8 / (Double.pi * Double.pi), accuracy: 0.03)
    }

    func testSCFStarChargesUnsampledDirections() {
        var rng = SplitMix64(seed: 3)
        let top = (0..<4000).map { _ in (rot: rng.uniform() * 360, tilt: rng.uniform() * 20, psi: rng.uniform() * 360) }
        let s = SamplingCompensation.compute(viewingDirections: directions(top), fourierRadius: 20)
        print("top views within 20°: SCF \(s.scf) SCF* \(s.scfStar), unsampled \(s.fractionUnsampled)")
        XCTAssertGreaterThan(s.fractionUnsampled, 0.05)
        XCTAssertLessThan(s.scfStar, 0.5)
        XCTAssertLessThan(s.scfStar, s.scf)
    }

    func testEfficiencyOfUniformDistributionIsNearOne() {
        let e = OrientationEfficiency.compute(viewingDirections: directions(randomOrientations(6000, seed: 4)),
                                              resolutionA: 4, diameterA: 100, bFactorA2: 100)
        print("uniform E_od \(e.efficiency), mean directional resolution \(e.meanDirectionalResolutionA) Å")
        XCTAssertGreaterThan(e.efficiency, 0.95)
        XCTAssertEqual(e.meanDirectionalResolutionA, 4, accuracy: 0.1, "uniform sampling reaches R in every direction")
    }

    func testEfficiencyOfASingleViewIsNearZeroAndATopViewBiasIsIntermediate() {
        var rng = SplitMix64(seed: 5)
        let single = (0..<3000).map { _ in (rot: 0.0, tilt: rng.uniform() * 2, psi: rng.uniform() * 360) }
        let e1 = OrientationEfficiency.compute(viewingDirections: directions(single), resolutionA: 4, diameterA: 100, bFactorA2: 100)
        let broad = (0..<3000).map { i in i % 3 == 0 ? (rot: rng.uniform() * 360, tilt: acos(2 * rng.uniform() - 1) * 180 / .pi, psi: 0.0)
                                                      : (rot: rng.uniform() * 360, tilt: rng.uniform() * 30, psi: 0.0) }
        let e2 = OrientationEfficiency.compute(viewingDirections: directions(broad), resolutionA: 4, diameterA: 100, bFactorA2: 100)
        print("single view E_od \(e1.efficiency); two-thirds top views E_od \(e2.efficiency), mean res \(e2.meanDirectionalResolutionA) Å")
        XCTAssertLessThan(e1.efficiency, 0.1)
        XCTAssertGreaterThan(e2.efficiency, 0.5)
        XCTAssertLessThan(e2.efficiency, 0.99)
        XCTAssertGreaterThan(e2.meanDirectionalResolutionA, 4)
    }

    /// Issue 13's small-set case: 300 uniform particles at R = 4 Å, D = 100 Å cross each direction 1.5 times on
    /// average with slabs of 1/D, so some of the 1000 directions would be crossed by none; the widened slabs
    /// (20 sections per direction on average) keep E_od near 1, while a single view stays near 0.
    func testAFewHundredParticlesUniformGiveNearOneAndInOneViewNearZero() {
        let e = OrientationEfficiency.compute(viewingDirections: directions(randomOrientations(300, seed: 6)),
                                              resolutionA: 4, diameterA: 100, bFactorA2: 100)
        print("300 uniform: E_od \(e.efficiency), K \(e.fourierRadius) of \(e.nominalFourierRadius), mean res \(e.meanDirectionalResolutionA) Å")
        XCTAssertGreaterThan(e.efficiency, 0.95)
        XCTAssertEqual(e.meanDirectionalResolutionA, 4, accuracy: 0.15)
        XCTAssertFalse(e.directionalResolutionA.contains(nil), "every direction is crossed")
        XCTAssertEqual(e.fourierRadius, 300 / (2 * OrientationEfficiency.minimumSections), accuracy: 1e-12)
        XCTAssertEqual(e.nominalFourierRadius, 25, accuracy: 1e-12)
        var rng = SplitMix64(seed: 7)
        let single = (0..<300).map { _ in (rot: 0.0, tilt: rng.uniform() * 2, psi: rng.uniform() * 360) }
        let s = OrientationEfficiency.compute(viewingDirections: directions(single), resolutionA: 4, diameterA: 100, bFactorA2: 100)
        print("300 in one view: E_od \(s.efficiency)")
        XCTAssertLessThan(s.efficiency, 0.1)
        // With many particles the slabs keep their thickness 1/D.
        XCTAssertEqual(OrientationEfficiency.fourierRadius(resolutionA: 4, diameterA: 100, sections: 6000), 25)
    }
}
