// 0.h Hand: a map of ideal right-handed α-helices reads "not flipped"; its mirror image reads "flipped".
import Foundation
import Testing
import MapIO
import VolumeNumerics
@testable import Analysis

/// Backbone (N, CA, C, O) and CB of an ideal right-handed α-helix, per residue in cylindrical coordinates:
/// (radius Å, phase offset degrees, height offset Å); residue i turns by 100° and rises 1.5 Å.
private let helixAtoms: [(Double, Double, Double)] = [(1.55, -28, -0.85), (2.3, 0, 0), (1.6, 28, 0.75),
                                                       (1.9, 38, 1.95), (3.3, -20, -0.8)]

/// 8 helices of 14 residues around the centre of a 64³ box of 1 Å voxels, random axes, atoms as Gaussians
/// of σ = 1.1 Å, joined by a smooth blob, plus white noise.
func helixMap(seed: UInt64) -> Volume {
    let n = 64
    var rng = PhantomRNG(seed: seed)
    var v = Volume(nx: n, ny: n, nz: n, voxelSize: SIMD3(1, 1, 1))
    let sigma = 1.1
    for cx in [-11.0, 11.0] { for cy in [-11.0, 11.0] { for cz in [-11.0, 11.0] {
        let centre = SIMD3(32 + cx, 32 + cy, 32 + cz)
        // Random axis u and perpendicular frame e1, e2 (right-handed frame: e1 × e2 = u).
        var u = SIMD3(rng.gaussian(), rng.gaussian(), rng.gaussian())
        u /= (u * u).sum().squareRoot()
        var e1 = abs(u.x) < 0.9 ? SIMD3(0, -u.z, u.y) : SIMD3(u.z, 0, -u.x)
        e1 /= (e1 * e1).sum().squareRoot()
        let e2 = SIMD3(u.y * e1.z - u.z * e1.y, u.z * e1.x - u.x * e1.z, u.x * e1.y - u.y * e1.x)
        let phase0 = rng.uniform() * 360
        for i in 0..<14 {
            for (r, dphi, dz) in helixAtoms {
                let th = (phase0 + 100 * Double(i) + dphi) * .pi / 180
                let h = 1.5 * (Double(i) - 6.5) + dz
                let p = centre + r * cos(th) * e1 + r * sin(th) * e2 + h * u
                let lo = SIMD3<Int>(Int(p.x) - 4, Int(p.y) - 4, Int(p.z) - 4)
                for z in lo.z...(lo.z + 8) { for y in lo.y...(lo.y + 8) { for x in lo.x...(lo.x + 8) {
                    guard x >= 0, y >= 0, z >= 0, x < n, y < n, z < n else { continue }
                    let d = SIMD3(Double(x), Double(y), Double(z)) - p
                    v[x, y, z] += Float(exp(-(d * d).sum() / (2 * sigma * sigma)))
                } } }
            }
        }
    } } }
    // A smooth "glue" blob joins the helices into one component of the raw mask (SPEC's hard mask keeps the
    // largest component only); it has no helical detail.
    let peak = v.data.max()!
    for z in 0..<n { for y in 0..<n { for x in 0..<n {
        let d = SIMD3(Double(x), Double(y), Double(z)) - 32
        v[x, y, z] += 0.25 * peak * Float(exp(-(d * d).sum() / (2 * 18 * 18)))
    } } }
    var noise = PhantomRNG(seed: seed + 1)
    v.data = v.data.map { $0 + Float(0.03 * noise.gaussian()) }
    return v
}

func mirroredX(_ v: Volume) -> Volume {
    var out = v
    for z in 0..<v.nz { for y in 0..<v.ny { for x in 0..<v.nx { out[x, y, z] = v[v.nx - 1 - x, y, z] } } }
    return out
}

