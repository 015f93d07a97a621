import XCTest
import MapIO
import VolumeNumerics
@testable import ImageData

final class ReprojectionSearchTests: XCTestCase {
    /// Classes made from projections at known orientations, turned in plane, shifted and with noise, are
    /// found at their orientation (within the 5° grid step, up to symmetry mates) with CC > 0.9; a class of
    /// a hollow cage gets CC < 0.7 against the compact phantom.
    func testFindsKnownOrientationsAndRejectsAnotherObject() throws {
        let n = 48
        let map = lumpyPhantom(n: n, voxelA: 2)
        let projector = FourierProjector(volume: map)
        let group = try SymmetryGroup("C1")
        let search = ReprojectionSearch(map: map, symmetry: group, stepDeg: 5)
        var gen = SplitMix64(seed: 21)
        let truths = [EulerAngles(rot: 33, tilt: 71, psi: 128), EulerAngles(rot: -150, tilt: 124, psi: -40),
                      EulerAngles(rot: 95, tilt: 12, psi: 200)]
        var classes: [Image2D] = []
        for (k, t) in truths.enumerated() {
            var c = projector.project(rot: t.rotDeg, tilt: t.tiltDeg, psi: t.psiDeg, shiftX: Double(k) - 1.5, shiftY: 2 - Double(k))
            let sd = c.meanAndStd.std
            for i in 0..<c.data.count { c.data[i] = 3 * c.data[i] + 5 + Float(0.25 * sd * 3 * gen.gaussian()) }
            classes.append(c)
        }
        let cage = FourierProjector(volume: cagePhantom(n: n, radius: 14, voxelA: 2)).project(rot: 10, tilt: 50, psi: 30)
        classes.append(cage)
        let matches = search.match(classes)
        for (k, t) in truths.enumerated() {
            let m = matches[k]
            let err = group.angularDistanceDeg(m.angles.matrix, t.matrix)
            XCTAssertLessThan(err, 5, "class \(k + 1): found \(m.angles) cc \(m.cc), truth \(t)")
            XCTAssertGreaterThan(m.cc, 0.9, "class \(k + 1)")
            // Shift found in Å: the applied shift (pixels) × 2 Å.
            XCTAssertEqual(m.shiftXA, (Double(k) - 1.5) * 2, accuracy: 2.0)
            XCTAssertEqual(m.shiftYA, (2 - Double(k)) * 2, accuracy: 2.0)
        }
        XCTAssertLessThan(matches[3].cc, 0.7, "cage against the compact phantom")
        // The FRC resolution separates them as well: the right object agrees to finer detail.
        let right = matches[0].frcResolutionA ?? 4, wrong = matches[3].frcResolutionA ?? 4
        XCTAssertGreaterThan(wrong, right)
    }

    /// With D2 symmetry a class is found at its orientation or one of its three mates.
    func testSymmetryMatesCount() throws {
        let n = 40
        // A D2-symmetric phantom: blobs at (±8, ±4, ±6) related by 2-folds about x, y, z.
        var blobs: [(c: SIMD3<Double>, sigma: Double, height: Double)] = [(SIMD3(0, 0, 0), 3, 1)]
        for p in [SIMD3<Double>(9, 4, 5), SIMD3(9, -4, -5), SIMD3(-9, 4, -5), SIMD3(-9, -4, 5)] { blobs.append((p, 2.2, 0.8)) }
        let map = gaussianPhantom(n: n, voxelA: 2, blobs: blobs)
        let group = try SymmetryGroup("D2")
        let search = ReprojectionSearch(map: map, symmetry: group, stepDeg: 5)
        let truth = EulerAngles(rot: 200, tilt: 130, psi: 70)   // outside the grid's asymmetric unit in general
        let c = FourierProjector(volume: map).project(rot: truth.rotDeg, tilt: truth.tiltDeg, psi: truth.psiDeg)
        let m = search.match([c])[0]
        XCTAssertLessThan(group.angularDistanceDeg(m.angles.matrix, truth.matrix), 5, "found \(m.angles)")
        XCTAssertGreaterThan(m.cc, 0.95)
    }
}
