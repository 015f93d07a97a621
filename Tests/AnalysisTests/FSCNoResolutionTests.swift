// Curves below their threshold from the lowest frequencies give no resolution (docs/methods.md, "FSC
// crossings"): halves of two unrelated phantoms (1.a, 1.b, 1.d) and a model shifted by 10 Å (A.a). Truth: the
// curves themselves, checked here to lie below the threshold from shell 2 on; the sections must then report
// null with a flag and a warning, leave the value out of the front-page estimates, and never print the
// Nyquist resolution as a result.
import Foundation
import Testing
import MapIO
import VolumeNumerics
import ModelIO
@testable import Analysis

/// Two unrelated phantoms: random atoms (B 40 Å²) spread over the whole periodic box, so that they share no
/// envelope and correlate only by chance (|FSC| ≈ 1/√(n/2) per shell). Voxel 1.37 Å: Nyquist 2.74 Å.
func unrelatedHalves(n: Int = 40) -> (Volume, Volume) {
    (randomAtomMap(n: n, voxelA: 1.37, atoms: n * n, crystallographicB: 40, seed: 301),
     randomAtomMap(n: n, voxelA: 1.37, atoms: n * n, crystallographicB: 40, seed: 302))
}

/// The map = the mean of the halves; T at the 30th percentile so that the mask covers most of the box.
func unrelatedContext(_ h: (Volume, Volume), resolution: Double? = 3) -> AnalysisContext {
    let map = h.0.withData(zip(h.0.data, h.1.data).map { ($0 + $1) / 2 })
    let sorted = map.data.sorted()
    return AnalysisContext(map: map, mapPath: "unrelated.mrc", threshold: Double(sorted[Int(0.3 * Double(sorted.count))]),
                           resolution: resolution, halves: h)
}

/// Every number in a metrics dictionary (recursively), with its key path.
func numbers(_ m: [String: JSONValue], prefix: String = "") -> [(String, Double)] {
    m.flatMap { (k, v) -> [(String, Double)] in
        switch v {
        case .number(let d): return [(prefix + k, d)]
        case .int(let i): return [(prefix + k, Double(i))]
        case .object(let o): return numbers(o, prefix: prefix + k + ".")
        case .array(let a):
            return a.enumerated().flatMap { (i, e) -> [(String, Double)] in
                numbers(["\(i)": e], prefix: prefix + k + ".")
            }
        default: return []
        }
    }
}

/// Independent check of the crossing rule on a curve (shells 0 … Nyquist): nil when the curve is below the
/// threshold at every shell from 2 on, else the interpolated first downward crossing from the pair (2, 3) on
/// (the Nyquist frequency when there is none).
func expectedCrossing(_ y: [Double], _ t: [Double], _ f: [Double]) -> Double?? {
    if (2..<y.count).allSatisfy({ y[$0] < t[$0] }) { return .some(nil) }
    for s in 3..<y.count where y[s - 1] >= t[s - 1] && y[s] < t[s] {
        let d0 = y[s - 1] - t[s - 1], d1 = y[s] - t[s]
        return .some(f[s - 1] + d0 / (d0 - d1) * (f[s] - f[s - 1]))
    }
    return .some(f.last!)
}

