// SPEC "Masks used everywhere": raw (V >= T), hard (largest 26-connected component of raw, dilated by
// ceil(2 Å / Ts) voxels with a ball), soft (hard smoothed by a Gaussian of σ = 2 voxels, clipped to [0, 1]).
import MapIO
import VolumeNumerics

public struct Masks: Sendable {
    // PLACEHOLDER: to be implemented (owner: level-0 helper)
    public static func build(map: Volume, threshold: Double) throws -> Masks {
        throw SectionError.failed("masks not implemented")
    }
}
