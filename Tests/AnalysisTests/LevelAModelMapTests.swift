// Model map: integral and point values against independent truth.
import Foundation
import Testing
@testable import Analysis
import MapIO
import ModelIO

private func atom(_ el: String, _ p: SIMD3<Double>, b: Double, occ: Double = 1, name: String = "CA",
                  res: Int = 1) -> Atom {
    Atom(position: p, element: el, name: name, residueName: "ALA", residueNumber: res, chain: "A", bFactor: b, occupancy: occ)
}

@Test func modelMapIntegratesToScatteringFactorAtZero() throws {
    // ∫ρ = Σ occ·Σaᵢ: carbon f(0) = 2.5088, sulfur (occupancy 0.5) f(0)·0.5; a hydrogen adds nothing.
    let grid = Volume(nx: 48, ny: 48, nz: 48, voxelSize: SIMD3(0.5, 0.5, 0.5))
    let model = AtomicModel(atoms: [atom("C", SIMD3(8.1, 12.3, 11.7), b: 20),
                                    atom("S", SIMD3(15.2, 10.4, 12.9), b: 35, occ: 0.5),
                                    atom("H", SIMD3(12, 12, 12), b: 20)], path: "phantom")
    let (map, skipped) = ModelMap.simulate(model: model, on: grid, resolutionA: 2.0)
    let integral = map.data.reduce(0.0) { $0 + Double($1) } * grid.voxelVolumeA3
    let s = try #require(ElectronScatteringFactor(element: "S"))
    let expected = 2.5088 + 0.5 * s.value(s: 0)
    #expect(skipped == 0)
    #expect(abs(integral - expected) / expected < 2e-3, "∫ρ: expected \(expected), got \(integral), error \(integral - expected)")
}

@Test func modelMapMatchesNumpyOracle() throws {
    let grid = Volume(nx: 40, ny: 36, nz: 32, voxelSize: SIMD3(0.9, 1.0, 1.1))
    var g = grid; g.headerOrigin = SIMD3(100, -20, 5)
    let atoms = [atom("C", SIMD3(115.3, -5.2, 20.1), b: 30), atom("N", SIMD3(116.4, -4.1, 21.0), b: 45),
                 atom("O", SIMD3(113.9, -6.0, 19.2), b: 60, occ: 0.7), atom("FE", SIMD3(120, 0, 25), b: 25)]
    // The real-space density with the base B that the model map draws before removing it in Fourier space.
    let (map, _) = ModelMap.density(model: AtomicModel(atoms: atoms, path: "p"), on: g, extraB: ModelMap.baseB(g))
    let voxels = [SIMD3(17, 15, 14), SIMD3(18, 16, 15), SIMD3(22, 20, 18), SIMD3(10, 10, 10), SIMD3(20, 13, 12)]
    let points = voxels.map { g.originA + SIMD3<Double>(Double($0.x), Double($0.y), Double($0.z)) * g.voxelSize }
    let request: [String: Any] = [
        "atoms": atoms.map { [$0.element, $0.position.x, $0.position.y, $0.position.z, $0.bFactor, $0.occupancy] as [Any] },
        "blur_B": ModelMap.baseB(g), "points": points.map { [$0.x, $0.y, $0.z] }]
    let out = try runOracle("levelA_model_map.py", stdin: try JSONSerialization.data(withJSONObject: request))
    let expected = out.split(separator: "\n").compactMap { Double($0) }
    #expect(expected.count == voxels.count)
    for (k, v) in voxels.enumerated() {
        let got = Double(map[v.x, v.y, v.z])
        let tol = 1e-4 * expected.max()! + 1e-5 * abs(expected[k])
        #expect(abs(got - expected[k]) <= tol, "voxel \(v): numpy \(expected[k]), ours \(got), error \(got - expected[k])")
    }
}

/// Runs a Python oracle from Tests/Oracles with the given stdin; returns stdout.
func runOracle(_ script: String, arguments: [String] = [], stdin: Data? = nil) throws -> String {
    let p = Process()
    // python3 from PATH (numpy may live in a pyenv rather than the system Python).
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["python3", levelARoot.appendingPathComponent("Tests/Oracles/\(script)").path] + arguments
    let out = Pipe(), input = Pipe()
    p.standardOutput = out
    if stdin != nil { p.standardInput = input }
    try p.run()
    if let d = stdin { input.fileHandleForWriting.write(d); try input.fileHandleForWriting.close() }
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    guard p.terminationStatus == 0 else {
        throw SectionError.failed("oracle \(script) exited with \(p.terminationStatus): \(String(decoding: data, as: UTF8.self))")
    }
    return String(decoding: data, as: UTF8.self)
}
