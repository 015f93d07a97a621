// Speed (issue 6): all Level A sections for a 10,000-atom model on a 256³ map in under 30 s on the 2-core
// machine. Release builds only (`make test`); debug builds skip it, as the brief keeps debug phantoms ≤ 64³.
import Foundation
import Testing
@testable import Analysis
import MapIO
import ModelIO

#if !DEBUG
@Test func levelAOn256CubedWith10kAtomsUnder30s() throws {
    let daq = try phantomModel(b: 60)
    let heavy = daq.atoms.filter { !$0.isHydrogen }
    // Seven copies of the DAQ chain's 1428 heavy atoms (9996 atoms), as chains A–G placed side by side.
    var atoms: [Atom] = []
    let centre = heavy.reduce(SIMD3<Double>.zero) { $0 + $1.position } / Double(heavy.count)
    for k in 0..<7 {
        let offset = SIMD3<Double>(Double(k % 3) * 60 + 60, Double(k / 3) * 60 + 60, 128) - centre
        for var a in heavy { a.position += offset; a.chain = String(UnicodeScalar(65 + k)!); atoms.append(a) }
    }
    let model = AtomicModel(atoms: atoms, path: "bench")
    let grid = Volume(nx: 256, ny: 256, nz: 256, voxelSize: SIMD3(1, 1, 1))
    let map = ModelMap.simulate(model: model, on: grid, resolutionA: 3.5).map
    let start = Date()
    let ctx = AnalysisContext(map: map, mapPath: "bench", threshold: 0.05 * Double(map.data.max()!), resolution: 3.0, model: model)
    var times: [String] = []
    for s in LevelASections.all {
        let t0 = Date()
        let r = s.runIsolated(ctx)
        times.append(String(format: "%@ %.2f s (%@)", r.id, Date().timeIntervalSince(t0), r.status.rawValue))
    }
    _ = try LevelAPerResidue.table(ctx)
    let total = Date().timeIntervalSince(start)
    print("Level A, \(atoms.count) atoms, 256³: total \(String(format: "%.2f", total)) s; " + times.joined(separator: "; "))
    #expect(total < 30, "Level A on 256³ with \(atoms.count) atoms: expected < 30 s, took \(total) s")
}
#endif
