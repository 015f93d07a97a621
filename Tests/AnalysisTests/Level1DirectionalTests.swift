// 1.d section on isotropic known-truth halves: consistent metrics, near-spherical resolution, the
// overestimation warning, and figure ids. (Anisotropy against analytic truth: FSCConicalTests.)
import Foundation
import Testing
import MapIO
import VolumeNumerics
@testable import Analysis

@Suite struct Level1DirectionalTests {
    @Test func isotropicHalves() throws {
        let n = 48, t = 1.5
        let phantom = level1Phantom(n: n, voxelA: t, seed: 201)
        let halves = level1Halves(phantom, crossingInvA: 12 / (Double(n) * t), seed: 202, exponent: 12)
        let r = try DirectionalResolution().run(level1Context(phantom, halves: halves))
        expectFrequencyAxesNamedResolution(r, count: 1)
        let lo = r.metrics["directional_resolution_min_A"]!.doubleValue!, hi = r.metrics["directional_resolution_max_A"]!.doubleValue!
        let fso05 = r.metrics["fso_05_A"]!.doubleValue!, fso09 = r.metrics["fso_09_A"]!.doubleValue!, fso01 = r.metrics["fso_01_A"]!.doubleValue!
        print("1.d isotropic: directional \(lo)–\(hi) Å, FSO 0.9/0.5/0.1 \(fso09)/\(fso05)/\(fso01) Å, sphericity \(r.metrics["sphericity"]!)")
        #expect(lo <= fso05 && fso05 <= hi, "FSO 0.5 \(fso05) Å should lie within the directional range \(lo)–\(hi) Å")
        #expect(fso01 <= fso05 && fso05 <= fso09, "FSO crossings must be ordered: 0.1 \(fso01) ≤ 0.5 \(fso05) ≤ 0.9 \(fso09) Å")
        let sph = r.metrics["sphericity"]!.doubleValue!
        #expect(sph > 0.9 && sph <= 1.0001, "isotropic halves: sphericity expected ≈ 1, observed \(sph)")
        #expect(r.metrics["directional_resolution_A"]!.arrayValue!.count == 100)
        #expect(r.figures.map(\.id) == ["1d_directional_resolution", "1d_fso"])
        // The FSO plot's crossing lines sit at the metrics' resolutions; their values are in the legend (the lines
        // lie closer together than a label is wide), each line labelled with its level where that is clear.
        guard case .plot(let fso) = r.figures[1].content else { Issue.record("1d_fso is not a plot"); return }
        #expect(fso.xMarkers.map(\.label) == ["0.9", "0.5", "0.1"] && fso.xMarkers.allSatisfy { $0.labelOnlyWhereClear == true })
        #expect(zip(fso.xMarkers.map(\.value), [fso09, fso05, fso01]).allSatisfy { abs($0 - 1 / $1) < 1e-12 })
        #expect(fso.markerLegend == "FSO crossings 0.9 / 0.5 / 0.1 at "
                + [fso09, fso05, fso01].map { NumberText.format($0) }.joined(separator: " / ") + " Å", "\(fso.markerLegend ?? "none")")
        #expect(r.status == .ok, "no R: no warnings expected, got \(r.warnings)")
        let claimed = try DirectionalResolution().run(level1Context(phantom, halves: halves, resolution: 0.5 * fso05))
        #expect(claimed.status == .warnings && claimed.warnings.count == 1, "R = half FSO 0.5: one warning expected, got \(claimed.warnings)")
    }
}
