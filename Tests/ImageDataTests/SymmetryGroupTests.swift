import XCTest
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
        var gen = SplitMixTest(seed: 11)
        for (name, step) in [("C1", 10.0), ("D3", 10.0), ("O", 10.0)] {
            let g = try SymmetryGroup(name)
            let grid = g.directionGrid(stepDeg: step).map { $0.projectionDirection }
            let full = try SymmetryGroup("C1").directionGrid(stepDeg: step).count
            XCTAssertEqual(Double(grid.count), Double(full) / Double(g.order), accuracy: 0.25 * Double(full) / Double(g.order) + 2, name)
            for _ in 0..<300 {
                let v = gen.unitVector()
                let best = grid.map { d in g.rotations.map { (($0.apply(d)) * v).sum() }.max()! }.max()!
                XCTAssertGreaterThan(best, cos(step * .pi / 180), name)
            }
        }
    }
}

struct SplitMixTest {
    var s: UInt64
    init(seed: UInt64) { s = seed }
    mutating func uniform() -> Double {
        s &+= 0x9E37_79B9_7F4A_7C15
        var z = s
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Double((z ^ (z >> 31)) >> 11) / Double(1 << 53)
    }
    mutating func unitVector() -> SIMD3<Double> {
        let z = 2 * uniform() - 1, a = 2 * Double.pi * uniform(), r = (1 - z * z).squareRoot()
        return SIMD3(r * cos(a), r * sin(a), z)
    }
}
