// 0.e local resolution: a phantom whose two halves are low-passed at different known resolutions.
import Foundation
import Testing
import MapIO
import VolumeNumerics
@testable import Analysis

/// Random atoms (crystallographic B 20 Å²) in a sphere of 22 Å around the centre of a 64³ box of 1 Å voxels;
/// the half x < 32 low-passed at `leftA`, the other at `rightA`, white noise of σ `noise` added.
func twoHalvesMap(leftA: Double, rightA: Double, noise: Double = 0.05, seed: UInt64 = 31) -> Volume {
    let n = 64
    let atoms = randomAtomMap(n: n, voxelA: 1, atoms: 4000, crystallographicB: 20, seed: seed,
                              weight: { p in (p - SIMD3(32, 32, 32)).squaredLength() < 22 * 22 ? 1 : 0 })
    let l = atoms.filtered(RaisedCosineLowPass(cutoffInvA: 1 / leftA, widthInvA: 0.01))
    let r = atoms.filtered(RaisedCosineLowPass(cutoffInvA: 1 / rightA, widthInvA: 0.01))
    var rng = PhantomRNG(seed: seed + 7)
    var out = atoms
    for z in 0..<n { for y in 0..<n { for x in 0..<n {
        let w = Float(1 / (1 + exp((Double(x) - 32) / 1.5)))
        let i = atoms.index(x, y, z)
        out.data[i] = w * l.data[i] + (1 - w) * r.data[i] + Float(noise * rng.gaussian())
    } } }
    return out
}

/// A threshold that keeps the top `fraction` of the voxels of the map low-passed at 10 Å: a molecule-shaped mask.
func thresholdKeeping(_ map: Volume, fraction: Double) -> Double {
    let s = map.data.sorted()
    return Double(s[Int(Double(s.count) * (1 - fraction))])
}

@Suite struct LocalResolutionTests {
    @Test func twoHalvesAreSeparated() throws {
        let leftA = 8.0, rightA = 4.5
        let map = twoHalvesMap(leftA: leftA, rightA: rightA)
        let ctx = AnalysisContext(map: map, mapPath: "phantom", threshold: thresholdKeeping(map, fraction: 0.08), resolution: 4.5)
        let hard = try ctx.masks().hard.voxels
        print("0.e phantom: hard mask \(hard.filter { $0 }.count) voxels of \(hard.count)")
        let (result, local) = try LocalResolution().evaluate(map: map, hardMask: hard, resolutionA: 4.5)
        let step = result.metrics["band_step_invA"]!.doubleValue!
        var left = [Float](), right = [Float]()
        for z in 0..<64 { for y in 0..<64 { for x in 0..<64 {
            let v = local.resolutionA[x + 64 * (y + 64 * z)]
            guard v.isFinite else { continue }
            if x < 26 { left.append(v) } else if x > 38 { right.append(v) }
        } } }
        let ml = LocalValueSummary(left).percentile(50), mr = LocalValueSummary(right).percentile(50)
        print("0.e phantom: left median \(ml) Å (truth \(leftA)), right median \(mr) Å (truth \(rightA)), step \(step) 1/Å; metrics p2.5 \(result.metrics["p2_5_A"]!) p50 \(result.metrics["p50_A"]!) p97.5 \(result.metrics["p97_5_A"]!)")
        #expect(abs(1 / ml - 1 / leftA) <= step, "left half: expected \(leftA) Å, observed \(ml) Å (1/Å error \(1 / ml - 1 / leftA), step \(step))")
        #expect(abs(1 / mr - 1 / rightA) <= step, "right half: expected \(rightA) Å, observed \(mr) Å (1/Å error \(1 / mr - 1 / rightA), step \(step))")
        // The overall distribution spans both populations.
        let p25 = result.metrics["p25_A"]!.doubleValue!, p75 = result.metrics["p75_A"]!.doubleValue!
        #expect(p25 < 6 && p75 > 6.5, "quartiles \(p25) … \(p75) Å should straddle the two populations")
        #expect(result.figures.map(\.id) == ["0e_local_resolution_histogram", "0e_local_resolution_slices"])
        let pr = result.metrics["resolution_percentile"]!.doubleValue!
        #expect(pr > 1 && pr < 60, "R = 4.5 Å is the right half's resolution: percentile \(pr)")
    }

    @Test func applicability() {
        let map = Volume(nx: 16, ny: 16, nz: 16, value: 1)
        for r in [nil, 1.5, 14.0] as [Double?] {
            let s = LocalResolution().runIsolated(AnalysisContext(map: map, mapPath: "m", threshold: 0.5, resolution: r))
            #expect(s.status == .notApplicable, "R = \(String(describing: r)): \(s.status)")
        }
    }

    @Test func percentilesFollowNumpy() {
        let s = LocalValueSummary([5, 1, 4, 2, 3])
        #expect(s.percentiles == [1.1, 2, 3, 4, 4.9].map { $0 }, "\(s.percentiles)")
    }
}
