// Euler angles in RELION's ZYZ convention (Heymann, Chagoyen & Belnap 2005, "Common conventions for
// interchange and processing of three-dimensional electron microscopy information"; RELION's
// Euler_angles2matrix): the matrix A = R_z(psi) · R_y(tilt) · R_z(rot) with
//   R_z(a) = [[cos a, sin a, 0], [−sin a, cos a, 0], [0, 0, 1]],  R_y(b) = [[cos b, 0, −sin b], [0, 1, 0], [sin b, 0, cos b]].
// A maps map coordinates to image coordinates: a map point p (Å from the map centre) projects to the image
// point (A·p).x, (A·p).y, and the projection direction (the beam, image z) is the map direction Aᵀ·e_z =
// (sin tilt cos rot, sin tilt sin rot, cos tilt). In Fourier space the 2D frequency (kx, ky) of the projection
// samples the 3D transform at Aᵀ·(kx, ky, 0) (central-slice theorem). Tested in EulerAnglesTests with an
// asymmetric phantom whose arm lands where this says.
import Foundation

/// A 3×3 rotation matrix stored by rows.
public struct Rotation3: Sendable, Equatable {
    public var r0: SIMD3<Double>, r1: SIMD3<Double>, r2: SIMD3<Double>

    public init(rows r0: SIMD3<Double>, _ r1: SIMD3<Double>, _ r2: SIMD3<Double>) {
        self.r0 = r0; self.r1 = r1; self.r2 = r2
    }

    public static let identity = Rotation3(rows: SIMD3(1, 0, 0), SIMD3(0, 1, 0), SIMD3(0, 0, 1))

    /// Row i (0…2).
    public func row(_ i: Int) -> SIMD3<Double> { i == 0 ? r0 : (i == 1 ? r1 : r2) }

    public var transposed: Rotation3 {
        Rotation3(rows: SIMD3(r0.x, r1.x, r2.x), SIMD3(r0.y, r1.y, r2.y), SIMD3(r0.z, r1.z, r2.z))
    }

    /// A·v.
    public func apply(_ v: SIMD3<Double>) -> SIMD3<Double> {
        SIMD3((r0 * v).sum(), (r1 * v).sum(), (r2 * v).sum())
    }

    /// Matrix product self·other.
    public static func * (a: Rotation3, b: Rotation3) -> Rotation3 {
        let bt = b.transposed
        func row(_ r: SIMD3<Double>) -> SIMD3<Double> { SIMD3((r * bt.r0).sum(), (r * bt.r1).sum(), (r * bt.r2).sum()) }
        return Rotation3(rows: row(a.r0), row(a.r1), row(a.r2))
    }

    /// Rotation by `angleDeg` about a unit `axis` (right-handed, active: rotates vectors).
    public init(axis: SIMD3<Double>, angleDeg: Double) {
        let n = axis / (axis * axis).sum().squareRoot()
        let a = angleDeg * .pi / 180, c = cos(a), s = sin(a), t = 1 - c
        self.init(rows: SIMD3(t * n.x * n.x + c, t * n.x * n.y - s * n.z, t * n.x * n.z + s * n.y),
                  SIMD3(t * n.x * n.y + s * n.z, t * n.y * n.y + c, t * n.y * n.z - s * n.x),
                  SIMD3(t * n.x * n.z - s * n.y, t * n.y * n.z + s * n.x, t * n.z * n.z + c))
    }

    /// Angle in degrees of the rotation self·otherᵀ (the geodesic distance between two orientations).
    public func angularDistanceDeg(to other: Rotation3) -> Double {
        let m = self * other.transposed
        let c = ((m.r0.x + m.r1.y + m.r2.z) - 1) / 2
        return acos(min(1, max(-1, c))) * 180 / .pi
    }
}

/// RELION's (rot, tilt, psi) in degrees.
public struct EulerAngles: Sendable, Equatable, Codable {
    public var rotDeg: Double
    public var tiltDeg: Double
    public var psiDeg: Double

    public init(rot: Double, tilt: Double, psi: Double) {
        rotDeg = rot; tiltDeg = tilt; psiDeg = psi
    }

    /// RELION's matrix A = R_z(psi)·R_y(tilt)·R_z(rot) (see the file comment).
    public var matrix: Rotation3 {
        let d = Double.pi / 180
        let (ca, sa) = (cos(rotDeg * d), sin(rotDeg * d))
        let (cb, sb) = (cos(tiltDeg * d), sin(tiltDeg * d))
        let (cg, sg) = (cos(psiDeg * d), sin(psiDeg * d))
        let cc = cb * ca, cs = cb * sa, sc = sb * ca, ss = sb * sa
        return Rotation3(rows: SIMD3(cg * cc - sg * sa, cg * cs + sg * ca, -cg * sb),
                         SIMD3(-sg * cc - cg * sa, -sg * cs + cg * ca, sg * sb),
                         SIMD3(sc, ss, cb))
    }

    /// The projection direction in map coordinates (unit vector Aᵀ·e_z).
    public var projectionDirection: SIMD3<Double> {
        let d = Double.pi / 180
        return SIMD3(sin(tiltDeg * d) * cos(rotDeg * d), sin(tiltDeg * d) * sin(rotDeg * d), cos(tiltDeg * d))
    }

    /// The angles of a rotation matrix in this convention (tilt in [0, 180]; rot, psi in (−180, 180]).
    /// At tilt 0 or 180 only rot ± psi is defined; rot is then set to 0.
    public init(matrix a: Rotation3) {
        let sb = (a.r2.x * a.r2.x + a.r2.y * a.r2.y).squareRoot()
        let tilt = atan2(sb, a.r2.z)
        var rot: Double, psi: Double
        if sb > 1e-9 {
            rot = atan2(a.r2.y, a.r2.x)
            psi = atan2(a.r1.z, -a.r0.z)
        } else {
            rot = 0
            // A = R_z(psi)·R_y(0 or π): the first row is (cos psi, sin psi, 0) or (−cos psi, sin psi, 0).
            psi = a.r2.z > 0 ? atan2(a.r0.y, a.r0.x) : atan2(a.r0.y, -a.r0.x)
        }
        self.init(rot: rot * 180 / .pi, tilt: tilt * 180 / .pi, psi: psi * 180 / .pi)
    }
}
