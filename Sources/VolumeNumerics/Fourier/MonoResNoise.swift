// Where MonoRes takes its noise from (Vilas et al. 2018; xmipp's conventions; docs/methods.md 0.e).
//
// The particle's radius is the largest distance (voxels) of a mask voxel from the box centre (n/2 per axis).
// From there outwards, spherical shells one voxel thick are scanned for the "cliff" of a map masked by a sphere:
// the first shell whose variance falls below 1 % of the previous shell's ends the noise sphere one voxel before
// it; without a cliff the sphere is the inscribed one (radius min(n)/2). Noise voxels: inside that sphere,
// outside the mask (or, for a half difference, mask included), not excluded (other density above the
// threshold), and not exactly 0. When more than half of the voxels outside the mask inside the inscribed sphere
// are exactly 0 the map was masked: its background holds no noise and the method does not apply (a map masked
// by a sphere close to the box edge keeps its noise inside the sphere and passes).
import Foundation
import MapIO

public enum MonoResNoise {
    /// The noise voxels: their number, and every `stride`-th of them in index order (at most about `maxSample`;
    /// the 95 % quantile of 10⁶ evenly strided voxels moves by < 0.1 %, and a 512³ box would otherwise hold
    /// a list of ~7·10⁷ indices, 280 MB).
    public struct Region: Sendable {
        public var sample: [Int32]
        public var count: Int
        public var stride: Int
        public var radiusVoxels: Int
    }

    /// `otherDensityThreshold`: voxels outside the mask whose value is at or above it (other density, the raw
    /// mask outside the hard mask) are neither mask nor noise; compared on the fly, with no mask of their own.
    public static func region(map: Volume, mask: [Bool], otherDensityThreshold: Double?, includeMask: Bool,
                              maxSample: Int = .max) throws -> Region {
        let (nx, ny, nz) = (map.nx, map.ny, map.nz)
        let c = SIMD3<Double>(Double(nx / 2), Double(ny / 2), Double(nz / 2))   // xmipp's origin: the box centre
        let outer = min(nx, ny, nz) / 2
        var radius2 = 0.0
        var sum = [Double](repeating: 0, count: outer + 2), sum2 = sum, count = sum
        forEachVoxel(map.dims, centre: c) { i, r2 in
            if mask[i] { radius2 = max(radius2, r2) }
            let shell = Int(r2.squareRoot())
            if shell <= outer { let v = Double(map.data[i]); sum[shell] += v; sum2[shell] += v * v; count[shell] += 1 }
        }
        let particle = Int(radius2.squareRoot())
        var limit = outer, last = 1e-38
        if particle < outer {
            for rad in particle..<outer where count[rad] > 0 {
                let mean = sum[rad] / count[rad], v = sum2[rad] / count[rad] - mean * mean
                if v / last < 0.01 { limit = rad - 1; break }
                last = v
            }
        }
        // Exactly BinaryMask(volume:threshold:)'s V >= T (a Double comparison is exact for any T). A mask voxel's
        // outcome below is the same whether or not it counts as excluded (it is never noise without includeMask).
        precondition(otherDensityThreshold == nil || !includeMask, "MonoResNoise: other density excluded from a half difference")
        func excluded(_ i: Int) -> Bool {
            guard let t = otherDensityThreshold else { return false }
            return Double(map.data[i]) >= t
        }
        var zeros = 0, candidates = 0, noiseCount = 0
        let limit2 = Double(limit * limit), outer2 = Double(outer * outer)
        func isNoise(_ i: Int, _ r2: Double) -> Bool {
            !(r2 >= limit2 || (mask[i] && !includeMask) || map.data[i] == 0)
        }
        forEachVoxel(map.dims, centre: c) { i, r2 in
            if r2 >= outer2 || excluded(i) { return }
            if !mask[i] { candidates += 1; if map.data[i] == 0 { zeros += 1 } }
            if isNoise(i, r2) { noiseCount += 1 }
        }
        if !includeMask && candidates > 0 && 2 * zeros > candidates {
            throw MonoResError.zeroBackground(fraction: Double(zeros) / Double(candidates))
        }
        guard noiseCount >= 100 else { throw MonoResError.noNoiseVoxels }
        let stride = max(1, noiseCount / max(1, maxSample))
        var sample = [Int32]()
        sample.reserveCapacity(noiseCount / stride + 1)
        var seen = 0
        forEachVoxel(map.dims, centre: c) { i, r2 in
            if r2 >= outer2 || excluded(i) || !isNoise(i, r2) { return }
            if seen % stride == 0 { sample.append(Int32(i)) }
            seen += 1
        }
        return Region(sample: sample, count: noiseCount, stride: stride, radiusVoxels: limit)
    }

    /// Calls `body(index, squared distance in voxels from centre)` for every voxel, x fastest.
    static func forEachVoxel(_ n: SIMD3<Int>, centre c: SIMD3<Double>, _ body: (Int, Double) -> Void) {
        for z in 0..<n.z {
            for y in 0..<n.y {
                let dyz = (Double(y) - c.y) * (Double(y) - c.y) + (Double(z) - c.z) * (Double(z) - c.z)
                for x in 0..<n.x { body(x + n.x * (y + n.y * z), (Double(x) - c.x) * (Double(x) - c.x) + dyz) }
            }
        }
    }
}
