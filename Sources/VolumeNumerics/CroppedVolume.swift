// A volume that is zero outside a box inside it, stored as that box alone. The soft mask is one: the hard
// mask smoothed by a Gaussian is zero beyond the mask's bounding box grown by the kernel's radius, so a
// 512³ soft mask around a molecule that fills a third of each axis is ~20 MB instead of 512 MiB.
//
// `full()` gives the whole volume where a section needs one (Level 1 FSC masking); the slices and slice
// variances of the report's figures come from the crop directly, with the same values as the full volume's.
import MapIO

public struct CroppedVolume: Sendable {
    /// The stored box: values at voxels lo …< lo + crop dims of the whole volume.
    public let crop: Volume
    /// First voxel (x, y, z) of the crop in the whole volume.
    public let lo: SIMD3<Int>
    /// The whole volume's geometry (box, voxel size, origin), with no data of its own beyond one voxel.
    public let dims: SIMD3<Int>
    public let voxelSize: SIMD3<Double>
    public let startIndex: SIMD3<Int>
    public let headerOrigin: SIMD3<Double>

    /// `crop` placed at `lo` in a volume shaped like `like` (zero elsewhere).
    public init(crop: Volume, at lo: SIMD3<Int>, like: Volume) {
        precondition(all(lo .>= 0) && all(lo &+ crop.dims .<= like.dims), "CroppedVolume: crop outside the box")
        self.crop = crop; self.lo = lo
        dims = like.dims; voxelSize = like.voxelSize; startIndex = like.startIndex; headerOrigin = like.headerOrigin
    }

    /// A whole volume held as its own crop (for callers that have a full volume, e.g. tests).
    public init(full: Volume) {
        self.init(crop: Volume(nx: full.nx, ny: full.ny, nz: full.nz, data: full.data, voxelSize: full.voxelSize),
                  at: .zero, like: full)
    }

    public var count: Int { dims.x * dims.y * dims.z }

    /// The value at voxel (x, y, z) of the whole volume.
    public func value(_ x: Int, _ y: Int, _ z: Int) -> Float {
        let p = SIMD3(x, y, z) &- lo
        guard all(p .>= 0) && all(p .< crop.dims) else { return 0 }
        return crop[p.x, p.y, p.z]
    }

    /// The whole volume (allocates dims.x·dims.y·dims.z values).
    public func full() -> Volume {
        var data = [Float](repeating: 0, count: count)
        let (nx, ny) = (dims.x, dims.y), c = crop.dims
        crop.data.withUnsafeBufferPointer { src in
            data.withUnsafeMutableBufferPointer { dst in
                for z in 0..<c.z { for y in 0..<c.y {
                    let d = lo.x + nx * (lo.y + y + ny * (lo.z + z)), s = c.x * (y + c.y * z)
                    for x in 0..<c.x { dst[d + x] = src[s + x] }
                } }
            }
        }
        return Volume(nx: dims.x, ny: dims.y, nz: dims.z, data: data, voxelSize: voxelSize,
                      startIndex: startIndex, headerOrigin: headerOrigin)
    }

    /// The slice `index` perpendicular to `axis`, as `Volume.slice` of the whole volume.
    public func slice(_ axis: Axis, _ index: Int) -> Plane {
        let (u, v) = Volume.planeAxes(axis)
        let w = dims[u.rawValue], h = dims[v.rawValue]
        var out = [Float](repeating: 0, count: w * h)
        let k = index - lo[axis.rawValue]
        if k >= 0 && k < crop.dims[axis.rawValue] {
            let cu = crop.dims[u.rawValue], cv = crop.dims[v.rawValue]
            for b in 0..<cv { for a in 0..<cu {
                var p = SIMD3<Int>.zero
                p[axis.rawValue] = k; p[u.rawValue] = a; p[v.rawValue] = b
                out[(a + lo[u.rawValue]) + w * (b + lo[v.rawValue])] = crop[p.x, p.y, p.z]
            } }
        }
        return Plane(width: w, height: h, values: out, pixelSizeA: SIMD2(voxelSize[u.rawValue], voxelSize[v.rawValue]))
    }

    /// The index of the slice with the largest 2D variance along `axis` (the first one on ties), as
    /// `Volume.maxVarianceIndex` of the whole volume: the zeros outside the crop count in every slice's mean.
    public func maxVarianceIndex(_ axis: Axis) -> Int {
        let n = dims[axis.rawValue]
        let m = Double(count / n)
        var sum = [Double](repeating: 0, count: n), sum2 = sum
        let c = crop.dims
        crop.data.withUnsafeBufferPointer { p in
            var i = 0
            for z in 0..<c.z { for y in 0..<c.y { for x in 0..<c.x {
                let d = Double(p[i]); i += 1
                let k = SIMD3(x, y, z)[axis.rawValue] + lo[axis.rawValue]
                sum[k] += d; sum2[k] += d * d
            } } }
        }
        return SliceVariance.largest(SliceVariance.variances(sums: sum, sumsOfSquares: sum2, valuesPerSlice: m))
    }
}

extension BinaryMask {
    /// The slice `index` perpendicular to `axis` as 0/1 values (layout of `Volume.slice`).
    public func slice(_ axis: Axis, _ index: Int, voxelSize: SIMD3<Double>) -> Plane {
        let (u, v) = Volume.planeAxes(axis)
        let d = dims, w = d[u.rawValue], h = d[v.rawValue]
        var out = [Float](repeating: 0, count: w * h)
        for b in 0..<h { for a in 0..<w {
            var p = SIMD3<Int>.zero
            p[axis.rawValue] = index; p[u.rawValue] = a; p[v.rawValue] = b
            if self[p.x, p.y, p.z] { out[a + w * b] = 1 }
        } }
        return Plane(width: w, height: h, values: out, pixelSizeA: SIMD2(voxelSize[u.rawValue], voxelSize[v.rawValue]))
    }

    /// The index of the slice with the largest 2D variance of the 0/1 values along `axis` (the first one on
    /// ties), as `Volume.maxVarianceIndex` of the mask as a volume.
    public func maxVarianceIndex(_ axis: Axis) -> Int {
        let n = dims[axis.rawValue]
        var counts = [Int](repeating: 0, count: n)
        voxels.withUnsafeBufferPointer { p in
            var i = 0
            for z in 0..<nz { for y in 0..<ny { for x in 0..<nx {
                if p[i] { counts[SIMD3(x, y, z)[axis.rawValue]] += 1 }
                i += 1
            } } }
        }
        // For 0/1 values the sum of squares is the count itself.
        let sums = counts.map(Double.init)
        return SliceVariance.largest(SliceVariance.variances(sums: sums, sumsOfSquares: sums, valuesPerSlice: Double(count / n)))
    }
}
