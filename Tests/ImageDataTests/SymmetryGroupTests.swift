import XCTest
import VolumeNumerics
@testable import ImageData

final class SymmetryGroupTests: XCTestCase {
    func testGroupOrdersAndAxes() throws {
        for (name, order) in [("C1", 1), ("C7", 7), ("D2", 4), ("D7", 14), ("T", 12), ("O", 24), ("I", 60)] {
            XCTAssertEqual(try SymmetryGroup(name).order, order, name)
        }
        // I2: 2-folds along x, y and z are in the group.
        let i = try SymmetryGroup("I")
        for axis in [SIMD3<Double>(1, 0, 0), SIMD3(0, 1, 0), SIMD3(0, 0, 1)] {
            let r = Rotation3(axis: axis, angleDeg: 180)
            XCTAssertTrue(i.rotations.contains { $0.angularDistanceDeg(to: r) < 1e-3 })
        }
        XCTAssertThrowsError(try SymmetryGroup("X5")) { e in
            XCTAssertEqual("\(e)", "symmetry 'X5': expected Cn or Dn (n ≥ 1), T, O or I")
        }
    }

    /// The grid covers the sphere divided by the group: every direction of a fine test set is within about
    /// one grid step of a grid direction or one of its mates, and the grid shrinks with the group order.
    func testDirectionGridCoversTheAsymmetricUnit() throws {
        var gen = SplitMix64(seed: 11)
        for (name, step) in [("C1", 10.0), ("D3", 10.0), ("O", 10.0)] {
            let g = try SymmetryGroup(name)
            let grid = g.directionGrid(stepDeg: step).map { $0.projectionDirection }
            let full = try SymmetryGroup("C1").directionGrid(stepDeg: step).count
            XCTAssertEqual(Double(grid.count), Double(full) / Double(g.order), accuracy: 0.25 * Double(full) / Double(g.order) + 2, name)
            for _ in 0..<300 {
                let z = 2 * gen.uniform() - 1, a = 2 * Double.pi * gen.uniform(), rr = (1 - z * z).squareRoot()
                let v = SIMD3(rr * cos(a), rr * sin(a), z)
                let best = grid.map { d in g.rotations.map { (($0.apply(d)) * v).sum() }.max()! }.max()!
                XCTAssertGreaterThan(best, cos(step * .pi / 180), name)
            }
        }
    }
}
