// The shared crossing rule (FSCThresholds.swift; docs/methods.md "FSC crossings") on hand-made curves: a
// curve below the threshold from the lowest examined shell gives no resolution, never the Nyquist value; the
// local FSC and the permutation test use the same rule.
import Foundation
import Testing
import MapIO
@testable import VolumeNumerics

@Suite struct FSCCrossingRuleTests {
    let f = (0..<10).map { Double($0) * 0.02 }

    @Test func belowFromTheLowestShellsGivesNoResolution() {
        // Above in shells 0–1 only (the ignored pair), then below to Nyquist: no resolution.
        let y = [1, 0.6, 0.1, 0.05, 0.12, 0.02, 0.1, 0.0, 0.05, 0.01]
        let c = FSCCrossings.firstDownward(y, thresholds: y.map { _ in 0.143 }, frequencies: f)
        #expect(c == .belowFromStart, "expected no resolution, got \(c)")
        #expect(c.frequencyInvA(f) == nil && c.resolutionA(f) == nil)
        // Below at shell 2, above from shell 3 to Nyquist: not crossed before Nyquist (a lower bound).
        let up = [1, 0.6, 0.1, 0.5, 0.6, 0.7, 0.6, 0.5, 0.4, 0.3]
        let u = FSCCrossings.firstDownward(up, thresholds: up.map { _ in 0.143 }, frequencies: f)
        #expect(u == .notBeforeNyquist && u.resolutionA(f) == 1 / 0.18)
        // Below at shell 2, above at 3–5, down between 5 and 6: that crossing (hand: 0.10 + (0.3 − 0.143)/0.2 · 0.02).
        let bump = [1, 0.6, 0.1, 0.5, 0.4, 0.3, 0.1, 0.0, 0.0, 0.0]
        guard case .at(let x, let s) = FSCCrossings.firstDownward(bump, thresholds: bump.map { _ in 0.143 }, frequencies: f) else {
            Issue.record("expected a crossing"); return
        }
        #expect(abs(x - (0.10 + 0.157 / 0.2 * 0.02)) < 1e-12 && s == 6, "crossing at \(x), shell \(s)")
    }

    @Test func thresholdPerShellAndUpwardCrossings() {
        // Half-bit thresholds per shell: a curve of zeros is below every one of them.
        let n = f.indices.map { 4 * Double.pi * Double($0 * $0) + 1 }
        let zeros = [Double](repeating: 0, count: f.count)
        #expect(FSCCrossings.firstDownward(zeros, thresholds: n.map { FSCThreshold.halfBit.value(voxelCount: $0) }, frequencies: f)
                == .belowFromStart)
        // DPR above 103.9° from the start (random phases): no resolution.
        let dpr = [0, 20, 104, 110, 105, 108, 112, 104, 106, 109.0]
        #expect(FSCCrossings.firstUpward(dpr, through: 103.9, frequencies: f) == .belowFromStart)
    }

    @Test func localFSCUsesTheSameRule() {
        // Local FSC examines pairs from (1, 2): a window below 0.143 from shell 1 gets shell 1's frequency (the
        // coarsest it can measure), one that crosses between shells 3 and 4 the interpolated crossing.
        let below = [1, 0.05, 0.1, 0.0, 0.02, 0.01, 0, 0, 0, 0]
        #expect(LocalFSC.crossingFrequency(below, threshold: 0.143, frequencies: f) == f[1])
        let crossing = [1, 0.9, 0.8, 0.5, 0.1, 0.0, 0, 0, 0, 0]
        let expected = 0.06 + (0.5 - 0.143) / 0.4 * 0.02
        #expect(abs(LocalFSC.crossingFrequency(crossing, threshold: 0.143, frequencies: f) - expected) < 1e-12)
        let above = [Double](repeating: 0.9, count: f.count)
        #expect(LocalFSC.crossingFrequency(above, threshold: 0.143, frequencies: f) == f.last!)
    }

    /// Independent noise halves: no shell significant, so the permutation test gives no resolution.
    @Test func permutationTestOfIndependentNoiseGivesNoResolution() {
        let a = randomVolume(32, 32, 32, voxelSize: SIMD3(1.37, 1.37, 1.37), seed: 211)
        let b = randomVolume(32, 32, 32, voxelSize: SIMD3(1.37, 1.37, 1.37), seed: 212)
        let r = FSCPermutationTest.run(FFT.forward(a), FFT.forward(b))
        let significant = r.significant.filter { $0 }.count
        #expect(significant == 0, "independent noise: \(significant) significant shells")
        #expect(r.crossing == .belowFromStart && r.resolutionFrequencyInvA == nil && r.firstNonSignificantShell == nil,
                "independent noise: expected no resolution, got \(r.crossing)")
        // The same halves with a common signal: significant to Nyquist.
        let shared = a.withData(zip(a.data, b.data).map { $0 + 0.2 * $1 })
        let s = FSCPermutationTest.run(FFT.forward(a), FFT.forward(shared))
        #expect(s.crossing == .notBeforeNyquist && s.resolutionFrequencyInvA == s.frequencyInvA.last)
    }
}
