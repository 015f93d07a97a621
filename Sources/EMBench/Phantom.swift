// A protein-like phantom for benchmarks: random "atoms" (Gaussian blobs) filling an ellipsoid in the middle
// of the box, blurred, on a noise background. Deterministic for a given seed.
import Foundation
import MapIO
import VolumeNumerics


enum Phantom {
    /// An n³ map with voxel size `voxelA` Å: atoms at ~1 per 20 Å³ inside an ellipsoid of semi-axes 0.3n,
    /// 0.25n, 0.2n voxels, blurred with σ = 1 voxel, plus Gaussian noise of σ = 0.05 × the peak density.
    static func proteinLike(n: Int, voxelA: Double = 1.0, seed: UInt64 = 7) -> Volume {
        var rng = SplitMix64(seed: seed)
        var v = Volume(nx: n, ny: n, nz: n, voxelSize: SIMD3(repeating: voxelA))
        let c = Double(n) / 2
        let axes = SIMD3<Double>(0.3, 0.25, 0.2) * Double(n)
        let ellipsoidVoxels = 4.0 / 3.0 * Double.pi * axes.x * axes.y * axes.z
        let atoms = Int(ellipsoidVoxels * voxelA * voxelA * voxelA / 20)
        var placed = 0
        while placed < atoms {
            let p = SIMD3<Double>(Double.random(in: -1...1, using: &rng), Double.random(in: -1...1, using: &rng),
                                  Double.random(in: -1...1, using: &rng))
            if (p * p).sum() > 1 { continue }
            let q = p * axes + c
            v[Int(q.x), Int(q.y), Int(q.z)] += 1
            placed += 1
        }
        var blurred = GaussianFilter.smooth(v, sigmaVoxels: 1.0)
        let peak = blurred.data.max() ?? 1
        for i in 0..<blurred.count {
            // Box–Muller noise.
            let u1 = Double.random(in: Double.ulpOfOne..<1, using: &rng), u2 = Double.random(in: 0..<1, using: &rng)
            let g = (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
            blurred.data[i] += Float(0.05 * Double(peak) * g)
        }
        return blurred
    }
}


