import Foundation
import MapIO
@testable import ImageData

/// Sum of isotropic Gaussians (centres in voxels from the box centre n/2, σ in voxels, peak heights).
func gaussianPhantom(n: Int, voxelA: Double = 1, blobs: [(c: SIMD3<Double>, sigma: Double, height: Double)]) -> Volume {
    var v = Volume(nx: n, ny: n, nz: n, voxelSize: SIMD3(voxelA, voxelA, voxelA))
    for z in 0..<n {
        for y in 0..<n {
            for x in 0..<n {
                let p = SIMD3(Double(x - n / 2), Double(y - n / 2), Double(z - n / 2))
                var s = 0.0
                for b in blobs {
                    let d = p - b.c
                    s += b.height * exp(-(d * d).sum() / (2 * b.sigma * b.sigma))
                }
                v[x, y, z] = Float(s)
            }
        }
    }
    return v
}

/// An asymmetric "protein": a body, an arm along +x, a knob along +y and a smaller one along +z.
func armPhantom(n: Int, voxelA: Double = 1) -> Volume {
    let s = Double(n) / 48
    return gaussianPhantom(n: n, voxelA: voxelA, blobs: [
        (SIMD3(0, 0, 0), 4 * s, 1.0),
        (SIMD3(6, 0, 0) * s, 2.5 * s, 0.8), (SIMD3(12, 0, 0) * s, 2.5 * s, 0.8),
        (SIMD3(0, 9, 0) * s, 2.5 * s, 0.6),
        (SIMD3(-3, -3, 8) * s, 2.0 * s, 0.5),
    ])
}

/// A hollow cage: twelve blobs on a sphere (icosahedron vertices) of radius r voxels.
func cagePhantom(n: Int, radius: Double, voxelA: Double = 1) -> Volume {
    let t = (1 + 5.0.squareRoot()) / 2
    var verts: [SIMD3<Double>] = []
    for a in [-1.0, 1] { for b in [-t, t] {
        verts += [SIMD3(0, a, b), SIMD3(a, b, 0), SIMD3(b, 0, a)]
    } }
    let norm = (1 + t * t).squareRoot()
    return gaussianPhantom(n: n, voxelA: voxelA, blobs: verts.map { ($0 / norm * radius, 2.5 * Double(n) / 48, 1.0) })
}

func relativeRMS(_ a: [Float], _ b: [Float]) -> Double {
    var d = 0.0, s = 0.0
    for i in 0..<a.count { d += Double(a[i] - b[i]) * Double(a[i] - b[i]); s += Double(b[i]) * Double(b[i]) }
    return (d / s).squareRoot()
}

// pearson(_:_:) is TestSupport's.

/// A compact, clearly asymmetric "protein": a body and ten lobes of different sizes at fixed pseudo-random
/// places within radius 0.3·n.
func lumpyPhantom(n: Int, voxelA: Double = 1) -> Volume {
    let s = Double(n) / 48
    let lobes: [(SIMD3<Double>, Double, Double)] = [
        (SIMD3(11, 2, -3), 2.2, 0.9), (SIMD3(-6, 9, 4), 2.5, 0.8), (SIMD3(3, -10, 6), 2.0, 0.9),
        (SIMD3(-9, -5, -7), 2.4, 0.7), (SIMD3(5, 6, 10), 1.8, 1.0), (SIMD3(-2, 1, -12), 2.0, 0.8),
        (SIMD3(8, -7, -6), 1.6, 1.0), (SIMD3(-12, 3, 2), 1.8, 0.9), (SIMD3(1, 12, -5), 2.0, 0.7),
        (SIMD3(6, 3, 2), 3.0, 0.6),
    ]
    return gaussianPhantom(n: n, voxelA: voxelA, blobs: [(SIMD3(0, 0, 0), 5 * s, 0.6)] + lobes.map { ($0.0 * s, $0.1 * s, $0.2) })
}