@Suite struct FSCNoResolutionTests {
    /// Every 1.a value against the rule recomputed here from the reported curves; the curves without resolution
    /// must give null, a flag, a warning for the front-page estimators, and no front-page entry.
    @Test func unrelatedHalvesGiveNoResolution() throws {
        let h = unrelatedHalves()
        let ctx = unrelatedContext(h)
        let nyquistA = 2 * 1.37
        let a = try GlobalResolution().run(ctx)
        let f = try #require(a.metrics["frequency_invA"]?.arrayValue).map { $0.doubleValue! }
        let counts = try #require(a.metrics["voxels_per_shell"]?.arrayValue).map { $0.doubleValue! }
        let thresholds: [(String, FSCThreshold)] = [("0143", .fixed(0.143)), ("05", .fixed(0.5)),
                                                    ("half_bit", .halfBit), ("one_bit", .oneBit)]
        var none: [String] = []
        for curve in ["unmasked", "masked", "corrected"] {
            let y = try #require(a.metrics["fsc_\(curve)"]?.arrayValue).map { $0.doubleValue! }
            for (key, thr) in thresholds {
                let expected = try #require(expectedCrossing(y, counts.map { thr.value(voxelCount: $0) }, f))
                let metric = a.metrics["resolution_\(curve)_\(key)_A"]!
                if let e = expected {
                    #expect(metric.doubleValue.map { abs($0 - 1 / e) < 1e-9 } == true, "\(curve) \(key): expected \(1 / e) Å, got \(metric)")
                    #expect(a.metrics["no_resolution_\(curve)_\(key)"] == .bool(false))
                } else {
                    none.append("\(curve)_\(key)")
                    #expect(metric == .null && a.metrics["no_resolution_\(curve)_\(key)"] == .bool(true), "\(curve) \(key): expected no resolution, got \(metric)")
                }
            }
        }
        print("1.a unrelated halves: no resolution for \(none); warnings \(a.warnings)")
        // Truth that does not depend on chance: half-bit and one-bit are far above unrelated curves (|FSC| ≈ 1/√(n/2)).
        for key in ["unmasked_half_bit", "unmasked_one_bit", "corrected_half_bit", "corrected_one_bit"] {
            #expect(none.contains(key), "\(key): unrelated halves must give no resolution")
        }
        #expect(a.warnings.contains { $0.hasPrefix("no resolution: the masked, corrected FSC is below the half-bit curve from the lowest frequencies") },
                "1.a warnings: \(a.warnings)")
        let names = (a.metrics["resolution_estimates_A"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
        #expect(!names.contains("FSC half-bit (masked, corrected)") && !names.contains("FSC one-bit (masked, corrected)"),
                "front-page estimates must leave out the curves without resolution: \(names)")
        for (name, key) in [("FSC 0.143 (masked, corrected)", "corrected_0143"), ("FSC 0.143 (unmasked)", "unmasked_0143")] {
            #expect(names.contains(name) == !none.contains(key), "front page and \(key) disagree: \(names)")
        }
        // No reported resolution is the Nyquist resolution (its own metric aside), and the text does not need it.
        for (k, d) in numbers(a.metrics) where k != "nyquist_A" && k.hasSuffix("_A") {
            #expect(abs(d - nyquistA) > 1e-6, "1.a \(k) = \(d) Å is the Nyquist resolution")
        }
        #expect(a.metrics["any_at_nyquist"] == .bool(false) && a.metrics["any_no_resolution"] == .bool(true))

        let b = try FSCPermutation().run(ctx)
        #expect(b.metrics["n_significant_shells"]?.intValue == 0, "1.b: \(b.metrics["n_significant_shells"]!) significant shells")
        #expect(b.metrics["resolution_A"] == .null && b.metrics["no_resolution"] == .bool(true)
                && b.metrics["resolution_estimates_A"]?.arrayValue?.isEmpty == true)
        #expect(b.warnings.contains { $0.hasPrefix("no resolution:") }, "1.b warnings: \(b.warnings)")

