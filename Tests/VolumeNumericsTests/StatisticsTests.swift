// Descriptive statistics against hand-computed values and brute-force counts.
import MapIO
import TestSupport
import Testing
@testable import VolumeNumerics

@Suite struct StatisticsTests {
    @Test func meanAndSampleStd() {
        let s = Statistics.summary([1, 2, 3, 4])!
        #expect(s.count == 4 && s.mean == 2.5 && s.min == 1 && s.max == 4)
        let expected = (5.0 / 3).squareRoot()   // Σ(x − 2.5)² = 5, n − 1 = 3
        #expect(abs(s.std! - expected) < 1e-15, "std: expected \(expected), observed \(s.std!)")
        #expect(Statistics.summary([7])!.std == nil)
        #expect(Statistics.summary([]) == nil)
        #expect(Statistics.summary([.nan, 2, 4])!.mean == 3)
    }

    @Test func largeOffsetKeepsPrecision() {
        // 10⁴ + (−1, 1) alternating, a large sample split across workers: mean 10⁴, σ² = n/(n − 1).
        let n = 300_000
        let v = (0..<n).map { Float(10_000 + ($0 % 2 == 0 ? -1 : 1)) }
        let s = Statistics.summary(v)!
        let expected = (Double(n) / Double(n - 1)).squareRoot()
        #expect(abs(s.mean - 10_000) < 1e-9, "mean \(s.mean)")
        #expect(abs(s.std! - expected) < 1e-9, "std: expected \(expected), observed \(s.std!)")
    }

    @Test func maskedSummaryMatchesOneValueAtATime() {
        // Eight values at a time where the mask's flags agree, one at a time elsewhere: against a plain loop in
        // the test, on a mask of runs (uniform blocks, blocks on its edges, an odd length) with NaNs sprinkled.
        var rng = SplitMix64(seed: 21)
        let n = 100_003
        let values = (0..<n).map { i -> Float in i % 997 == 5 ? .nan : Float(3 + 2 * rng.gaussian()) }
        var flags = [Bool](repeating: false, count: n)
        var i = 0
        while i < n {
            let run = 1 + Int(rng.uniform() * 40)
            let on = rng.uniform() < 0.5
            for k in i..<min(n, i + run) { flags[k] = on }
            i += run
        }
        let vol = Volume(nx: n, ny: 1, nz: 1, data: values), mask = BinaryMask(nx: n, ny: 1, nz: 1, voxels: flags)
        for inside in [true, false] {
            let chosen = zip(values, flags).filter { $0.1 == inside && !$0.0.isNaN }.map { Double($0.0) }
            let mean = chosen.reduce(0, +) / Double(chosen.count)
            let std = (chosen.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(chosen.count - 1)).squareRoot()
            let s = Statistics.summary(vol, mask: mask, inside: inside)!
            #expect(s.count == chosen.count, "inside \(inside)")
            #expect(abs(s.mean - mean) < 1e-12 * abs(mean) && abs(s.std! - std) < 1e-12 * std, "inside \(inside): \(s) vs \(mean) \(std)")
            #expect(s.min == chosen.min()! && s.max == chosen.max()!)
        }
        let all = values.filter { !$0.isNaN }.map(Double.init)
        let s = Statistics.summary(values)!
        #expect(s.count == all.count && s.min == all.min()! && s.max == all.max()!)
        #expect(abs(s.mean - all.reduce(0, +) / Double(all.count)) < 1e-12)
    }

    @Test func maskedSelection() {
        let vol = Volume(nx: 2, ny: 2, nz: 1, data: [1, 10, 3, 20])
        let mask = BinaryMask(nx: 2, ny: 2, nz: 1, voxels: [false, true, false, true])
        let inside = Statistics.summary(vol, mask: mask, inside: true)!
        let outside = Statistics.summary(vol, mask: mask, inside: false)!
        #expect(inside.mean == 15 && inside.count == 2)
        #expect(outside.mean == 2 && abs(outside.std! - 2.0.squareRoot()) < 1e-15)
    }

    @Test func normalCDF() {
        // Reference values: Φ(0) = 0.5, Φ(1.96) = 0.9750021048517795, 2Φ(−5) = 5.733031437583878e-7.
        #expect(Statistics.normalCDF(0) == 0.5)
        #expect(abs(Statistics.normalCDF(1.96) - 0.9750021048517795) < 1e-15)
        let tail = 2 * Statistics.normalCDF(-5)
        #expect(abs(tail - 5.733031437583878e-7) / 5.733031437583878e-7 < 1e-12, "2Φ(−5) = \(tail)")
        let deep = Statistics.normalCDF(-30)   // 4.906713927148187e-198
        #expect(abs(deep - 4.906713927148187e-198) / 4.906713927148187e-198 < 1e-10, "Φ(−30) = \(deep)")
    }

    @Test func gaussianTailFraction() {
        // 2σ: 2Φ(−2) = 4.55 % of Gaussian noise; with n = 400 000 the binomial s.d. is 0.033 %.
        var rng = Level0RNG(seed: 17)
        let n = 400_000
        let vol = Volume(nx: n, ny: 1, nz: 1, data: (0..<n).map { _ in Float(rng.normal()) })
        let none = BinaryMask(nx: n, ny: 1, nz: 1, voxels: [Bool](repeating: false, count: n))
        let s = Statistics.summary(vol, mask: none, inside: false)!
        let frac = Double(vol.data.filter { abs(Double($0)) > 2 * s.std! }.count) / Double(n)
        let expected = 2 * Statistics.normalCDF(-2)
        #expect(abs(frac - expected) < 4 * 0.00033, "fraction beyond 2σ: expected \(expected), observed \(frac)")
    }

    @Test func histogramBins() {
        let h = Statistics.histogram([0, 0.5, 0.99, 1, 2.5, 3, -1, 4, .nan], bins: 3, lo: 0, hi: 3)
        #expect(h == [3, 1, 2], "histogram \(h)")
    }

    @Test func countAtOrAboveIsInclusiveAtEqualValues() {
        // Thresholds 1…24 and values 0…25 (each 10 times): V >= k holds for 10·(26 − k) values.
        let values = (0..<260).map { Float($0 % 26) } + [.infinity, -.infinity, .nan]
        let observed = Statistics.countAtOrAbove(values, thresholds: (1...24).map { Double($0) })
        let expected = (1...24).map { 10 * (26 - $0) + 1 }
        #expect(observed == expected, "expected \(expected), observed \(observed)")
    }

    @Test func countAtOrAboveMatchesBruteForce() {
        var rng = Level0RNG(seed: 9)
        // NaN and ±∞ inside blocks of eight (a NaN lane must not hide the block's other values), values equal to
        // thresholds, thresholds unsorted and repeated.
        let special: [Float] = [.nan, .infinity, -.infinity, 0.5, 1.25, 3]
        let values = (0..<100_000).map { i in i % 331 == 3 ? special[(i / 331) % special.count] : Float(rng.normal()) }
            + [0.5, 0.5, 1.25]
        let thresholds: [Double] = [0.5, -1, 1.25, 0.5, 3, -10, 10, 0, Double(Float(0.1)), -.infinity, .infinity]
        let observed = Statistics.countAtOrAbove(values, thresholds: thresholds)
        let expected = thresholds.map { t in values.filter { Double($0) >= t }.count }
        #expect(observed == expected, "expected \(expected), observed \(observed)")
    }
}
