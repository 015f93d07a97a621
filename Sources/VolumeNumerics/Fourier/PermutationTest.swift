// FSC permutation test with false-discovery-rate control (after Beckers & Sachse 2020, IUCrJ 7:1099,
// "Permutation testing of Fourier shell correlation for resolution estimation of cryo-EM maps").
//
// Null hypothesis per shell: the coefficients of half 2 are exchangeable with respect to those of half 1
// (no correlation). The statistic is the shell's cross term S = Σ Re(F1·F2*) = Σ u_i·v_i with u, v the
// coefficients as 2-vectors (the FSC's denominator does not change under permutation). Instead of sampling
// permutations, we use the exact mean and variance of S over all permutations of the v's (Hoeffding 1951
// combinatorial central limit theorem):
//   E[S] = n·ū·v̄,  Var[S] = Σ_pq Cu_pq·Cv_pq / (n − 1),  Cu = Σ_i (u_i − ū)(u_i − ū)ᵀ (likewise Cv),
// and the one-sided p-value of z = (S − E)/√Var from the normal tail. Only independent coefficients enter:
// kx ≥ 1, excluding the kx = nx/2 plane (their Hermitian partners are not independent). With tens of
// coefficients or more per shell the normal approximation is accurate; shells 1 and 2 are not used for the
// resolution (FSCThresholds.swift). FDR across shells (0 excluded): Benjamini & Yekutieli 2001 step-up at
// level α, valid under any dependence between shells. Resolution: the first shell s ≥ 3 that is not
// significant after a significant shell s − 1 (all significant: Nyquist; none significant from shell 2 on:
// no resolution) — the report's shared crossing rule (FSCThresholds.swift) on the 0/1 significance curve.
import Foundation

public struct PermutationTestResult: Sendable, Equatable {
    /// Shell centre frequency (1/Å), shells 0 … Nyquist.
    public var frequencyInvA: [Double]
    /// FSC over the independent coefficients used by the test.
    public var fsc: [Double]
    /// Independent coefficients per shell.
    public var coefficientCount: [Int]
    /// z-score of the cross term against its permutation distribution (0 for shell 0 or shells with < 3 coefficients).
    public var zScore: [Double]
    /// One-sided p-value per shell (1 for shell 0).
    public var pValue: [Double]
    /// Whether each shell is significant after FDR control (shell 0: false).
    public var significant: [Bool]
    /// FDR level.
    public var alpha: Double
    /// Where significance is lost (the shared crossing rule on the 0/1 significance curve, threshold ½).
    public var crossing: FSCCrossing

    /// First shell ≥ 3 that is not significant after a significant one (nil: significant to Nyquist, or never).
    public var firstNonSignificantShell: Int? {
        if case .at(_, let s) = crossing { return s }
        return nil
    }

    /// The resolution frequency (1/Å): the first non-significant shell's, the last shell's when every shell is
    /// significant, nil when no shell from shell 2 on is significant (no resolution).
    public var resolutionFrequencyInvA: Double? {
        switch crossing {
        case .at(_, let s): return frequencyInvA[s]
        case .notBeforeNyquist: return frequencyInvA.last
        case .belowFromStart: return nil
        }
    }
}

