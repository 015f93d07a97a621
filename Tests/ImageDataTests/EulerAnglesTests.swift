import XCTest
@testable import ImageData

final class EulerAnglesTests: XCTestCase {
    /// The matrix is R_z(psi)·R_y(tilt)·R_z(rot), built here from the elementary rotations.
    func testMatrixIsTheProductOfElementaryRotations() {
        func rz(_ a: Double) -> Rotation3 {
            let r = a * .pi / 180
            return Rotation3(rows: SIMD3(cos(r), sin(r), 0), SIMD3(-sin(r), cos(r), 0), SIMD3(0, 0, 1))
        }
        func ry(_ b: Double) -> Rotation3 {
            let r = b * .pi / 180
            return Rotation3(rows: SIMD3(cos(r), 0, -sin(r)), SIMD3(0, 1, 0), SIMD3(sin(r), 0, cos(r)))
        }
        for (rot, tilt, psi) in [(10.0, 20.0, 30.0), (-170.0, 95.0, 44.0), (0.0, 180.0, -90.0)] {
            let a = EulerAngles(rot: rot, tilt: tilt, psi: psi).matrix
            let b = rz(psi) * ry(tilt) * rz(rot)
            for i in 0..<3 {
                XCTAssertEqual(a.row(i).x, b.row(i).x, accuracy: 1e-12)
                XCTAssertEqual(a.row(i).y, b.row(i).y, accuracy: 1e-12)
                XCTAssertEqual(a.row(i).z, b.row(i).z, accuracy: 1e-12)
            }
            // Beam direction = third row.
            let d = EulerAngles(rot: rot, tilt: tilt, psi: psi).projectionDirection
            XCTAssertEqual(((d - a.r2) * (d - a.r2)).sum(), 0, accuracy: 1e-20)
        }
    }

    func testAnglesFromMatrixRoundTrip() {
        for (rot, tilt, psi) in [(10.0, 20.0, 30.0), (-170.0, 95.0, 44.0), (123.0, 179.0, -60.0), (0.0, 0.0, 75.0), (0.0, 180.0, -75.0)] {
            let e = EulerAngles(rot: rot, tilt: tilt, psi: psi)
            let back = EulerAngles(matrix: e.matrix)
            XCTAssertEqual(back.matrix.angularDistanceDeg(to: e.matrix), 0, accuracy: 1e-4, "\(e) → \(back)")
        }
    }
}
