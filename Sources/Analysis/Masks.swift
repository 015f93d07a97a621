// SPEC "Masks used everywhere": raw (V >= T), hard (largest 26-connected component of raw, dilated by
// ceil(2 Å / Ts) voxels with a ball, at least 1 voxel), soft (hard smoothed by a Gaussian of σ = 2 voxels,
// clipped to [0, 1]).
//
// Conventions: Ts is the X voxel size (SPEC "Conventions": one Ts where a section needs one). The raw
// mask's labelling (26-connectivity) is kept for 0.b. An empty raw mask throws
// SectionError.failed("threshold too high: …"), which fails every mask-based section.
import MapIO
import VolumeNumerics

public struct Masks: Sendable {
    /// The contour threshold T (map units).
    public let threshold: Double
    /// Raw mask: voxels with V >= T.
    public let raw: BinaryMask
    /// The raw mask's 26-connected components.
    public let rawComponents: ComponentLabels
    /// Label of the largest raw component (the one the hard mask grows from).
    public let largestLabel: Int
    /// Dilation radius in voxels: ceil(2 Å / Ts), at least 1.
    public let dilationRadiusVoxels: Int
    /// Hard ("constructed") mask: largest raw component dilated by a ball.
    public let hard: BinaryMask
    /// Soft mask in [0, 1]: the hard mask smoothed by a Gaussian of σ = `softSigmaVoxels`.
    public let soft: Volume

    /// σ of the soft mask's Gaussian, in voxels.
    public static let softSigmaVoxels = 2.0
    /// Distance the hard mask is grown by, in Å.
    public static let dilationA = 2.0

    /// Dilation radius in voxels for a voxel size `ts` (Å): ceil(2 Å / Ts), at least 1.
    public static func dilationRadius(voxelSizeA ts: Double) -> Int {
        max(1, Int((dilationA / ts - 1e-9).rounded(.up)))
    }

    public static func build(map: Volume, threshold: Double) throws -> Masks {
        guard threshold.isFinite else {
            throw SectionError.failed("threshold T = \(threshold) is not a finite number")
        }
        let raw = BinaryMask(volume: map, threshold: threshold)
        let components = raw.connectedComponents(.vertex)
        guard let largest = components.largestLabel else {
            let maxV = Statistics.extremes(map.data).map { "\($0.max)" } ?? "undefined (every voxel is NaN)"
            throw SectionError.failed(
                "threshold too high: no voxel at or above T = \(threshold) (the map's maximum is \(maxV))")
        }
        let radius = dilationRadius(voxelSizeA: map.voxelSize.x)
        let hard = components.mask(ofLabel: largest).dilated(ballRadius: radius)
        var soft = GaussianFilter.smooth(hard.asVolume(voxelSize: map.voxelSize), sigmaVoxels: softSigmaVoxels)
        soft.data.withUnsafeMutableBufferPointer { p in
            for i in 0..<p.count { p[i] = min(1, max(0, p[i])) }
        }
        soft = map.withData(soft.data)
        return Masks(threshold: threshold, raw: raw, rawComponents: components, largestLabel: largest,
                     dilationRadiusVoxels: radius, hard: hard, soft: soft)
    }
}
