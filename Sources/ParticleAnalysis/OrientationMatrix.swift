// The rotation of a particle from its Euler angles in RELION's ZYZ convention (rot, tilt, psi; degrees).
//
// A = R_z(psi)·R_y(tilt)·R_z(rot) as written out in RELION's Euler_angles2matrix: a map point r (Å, from the
// box centre) appears in the particle image at the first two components of A·r, and the image is the sum
// along the third. The viewing direction (the projection axis in map coordinates) is A's third row,
// (sin tilt cos rot, sin tilt sin rot, cos tilt). By the Fourier-slice theorem the image's 2D frequency
// (kx, ky) is the map's 3D frequency Aᵀ·(kx, ky, 0).
import Foundation

public struct OrientationMatrix: Sendable, Equatable {
    /// Rows of A.
    public var r0: SIMD3<Double>, r1: SIMD3<Double>, r2: SIMD3<Double>

    public init(rows r0: SIMD3<Double>, _ r1: SIMD3<Double>, _ r2: SIMD3<Double>) {
        self.r0 = r0; self.r1 = r1; self.r2 = r2
    }

    /// A from RELION's rot, tilt, psi in degrees.
    public init(rotDeg: Double, tiltDeg: Double, psiDeg: Double) {
        let a = rotDeg * .pi / 180, b = tiltDeg * .pi / 180, g = psiDeg * .pi / 180
        let (ca, sa, cb, sb, cg, sg) = (cos(a), sin(a), cos(b), sin(b), cos(g), sin(g))
        let cc = cb * ca, cs = cb * sa, sc = sb * ca, ss = sb * sa
        r0 = SIMD3(cg * cc - sg * sa, cg * cs + sg * ca, -cg * sb)
        r1 = SIMD3(-sg * cc - cg * sa, -sg * cs + cg * ca, sg * sb)
        r2 = SIMD3(sc, ss, cb)
    }

    /// The projection axis in map coordinates (unit vector).
    public var viewingDirection: SIMD3<Double> { r2 }

    /// A·v.
    @inline(__always) public func apply(_ v: SIMD3<Double>) -> SIMD3<Double> {
        SIMD3((r0 * v).sum(), (r1 * v).sum(), (r2 * v).sum())
    }

    /// Aᵀ·(x, y, 0): the map-space point of an image-plane point.
    @inline(__always) public func transposeApplyPlane(_ x: Double, _ y: Double) -> SIMD3<Double> {
        r0 * x + r1 * y
    }

    /// The product self·other.
    public func times(_ o: OrientationMatrix) -> OrientationMatrix {
        let c0 = SIMD3(o.r0.x, o.r1.x, o.r2.x), c1 = SIMD3(o.r0.y, o.r1.y, o.r2.y), c2 = SIMD3(o.r0.z, o.r1.z, o.r2.z)
        func row(_ r: SIMD3<Double>) -> SIMD3<Double> { SIMD3((r * c0).sum(), (r * c1).sum(), (r * c2).sum()) }
        return OrientationMatrix(rows: row(r0), row(r1), row(r2))
    }

    public var transposed: OrientationMatrix {
        OrientationMatrix(rows: SIMD3(r0.x, r1.x, r2.x), SIMD3(r0.y, r1.y, r2.y), SIMD3(r0.z, r1.z, r2.z))
    }

    /// Angle (degrees) of the rotation self·otherᵀ: the smallest rotation taking one orientation to the other.
    public func angleDeg(to o: OrientationMatrix) -> Double {
        let m = times(o.transposed)
        let trace = m.r0.x + m.r1.y + m.r2.z
        return acos(min(1, max(-1, (trace - 1) / 2))) * 180 / .pi
    }
}

/// Directions spread evenly over the upper hemisphere (z ≥ 0) on a Fibonacci spiral (equal area per point).
public enum HemisphereDirections {
    public static func fibonacci(count: Int) -> [SIMD3<Double>] {
        let golden = (5.0.squareRoot() - 1) / 2 * 2 * Double.pi
        return (0..<count).map { j in
            let z = (Double(j) + 0.5) / Double(count)
            let r = (1 - z * z).squareRoot(), phi = golden * Double(j)
            return SIMD3(r * cos(phi), r * sin(phi), z)
        }
    }
}
