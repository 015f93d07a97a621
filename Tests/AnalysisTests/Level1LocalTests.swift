// 1.c local resolution from the halves on a phantom whose two halves of the box (x < n/2 and x ≥ n/2) carry
// noise designed to cross FSC 0.143 at 5 Å and at 3 Å: both methods must tell the regions apart, and the
// local FSC must find each region's resolution within one shell of its window.
import Foundation
import Testing
import MapIO
import VolumeNumerics
@testable import Analysis

@Suite struct Level1LocalTests {
    @Test func twoRegionsOfKnownResolution() throws {
        let n = 48, t = 1.0
        let phantom = level1Phantom(n: n, voxelA: t, seed: 301)
        let (a1, a2) = level1Halves(phantom, crossingInvA: 1 / 5.0, seed: 302, exponent: 8)
        let (b1, b2) = level1Halves(phantom, crossingInvA: 1 / 3.0, seed: 304, exponent: 8)
        // Left weight: 1 for x < n/2 − 3, 0 for x ≥ n/2 + 3 (and likewise across the periodic edge).
        func left(_ x: Int) -> Float {
            let d = min(abs(Double(x) - Double(n) / 2), abs(Double(x))) // distance to the nearest boundary
            let side: Float = (x >= 3 && x < n / 2 - 3) ? 1 : (x >= n / 2 + 3 && x < n - 3) ? 0 : Float(x < n / 2 ? 1 : 0)
            return d >= 3 ? side : 0.5
        }
        func combine(_ a: Volume, _ b: Volume) -> Volume {
            var out = phantom
            for i in 0..<out.count {
                let wl = left(i % n)
                out.data[i] = phantom.data[i] + wl * (a.data[i] - phantom.data[i]) + (1 - wl) * (b.data[i] - phantom.data[i])
            }
            return out
        }
        let h1 = combine(a1, b1), h2 = combine(a2, b2)
        let sorted = phantom.data.sorted()
        let context = AnalysisContext(map: phantom, mapPath: "phantom.mrc", threshold: Double(sorted[Int(0.9 * Double(sorted.count))]),
                                      resolution: 3.0, halves: (h1, h2))
        let section = LocalResolutionFromHalves()
        let result = try section.run(context)
        #expect(result.figures.map(\.id) == ["1c_local_fsc_histogram", "1c_local_fsc_slices", "1c_monores_histogram", "1c_monores_slices"])
        // Region medians, recomputed from the same per-voxel maps the section reports on.
        let hard = try context.masks().hard.voxels
        let local = LocalFSC.compute(h1, h2, mask: hard, settings: LocalFSCSettings(window: 24, step: 6))
        func regionMedian(_ values: [Float], leftSide: Bool) -> Double {
            var v: [Float] = []
            for i in 0..<values.count where hard[i] && !values[i].isNaN {
                let x = i % n
                if leftSide ? (x >= 12 && x < 20) : (x >= 28 && x < 36) { v.append(values[i]) }
            }
            v.sort()
            return Double(v[v.count / 2])
        }
        let l = regionMedian(local.resolutionA, leftSide: true), r = regionMedian(local.resolutionA, leftSide: false)
        let shellA = { (d: Double) in d * d / (24 * t) }   // one window shell at resolution d (Å)
        print("1.c local FSC: left \(l) Å (truth 5), right \(r) Å (truth 3); section median \(result.metrics["local_fsc_p50_A"]!)")
        // The window's taper blurs the spectrum over a few window shells, so the steeply rising noise leaks to
        // lower shells and the local FSC reads coarser by up to about a window shell: tolerance 1.5 shells.
        #expect(abs(l - 5) <= 1.5 * shellA(5), "local FSC, 5 Å region: observed \(l) Å, tolerance ±\(1.5 * shellA(5)) Å")
        #expect(abs(r - 3) <= 1.5 * shellA(3), "local FSC, 3 Å region: observed \(r) Å, tolerance ±\(1.5 * shellA(3)) Å")
        #expect(l > r + 1, "the 5 Å region must read coarser than the 3 Å region: \(l) vs \(r) Å")

        // MonoRes compares each voxel with one noise threshold for the whole mask, so it sees regional
        // differences of signal, not of noise: blur the left region (B = 150 Å²) under uniform noise.
        let blurred = phantom.filtered(BFactorFilter(bFactorA2: -150))
        var mixed = phantom
        for i in 0..<mixed.count { let wl = left(i % n); mixed.data[i] = wl * blurred.data[i] + (1 - wl) * phantom.data[i] }
        let (m1, m2) = level1Halves(mixed, crossingInvA: 1 / 3.0, seed: 306, exponent: 8)
        let mean = phantom.withData(zip(m1.data, m2.data).map { ($0 + $1) / 2 })
        let noise = phantom.withData(zip(m1.data, m2.data).map { ($0 - $1) / 2 })
        let mono = try MonoRes.localResolution(map: mean, mask: hard, settings: LocalResolution.settings(for: mean, resolutionA: 3), noise: noise)
        let ml = regionMedian(mono.resolutionA, leftSide: true), mr = regionMedian(mono.resolutionA, leftSide: false)
        print("1.c MonoRes on halves: blurred left \(ml) Å, sharp right \(mr) Å")
        #expect(ml > mr + 0.5, "MonoRes must find the blurred left region coarser: left \(ml) Å, right \(mr) Å")
        #expect(result.metrics["monores_p50_A"] != nil && result.metrics["local_fsc_resolution_percentile"] != nil)
    }
}
