// 1.c local resolution from the halves on a phantom whose two halves of the box (x < n/2 and x ≥ n/2) carry
// noise designed to cross FSC 0.143 at 5 Å and at 3 Å. The noise-to-signal ratio grows as (s/s0)⁸ from
// 1/0.143 − 1 = 6 at s0, so the FSC = 1/(1 + 6 (s/s0)⁸) crosses BlocRes's 0.5 at s0·6^(−1/8): 6.26 Å and 3.75 Å.
// Both methods must tell the regions apart, and the local FSC must find each region's 0.5 resolution within
// 1.5 shells of its window.
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
        #expect(result.figures.map(\.id) == ["1c_local_fsc_histogram", "1c_local_fsc_slices", "1c_local_fsc_surface", "1c_monores_histogram", "1c_monores_slices"])
        // Region medians, recomputed from the same per-voxel maps the section reports on.
        let hard = try context.masks().hard.voxels
        // BlocRes-style window for R = 3 Å at 1 Å/voxel: max(20, 15) = 20 voxels, step 5; threshold 0.5.
        #expect(result.metrics["local_fsc_window_voxels"] == .int(20) && result.metrics["local_fsc_step_voxels"] == .int(5)
                && result.metrics["local_fsc_threshold"] == .number(0.5), "window/step/threshold: \(result.metrics["local_fsc_window_voxels"]!), \(result.metrics["local_fsc_step_voxels"]!), \(result.metrics["local_fsc_threshold"]!)")
        let local = LocalFSC.compute(h1, h2, mask: hard, settings: LocalFSCSettings(window: 20, step: 5, threshold: 0.5))
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
        let shellA = { (d: Double) in d * d / (20 * t) }   // one window shell at resolution d (Å)
        let truthL = 5 * pow(6, 1.0 / 8), truthR = 3 * pow(6, 1.0 / 8)
        print("1.c local FSC: left \(l) Å (truth \(truthL)), right \(r) Å (truth \(truthR)); section median \(result.metrics["local_fsc_p50_A"]!)")
        // The window's taper blurs the spectrum over a few window shells, so the steeply rising noise leaks to
        // lower shells and the local FSC reads coarser by up to about a window shell: tolerance 1.5 shells.
        #expect(abs(l - truthL) <= 1.5 * shellA(truthL), "local FSC, left region: expected \(truthL) Å, observed \(l) Å, tolerance ±\(1.5 * shellA(truthL)) Å")
        #expect(abs(r - truthR) <= 1.5 * shellA(truthR), "local FSC, right region: expected \(truthR) Å, observed \(r) Å, tolerance ±\(1.5 * shellA(truthR)) Å")
        #expect(l > r + 1, "the 5 Å region must read coarser than the 3 Å region: \(l) vs \(r) Å")
        // The 3D view: the surface vertices of each region read that region's local FSC resolution.
        if let f = result.figures.first(where: { $0.id == "1c_local_fsc_surface" }), case .surface(let views) = f.content,
           let values = views.vertexValues {
            func surfaceMedian(_ leftSide: Bool) -> Double {
                var v: [Float] = []
                for i in 0..<views.mesh.vertexCount where values[i].isFinite {
                    let x = Double(views.mesh.vertices[3 * i]) / t
                    if leftSide ? (x >= 10 && x < 20) : (x >= 28 && x < 38) { v.append(values[i]) }
                }
                v.sort()
                return v.isEmpty ? .nan : Double(v[v.count / 2])
            }
            let sl = surfaceMedian(true), sr = surfaceMedian(false)
            print("1.c surface: \(views.mesh.vertexCount) vertices, left median \(sl) Å, right \(sr) Å, range \(views.range ?? [])")
            #expect(abs(sl - l) <= 1.5 * shellA(truthL) && abs(sr - r) <= 1.5 * shellA(truthR), "surface medians \(sl), \(sr) Å vs region medians \(l), \(r) Å")
            #expect(sl > sr + 1, "surface: the 5 Å region must read coarser: \(sl) vs \(sr) Å")
        } else {
            Issue.record("1c_local_fsc_surface missing or not a surface: \(result.figures.map(\.id)), \(result.metrics["1c_local_fsc_surface_error"] ?? .null)")
        }

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
