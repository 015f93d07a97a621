// A.d Q-score against a Python oracle written from the paper and MapQ's definitions
// (Tests/Oracles/levelA_qscore.py): atoms closer than 2 Å, where the exclusion rule (another atom within
// 0.9·r of a sphere point) decides which points are sampled.
import Foundation
import Testing
@testable import Analysis
import MapIO
import TestSupport

@Suite struct QScoreReferenceTests {
    /// Four atoms, pairs 1.4–1.6 Å apart, in a 16 Å box of 0.5 Å voxels; density = Gaussians (σ 0.7 Å) + 5 % noise.
    func cluster() -> ([SIMD3<Double>], Volume) {
        let atoms = [SIMD3(8.0, 8.0, 8.0), SIMD3(9.4, 8.1, 7.9), SIMD3(7.6, 9.5, 8.2), SIMD3(8.3, 7.2, 9.4)]
        var v = Volume(nx: 32, ny: 32, nz: 32, voxelSize: SIMD3(0.5, 0.5, 0.5))
        var rng = NoiseSource(seed: 17)
        for z in 0..<32 { for y in 0..<32 { for x in 0..<32 {
            let p = SIMD3(Double(x), Double(y), Double(z)) * 0.5
            var d = 0.0
            for a in atoms { let q = p - a; d += exp(-(q * q).sum() / (2 * 0.49)) }
            v.data[v.index(x, y, z)] = Float(d + 0.05 * rng.gaussian())
        } } }
        return (atoms, v)
    }

    @Test func closeAtomsMatchTheOracle() throws {
        let (atoms, map) = cluster()
        let dir = try TestScratch.directory("qscore")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("map.mrc").path
        try writeTestMRC(map, to: path)
        let json = try JSONSerialization.data(withJSONObject: atoms.map { [$0.x, $0.y, $0.z] })
        func oracle(_ factor: String) throws -> [Double] {
            let out = try runOracle("levelA_qscore.py", arguments: [path, factor], stdin: json)
            return try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [Double])
        }
        let ours = QScore.atomScores(positions: atoms, map: map).map { $0 ?? .nan }
        let mapq = try oracle("0.9"), fullRadius = try oracle("1.0")
        print("Q close atoms: ours \(ours), oracle 0.9·r \(mapq), oracle r \(fullRadius)")
        for i in atoms.indices {
            #expect(abs(ours[i] - mapq[i]) < 1e-5, "atom \(i): ours \(ours[i]), oracle (0.9·r) \(mapq[i])")
        }
        // The rule matters here: excluding within r instead of 0.9·r changes the points and the scores.
        let change = zip(mapq, fullRadius).map { abs($0 - $1) }.max()!
        #expect(change > 1e-3, "the 0.9·r and r rules should give different Q for atoms 1.4–1.6 Å apart (max difference \(change))")
    }
}
