// The orthographic camera of the 3D views: the rotation of a view and the fit of the object to the image.
//
// Rotation convention (as ChimeraX `turn x a; turn y b; turn z c; view all`, which VRS runs for its views):
// the viewer starts on +Z looking towards −Z with X to the right and Y up. The object is rotated actively
// (the object turns, the camera stays), right-handed (positive = counter-clockwise seen from the positive
// end of the axis), about the fixed screen axes, first about X by a, then Y by b, then Z by c:
//     R = Rz(c) · Ry(b) · Rx(a),   view coordinates (right, up, towards viewer) = R · (p − centre).
// The standard views: (0, −90, −90) shows Y right, Z up, viewer on +X; (−90, 0, −90) shows Z right, −X up,
// viewer on −Y; (0, 0, 0) shows X right, Y up, viewer on +Z. Tested in SurfaceConventionTests.
//
// Image coordinates: pixel column u to the right, row v downwards (Cairo's), so v = centreV − scale · up.

import Foundation

/// A 3×3 rotation, rows r0, r1, r2 (view = R · p).
struct Rotation3 {
    var r0: SIMD3<Double>, r1: SIMD3<Double>, r2: SIMD3<Double>

    static func about(x a: Double, y b: Double, z c: Double) -> Rotation3 {
        let (ca, sa) = (cos(a * .pi / 180), sin(a * .pi / 180))
        let (cb, sb) = (cos(b * .pi / 180), sin(b * .pi / 180))
        let (cc, sc) = (cos(c * .pi / 180), sin(c * .pi / 180))
        let rx = Rotation3(r0: SIMD3(1, 0, 0), r1: SIMD3(0, ca, -sa), r2: SIMD3(0, sa, ca))
        let ry = Rotation3(r0: SIMD3(cb, 0, sb), r1: SIMD3(0, 1, 0), r2: SIMD3(-sb, 0, cb))
        let rz = Rotation3(r0: SIMD3(cc, -sc, 0), r1: SIMD3(sc, cc, 0), r2: SIMD3(0, 0, 1))
        return rz * (ry * rx)
    }

    static func * (m: Rotation3, n: Rotation3) -> Rotation3 {
        let c0 = SIMD3(n.r0.x, n.r1.x, n.r2.x), c1 = SIMD3(n.r0.y, n.r1.y, n.r2.y), c2 = SIMD3(n.r0.z, n.r1.z, n.r2.z)
        func row(_ r: SIMD3<Double>) -> SIMD3<Double> { SIMD3((r * c0).sum(), (r * c1).sum(), (r * c2).sum()) }
        return Rotation3(r0: row(m.r0), r1: row(m.r1), r2: row(m.r2))
    }

    @inline(__always) func apply(_ p: SIMD3<Double>) -> SIMD3<Double> {
        SIMD3((r0 * p).sum(), (r1 * p).sum(), (r2 * p).sum())
    }
}

/// Maps Å to image samples for one view: u = cu + scale·x, v = cv − scale·y, depth z in Å (larger = nearer).
struct ViewCamera {
    var rotation: Rotation3
    /// Samples per Å.
    var scale: Double
    var cu: Double, cv: Double
    /// Depth range of the object in view coordinates (Å), for depth cueing.
    var zNear: Double, zFar: Double

    /// Rotates the points (Å, with a radius each for atoms) and fits their projected bounding box into
    /// width × height samples, leaving `margin` (fraction of each side) free.
    static func fit(rotation: Rotation3, points: [SIMD3<Double>], radii: [Double], width: Int, height: Int,
                    margin: Double = 0.04) -> ViewCamera {
        var lo = SIMD3<Double>(repeating: .infinity), hi = SIMD3<Double>(repeating: -.infinity)
        for (i, p) in points.enumerated() {
            let q = rotation.apply(p), r = i < radii.count ? radii[i] : 0
            lo = pointwiseMin(lo, q - r); hi = pointwiseMax(hi, q + r)
        }
        if points.isEmpty { lo = SIMD3(-1, -1, -1); hi = SIMD3(1, 1, 1) }
        let ext = pointwiseMax(hi - lo, SIMD3(repeating: 1e-6))
        let scale = min(Double(width) * (1 - 2 * margin) / ext.x, Double(height) * (1 - 2 * margin) / ext.y)
        let mid = (lo + hi) / 2
        return ViewCamera(rotation: rotation, scale: scale, cu: Double(width) / 2 - scale * mid.x,
                          cv: Double(height) / 2 + scale * mid.y, zNear: hi.z, zFar: lo.z)
    }
}
