// The model map and mask radius as phenix defines them (Afonine et al. 2018; mmtbx five_cc): atoms with their
// own B truncated at R, against a direct Fourier summation in numpy (Tests/Oracles/levelA_model_map_fourier.py);
// the atom radius against the same oracle's quadrature of a carbon atom's image.
import Foundation
import Testing
@testable import Analysis
import MapIO
import ModelIO

@Suite struct LevelAModelMapPhenixTests {
    @Test func truncatedModelMapMatchesDirectFourierSum() throws {
        var g = Volume(nx: 36, ny: 32, nz: 30, voxelSize: SIMD3(0.9, 1.0, 1.1))
        g.headerOrigin = SIMD3(100, -20, 5)
        let atoms = [("C", SIMD3(115.3, -5.2, 20.1), 12.0, 1.0), ("N", SIMD3(116.4, -4.1, 21.0), 25.0, 1.0),
                     ("O", SIMD3(113.9, -6.0, 19.2), 40.0, 0.7), ("S", SIMD3(118, -2, 22), 8.0, 1.0)]
        let model = AtomicModel(atoms: atoms.map { Atom(position: $0.1, element: $0.0, name: "X", residueName: "ALA", residueNumber: 1,
                                                        chain: "A", bFactor: $0.2, occupancy: $0.3) }, path: "p")
        let r = 3.0
        let map = ModelMap.simulate(model: model, on: g, resolutionA: r).map
        let voxels = [SIMD3(17, 15, 14), SIMD3(18, 16, 15), SIMD3(20, 17, 15), SIMD3(10, 10, 10), SIMD3(19, 13, 12), SIMD3(2, 3, 4)]
        let request: [String: Any] = [
            "atoms": atoms.map { [$0.0, $0.1.x, $0.1.y, $0.1.z, $0.2, $0.3] as [Any] },
            "n": [g.nx, g.ny, g.nz], "voxel": [g.voxelSize.x, g.voxelSize.y, g.voxelSize.z],
            "origin": [g.originA.x, g.originA.y, g.originA.z], "resolution": r,
            "voxels": voxels.map { [$0.x, $0.y, $0.z] }]
        let out = try runOracle("levelA_model_map_fourier.py", stdin: try JSONSerialization.data(withJSONObject: request))
        let expected = out.split(separator: "\n").compactMap { Double($0) }
        #expect(expected.count == voxels.count)
        let scale = expected.map(abs).max()!
        for (k, v) in voxels.enumerated() {
            let got = Double(map[v.x, v.y, v.z])
            // Tolerance: the aliasing left by the base B (σ = one voxel) and single precision.
            #expect(abs(got - expected[k]) <= 2e-3 * scale, "voxel \(v): Fourier sum \(expected[k]), ours \(got), error \(got - expected[k])")
        }
        // No extra blur: a sharper atom (lower B) gives a higher peak, and truncation keeps the integral (F(0)).
        let integral = map.data.reduce(0.0) { $0 + Double($1) } * g.voxelVolumeA3
        let f0 = atoms.reduce(0.0) { $0 + $1.3 * ElectronScatteringFactor(element: $1.0)!.value(s: 0) }
        #expect(abs(integral - f0) / f0 < 1e-3, "∫ρ: expected \(f0), got \(integral)")
    }

    @Test func atomRadiusMatchesQuadrature() throws {
        for (r, b) in [(2.5, 30.0), (3.5, 60.0), (6.0, 100.0)] {
            let ours = ModelMap.maskRadius(resolutionA: r, meanB: b)
            let request: [String: Any] = ["atom_radius": ["resolution": r, "b": b]]
            let out = try runOracle("levelA_model_map_fourier.py", stdin: try JSONSerialization.data(withJSONObject: request))
            let expected = try #require(Double(out.trimmingCharacters(in: .whitespacesAndNewlines)))
            print("atom radius at R \(r) Å, B \(b) Å²: ours \(ours) Å, quadrature \(expected) Å")
            #expect(abs(ours - expected) < 0.021, "R \(r), B \(b): expected \(expected) Å, ours \(ours) Å")
        }
        // Worse resolution, wider atom image, larger radius.
        #expect(ModelMap.maskRadius(resolutionA: 6, meanB: 50) > ModelMap.maskRadius(resolutionA: 3, meanB: 50))
    }
}
