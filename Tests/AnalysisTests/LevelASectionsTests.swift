// Level A sections on a phantom (a map simulated from the DAQ model on a 1 Å grid) and on the real DAQ
// fixture. Phantom truths: the map is the model's own density (plus 2 % noise), so CC ≈ 1, inclusion ≈ 1 at a
// low contour, Q high; moving the model by 5 Å must drop CC and inclusion; a map made from side chains
// rotated off-rotamer must lower the EMRinger score.
import Foundation
import Testing
@testable import Analysis
import MapIO
import ModelIO

/// The DAQ model with uniform B, on a 1 Å grid around it (48×64×60 voxels).
func phantomModel(b: Double = 10) throws -> AtomicModel {
    var m = try ModelReader.read(path: daqModelPath)
    for i in m.atoms.indices { m.atoms[i].bFactor = b }
    return m
}

func phantomGrid() -> Volume {
    var g = Volume(nx: 48, ny: 64, nz: 60, voxelSize: SIMD3(1, 1, 1))
    g.headerOrigin = SIMD3(355, 157, 160)
    return g
}

/// The model's density at resolution R plus Gaussian noise of `noise` × the map's standard deviation.
func phantomMap(_ model: AtomicModel, resolution: Double, noise: Double = 0.02, seed: UInt64 = 7) -> Volume {
    var map = ModelMap.simulate(model: model, on: phantomGrid(), resolutionA: resolution).map
    let mean = map.data.reduce(0.0) { $0 + Double($1) } / Double(map.count)
    let sd = (map.data.reduce(0.0) { $0 + pow(Double($1) - mean, 2) } / Double(map.count)).squareRoot()
    var rng = NoiseSource(seed: seed)
    for i in map.data.indices { map.data[i] += Float(noise * sd * rng.gaussian()) }
    return map
}

@Test func phantomGivesHighAgreement() throws {
    let model = try phantomModel()
    let map = phantomMap(model, resolution: 3.0)
    let maxV = Double(map.data.max()!)
    let ctx = AnalysisContext(map: map, mapPath: "phantom", threshold: 0.1 * maxV, resolution: 3.0, model: model)
    let a = try MapModelAgreementSection().run(ctx)
    for key in ["cc_mask", "cc_box", "cc_volume"] {
        let cc = try #require(a.metrics[key]?.doubleValue)
        #expect(cc > 0.97, "\(key): expected > 0.97 (map = model density + 2 % noise), got \(cc)")
    }
    #expect(a.metrics["residues_cc_below_0_5"]?.intValue == 0)
    let b = try AtomInclusionSection().run(ctx)
    let inc = try #require(b.metrics["atom_inclusion"]?.doubleValue)
    #expect(inc > 0.97, "inclusion at 10 % of max: expected > 0.97, got \(inc)")
    #expect(b.status == .ok)
    let d = try QScoreSection().run(ctx)
    let q = try #require(d.metrics["q_mean"]?.doubleValue)
    print("phantom: CC_mask \(a.metrics["cc_mask"]!), inclusion \(inc), Q mean \(q), expected \(QScore.expected(resolutionA: 3))")
    #expect(q > QScore.expected(resolutionA: 3.0), "Q mean: expected above the 3 Å value \(QScore.expected(resolutionA: 3)), got \(q)")
    let e = try EMRingerSection().run(ctx)
    print("phantom EMRinger: \(e.metrics["emringer_score"]!), rotameric \(e.metrics["rotameric_fraction_all"]!)")
}

