// How much a two-class split of particles follows their viewing directions (4.e). A second structure is imaged
// from the same directions as the first, so its particles are spread over the sphere like the others'. A split
// by viewing direction is something else: when a set has few distinct views, a class map reconstructed from two of
// them explains those views' particles as well as the map of all (its central sections hold exactly their data),
// so the classification can settle with those views apart even for one structure (measured: 2,000 simulated
// particles of one phantom from 12 views split 84 / 16 %, about 2 views; from 40 views they stay one class).
//
// Statistic: for each particle of the smaller class, the share of the smaller class among the particles whose
// projection direction lies within `radiusDeg` of its own (itself left out); the mean of those shares, m, is
// rescaled against the smaller class's overall share s: (m − s)/(1 − s). It is about 0 when membership does not
// depend on the direction and 1 when the two classes never look from the same direction. Directions are compared
// as they are, without symmetry expansion, because the classification they judge reconstructs its class maps in
// C1 (FixedAngleClassification): a class map made from a direction v holds no data at a symmetry mate g·v, so
// the mechanism above acts on the directions as assigned, not on their symmetry classes.
import Foundation
import VolumeNumerics

public enum ViewSeparation {
    /// The neighbourhood's angular radius (degrees): about 20 neighbours per particle for 1,000 directions spread
    /// over the sphere (a 15° cap is 1.7 % of it).
    public static let radiusDeg = 15.0
    /// Particles of the smaller class used as centres at most (seeded subset), so that the cost stays
    /// ≤ 2,000 × n dot products.
    public static let maxCentres = 2000

    /// The separation in [≈0, 1] of the particles with `inSmaller` set from the others, by their unit projection
    /// directions; nil when either class is empty or no centre has a neighbour.
    public static func separation(directions: [SIMD3<Double>], inSmaller: [Bool], radiusDeg: Double = radiusDeg,
                                  seed: UInt64 = 20_261_203) -> Double? {
        precondition(directions.count == inSmaller.count, "ViewSeparation: \(directions.count) directions, \(inSmaller.count) flags")
        var centres = inSmaller.indices.filter { inSmaller[$0] }
        let n = directions.count, smaller = centres.count
        guard smaller > 0, smaller < n else { return nil }
        if centres.count > maxCentres {
            var rng = SplitMix64(seed: seed)
            centres.shuffle(using: &rng)
            centres = Array(centres.prefix(maxCentres))
        }
        let cosRadius = cos(radiusDeg * .pi / 180)
        var sum = 0.0, counted = 0
        for c in centres {
            let d = directions[c]
            var near = 0, nearSmaller = 0
            for j in 0..<n where j != c && (d * directions[j]).sum() >= cosRadius {
                near += 1
                if inSmaller[j] { nearSmaller += 1 }
            }
            if near > 0 { sum += Double(nearSmaller) / Double(near); counted += 1 }
        }
        guard counted > 0 else { return nil }
        // The expected share of the smaller class among a centre's neighbours when membership ignores direction:
        // (smaller − 1)/(n − 1), the centre itself being left out.
        let s = Double(smaller - 1) / Double(n - 1)
        return (sum / Double(counted) - s) / (1 - s)
    }
}
