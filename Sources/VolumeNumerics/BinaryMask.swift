// A binary mask on a volume's grid: one Bool per voxel, x fastest (index = x + nx*(y + ny*z)),
// the same layout as `Volume`. Used for the raw and hard masks (docs/methods.md "Masks").
import MapIO

public struct BinaryMask: Sendable, Equatable {
    public let nx: Int
    public let ny: Int
    public let nz: Int
    /// One flag per voxel, x fastest (changed only in place by `dilate(ballRadius:)`).
    public internal(set) var voxels: [Bool]

    public init(nx: Int, ny: Int, nz: Int, voxels: [Bool]) {
        precondition(nx > 0 && ny > 0 && nz > 0 && voxels.count == nx * ny * nz,
                     "BinaryMask: \(voxels.count) voxels for \(nx)×\(ny)×\(nz)")
        self.nx = nx; self.ny = ny; self.nz = nz; self.voxels = voxels
    }

    /// The voxels of `volume` at or above `threshold` (NaN voxels are outside).
    public init(volume: Volume, threshold: Double) {
        let n = volume.count
        // Compare in Float when T is exactly representable, else in Double, so that `V >= T` is exact.
        let tf = Float(threshold)
        // Every flag is written, so the array is not cleared first (one pass over 16 MB at 256³, not two).
        let exactInFloat = Double(tf) == threshold
        let out: [Bool] = HugePages.array(count: n) { dst in
            volume.data.withUnsafeBufferPointer { src in
                Parallel.forEachHugePage(of: dst) { range in
                    if exactInFloat {
                        for i in range { dst[i] = src[i] >= tf }
                    } else {
                        for i in range { dst[i] = Double(src[i]) >= threshold }
                    }
                }
            }
        }
        self.init(nx: volume.nx, ny: volume.ny, nz: volume.nz, voxels: out)
    }

    public var count: Int { nx * ny * nz }
    public var dims: SIMD3<Int> { SIMD3(nx, ny, nz) }

    @inline(__always) public func index(_ x: Int, _ y: Int, _ z: Int) -> Int { x + nx * (y + ny * z) }
    @inline(__always) public subscript(x: Int, y: Int, z: Int) -> Bool { voxels[x + nx * (y + ny * z)] }

    /// Number of voxels in the mask.
    public var trueCount: Int {
        // A Bool is stored as the byte 0 or 1: summing the bytes is a vectorised loop, not a branch per voxel.
        voxels.withUnsafeBytes { b in
            var c = 0
            for v in b { c &+= Int(v) }
            return c
        }
    }

    /// Number of voxels in both masks.
    public func intersectionCount(_ other: BinaryMask) -> Int {
        precondition(dims == other.dims, "BinaryMask.intersectionCount: \(dims) vs \(other.dims)")
        return voxels.withUnsafeBytes { a in
            other.voxels.withUnsafeBytes { b in
                var c = 0
                for i in 0..<a.count { c &+= Int(a[i] & b[i]) }
                return c
            }
        }
    }

    /// The mask as a volume of 0 and 1 (for smoothing and figures).
    public func asVolume(voxelSize: SIMD3<Double> = SIMD3(1, 1, 1)) -> Volume {
        var out = [Float](repeating: 0, count: count)
        voxels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for i in 0..<src.count where src[i] { dst[i] = 1 }
            }
        }
        return Volume(nx: nx, ny: ny, nz: nz, data: out, voxelSize: voxelSize)
    }

    /// First and last index along each axis (X, Y, Z) that holds a mask voxel; nil for an empty mask.
    public func boundingBox() -> (first: SIMD3<Int>, last: SIMD3<Int>)? {
        // One Z plane per task: each plane's box (lo, hi), merged after; planes without a voxel keep hi.x = −1.
        let nx = nx, ny = ny
        var planeLo = [SIMD3<Int>](repeating: SIMD3(nx, ny, nz), count: nz)
        var planeHi = [SIMD3<Int>](repeating: SIMD3(-1, -1, -1), count: nz)
        voxels.withUnsafeBufferPointer { p in
            planeLo.withUnsafeMutableBufferPointer { los in
                planeHi.withUnsafeMutableBufferPointer { his in
                    let base = p.baseAddress!
                    Parallel.perform(iterations: nz) { z in
                        var lo = SIMD3<Int>(nx, ny, z), hi = SIMD3<Int>(-1, -1, z)
                        for y in 0..<ny {
                            let row = nx * (y + ny * z)
                            let first = MaskRowScan.firstSet(base, from: row, to: row + nx)
                            guard first < row + nx, let last = MaskRowScan.lastSet(base, from: first, to: row + nx)
                            else { continue }
                            lo.x = min(lo.x, first - row); lo.y = min(lo.y, y)
                            hi.x = max(hi.x, last - row); hi.y = max(hi.y, y)
                        }
                        los[z] = lo; his[z] = hi
                    }
                }
            }
        }
        var lo = SIMD3<Int>(nx, ny, nz), hi = SIMD3<Int>(-1, -1, -1)
        for z in 0..<nz where planeHi[z].x >= 0 {
            lo = pointwiseMin(lo, planeLo[z]); hi = pointwiseMax(hi, planeHi[z])
        }
        return hi.x < 0 ? nil : (lo, hi)
    }
}