@Test func shiftedModelDropsAgreement() throws {
    let model = try phantomModel()
    let map = phantomMap(model, resolution: 3.0)
    let t = 0.1 * Double(map.data.max()!)
    let inPlace = AnalysisContext(map: map, mapPath: "phantom", threshold: t, resolution: 3.0, model: model)
    let moved = AnalysisContext(map: map, mapPath: "phantom", threshold: t, resolution: 3.0,
                                model: model.shifted(by: SIMD3(3, 4, 0)))   // 5 Å
    let cc0 = try #require(MapModelAgreementSection().run(inPlace).metrics["cc_mask"]?.doubleValue)
    let cc1 = try #require(MapModelAgreementSection().run(moved).metrics["cc_mask"]?.doubleValue)
    let i0 = try #require(AtomInclusionSection().run(inPlace).metrics["atom_inclusion"]?.doubleValue)
    let movedInclusion = try AtomInclusionSection().run(moved)
    let i1 = try #require(movedInclusion.metrics["atom_inclusion"]?.doubleValue)
    print("5 Å shift: CC_mask \(cc0) → \(cc1), inclusion \(i0) → \(i1)")
    #expect(cc1 < 0.3 && cc1 < cc0 - 0.5, "CC_mask after 5 Å: expected < 0.3, got \(cc1) (in place \(cc0))")
    #expect(i1 < 0.6 && i1 < i0 - 0.3, "inclusion after 5 Å: expected < 0.6, got \(i1) (in place \(i0))")
    // The rule's warning states the fraction to 0.1 % and T as the rest of the report prints it.
    #expect(movedInclusion.warnings == ["only \(NumberText.fixed(100 * i1, 1)) % of the non-hydrogen atoms lie inside "
        + "the contour at T = \(NumberText.format(t)) (rule: at least 70 %)"], "\(movedInclusion.warnings)")
    let fit = try FitCheckSection().run(moved)
    #expect(fit.status == .warnings && fit.metrics["poor_fit"] == .bool(true), "fit check: \(fit.warnings)")
}

/// The model with every EMRinger side chain's atoms beyond CB rotated about CA–CB by `degrees`.
func rotateSideChains(_ model: AtomicModel, degrees: Double) -> AtomicModel {
    var m = model
    let backbone: Set<String> = ["N", "CA", "C", "O", "CB", "OXT"]
    for r in model.residues where EMRinger.gammaAtom[r.name] != nil {
        let all = model.atoms.indices.filter {
            model.atoms[$0].chain == r.chain && model.atoms[$0].residueNumber == r.number
        }
        guard let ca = all.first(where: { model.atoms[$0].name == "CA" }),
              let cb = all.first(where: { model.atoms[$0].name == "CB" }) else { continue }
        let o = model.atoms[cb].position, axis0 = o - model.atoms[ca].position
        let k = axis0 / (axis0 * axis0).sum().squareRoot()
        let t = degrees * .pi / 180
        for i in all where !backbone.contains(model.atoms[i].name) && !model.atoms[i].name.hasPrefix("H") {
            let v = model.atoms[i].position - o
            let kxv = SIMD3(k.y * v.z - k.z * v.y, k.z * v.x - k.x * v.z, k.x * v.y - k.y * v.x)
            // Rodrigues' rotation formula.
            m.atoms[i].position = o + v * cos(t) + kxv * sin(t) + k * (k * v).sum() * (1 - cos(t))
        }
    }
    return m
}

@Test func offRotamerSideChainsLowerEMRinger() throws {
    let model = try phantomModel(b: 20)
    let rotated = rotateSideChains(model, degrees: 60)
    let good = phantomMap(model, resolution: 3.0)
    let bad = phantomMap(rotated, resolution: 3.0)
    let t = 0.1 * Double(good.data.max()!)
    let sGood = try #require(EMRingerSection().run(AnalysisContext(map: good, mapPath: "good", threshold: t, resolution: 3,
                                                                    model: model)).metrics["emringer_score"]?.doubleValue)
    let sBad = try #require(EMRingerSection().run(AnalysisContext(map: bad, mapPath: "bad", threshold: t, resolution: 3,
                                                                   model: rotated)).metrics["emringer_score"]?.doubleValue)
    print("EMRinger: rotameric \(sGood), rotated 60° \(sBad)")
    #expect(sGood > 2, "EMRinger of a map from the deposited model: expected > 2, got \(sGood)")
    #expect(sBad < sGood - 2, "EMRinger after rotating side chains by 60°: expected well below \(sGood), got \(sBad)")
}

@Test func daqFixtureLevelA() throws {
    let (map, model) = try daqFixture()
    let ctx = AnalysisContext(map: map, mapPath: daqMapPath, threshold: 0.2, resolution: 3.2, model: model)
    var report: [String] = []
    for s in LevelASections.all {
        let r = s.runIsolated(ctx)
        report.append("\(r.id) \(r.status) \(r.warnings) " + r.metrics.filter { !["per_threshold", "curve_levels", "curve_atom_inclusion", "curve_backbone_inclusion"].contains($0.key) }
                        .sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
    }
    print(report.joined(separator: "\n"))
    let rows = try LevelAPerResidue.table(ctx)
    #expect(rows.count == 195, "residues: expected 195 (one per Cα), got \(rows.count)")
}
