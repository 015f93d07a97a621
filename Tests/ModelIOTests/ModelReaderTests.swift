// Model reader: the real DAQ fixture (counts from Fixtures/README.md), an mmCIF written by an independent
// Python script (Tests/Oracles/levelA_write_mmcif.py), gzip, and clear errors for files that are not models.
import Foundation
import Testing
import TestSupport
@testable import ModelIO

private let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
private let daqPDB = repoRoot.appendingPathComponent("Fixtures/daq/3J6B_9.pdb").path

private func tempDir() -> URL {
    let d = try! TestScratch.directory("modelio")
    return d
}

private func run(_ exe: String, _ args: [String]) throws -> Int32 {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: exe)
    p.arguments = args
    try p.run(); p.waitUntilExit()
    return p.terminationStatus
}

@Test func readsDAQFixtureCounts() throws {
    let m = try ModelReader.read(path: daqPDB)
    // Fixtures/README.md (B max 194.59 in the file, README rounds to 194.6): 2865 ATOM records, C 919, N 250, O 254, S 5, H 1437; chain "9"; residues 29–241.
    #expect(m.atoms.count == 2865, "atoms: expected 2865, got \(m.atoms.count)")
    var byElement: [String: Int] = [:]
    for a in m.atoms { byElement[a.element, default: 0] += 1 }
    #expect(byElement == ["C": 919, "N": 250, "O": 254, "S": 5, "H": 1437], "elements: \(byElement)")
    #expect(m.atoms.filter(\.isHydrogen).count == 1437)
    #expect(Set(m.atoms.map(\.chain)) == ["9"])
    #expect(m.atoms.map(\.residueNumber).min() == 29 && m.atoms.map(\.residueNumber).max() == 241)
    #expect(m.atoms.filter { $0.name == "CA" }.count == 195)
    let first = m.atoms[0]
    #expect(first.name == "N" && first.residueName == "VAL" && first.residueNumber == 29)
    #expect(abs(first.position.x - 374.004) < 1e-9 && abs(first.position.y - 218.320) < 1e-9
            && abs(first.position.z - 164.211) < 1e-9, "first atom at \(first.position)")
    // gemmi stores B and occupancy as float32.
    #expect(abs(first.bFactor - 125.99) < 1e-4 && abs(first.occupancy - 1.0) < 1e-6)
    #expect(m.atoms.filter { $0.occupancy == 0 }.count == 61)
    let bs = m.atoms.map(\.bFactor)
    #expect(abs(bs.min()! - 40.0) < 1e-4 && abs(bs.max()! - 194.59) < 1e-4, "B range \(bs.min()!)–\(bs.max()!)")
}

@Test func mmCIFAndGzipGiveIdenticalAtoms() throws {
    let dir = tempDir(); defer { try? FileManager.default.removeItem(at: dir) }
    let cif = dir.appendingPathComponent("model.cif").path
    let script = repoRoot.appendingPathComponent("Tests/Oracles/levelA_write_mmcif.py").path
    #expect(try run("/usr/bin/python3", [script, daqPDB, cif]) == 0)
    let pdb = try ModelReader.read(path: daqPDB)
    let fromCIF = try ModelReader.read(path: cif)
    #expect(fromCIF.atoms.count == pdb.atoms.count, "mmCIF atoms \(fromCIF.atoms.count) vs PDB \(pdb.atoms.count)")
    #expect(fromCIF.atoms == pdb.atoms, "mmCIF atoms differ from the PDB atoms")
    // gzipped copy, with a name that does not say the format
    let gz = dir.appendingPathComponent("model.txt.gz").path
    try FileManager.default.copyItem(atPath: daqPDB, toPath: dir.appendingPathComponent("model.txt").path)
    #expect(try run("/usr/bin/gzip", [dir.appendingPathComponent("model.txt").path]) == 0)
    let fromGz = try ModelReader.read(path: gz)
    #expect(fromGz.atoms == pdb.atoms)
}

@Test func electronScatteringFactorsFromTable() throws {
    // International Tables C 4.3.2.2, carbon: a = 0.0893 0.2563 0.757 1.0487 0.3575, f(0) = Σa = 2.5088 Å.
    let c = try #require(ElectronScatteringFactor(element: "C"))
    #expect(abs(c.value(s: 0) - 2.5088) < 1e-9, "f_C(0): expected 2.5088, got \(c.value(s: 0))")
    #expect(abs(c.b[4] - 50.2523) < 1e-9)
    #expect(ElectronScatteringFactor(element: "Fe") != nil && ElectronScatteringFactor(element: "FE") != nil)
    #expect(ElectronScatteringFactor(element: "Qq") == nil)
}

@Test func notAModelGivesClearErrors() throws {
    let dir = tempDir(); defer { try? FileManager.default.removeItem(at: dir) }
    #expect(throws: ModelReadError.fileNotFound(path: "/nonexistent/x.pdb")) {
        try ModelReader.read(path: "/nonexistent/x.pdb")
    }
    let text = dir.appendingPathComponent("notes.pdb").path
    try "this is a text file\nwith no atoms\n".write(toFile: text, atomically: true, encoding: .utf8)
    do {
        _ = try ModelReader.read(path: text)
        Issue.record("a text file was read as a model")
    } catch let e as ModelReadError {
        #expect("\(e)".contains(text) && !"\(e)".contains("\n"), "message: \(e)")
    }
    let badCIF = dir.appendingPathComponent("bad.cif").path
    try "data_x\nloop_\n_atom_site.id\n_atom_site.Cartn_x\n1 'unterminated\n".write(toFile: badCIF, atomically: true, encoding: .utf8)
    do {
        _ = try ModelReader.read(path: badCIF)
        Issue.record("a broken mmCIF was read as a model")
    } catch let e as ModelReadError {
        #expect("\(e)".contains(badCIF), "message: \(e)")
    }
    // A binary map is not a model.
    let map = repoRoot.appendingPathComponent("Fixtures/daq/2566_3J6B_9.mrc").path
    #expect(throws: ModelReadError.self) { try ModelReader.read(path: map) }
}
