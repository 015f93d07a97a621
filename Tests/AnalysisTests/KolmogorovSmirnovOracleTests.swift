// The two-sample Kolmogorov–Smirnov test of 3.c (ParticleAnalysis/KolmogorovSmirnov.swift) against scipy's exact
// test (Tests/Oracles/ks_2samp.py), on equal and unequal sizes, ties, identical and disjoint samples.
import Foundation
import Testing
import VolumeNumerics
@testable import ParticleAnalysis

@Suite struct KolmogorovSmirnovOracleTests {
    @Test func statisticAndExactPValueMatchScipy() throws {
        var rng = SplitMix64(seed: 5)
        func sample(_ n: Int, _ shift: Double, _ scale: Double = 1) -> [Double] { (0..<n).map { _ in shift + scale * rng.gaussian() } }
        let pairs: [([Double], [Double])] = [
            (sample(10, 0), sample(10, 0)),
            (sample(20, 0), sample(20, 1.5)),
            (sample(50, 0.9), sample(50, 0.95, 0.05)),
            (sample(7, 0), sample(19, 0.5)),
            (sample(60, 0), sample(45, 2)),
            ([0.1, 0.2, 0.2, 0.3, 0.9], [0.2, 0.3, 0.3, 0.4, 0.5, 0.9]),   // ties within and across samples
            ((0..<30).map(Double.init), (30..<60).map(Double.init)),     // disjoint: the smallest p
            ([1, 2, 3], [1, 2, 3]),                                       // identical: D = 0, p = 1
        ]
        let json = try JSONSerialization.data(withJSONObject: pairs.map { [$0.0, $0.1] })
        let text = try runOracle("ks_2samp.py", stdin: json)
        let expected = try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[Double]])
        #expect(expected.count == pairs.count)
        for (k, (a, b)) in pairs.enumerated() {
            let ours = KolmogorovSmirnov.twoSample(a, b)
            let d = expected[k][0], p = expected[k][1]
            print("KS pair \(k) (\(a.count), \(b.count)): D \(ours.statistic) / scipy \(d); p \(ours.pValue) / scipy \(p)")
            #expect(abs(ours.statistic - d) < 1e-12, "pair \(k): D \(ours.statistic), scipy \(d)")
            #expect(abs(ours.pValue - p) <= 1e-9 * max(p, 1e-300) + 1e-14, "pair \(k): p \(ours.pValue), scipy \(p)")
        }
    }

    @Test func disjointEqualSamplesHaveTheCombinatorialPValue() {
        // All of a below all of b: only the two extreme interleavings reach D = 1, p = 2 / C(2n, n).
        let n = 8
        let p = KolmogorovSmirnov.twoSample((0..<n).map(Double.init), (n..<2 * n).map(Double.init)).pValue
        #expect(abs(p - 2.0 / 12870.0) < 1e-15, "p \(p), expected \(2.0 / 12870.0)")
    }
}
