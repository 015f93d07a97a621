// Sections O.a (cross-links) and O.b (SAXS): distances on hand-built models against values computed by hand,
// an SASD around a wall, the Debye profile of a uniform sphere against its analytic form factor, Guinier Rg of a
// simulated curve against its known value, and both real fixtures (1WCM + Pol II cross-links with the authors'
// own Cα distances; lysozyme 6LYZ + its SAXS curve).
import Foundation
import Testing
@testable import Analysis
import MapIO
import ModelIO
import TechniqueIO
import VolumeNumerics

private let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

private func ca(_ chain: String, _ residue: Int, _ p: SIMD3<Double>) -> Atom {
    Atom(position: p, element: "C", name: "CA", residueName: "LYS", residueNumber: residue, chain: chain, bFactor: 20, occupancy: 1)
}

private func context(_ model: AtomicModel) -> AnalysisContext {
    AnalysisContext(map: Volume(nx: 8, ny: 8, nz: 8), mapPath: "dummy.mrc", threshold: 0.5, resolution: nil, model: model)
}

@Test func crossLinkDistancesOnAHandBuiltModel() throws {
    let model = AtomicModel(atoms: [ca("A", 1, [0, 0, 0]), ca("B", 5, [3, 4, 12]), ca("B", 7, [-6, 8, 0])], path: "hand.pdb")
    let list = CrossLinkList(links: [
        CrossLink(protein1: "P1", residue1: 1, protein2: "P2", residue2: 5, line: 2),
        CrossLink(protein1: "P1", residue1: 1, protein2: "P2", residue2: 7, line: 3),
        CrossLink(protein1: "P1", residue1: 1, protein2: "P2", residue2: 99, line: 4),
        // The same residue at both ends: two copies' link, not measured (it would be "satisfied" at 0 Å).
        CrossLink(protein1: "P2", residue1: 5, protein2: "P2", residue2: 5, line: 5),
    ], layout: "test")
    let section = CrossLinkSection(list: list, path: "links.csv", sha256: "0", chains: ChainMapping(chainOf: ["P1": "A", "P2": "B"]),
                                   maxDistanceA: 14)
    let (measured, missing, sameResidue) = section.measure(model)
    #expect(measured.count == 2 && missing.count == 1 && sameResidue.map(\.line) == [5])
    #expect(missing[0].1 == "not in the model: P2 99 (chain B)")
    // By hand: |(3,4,12)| = 13, |(−6,8,0)| = 10.
    #expect(abs(measured[0].caDistanceA - 13) < 1e-12 && abs(measured[1].caDistanceA - 10) < 1e-12)
    // No obstacle: the 26-connected grid path between cells (the atoms sit on grid points): for the offset
    // (12, 4, 3) cells, 3 diagonal steps of √3, 1 of √2 and 8 straight ones = 3√3 + √2 + 8 = 14.610 Å; for
    // (8, 6, 0): 6√2 + 2 = 10.485 Å.
    let sqrt2: Double = 2.0.squareRoot(), sqrt3: Double = 3.0.squareRoot()
    let free1: Double = 3 * sqrt3 + sqrt2 + 8, free2: Double = 6 * sqrt2 + 2
    let sasd0: Double = measured[0].sasdA ?? -1, sasd1: Double = measured[1].sasdA ?? -1
    #expect(abs(sasd0 - free1) < 1e-9, "\(sasd0)")
    #expect(abs(sasd1 - free2) < 1e-9, "\(sasd1)")
    #expect(!measured[0].satisfied && measured[1].satisfied)
    let r = section.runIsolated(context(model))
    #expect(r.status == .ok, "\(r.reason ?? "")")   // 1 of 2 satisfied: 50 %, not below
    #expect(r.metrics["links"] == .int(4) && r.metrics["links_in_model"] == .int(2))
    #expect(r.metrics["links_same_residue"] == .int(1) && r.metrics["same_residue"]?.arrayValue?.first?["residue1"] == .string("P2 5"))
    #expect(r.metrics["fraction_satisfied"]?.doubleValue == 0.5)
    let first = r.metrics["per_link"]?.arrayValue?.first
    #expect(first?["residue1"] == .string("P1 1") && first?["satisfied"] == .bool(false))
}

