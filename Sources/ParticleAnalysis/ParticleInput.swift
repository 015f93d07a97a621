// What the Level 3–4 sections know about the particles: where they came from and, per particle, the angles
// the user assigned (RELION ZYZ, degrees). Built by the command line from the STAR file.
import Foundation
import VolumeNumerics

public struct ParticleInput: Sendable {
    /// Path of the STAR file as given.
    public var starPath: String
    /// Number of particles in the STAR file.
    public var totalCount: Int
    /// Per particle (rot, tilt, psi) in degrees; nil when the STAR file has no angles (Level 4 does not apply).
    public var anglesDeg: [SIMD3<Double>]?
    /// Symmetry operators of the map's point group (map-space rotations), identity only for C1.
    public var symmetryOperators: [OrientationMatrix]
    public var symmetryName: String

    public init(starPath: String, totalCount: Int, anglesDeg: [SIMD3<Double>]?,
                symmetryOperators: [OrientationMatrix] = [], symmetryName: String = "C1") {
        self.starPath = starPath; self.totalCount = totalCount; self.anglesDeg = anglesDeg
        self.symmetryOperators = symmetryOperators; self.symmetryName = symmetryName
    }

    /// The viewing directions of up to `limit` particles: all of them, or a random subset drawn with a fixed
    /// seed (so that reports are reproducible). Returns the directions and how many were used.
    public func viewingDirections(limit: Int, seed: UInt64 = 20170101) -> [SIMD3<Double>]? {
        guard let angles = anglesDeg else { return nil }
        let chosen = ParticleSubset.indices(count: angles.count, limit: limit, seed: seed)
        return chosen.map { OrientationMatrix(rotDeg: angles[$0].x, tiltDeg: angles[$0].y, psiDeg: angles[$0].z).viewingDirection }
    }
}

/// A documented random subset: the first `limit` indices of a Fisher–Yates shuffle seeded with `seed`, sorted.
public enum ParticleSubset {
    public static func indices(count: Int, limit: Int, seed: UInt64) -> [Int] {
        if count <= limit { return Array(0..<count) }
        var idx = Array(0..<count)
        var rng = SplitMix64(seed: seed)
        for i in 0..<limit { idx.swapAt(i, i + Int(rng.next() % UInt64(count - i))) }
        return Array(idx[0..<limit]).sorted()
    }
}
