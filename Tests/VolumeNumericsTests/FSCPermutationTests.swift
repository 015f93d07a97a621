// FSC permutation test: the exact permutation moments against sampled permutations, no significant shell
// for independent noise, the known-truth halves significant to about their SNR limit, BY step-up by hand.
import Foundation
import TestSupport
import Testing
import MapIO
@testable import VolumeNumerics

@Suite struct FSCPermutationTests {
    /// The z-score from the exact permutation mean and variance equals the z-score against sampled
    /// permutations of the same shell (independent truth: actual shuffles).
    @Test func momentsMatchSampledPermutations() {
        let n = 24
        let phantom = blobPhantom(n: n, voxelA: 1, seed: 21)
        let (h1, h2) = knownTruthHalves(phantom: phantom, crossingInvA: 7.0 / Double(n), seed: 22)
        let f1 = FFT.forward(h1), f2 = FFT.forward(h2)
        let result = FSCPermutationTest.run(f1, f2)
        let shells = f1.grid.shellIndices()
        var rng = Level0RNG(seed: 23)
        for shell in [5, 8] {
            var u: [SIMD2<Double>] = [], v: [SIMD2<Double>] = []
            for idx in 0..<f1.data.count where Int(shells[idx]) == shell {
                let i = idx % f1.hx
                if i == 0 || i == n / 2 { continue }
                u.append(SIMD2(Double(f1.data[idx].x), Double(f1.data[idx].y)))
                v.append(SIMD2(Double(f2.data[idx].x), Double(f2.data[idx].y)))
            }
            #expect(u.count == result.coefficientCount[shell], "shell \(shell): \(u.count) coefficients, test used \(result.coefficientCount[shell])")
            let observed = zip(u, v).reduce(0.0) { $0 + ($1.0 * $1.1).sum() }
            var samples: [Double] = []
            for _ in 0..<4000 {
                let w = v.shuffled(using: &rng)
                samples.append(zip(u, w).reduce(0.0) { $0 + ($1.0 * $1.1).sum() })
            }
            let mean = samples.reduce(0, +) / Double(samples.count)
            let sd = (samples.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(samples.count - 1)).squareRoot()
            let zSampled = (observed - mean) / sd
            let z = result.zScore[shell]
            print("permutation shell \(shell): z exact \(z), z sampled \(zSampled)")
            #expect(abs(z - zSampled) < 0.05 * abs(zSampled) + 0.1, "shell \(shell): z from exact moments \(z), from 4000 shuffles \(zSampled)")
        }
    }

    @Test func independentNoiseHasNoSignificantShell() {
        for seed in [UInt64(31), 33, 35] {
            let a = randomVolume(40, 40, 40, voxelSize: SIMD3(1, 1, 1), seed: seed)
            let b = randomVolume(40, 40, 40, voxelSize: SIMD3(1, 1, 1), seed: seed + 1)
            let r = FSCPermutationTest.run(FFT.forward(a), FFT.forward(b))
            let count = r.significant.filter { $0 }.count
            #expect(count == 0, "independent noise (seed \(seed)): expected no significant shell, found \(count): min p \(r.pValue.dropFirst().min()!)")
            // Under the null, z is standard normal: mean ≈ 0, sd ≈ 1 over the shells.
            let zs = Array(r.zScore[3...])
            let mean = zs.reduce(0, +) / Double(zs.count)
            #expect(abs(mean) < 0.6, "null z-scores: mean expected 0, observed \(mean)")
        }
    }

    /// Halves with a designed FSC 1/(1 + g(s)): shells are significant well past the 0.143 crossing (the
    /// test detects any correlation), and the first non-significant shell lies where the expected FSC falls
    /// to about the noise level 3/√(n/2) — between the 0.143 shell and Nyquist.
    @Test func knownTruthHalvesAreSignificantBeyondCrossing() {
        let n = 48
        let s0Shell = 12.0
        let phantom = blobPhantom(n: n, voxelA: 1, seed: 41)
        let (h1, h2) = knownTruthHalves(phantom: phantom, crossingInvA: s0Shell / Double(n), seed: 42)
        let r = FSCPermutationTest.run(FFT.forward(h1), FFT.forward(h2))
        #expect(r.significant[3...Int(s0Shell)].allSatisfy { $0 }, "shells 3…\(Int(s0Shell)) should all be significant: \(r.significant)")
        let first = r.firstNonSignificantShell ?? 24
        // Expected FSC = 1/(1 + 6·(s/12)⁶) equals 3/√(n_s/2) (n_s ≈ 4πs²) at s ≈ 19.
        #expect(first > Int(s0Shell) && first <= 22, "first non-significant shell: expected in (12, 22], observed \(first)")
    }

    @Test func benjaminiYekutieliByHand() {
        // m = 4, harmonic = 25/12, thresholds k·0.05/(4·25/12) = 0.006, 0.012, 0.018, 0.024.
        let p = [0.02, 0.001, 0.5, 0.011]
        #expect(FSCPermutationTest.benjaminiYekutieli(p, alpha: 0.05) == [false, true, false, true])
        #expect(FSCPermutationTest.benjaminiYekutieli([0.0239, 0.0239, 0.0239, 0.0239], alpha: 0.05) == [true, true, true, true])
    }
}
