// 0.e local resolution: a phantom whose two halves are low-passed at different known resolutions.
import Foundation
import Testing
import MapIO
import VolumeNumerics
@testable import Analysis

/// Random atoms (crystallographic B 20 Å²) in a sphere of `radiusA` around the centre of a 64³ box of 1 Å voxels;
/// the half x < 32 low-passed at `leftA`, the other at `rightA`, white noise of σ `noise` added.
func twoHalvesMap(leftA: Double, rightA: Double, noise: Double = 0.05, seed: UInt64 = 31, radiusA: Double = 22,
                  edgeInvA: Double = 0.01) -> Volume {
    let n = 64
    let atoms = randomAtomMap(n: n, voxelA: 1, atoms: 4000, crystallographicB: 20, seed: seed,
                              weight: { p in (p - SIMD3(32, 32, 32)).squaredLength() < radiusA * radiusA ? 1 : 0 })
    let l = atoms.filtered(RaisedCosineLowPass(cutoffInvA: 1 / leftA, widthInvA: edgeInvA))
    let r = atoms.filtered(RaisedCosineLowPass(cutoffInvA: 1 / rightA, widthInvA: edgeInvA))
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
    /// Molecule of 18 Å radius (its amplitude stays clear of the noise outside the hard mask), halves low-passed
    /// at 8 Å and 4.5 Å under weak noise (σ 0.01): each half's median within one scan step of its truth.
    @Test func twoHalvesAreSeparated() throws {
        let leftA = 8.0, rightA = 4.5
        let map = twoHalvesMap(leftA: leftA, rightA: rightA, noise: 0.01, radiusA: 18, edgeInvA: 0.03)
        let ctx = AnalysisContext(map: map, mapPath: "phantom", threshold: thresholdKeeping(map, fraction: 0.08), resolution: 4.5)
        let masks = try ctx.masks()
        let hard = masks.hard.voxels
        print("0.e phantom: hard mask \(hard.filter { $0 }.count) voxels of \(hard.count)")
        let (result, local) = try LocalResolution().evaluate(map: map, hardMask: hard, otherDensityThreshold: masks.threshold,
                                                             resolutionA: 4.5)
        var left = [Float](), right = [Float]()
        for z in 0..<64 { for y in 0..<64 { for x in 0..<64 {
            let v = local.resolutionA[x + 64 * (y + 64 * z)]
            let d = SIMD3(Double(x), Double(y), Double(z)) - 32
            guard v.isFinite, (d * d).sum() <= 16 * 16 else { continue }
            if x < 26 { left.append(v) } else if x > 38 { right.append(v) }
        } } }
        let ml = LocalValueSummary(left).percentile(50), mr = LocalValueSummary(right).percentile(50)
        let sl = local.stepA(near: leftA), sr = local.stepA(near: rightA)
        print("0.e phantom: left median \(ml) Å (truth \(leftA), step \(sl)), right median \(mr) Å (truth \(rightA), step \(sr)); p2.5 \(result.metrics["p2_5_A"]!) p50 \(result.metrics["p50_A"]!) p97.5 \(result.metrics["p97_5_A"]!); stop: \(local.stopReason)")
        #expect(abs(ml - leftA) <= sl + 1e-3, "left half: expected \(leftA) Å, observed \(ml) Å (one step \(sl) Å)")
        #expect(abs(mr - rightA) <= sr + 1e-3, "right half: expected \(rightA) Å, observed \(mr) Å (one step \(sr) Å)")
        #expect(result.figures.map(\.id) == ["0e_local_resolution_histogram", "0e_local_resolution_slices"])
        #expect(result.metrics["step_A"] == .number(0.25) && result.metrics["stop_reason"] != nil)
    }

    /// The same map multiplied by its hard mask (a masked map: background exactly 0) → not applicable, with the reason.
    @Test func maskedMapDoesNotApply() throws {
        let map = twoHalvesMap(leftA: 6, rightA: 6, noise: 0.01, radiusA: 18, edgeInvA: 0.03)
        let t = thresholdKeeping(map, fraction: 0.08)
        let hard = try AnalysisContext(map: map, mapPath: "m", threshold: t, resolution: 4.5).masks().hard.voxels
        let masked = map.withData(zip(map.data, hard).map { $1 ? $0 : 0 })
        let s = LocalResolution().runIsolated(AnalysisContext(map: masked, mapPath: "masked.mrc", threshold: t, resolution: 4.5))
        #expect(s.status == .notApplicable, "masked map: \(s.status)")
        #expect(s.reason?.contains("exactly 0") == true, "reason: \(s.reason ?? "none")")
    }

    @Test func applicability() {
        var map = Volume(nx: 16, ny: 16, nz: 16, value: 1)
        map[8, 8, 8] = 2   // not constant: a map without variance is "could not be measured" before anything else
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