public enum FSCPermutationTest {
    public static func run(_ f1: FourierVolume, _ f2: FourierVolume, alpha: Double = 0.01) -> PermutationTestResult {
        precondition(f1.nx == f2.nx && f1.ny == f2.ny && f1.nz == f2.nz, "FSCPermutationTest: boxes differ")
        let g = f1.grid
        let shells = g.shellIndices()
        let last = min(g.nyquistShell, g.shellCount - 1)
        let m = last + 1
        let (hx, ny, nz, nx) = (g.hx, g.ny, g.nz, g.nx)
        let iEnd = nx % 2 == 0 ? nx / 2 : hx   // exclude the kx = nx/2 plane
        let nSums = 12
        let chunks = Parallel.reductionChunks(nz)
        var partial = [Double](repeating: 0, count: chunks * m * nSums)
        f1.data.withUnsafeBufferPointer { a in
            f2.data.withUnsafeBufferPointer { b in
                shells.withUnsafeBufferPointer { sh in
                    partial.withUnsafeMutableBufferPointer { part in
                        parallelChunks(nz, chunks: chunks) { c, range in
                            let off = c * m * nSums
                            for k in range {
                                for j in 0..<ny {
                                    let base = hx * (j + ny * k)
                                    for i in 1..<max(iEnd, 1) {
                                        let s = Int(sh[base + i])
                                        if s > last { continue }
                                        let u = a[base + i], v = b[base + i]
                                        let ux = Double(u.x), uy = Double(u.y), vx = Double(v.x), vy = Double(v.y)
                                        let o = off + nSums * s
                                        part[o] += 1
                                        part[o + 1] += ux; part[o + 2] += uy; part[o + 3] += vx; part[o + 4] += vy
                                        part[o + 5] += ux * ux; part[o + 6] += uy * uy; part[o + 7] += ux * uy
                                        part[o + 8] += vx * vx; part[o + 9] += vy * vy; part[o + 10] += vx * vy
                                        part[o + 11] += ux * vx + uy * vy
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        var sums = [Double](repeating: 0, count: m * nSums)
        for c in 0..<chunks { for i in 0..<(m * nSums) { sums[i] += partial[c * m * nSums + i] } }

        var fsc = [Double](repeating: 0, count: m), z = fsc, p = [Double](repeating: 1, count: m)
        var counts = [Int](repeating: 0, count: m)
        for s in 1..<max(m, 1) {
            let o = s * nSums
            let n = sums[o]
            counts[s] = Int(n)
            guard n >= 3 else { continue }
            let (sux, suy, svx, svy) = (sums[o + 1], sums[o + 2], sums[o + 3], sums[o + 4])
            let pu = sums[o + 5] + sums[o + 6], pv = sums[o + 8] + sums[o + 9]
            let cross = sums[o + 11]
            if pu > 0 && pv > 0 { fsc[s] = cross / (pu * pv).squareRoot() }
            // Centred second moments.
            let cuxx = sums[o + 5] - sux * sux / n, cuyy = sums[o + 6] - suy * suy / n, cuxy = sums[o + 7] - sux * suy / n
            let cvxx = sums[o + 8] - svx * svx / n, cvyy = sums[o + 9] - svy * svy / n, cvxy = sums[o + 10] - svx * svy / n
            let mean = (sux * svx + suy * svy) / n
            let variance = (cuxx * cvxx + cuyy * cvyy + 2 * cuxy * cvxy) / (n - 1)
            guard variance > 0 else { continue }
            z[s] = (cross - mean) / variance.squareRoot()
            p[s] = 0.5 * erfc(z[s] / 2.0.squareRoot())
        }
        let significant = benjaminiYekutieli(Array(p.dropFirst()), alpha: alpha)
        let sig = [false] + significant
        let freqs = Array(g.shellFrequenciesInvA[0..<m])
        let indicator = sig.map { $0 ? 1.0 : 0.0 }
        let crossing = FSCCrossings.firstDownward(indicator, thresholds: indicator.map { _ in 0.5 }, frequencies: freqs)
        return PermutationTestResult(frequencyInvA: freqs, fsc: fsc, coefficientCount: counts,
                                     zScore: z, pValue: p, significant: sig, alpha: alpha, crossing: crossing)
    }

    /// Benjamini–Yekutieli step-up: reject the k smallest p-values, k the largest rank with
    /// p_(k) ≤ k·α / (m·Σ_{i≤m} 1/i). Returns which hypotheses are rejected (significant).
    public static func benjaminiYekutieli(_ p: [Double], alpha: Double) -> [Bool] {
        let m = p.count
        guard m > 0 else { return [] }
        let harmonic = (1...m).reduce(0.0) { $0 + 1 / Double($1) }
        let order = p.indices.sorted { p[$0] < p[$1] }
        var k = 0
        for (rank, idx) in order.enumerated() where p[idx] <= Double(rank + 1) * alpha / (Double(m) * harmonic) {
            k = rank + 1
        }
        var out = [Bool](repeating: false, count: m)
        for r in 0..<k { out[order[r]] = true }
        return out
    }
}
