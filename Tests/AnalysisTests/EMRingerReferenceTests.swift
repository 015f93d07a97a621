// A.e EMRinger against independent truth: the score recomputed by hand from the reported per-threshold counts,
// and the whole method (χ1 scan, the reference's thresholds and stop rule, 39/72 chance rate) against a Python
// oracle written from the definitions (Tests/Oracles/levelA_emringer.py) on the real DAQ fixture (3J6B, 3.2 Å).
import Foundation
import Testing
@testable import Analysis
import MapIO
import ModelIO

@Suite struct EMRingerReferenceTests {
    /// Every reported row: score = 10·(m − n·39/72)/√(n·39/72·33/72)/√N, and the EMRinger score is the largest.
    func checkByHand(_ r: SectionResult) throws {
        let rows = try #require(r.metrics["per_threshold"]?.arrayValue)
        let bigN = Double(try #require(r.metrics["residues_scanned"]?.intValue))
        var best = -Double.infinity
        for row in rows {
            let n = Double(try #require(row["residues_above"]?.intValue)), m = Double(try #require(row["rotameric"]?.intValue))
            let expected = 10 * (m - n * 39 / 72) / (n * 39 / 72 * 33 / 72).squareRoot() / bigN.squareRoot()
            let reported = try #require(row["score"]?.doubleValue)
            #expect(abs(reported - expected) < 1e-9, "row n=\(n) m=\(m): expected \(expected), reported \(reported)")
            #expect(m > 0, "rows stop at the first threshold with no rotameric peak")
            best = max(best, expected)
        }
        let score = try #require(r.metrics["emringer_score"]?.doubleValue)
        #expect(abs(score - best) < 1e-9, "EMRinger score: expected the largest row score \(best), reported \(score)")
    }

    @Test func daqFixtureMatchesOracle() throws {
        let (map, model) = try daqFixture()
        let r = try EMRingerSection().run(AnalysisContext(map: map, mapPath: daqMapPath, threshold: 0.2, resolution: 3.2, model: model))
        try checkByHand(r)
        let out = try runOracle("levelA_emringer.py", arguments: [daqMapPath, daqModelPath])
        let oracle = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
        let oRows = try #require(oracle["per_threshold"] as? [[String: Any]])
        let rows = try #require(r.metrics["per_threshold"]?.arrayValue)
        print("EMRinger DAQ: ours \(r.metrics["emringer_score"]!) over \(rows.count) thresholds, N \(r.metrics["residues_scanned"]!); oracle \(oracle["best"]!) over \(oRows.count), N \(oracle["n_scanned"]!)")
        #expect(r.metrics["residues_scanned"]?.intValue == oracle["n_scanned"] as? Int)
        #expect(rows.count == oRows.count, "thresholds scored: ours \(rows.count), oracle \(oRows.count)")
        for (a, b) in zip(rows, oRows) {
            let t = a["threshold"]!.doubleValue!, to = b["threshold"] as! Double
            #expect(abs(t - to) < 1e-4 * max(1, abs(to)), "threshold: ours \(t), oracle \(to)")
            // Float map samples: a peak within rounding of a threshold may move by one residue.
            let n = a["residues_above"]!.intValue!, no = b["residues_above"] as! Int
            let m = a["rotameric"]!.intValue!, mo = b["rotameric"] as! Int
            #expect(abs(n - no) <= 1 && abs(m - mo) <= 1, "at \(to): ours n=\(n) m=\(m), oracle n=\(no) m=\(mo)")
        }
        let best = try #require(oracle["best"] as? Double)
        #expect(abs(r.metrics["emringer_score"]!.doubleValue! - best) < 0.05, "score: oracle \(best)")
    }

    /// A map simulated from the model: every reported row recomputes by hand, with the 39/72 chance rate.
    @Test func phantomRowsRecomputeByHand() throws {
        let model = try phantomModel(b: 20)
        let map = phantomMap(model, resolution: 3.0)
        let r = try EMRingerSection().run(AnalysisContext(map: map, mapPath: "p", threshold: 0.1 * Double(map.data.max()!),
                                                          resolution: 3, model: model))
        try checkByHand(r)
        #expect(r.metrics["chance_rate"]?.doubleValue == 39.0 / 72.0)
    }
}
