// AnalysisContext.takeMap: with `mayPutMapAside` the context writes the map to a spill file and lets its own copy
// go (the caller's is then the only one), reads it back on the next use of `map`, and 0.e run that way gives the
// same result as with the map kept in memory (and its masks let go during the scan, made again after).
import Foundation
import Testing
import MapIO
import VolumeNumerics
@testable import Analysis

@Suite struct MapPutAsideTests {
    func sample() -> Volume {
        Volume(nx: 9, ny: 8, nz: 7, data: (0..<504).map { Float(($0 * 37) % 101) / 7 }, voxelSize: SIMD3(1.5, 1.5, 1.5),
               headerOrigin: SIMD3(3, 4, 5))
    }

    @Test func withoutPermissionTheContextKeepsTheMap() {
        let c = AnalysisContext(map: sample(), mapPath: "m", threshold: 5, resolution: nil)
        let taken = c.takeMap()
        #expect(c.mapIsInMemory)
        #expect(taken == sample())
    }

    @Test func putAsideTheTakenCopyIsTheOnlyOneAndTheMapComesBackUnchanged() {
        let c = AnalysisContext(map: sample(), mapPath: "m", threshold: 5, resolution: nil)
        c.mayPutMapAside = true
        var taken = c.takeMap()
        #expect(!c.mapIsInMemory)
        // A uniquely held array is written in place: the buffer's address does not change.
        let before = taken.data.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) }
        taken.data[0] = -1
        let after = taken.data.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) }
        #expect(before == after, "the context still held the map's voxels")
        #expect(c.map == sample())
        #expect(c.mapIsInMemory)
        // Taken again: put aside again (from the same spill file), and back again.
        _ = c.takeMap()
        #expect(!c.mapIsInMemory)
        #expect(c.map == sample())
    }

    /// 0.e with the map put aside during MonoRes: the same metrics and figures as with the map in memory.
    @Test func localResolutionIsTheSameWithTheMapPutAside() throws {
        let map = twoHalvesMap(leftA: 8, rightA: 4.5, noise: 0.01, radiusA: 18, edgeInvA: 0.03)
        let t = thresholdKeeping(map, fraction: 0.08)
        let kept = AnalysisContext(map: map, mapPath: "phantom", threshold: t, resolution: 4.5)
        let aside = AnalysisContext(map: map, mapPath: "phantom", threshold: t, resolution: 4.5)
        aside.mayPutMapAside = true
        let a = LocalResolution().runIsolated(kept), b = LocalResolution().runIsolated(aside)
        #expect(a.status == .ok || a.status == .warnings, "\(a.reason ?? "")")
        #expect(a.metrics == b.metrics)
        // Figures hold NaN outside the mask (NaN ≠ NaN): compared by their exact text (Float descriptions round-trip).
        let sameFigures = String(describing: a.figures) == String(describing: b.figures)
        #expect(sameFigures, "the figures differ (the coloured surface is drawn from the masks made again)")
        #expect(aside.mapIsInMemory)
        // The masks, let go during the scan, were made again for the coloured surface: the same masks.
        #expect(aside.holds(.masks))
        let mk = try kept.masks(), ma = try aside.masks()
        #expect(mk.hard.voxels == ma.hard.voxels)
        #expect(mk.soft.full() == ma.soft.full())
    }

    /// 1.c puts the map aside while MonoRes runs on the halves (it reads only the halves): the same metrics and
    /// figures as with the map in memory, and the map back in memory at the end.
    @Test func localResolutionFromHalvesIsTheSameWithTheMapPutAside() {
        let map = twoHalvesMap(leftA: 8, rightA: 4.5, noise: 0.01, radiusA: 18, edgeInvA: 0.03)
        var rng = SplitMix64(seed: 23)
        func half() -> Volume { map.withData(map.data.map { $0 + Float(0.02 * (rng.uniform() - 0.5)) }) }
        let halves = (half(), half())
        let t = thresholdKeeping(map, fraction: 0.08)
        let kept = AnalysisContext(map: map, mapPath: "phantom", threshold: t, resolution: 4.5, halves: halves)
        let aside = AnalysisContext(map: map, mapPath: "phantom", threshold: t, resolution: 4.5, halves: halves)
        aside.mayPutMapAside = true
        let a = LocalResolutionFromHalves().runIsolated(kept), b = LocalResolutionFromHalves().runIsolated(aside)
        #expect(a.status == .ok || a.status == .warnings, "\(a.reason ?? "")")
        #expect(a.metrics["monores_p50_A"] != nil, "MonoRes ran: \(a.warnings)")
        #expect(a.metrics == b.metrics)
        #expect(String(describing: a.figures) == String(describing: b.figures))
        #expect(aside.mapIsInMemory)
    }
}
