// Resolution criteria on an FSC curve and the crossing search.
//
// Fixed thresholds (0.143: Rosenthal & Henderson 2003; 0.5) and the information thresholds of van Heel &
// Schatz 2005 (J. Struct. Biol. 151:250): T(n) = (S + (2√S + 1)/√n) / (S + 1 + 2√S/√n), with n the number of
// Fourier voxels in the shell (full spectrum) and S = 0.2071 for half-bit ((√2 − 1)/2), S = 0.5 for one-bit.
// Crossings: the first shell pair (s − 1, s) with curve − threshold ≥ 0 at s − 1 and < 0 at s, searching from
// the pair (2, 3) so that a crossing in the first two shells (1 and 2, shell 0 being the mean) is ignored; the
// frequency is interpolated linearly between the two shells on (curve − threshold). Without such a pair the
// curve either ends at or above the threshold (it does not cross before Nyquist: the Nyquist resolution is a
// lower bound) or it is below the threshold at every shell from the first examined one on (unrelated or
// misaligned maps): then the curve gives no resolution at all, never the Nyquist value. Every crossing of the
// report (1.a, 1.b, 1.c local FSC, 1.d, A.a) goes through `firstDownward`; docs/methods.md, "FSC crossings".
import Foundation

public enum FSCThreshold: Sendable, Equatable {
    case fixed(Double)
    case halfBit
    case oneBit

    /// Threshold value for a shell of `n` Fourier voxels.
    public func value(voxelCount n: Double) -> Double {
        switch self {
        case .fixed(let t): return t
        case .halfBit: return FSCThreshold.informationThreshold(snr: 0.2071, voxelCount: n)
        case .oneBit: return FSCThreshold.informationThreshold(snr: 0.5, voxelCount: n)
        }
    }

    /// van Heel & Schatz 2005, eq. 17 with SNR `snr` per half.
    public static func informationThreshold(snr s: Double, voxelCount n: Double) -> Double {
        guard n > 0 else { return 1 }
        let r = n.squareRoot(), q = s.squareRoot()
        return (s + (2 * q + 1) / r) / (s + 1 + 2 * q / r)
    }

    /// The threshold per shell of a curve.
    public func values(_ curve: FSCCurve) -> [Double] { curve.voxelCount.map { value(voxelCount: $0) } }

    /// Short name as printed in the report: "0.143", "half-bit", …
    public var name: String {
        switch self {
        case .fixed(let t): return String(format: "%g", t)
        case .halfBit: return "half-bit"
        case .oneBit: return "one-bit"
        }
    }
}

/// Where a curve crosses a threshold.
public enum FSCCrossing: Sendable, Equatable {
    /// Crossed between two shells at this frequency (1/Å).
    case at(frequencyInvA: Double, shell: Int)
    /// The curve ends at or above the threshold (resolution limited by Nyquist).
    case notBeforeNyquist
    /// The curve is below the threshold at every shell from the first examined one on: no resolution.
    case belowFromStart

    /// Frequency in 1/Å (the last shell's for `notBeforeNyquist`) given the curve's frequencies; nil when the
    /// curve gives no resolution.
    public func frequencyInvA(_ frequencies: [Double]) -> Double? {
        switch self {
        case .at(let f, _): return f
        case .notBeforeNyquist: return frequencies.last
        case .belowFromStart: return nil
        }
    }

    /// Resolution in Å (1/frequency), nil when the curve gives no resolution.
    public func resolutionA(_ frequencies: [Double]) -> Double? {
        guard let f = frequencyInvA(frequencies) else { return nil }
        return f > 0 ? 1 / f : .infinity
    }
}

public enum FSCCrossings {
    /// Index of the first shell examined as the upper shell of a crossing pair: pairs (2, 3) onward.
    public static let firstUpperShell = 3

    /// The first downward crossing of `values` through `thresholds` (same length as `frequencies`), searching
    /// the pairs (s − 1, s) from s = `firstUpper` on. With no such pair: `.belowFromStart` when the last shell is
    /// below the threshold (then every shell from `firstUpper − 1` on is below it, or there would be a
    /// downward pair), `.notBeforeNyquist` otherwise.
    public static func firstDownward(_ values: [Double], thresholds: [Double], frequencies: [Double],
                                     firstUpper: Int = firstUpperShell) -> FSCCrossing {
        precondition(values.count == thresholds.count && values.count == frequencies.count, "FSCCrossings: lengths differ")
        let start = max(firstUpper, 1)
        if values.count > start {
            for s in start..<values.count {
                let d0 = values[s - 1] - thresholds[s - 1], d1 = values[s] - thresholds[s]
                if d0 >= 0 && d1 < 0 {
                    let t = d0 / (d0 - d1)
                    return .at(frequencyInvA: frequencies[s - 1] + t * (frequencies[s] - frequencies[s - 1]), shell: s)
                }
            }
        }
        if let last = values.indices.last, last >= start - 1, values[last] < thresholds[last] { return .belowFromStart }
        return .notBeforeNyquist
    }

    /// The crossing of an FSC curve with a threshold.
    public static func crossing(_ curve: FSCCurve, _ threshold: FSCThreshold) -> FSCCrossing {
        firstDownward(curve.fsc, thresholds: threshold.values(curve), frequencies: curve.frequencyInvA)
    }

    /// The first upward crossing of `values` through a constant (e.g. DPR through 103.9°).
    public static func firstUpward(_ values: [Double], through t: Double, frequencies: [Double]) -> FSCCrossing {
        firstDownward(values.map { -$0 }, thresholds: values.map { _ in -t }, frequencies: frequencies)
    }
}