        let d = try DirectionalResolution().run(ctx)
        print("1.d unrelated: FSO 0.5 \(d.metrics["fso_05_A"]!), directions without resolution \(d.metrics["n_directions_without_resolution"]!)")
        let fso = try #require(d.metrics["fso"]?.arrayValue).map { $0.doubleValue! }
        let df = try #require(d.metrics["frequency_invA"]?.arrayValue).map { $0.doubleValue! }
        for (level, key) in [(0.9, "fso_09_A"), (0.5, "fso_05_A"), (0.1, "fso_01_A")] {
            let expected = try #require(expectedCrossing(fso, fso.map { _ in level }, df))
            let matches: Bool
            if let e = expected { matches = d.metrics[key]?.doubleValue.map { abs($0 - 1 / e) < 1e-9 } == true } else { matches = d.metrics[key] == .null }
            #expect(matches,
                    "\(key): expected \(expected.map { 1 / $0 } as Any), got \(d.metrics[key]!)")
        }
        for (k, v) in numbers(d.metrics) where k.hasSuffix("_A") || k.hasPrefix("directional_resolution_A") {
            #expect(abs(v - nyquistA) > 1e-6, "1.d \(k) = \(v) Å is the Nyquist resolution")
        }
    }

    /// relion_postprocess on the same unrelated halves and soft mask: its unmasked and masked curves, read by the
    /// same rule, give no resolution where ours do and the same crossing (within a quarter shell) where ours cross.
    @Test func unrelatedHalvesAgreeWithRelion() throws {
        guard let relion = findExecutable("relion_postprocess") else {
            print("SKIPPED unrelatedHalvesAgreeWithRelion: relion_postprocess not found on PATH (Debian package relion)")
            return
        }
        let h = unrelatedHalves()
        let ctx = unrelatedContext(h)
        let ours = try GlobalResolution().run(ctx)
        let table = try relionPostprocess(relion, halves: h, mask: try ctx.masks().soft.full(), voxelA: 1.37)
        let freqs = try #require(table.column("_rlnResolution"))
        let shellWidth = 1 / (40 * 1.37)
        for (label, curve) in [("_rlnFourierShellCorrelationUnmaskedMaps", "unmasked"), ("_rlnFourierShellCorrelationMaskedMaps", "masked")] {
            let y = try #require(table.column(label))
            for (thr, key) in [(0.5, "05"), (0.143, "0143")] {
                let relionCrossing = FSCCrossings.firstDownward(y, thresholds: y.map { _ in thr }, frequencies: freqs).frequencyInvA(freqs)
                let oursA = ours.metrics["resolution_\(curve)_\(key)_A"]?.doubleValue
                print("unrelated halves, \(curve) \(thr): RELION \(relionCrossing.map { 1 / $0 } as Any) Å, ours \(oursA as Any) Å")
                #expect((relionCrossing == nil) == (oursA == nil), "\(curve) \(thr): RELION and ours disagree on whether there is a resolution")
                if let f = relionCrossing, let d = oursA {
                    // A chance crossing between two noise-level shells moves with small differences in the
                    // curves (interpolation divides by their difference): a quarter of a shell.
                    #expect(abs(f - 1 / d) / shellWidth < 0.25, "\(curve) \(thr): RELION \(1 / f) Å, ours \(d) Å")
                }
            }
        }
        // The 0.5 curves of unrelated halves give no resolution in both programs' curves.
        #expect(ours.metrics["resolution_unmasked_05_A"] == .null && ours.metrics["resolution_masked_05_A"] == .null)
    }

    /// A model fragment in a 40 Å box (1 Å voxels), the map made from it, the model then moved by 10 Å: at 20 Å
    /// (shell 2) the shift is half a period, so the masked map–model FSC is below 0.5 from the lowest frequencies;
    /// there is no d_FSC(0.5), and the warning says so instead of staying silent.
    @Test func modelShiftedTenAngstromGivesNoMaskedFSC05() throws {
        let full = try phantomModel()
        let centre = full.atoms.map(\.position).reduce(SIMD3<Double>.zero, +) / Double(full.atoms.count)
        let fragment = AtomicModel(atoms: full.atoms.filter { a in
            let d = a.position - centre
            return abs(d.x) < 14 && abs(d.y) < 14 && abs(d.z) < 14
        }, path: "fragment.pdb")
        var grid = Volume(nx: 40, ny: 40, nz: 40, voxelSize: SIMD3(1, 1, 1))
        grid.headerOrigin = centre - SIMD3(20, 20, 20)
        let map = ModelMap.simulate(model: fragment, on: grid, resolutionA: 3.0).map
        let t = 0.1 * Double(map.data.max()!)
        let moved = AnalysisContext(map: map, mapPath: "fragment", threshold: t, resolution: 3.0,
                                    model: fragment.shifted(by: SIMD3(10, 0, 0)))
        let a = try MapModelAgreementSection().run(moved)
        let masked = (a.metrics["fsc_masked"]?.arrayValue ?? []).map { $0.doubleValue ?? 0 }   // shells 1 … Nyquist
        print("A.a 10 Å shift (\(fragment.atoms.count) atoms): masked FSC \(masked.prefix(8).map { String(format: "%.3f", $0) }), 0.5: \(a.metrics["fsc_masked_0_5_A"]!)")
        // Truth: the curve (shell s at index s − 1) is below 0.5 from shell 2 on.
        #expect(masked.count > 3 && masked.dropFirst().allSatisfy { $0 < 0.5 }, "construction: masked FSC should be < 0.5 from shell 2 on")
        #expect(a.metrics["fsc_masked_0_5_A"] == .null && a.metrics["fsc_masked_0_5_no_resolution"] == .bool(true)
                && a.metrics["fsc_masked_0_5_at_nyquist"] == .bool(false))
        #expect(a.warnings.contains { $0.hasPrefix("no resolution: the masked map–model FSC is below 0.5") }, "A.a warnings: \(a.warnings)")
        let nyquistA = try #require(a.metrics["fsc_nyquist_A"]?.doubleValue)
        for key in ["fsc_masked_0_5_A", "fsc_masked_0_143_A", "fsc_unmasked_0_5_A", "fsc_unmasked_0_143_A"] {
            if let v = a.metrics[key]?.doubleValue { #expect(abs(v - nyquistA) > 1e-6, "\(key) is the Nyquist resolution") }
        }
        // In place, the same map and model cross 0.5 and the rule stays quiet.
        let inPlace = try MapModelAgreementSection().run(AnalysisContext(map: map, mapPath: "fragment", threshold: t,
                                                                         resolution: 3.0, model: fragment))
        #expect(inPlace.metrics["fsc_masked_0_5_A"]?.doubleValue != nil && inPlace.metrics["fsc_masked_0_5_no_resolution"] == .bool(false))
        #expect(!inPlace.warnings.contains { $0.hasPrefix("no resolution") })
    }
}