@Test func sasdGoesAroundAWall() throws {
    // Two Cα 12 Å apart on either side of a square wall of carbon atoms (z = 0, |x|, |y| ≤ 10 Å, 1 Å apart).
    var atoms = [ca("A", 1, [0, 0, -6]), ca("B", 2, [0, 0, 6])]
    for x in -10...10 { for y in -10...10 {
        atoms.append(Atom(position: [Double(x), Double(y), 0], element: "C", name: "C", residueName: "WAL",
                          residueNumber: 100 + (x + 10) * 21 + (y + 10), chain: "W", bFactor: 20, occupancy: 1))
    } }
    let model = AtomicModel(atoms: atoms, path: "wall.pdb")
    let list = CrossLinkList(links: [CrossLink(protein1: "A", residue1: 1, protein2: "B", residue2: 2, line: 2)], layout: "test")
    let (m, _, _) = CrossLinkSection(list: list, path: "l.csv", sha256: "0").measure(model)
    let sasd = try #require(m.first?.sasdA)
    #expect(abs(m[0].caDistanceA - 12) < 1e-12)
    // The wall with its 1.7 Å van der Waals radius is solid for |x|, |y| < 11.7 Å and |z| < 1.7 Å, so a path
    // must pass a point at least 11.7 Å off the axis within 1 Å of z = 0: at least 2·√(11.7² + 5²) = 25.4 Å.
    // The grid path is at most ~13 % longer than the straight segments around the edge, 2·√(12² + 6²) = 26.8 Å.
    #expect(sasd > 25.4 && sasd < 1.13 * 26.84 + 1, "SASD \(sasd) Å around the wall, Cα distance 12 Å")
    #expect(m[0].satisfied == (sasd <= 33))
}

@Test func realPolIICrossLinksAgainstTheAuthorsDistances() throws {
    let csv = repoRoot.appendingPathComponent("Fixtures/xlms/polii_xlinks.csv").path
    let list = try CrossLinkList.read(path: csv)
    let model = try ModelReader.read(path: repoRoot.appendingPathComponent("Fixtures/xlms/1WCM_fitted.pdb").path)
    // 1WCM: chains A–L are Rpb1–Rpb12 (PDB entry 1WCM, RNA polymerase II; chain sizes in Fixtures/xlms/1WCM.fasta).
    let mapping = ChainMapping(chainOf: Dictionary(uniqueKeysWithValues: (1...12).map {
        ("Rpb\($0)", String(UnicodeScalar(UInt8(64 + $0))))
    }))
    // The authors' Cα–Cα distances (column "dists (CA)", 0.1 Å), read here with a plain split (no quoted fields).
    let text: String = try String(contentsOfFile: csv, encoding: .utf8)
    var authors: [Double?] = []
    // CRLF line ends: "\r\n" is one Character in Swift.
    for line in text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }).dropFirst() where !line.isEmpty {
        let fields: [String] = String(line).components(separatedBy: ",")
        authors.append(Double(fields[12]))
    }
    // Twenty links keep the debug build quick; the whole list runs in the end-to-end test.
    let subset = CrossLinkList(links: Array(list.links.prefix(20)), layout: list.layout)
    let section = CrossLinkSection(list: subset, path: csv, sha256: "0", chains: mapping)
    let (measured, missing, sameResidue) = section.measure(model)
    #expect(measured.count + missing.count + sameResidue.count == 20)
    #expect(measured.count >= 15, "\(missing.map { $0.1 })")
    for m in measured {
        guard let d = authors[m.link.line - 2] else { continue }
        #expect(abs(m.caDistanceA - d) <= 0.051, "line \(m.link.line): \(m.caDistanceA) Å, authors \(d) Å")
        if let s = m.sasdA { #expect(s >= m.caDistanceA - 1.8, "line \(m.link.line): SASD \(s) < Cα \(m.caDistanceA)") }
    }
    let r = section.runIsolated(context(model))
    #expect(r.status == .ok || r.status == .warnings, "\(r.reason ?? "")")
    #expect(r.metrics["links_in_model"] == .int(measured.count))
}

/// 3 (sin x − x cos x) / x³: the amplitude of a uniform sphere, 1 at x = 0.
private func sphereAmplitude(_ x: Double) -> Double { x < 1e-6 ? 1 : 3 * (sin(x) - x * cos(x)) / (x * x * x) }

@Test func debyeProfileOfAUniformSphere() {
    // Points on a cubic lattice (2 Å) inside a sphere of 16 Å: a uniform sphere of the same volume,
    // R_eff = (3 N a³ / 4π)^(1/3), for q well below the lattice's first reflection (2π/a = 3.1 Å⁻¹).
    let a = 2.0, R = 16.0
    var points: [SIMD3<Double>] = []
    for x in -8...8 { for y in -8...8 { for z in -8...8 {
        let p = a * SIMD3<Double>(Double(x), Double(y), Double(z))
        if (p * p).sum() <= R * R { points.append(p) }
    } } }
    let rEff = pow(3 * Double(points.count) * a * a * a / (4 * .pi), 1.0 / 3)
    let h = DebyeHistograms(positions: points, types: [Int](repeating: 0, count: points.count))
    let q = stride(from: 0.01, through: 0.40, by: 0.01).map { $0 }
    let i0 = Double(points.count * points.count)
    let profile = h.profile(q: q, factors: q.map { _ in [1.0] })
    for (k, qq) in q.enumerated() {
        let analytic = pow(sphereAmplitude(qq * rEff), 2)
        let observed = profile[k] / i0
        if analytic > 0.01 {
            #expect(abs(observed - analytic) / analytic < 0.06, "q \(qq): Debye \(observed), sphere \(analytic)")
        } else {
            #expect(abs(observed - analytic) < 0.003, "q \(qq): Debye \(observed), sphere \(analytic)")
        }
    }
    // First minimum of the sphere at q R = 4.493.
    let qMin = q[(5..<q.count).min { profile[$0] < profile[$1] }!]
    #expect(abs(qMin * rEff - 4.493) < 0.2, "first minimum at q R = \(qMin * rEff)")
}