@Suite struct HandTests {
    @Test func mirrorFlipsTheVerdict() throws {
        let map = helixMap(seed: 71)
        let t = Double(map.data.max()!) * 0.15
        let original = Hand().runIsolated(AnalysisContext(map: map, mapPath: "helices", threshold: t, resolution: 4))
        let mirrored = Hand().runIsolated(AnalysisContext(map: mirroredX(map), mapPath: "mirror", threshold: t, resolution: 4))
        print("0.h original: \(original.status) \(original.metrics) \(original.reason ?? "")")
        print("0.h mirrored: \(mirrored.status) \(mirrored.metrics) \(mirrored.reason ?? "")")
        let a = try #require(original.metrics["left_handed_vote_fraction"]?.doubleValue, "original: \(original.reason ?? "")")
        let b = try #require(mirrored.metrics["left_handed_vote_fraction"]?.doubleValue, "mirrored: \(mirrored.reason ?? "")")
        // The value is the weighted fraction of left-handed votes: left margins / all margins, recomputed by hand.
        for r in [original, mirrored] {
            let l = try #require(r.metrics["left_vote_weight"]?.doubleValue), rt = try #require(r.metrics["right_vote_weight"]?.doubleValue)
            let v = try #require(r.metrics["left_handed_vote_fraction"]?.doubleValue)
            #expect(abs(v - l / (l + rt)) < 1e-12, "fraction \(v), by hand \(l / (l + rt))")
        }
        #expect(a < 0.3, "right-handed helices: expected value < 0.3 (not flipped), observed \(a)")
        #expect(b > 0.7, "mirrored map: expected value > 0.7 (flipped), observed \(b)")
        #expect(original.status == .ok && mirrored.status == .warnings)
    }

    @Test func tooFewHelicesCannotBeMeasured() throws {
        // A smooth blob has no helices.
        var v = Volume(nx: 40, ny: 40, nz: 40, voxelSize: SIMD3(1, 1, 1))
        for z in 0..<40 { for y in 0..<40 { for x in 0..<40 {
            let d = SIMD3(Double(x), Double(y), Double(z)) - 20
            v[x, y, z] = Float(exp(-(d * d).sum() / 50))
        } } }
        let r = Hand().runIsolated(AnalysisContext(map: v, mapPath: "blob", threshold: 0.3, resolution: 4))
        // The reason follows "could not be measured" in the report, so it must not say it again.
        #expect(r.status == .failed && r.reason?.hasPrefix("only ") == true && r.reason?.contains("at least") == true,
                "\(r.status) \(r.reason ?? "")")
    }

    /// Random atoms have rods but no helices: the votes split evenly and the hand cannot be measured.
    @Test func randomAtomsAreInconclusive() {
        let map = randomAtomMap(n: 64, voxelA: 1, atoms: 5000, crystallographicB: 60, seed: 72,
                                weight: { p in (p - SIMD3(32, 32, 32)).squaredLength() < 24 * 24 ? 1 : 0 })
        let r = Hand().runIsolated(AnalysisContext(map: map, mapPath: "random", threshold: Double(map.data.max()!) * 0.3, resolution: 4))
        print("0.h random atoms: \(r.status) \(r.reason ?? "")")
        #expect(r.status == .failed && r.reason?.hasPrefix("the helix-like rods prefer neither hand") == true,
                "\(r.status) \(r.reason ?? "") \(r.metrics)")
    }

    @Test func binomialTest() {
        // 8 : 2 → 2·P(X ≥ 8 | n = 10) = 2·56/1024.
        #expect(abs(HelixHandedness.binomialTwoSided(8, 2) - 112.0 / 1024) < 1e-12)
        #expect(HelixHandedness.binomialTwoSided(5, 5) == 1)
    }

    @Test func notApplicableWorseThan5A() {
        var v = Volume(nx: 16, ny: 16, nz: 16, value: 1)
        v[8, 8, 8] = 2   // not constant: a map without variance is "could not be measured" before anything else
        #expect(Hand().runIsolated(AnalysisContext(map: v, mapPath: "m", threshold: 0.5, resolution: 6)).status == .notApplicable)
    }
}
