// docs/methods.md "Masks": raw (V >= T), hard (largest 26-connected component of raw, dilated by
// ceil(2 Å / Ts) voxels with a ball, at least 1 voxel), soft (hard smoothed by a Gaussian of σ = 2 voxels,
// clipped to [0, 1]).
//
// Conventions: Ts is the X voxel size (docs/methods.md "Conventions": one Ts where a section needs one). The raw
// mask's labelling (26-connectivity) is kept for 0.b. An empty raw mask throws
// SectionError.failed("threshold too high: …"), which fails every mask-based section.
import MapIO
import VolumeNumerics

public struct Masks: Sendable {
    /// The contour threshold T (map units).
    public let threshold: Double
    /// Number of voxels in the raw mask (V >= T).
    public let rawVoxelCount: Int
    /// Number of voxels in both the raw and the hard mask.
    public let rawHardOverlapCount: Int
    /// The raw mask's 26-connected components.
    public let rawComponents: ComponentLabels
    /// Label of the largest raw component (the one the hard mask grows from).
    public let largestLabel: Int
    /// Dilation radius in voxels: ceil(2 Å / Ts), at least 1.
    public let dilationRadiusVoxels: Int
    /// Hard ("constructed") mask: largest raw component dilated by a ball.
    public let hard: BinaryMask
    /// The hard mask's bounding box (first and last voxel index on each axis); nil when it is empty.
    public let hardBox: (first: SIMD3<Int>, last: SIMD3<Int>)?
    /// Soft mask in [0, 1]: the hard mask smoothed by a Gaussian of σ = `softSigmaVoxels`, stored as the box
    /// where it is not zero (`soft.full()` makes the whole volume, for writing it to a file).
    public let soft: CroppedVolume

    /// σ of the soft mask's Gaussian, in voxels.
    public static let softSigmaVoxels = 2.0
    /// Distance the hard mask is grown by, in Å.
    public static let dilationA = 2.0

    /// Dilation radius in voxels for a voxel size `ts` (Å): ceil(2 Å / Ts), at least 1.
    public static func dilationRadius(voxelSizeA ts: Double) -> Int {
        // Clamped to 1…4096 voxels so that an absurd voxel size (1e-6 Å) cannot ask for a ball of 2·10⁶ voxels.
        Int.clamped(dilationA / ts - 1e-9, .up, to: 1...4096)
    }

    public static func build(map: Volume, threshold: Double) throws -> Masks {
        guard threshold.isFinite else {
            throw SectionError.failed("threshold T = \(threshold) is not a finite number")
        }
        let raw = BinaryMask(volume: map, threshold: threshold)
        let components = raw.connectedComponents(.vertex)
        guard let largest = components.largestLabel else {
            let maxV = Statistics.extremes(map.data).map { NumberText.format(Double($0.max)) } ?? "undefined (every voxel is NaN)"
            throw SectionError.failed(
                "threshold too high: no voxel at or above T = \(NumberText.format(threshold)) (the map's maximum is \(maxV))")
        }
        let radius = dilationRadius(voxelSizeA: map.voxelSize.x)
        var hard = components.mask(ofLabel: largest)
        hard.dilate(ballRadius: radius)
        let box = hard.boundingBox()
        let soft = softMask(hard, box: box, sigmaVoxels: softSigmaVoxels, like: map)
        return Masks(threshold: threshold, rawVoxelCount: raw.trueCount,
                     rawHardOverlapCount: raw.intersectionCount(hard), rawComponents: components,
                     largestLabel: largest, dilationRadiusVoxels: radius, hard: hard, hardBox: box, soft: soft)
    }

    /// The hard mask (whose bounding box is `box`) smoothed by a Gaussian (zero outside the box) and clipped to
    /// [0, 1]. Only the hard mask's
    /// bounding box grown by the kernel radius can be non-zero, so the smoothing runs on that crop (the same
    /// values as smoothing the whole box) and the crop is what is kept.
    static func softMask(_ hard: BinaryMask, box: (first: SIMD3<Int>, last: SIMD3<Int>)?, sigmaVoxels: Double,
                         like map: Volume) -> CroppedVolume {
        let nx = hard.nx, ny = hard.ny
        guard let box else {
            return CroppedVolume(crop: Volume(nx: 1, ny: 1, nz: 1, data: [0]), at: .zero, like: map)
        }
        let margin = GaussianFilter.kernel(sigmaVoxels: sigmaVoxels).count / 2
        let lo = SIMD3(max(0, box.first.x - margin), max(0, box.first.y - margin), max(0, box.first.z - margin))
        let hi = SIMD3(min(nx - 1, box.last.x + margin), min(ny - 1, box.last.y + margin),
                       min(hard.nz - 1, box.last.z + margin))
        let c = hi &- lo &+ 1
        // The fresh crop is written one huge page per worker (`Parallel.forEachHugePage`), row by row; the
        // clipping after the smoothing one Z plane per worker (plain loops over ~10⁷ voxels).
        var crop: [Float] = HugePages.array(count: c.x * c.y * c.z) { dst in
            hard.voxels.withUnsafeBufferPointer { m in
                Parallel.forEachHugePage(of: dst) { range in
                    var i = range.lowerBound
                    while i < range.upperBound {
                        let x0 = i % c.x, row = i / c.x, y = row % c.y, z = row / c.y
                        let length = min(c.x - x0, range.upperBound - i)
                        let src = lo.x + x0 + nx * (lo.y + y + ny * (lo.z + z))
                        for k in 0..<length { dst[i + k] = m[src + k] ? 1 : 0 }
                        i += length
                    }
                }
            }
        }
        GaussianFilter.smoothInPlace(&crop, dims: c, sigmaVoxels: sigmaVoxels)
        let plane = c.x * c.y
        crop.withUnsafeMutableBufferPointer { s in
            Parallel.perform(iterations: c.z) { z in
                for i in (z * plane)..<((z + 1) * plane) { s[i] = min(1, max(0, s[i])) }
            }
        }
        return CroppedVolume(crop: Volume(nx: c.x, ny: c.y, nz: c.z, data: crop, voxelSize: map.voxelSize), at: lo, like: map)
    }
}
