// Level A against independent truth: atom inclusion on the real DAQ fixture against mrcfile + scipy;
// Q-score of an analytic Gaussian atom (Q = 1) and of noise (Q ≈ 0); EMRinger geometry by hand; PDB and
// mmCIF versions of one model giving identical Level A results.
import Foundation
import Testing
@testable import Analysis
import MapIO
import ModelIO
import TestSupport

@Test func inclusionMatchesScipyOnDAQ() throws {
    let (map, model) = try daqFixture()
    for t in [0.1, 0.2, 0.3] {
        let ctx = AnalysisContext(map: map, mapPath: daqMapPath, threshold: t, resolution: 3.2, model: model)
        let r = try AtomInclusionSection().run(ctx)
        let out = try runOracle("levelA_inclusion.py", arguments: [daqMapPath, daqModelPath, String(t)])
        let v = out.split(separator: " ").compactMap { Double($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        let ours = try #require(r.metrics["atom_inclusion"]?.doubleValue)
        let bb = try #require(r.metrics["backbone_inclusion"]?.doubleValue)
        // Identical rules, so only float rounding of values right at T may differ: at most one atom.
        #expect(abs(ours - v[0]) <= 1.0 / 1428 + 1e-12, "inclusion at \(t): scipy \(v[0]), ours \(ours), error \(ours - v[0])")
        #expect(abs(bb - v[1]) <= 1.0 / 780 + 1e-12, "backbone inclusion at \(t): scipy \(v[1]), ours \(bb)")
    }
}

@Test func qScoreOfAnIdealGaussianAtomIsOne() {
    // An isolated atom whose density is exactly the reference Gaussian (σ = 0.6 Å) on a fine 0.25 Å grid:
    // Q = 1 up to interpolation error. A second atom 3.5 Å away does not change that.
    var map = Volume(nx: 64, ny: 48, nz: 48, voxelSize: SIMD3(0.25, 0.25, 0.25))
    let atoms = [SIMD3(6.0, 6.1, 5.9), SIMD3(9.5, 6.1, 5.9)]
    for z in 0..<48 { for y in 0..<48 { for x in 0..<64 {
        let p = SIMD3(Double(x), Double(y), Double(z)) * 0.25
        var v = 0.0
        for a in atoms { let d = p - a; v += exp(-(d * d).sum() / (2 * 0.36)) }
        map[x, y, z] = Float(v)
    } } }
    let q = QScore.atomScores(positions: atoms, map: map)
    for (i, v) in q.enumerated() {
        #expect(v != nil && v! > 0.99, "Q of ideal atom \(i): expected ≈ 1, got \(String(describing: v))")
    }
    // Pure noise: no correlation with the reference profile.
    var rng = NoiseSource(seed: 3)
    var noise = map
    for i in noise.data.indices { noise.data[i] = Float(rng.gaussian()) }
    let qn = QScore.atomScores(positions: atoms, map: noise).compactMap { $0 }
    for v in qn { #expect(abs(v) < 0.35, "Q on noise: expected ≈ 0, got \(v)") }
}

@Test func qScoreExpectedValueFromThePaper() {
    // Pintilie et al. 2020: Q ≈ −0.178·R + 1.119, e.g. 0.5494 at 3.2 Å, 0.763 at 2 Å.
    #expect(abs(QScore.expected(resolutionA: 3.2) - 0.5494) < 1e-12)
    #expect(abs(QScore.expected(resolutionA: 2.0) - 0.763) < 1e-12)
}

@Test func emringerGeometryByHand() {
    // N, CA, CB in a plane; γ placed at χ1 = 60° must measure 60°, with bond 1.52 Å and angle 114°.
    let n = SIMD3(-1.0, 1.0, 0.0), ca = SIMD3(0.0, 0.0, 0.0), cb = SIMD3(1.5, 0.0, 0.0)
    for chi in [0.0, 60.0, 180.0, 300.0, 355.0] {
        let g = EMRinger.place(n, ca, cb, bond: 1.52, angle: 114 * .pi / 180, chi: chi * .pi / 180)
        let measured = EMRinger.dihedral(n, ca, cb, g)
        let diff = abs(((measured - chi + 540).truncatingRemainder(dividingBy: 360)) - 180)
        #expect(diff < 1e-9, "χ1: placed \(chi)°, measured \(measured)°")
        #expect(abs(length(g - cb) - 1.52) < 1e-12)
    }
    // Hand-computed: with N at (−1, 1, 0), CA at 0, CB on +x, γ in the N side of the plane is 0°, opposite 180°,
    // and γ at (2, 0, +1) is +90° (IUPAC: clockwise seen from CA towards CB, i.e. right-handed about +x).
    #expect(abs(EMRinger.dihedral(n, ca, cb, SIMD3(2.0, 0.0, 1.0)) - 90) < 1e-9)
    #expect(abs(EMRinger.dihedral(n, ca, cb, SIMD3(2.0, 1.0, 0.0)) - 0) < 1e-9)
    #expect(abs(EMRinger.dihedral(n, ca, cb, SIMD3(2.0, -1.0, 0.0)) - 180) < 1e-9)
    // Rotameric windows c − 30° … c + 30°, ends included (13 of the 72 samples each, 39 in all).
    #expect(EMRinger.isRotameric(30) && EMRinger.isRotameric(90) && !EMRinger.isRotameric(95) && !EMRinger.isRotameric(25))
    #expect(!EMRinger.isRotameric(0) && EMRinger.isRotameric(330) && !EMRinger.isRotameric(335))
    #expect((0..<72).filter { EMRinger.isRotameric(Double($0) * 5) }.count == 39)
    // Score by hand: N = n = 100 residues above the threshold, m = 70 rotameric. Chance 39/72:
    // mean 54.1667, sd √(100·39/72·33/72) = 4.98260, Z = 15.8333/4.98260 = 3.17772, score = 10·Z/√100 = 3.17772.
    let scans = (0..<100).map { i in
        EMRinger.ResidueScan(residue: i, peakDeg: i < 70 ? 60 : 0, peakValue: 1, modelChi1Deg: 60, meanDensity: 0) }
    let s = EMRinger.score(scans, threshold: 0.5)
    #expect(abs(s.score - 3.17772) < 1e-5 && s.residuesAbove == 100 && s.rotameric == 70, "score: expected 3.17772, got \(s.score)")
    // Peaks exactly at the threshold are not above it.
    #expect(EMRinger.score(scans, threshold: 1).residuesAbove == 0)
}

@Test func pdbAndMmCIFGiveIdenticalLevelAResults() throws {
    let dir = try TestScratch.directory("levelA")
    defer { try? FileManager.default.removeItem(at: dir) }
    let cif = dir.appendingPathComponent("3J6B_9.cif").path
    _ = try runOracle("levelA_write_mmcif.py", arguments: [daqModelPath, cif])
    let map = try readSimpleMRC(daqMapPath)
    let fromPDB = try ModelReader.read(path: daqModelPath)
    var fromCIF = try ModelReader.read(path: cif)
    fromCIF.path = fromPDB.path   // the file name is the only thing allowed to differ
    let a = AnalysisContext(map: map, mapPath: daqMapPath, threshold: 0.2, resolution: 3.2, model: fromPDB)
    let b = AnalysisContext(map: map, mapPath: daqMapPath, threshold: 0.2, resolution: 3.2, model: fromCIF)
    for s in LevelASections.all {
        let ra = s.runIsolated(a), rb = s.runIsolated(b)
        #expect(ra == rb, "section \(s.id) differs between the PDB and mmCIF versions")
    }
    #expect(try LevelAPerResidue.table(a) == LevelAPerResidue.table(b))
}