@Test func guinierRadiusOfASimulatedCurve() {
    // A sphere of 20 Å has Rg = √(3/5)·20 = 15.49 Å. Its curve with 1 % Gaussian noise.
    let R = 20.0, rg = (3.0 / 5).squareRoot() * R
    var rng = SplitMix64(seed: 7)
    let q = stride(from: 0.01, through: 0.3, by: 0.002).map { $0 }
    let clean = q.map { 1000 * pow(sphereAmplitude($0 * R), 2) }
    let sigma = clean.map { 0.01 * $0 + 1e-3 }
    let noisy = q.indices.map { clean[$0] + sigma[$0] * rng.gaussian() }
    let g = SAXS.guinier(q: q, intensity: noisy, sigma: sigma)
    #expect(g != nil)
    // A sphere's ln I bends away from the Guinier line by its q⁴ term, so a fit up to q·Rg = 1.3 reads Rg
    // about 2 % low even without noise: allow 3 %.
    #expect(abs(g!.rgA - rg) / rg < 0.03, "Guinier Rg \(g!.rgA) Å, true \(rg) Å")
    let exact = SAXS.guinier(q: q, intensity: q.map { 1000 * exp(-$0 * $0 * rg * rg / 3) })
    #expect(abs(exact!.rgA - rg) < 1e-6, "Guinier law itself: \(exact!.rgA) Å")
    #expect(g!.qRgMax <= 1.3 + 0.002 * rg && g!.points >= 5)
    #expect(abs(g!.i0 - 1000) / 1000 < 0.02)
    // A rising curve has no Guinier region.
    #expect(SAXS.guinier(q: q, intensity: q.map { 1 + $0 }) == nil)
}

@Test func excludedVolumeFormFactorIsFrasersGaussianSphere() {
    // At q = 0 the displaced solvent has ρ0 V electrons; the Gaussian sphere's width follows by hand:
    // V = 16.44 Å³, q = 0.5 Å⁻¹: 0.334 · 16.44 · exp(−16.44^(2/3) · 0.25 / 4π) = 5.491 · exp(−0.12868) = 4.828.
    #expect(abs(FormFactors.excluded(volume: 16.44, q: 0) - 0.334 * 16.44) < 1e-12)
    #expect(abs(FormFactors.excluded(volume: 16.44, q: 0.5) - 4.8282) < 2e-3, "\(FormFactors.excluded(volume: 16.44, q: 0.5))")
    // Vacuum form factors at q = 0 are the electron counts (the tables' coefficients give N 6.9946).
    for (e, z) in [("H", 1.0), ("C", 6.0), ("N", 7.0), ("O", 8.0), ("S", 16.0)] {
        #expect(abs(FormFactors.vacuum(e, q: 0) - z) < 6e-3, "\(e): \(FormFactors.vacuum(e, q: 0))")
    }
}

@Test func lysozymeSAXSFixture() throws {
    let curve = try SAXSCurve.read(path: repoRoot.appendingPathComponent("Fixtures/saxs/imp_lyzexp.dat").path)
    let model = try ModelReader.read(path: repoRoot.appendingPathComponent("Fixtures/saxs/6lyz.pdb").path)
    let r = SAXSSection(curve: curve, path: "imp_lyzexp.dat", sha256: "0").runIsolated(context(model))
    #expect(r.status == .ok, "\(r.reason ?? "")")
    let chi2 = try #require(r.metrics["chi2"]?.doubleValue)
    let rgData = try #require(r.metrics["rg_data_A"]?.doubleValue)
    let rgModel = try #require(r.metrics["rg_model_A"]?.doubleValue)
    print("lysozyme: chi2 \(chi2), Rg data \(rgData), model \(rgModel), c1 \(r.metrics["c1"]!), c2 \(r.metrics["c2"]!)")
    // Lysozyme's radius of gyration in solution is 14–16 Å (e.g. 15.1 Å, SASBDB SASDA96 / Svergun's CRYSOL tests).
    #expect(rgData > 13.5 && rgData < 16.5)
    #expect(abs(rgModel - rgData) < 1.5)
    #expect(chi2 < 20)
    #expect(r.figures.count == 3)
}
