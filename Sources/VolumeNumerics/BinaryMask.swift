// A binary mask on a volume's grid: one Bool per voxel, x fastest (index = x + nx*(y + ny*z)),
// the same layout as `Volume`. Used for the raw and hard masks (docs/methods.md "Masks").
import MapIO

public struct BinaryMask: Sendable, Equatable {
    public let nx: Int
    public let ny: Int
    public let nz: Int
    /// One flag per voxel, x fastest.
    public let voxels: [Bool]

    public init(nx: Int, ny: Int, nz: Int, voxels: [Bool]) {
        precondition(nx > 0 && ny > 0 && nz > 0 && voxels.count == nx * ny * nz,
                     "BinaryMask: \(voxels.count) voxels for \(nx)×\(ny)×\(nz)")
        self.nx = nx; self.ny = ny; self.nz = nz; self.voxels = voxels
    }

    /// The voxels of `volume` at or above `threshold` (NaN voxels are outside).
    public init(volume: Volume, threshold: Double) {
        let n = volume.count
        // Compare in Float when T is exactly representable, else in Double, so that `V >= T` is exact.
        var out = [Bool](repeating: false, count: n)
        let tf = Float(threshold)
        volume.data.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                if Double(tf) == threshold {
                    for i in 0..<n { dst[i] = src[i] >= tf }
                } else {
                    for i in 0..<n { dst[i] = Double(src[i]) >= threshold }
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
        voxels.withUnsafeBufferPointer { p in
            var c = 0
            for v in p where v { c += 1 }
            return c
        }
    }

    /// Number of voxels in both masks.
    public func intersectionCount(_ other: BinaryMask) -> Int {
        precondition(dims == other.dims, "BinaryMask.intersectionCount: \(dims) vs \(other.dims)")
        return voxels.withUnsafeBufferPointer { a in
            other.voxels.withUnsafeBufferPointer { b in
                var c = 0
                for i in 0..<a.count where a[i] && b[i] { c += 1 }
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
        var lo = SIMD3<Int>(nx, ny, nz), hi = SIMD3<Int>(-1, -1, -1)
        voxels.withUnsafeBufferPointer { p in
            for z in 0..<nz {
                for y in 0..<ny {
                    let row = nx * (y + ny * z)
                    var first = -1, last = -1
                    for x in 0..<nx where p[row + x] { first = x; break }
                    if first < 0 { continue }
                    var x = nx - 1
                    while x >= first { if p[row + x] { last = x; break }; x -= 1 }
                    lo = SIMD3(min(lo.x, first), min(lo.y, y), min(lo.z, z))
                    hi = SIMD3(max(hi.x, last), max(hi.y, y), max(hi.z, z))
                }
            }
        }
        return hi.x < 0 ? nil : (lo, hi)
    }
}
