// Descriptive statistics of voxel values: count, mean, standard deviation (n − 1 denominator), extremes,
// histograms, counts beyond a bound; and the standard normal CDF.
//
// Sums are accumulated in Double, in two passes (mean, then squared deviations) so that the standard
// deviation does not lose precision when the mean is large compared with the spread.
// Selections by mask: `inside: true` takes the mask's voxels, `inside: false` the others (the background).
import Dispatch
import Foundation
import MapIO

/// Count, mean, standard deviation (n − 1) and extremes of a set of values.
public struct SampleSummary: Sendable, Equatable {
    public var count: Int
    public var mean: Double
    /// Sample standard deviation (denominator n − 1); nil for fewer than 2 values.
    public var std: Double?
    public var min: Double
    public var max: Double
}

public enum Statistics {
    /// Number of parallel chunks for sums over a volume.
    static let chunks = 8

    /// Summary of all values (NaN values are skipped). Returns nil when there is no value.
    public static func summary(_ values: [Float]) -> SampleSummary? {
        summary(values, mask: nil, inside: true)
    }

    /// Summary of the voxels of `volume` selected by `mask` (`inside` or outside it).
    public static func summary(_ volume: Volume, mask: BinaryMask, inside: Bool) -> SampleSummary? {
        precondition(volume.dims == mask.dims, "Statistics.summary: volume \(volume.dims) vs mask \(mask.dims)")
        return summary(volume.data, mask: mask.voxels, inside: inside)
    }

    private static func summary(_ values: [Float], mask: [Bool]?, inside: Bool) -> SampleSummary? {
        let n = values.count
        let k = max(1, min(chunks, n / 65_536))
        var counts = [Int](repeating: 0, count: k)
        var sums = [Double](repeating: 0, count: k)
        var mins = [Double](repeating: .infinity, count: k)
        var maxs = [Double](repeating: -.infinity, count: k)
        var ssq = [Double](repeating: 0, count: k)
        values.withUnsafeBufferPointer { v in
            withOptionalPointer(mask) { m in
                counts.withUnsafeMutableBufferPointer { c in
                    sums.withUnsafeMutableBufferPointer { s in
                        mins.withUnsafeMutableBufferPointer { lo in
                            maxs.withUnsafeMutableBufferPointer { hi in
                                Parallel.perform(iterations: k) { j in
                                    var cnt = 0, sum = 0.0, mn = Double.infinity, mx = -Double.infinity
                                    for i in (j * n / k)..<((j + 1) * n / k) {
                                        if let m, m[i] != inside { continue }
                                        let x = v[i]
                                        if x.isNaN { continue }
                                        let d = Double(x)
                                        cnt += 1; sum += d
                                        if d < mn { mn = d }
                                        if d > mx { mx = d }
                                    }
                                    c[j] = cnt; s[j] = sum; lo[j] = mn; hi[j] = mx
                                }
                            }
                        }
                    }
                }
            }
        }
        let count = counts.reduce(0, +)
        guard count > 0 else { return nil }
        let mean = sums.reduce(0, +) / Double(count)
        values.withUnsafeBufferPointer { v in
            withOptionalPointer(mask) { m in
                ssq.withUnsafeMutableBufferPointer { q in
                    Parallel.perform(iterations: k) { j in
                        var acc = 0.0
                        for i in (j * n / k)..<((j + 1) * n / k) {
                            if let m, m[i] != inside { continue }
                            let x = v[i]
                            if x.isNaN { continue }
                            let d = Double(x) - mean
                            acc += d * d
                        }
                        q[j] = acc
                    }
                }
            }
        }
        let std: Double? = count > 1 ? (ssq.reduce(0, +) / Double(count - 1)).squareRoot() : nil
        return SampleSummary(count: count, mean: mean, std: std,
                             min: mins.min() ?? .nan, max: maxs.max() ?? .nan)
    }

    /// Smallest and largest non-NaN value; nil when there is none.
    public static func extremes(_ values: [Float]) -> (min: Float, max: Float)? {
        // In chunks on every worker; min and max do not depend on the order, so the result is the serial one.
        let n = values.count
        let k = max(1, min(chunks, n / 65_536))
        var los = [Float](repeating: .infinity, count: k), his = [Float](repeating: -.infinity, count: k)
        values.withUnsafeBufferPointer { v in
            los.withUnsafeMutableBufferPointer { lo in
                his.withUnsafeMutableBufferPointer { hi in
                    Parallel.perform(iterations: k) { j in
                        var a = Float.infinity, b = -Float.infinity
                        for x in v[(j * n / k)..<((j + 1) * n / k)] where !x.isNaN {
                            if x < a { a = x }
                            if x > b { b = x }
                        }
                        lo[j] = a; hi[j] = b
                    }
                }
            }
        }
        let lo = los.min()!, hi = his.max()!
        // Every non-NaN value is finite or ±∞ and lies in [lo, hi]; none at all leaves lo = +∞ > hi = −∞.
        return lo <= hi ? (lo, hi) : nil
    }

    /// Number of selected voxels with |v − center| > bound.
    public static func countBeyond(_ volume: Volume, center: Double = 0, bound: Double,
                                   mask: BinaryMask, inside: Bool) -> Int {
        precondition(volume.dims == mask.dims, "Statistics.countBeyond: volume \(volume.dims) vs mask \(mask.dims)")
        var total = 0
        volume.data.withUnsafeBufferPointer { v in
            mask.voxels.withUnsafeBufferPointer { m in
                for i in 0..<v.count where m[i] == inside && abs(Double(v[i]) - center) > bound { total += 1 }
            }
        }
        return total
    }

    /// For each threshold t, the number of voxels with V >= t (exact, as compared in Double; NaN never counts).
    /// Each Double threshold becomes the smallest Float ≥ it, for which `v >= t` has the same answer for every
    /// Float v; the data are then read in cache-sized blocks, each compared with every threshold (vectorised).
    public static func countAtOrAbove(_ values: [Float], thresholds: [Double]) -> [Int] {
        let m = thresholds.count
        if m == 0 { return [] }
        precondition(thresholds.allSatisfy { !$0.isNaN }, "Statistics.countAtOrAbove: NaN threshold")
        let floatThresholds: [Float] = thresholds.map { t in
            var f = Float(t)
            if Double(f) < t { f = f.nextUp }
            return f
        }
        let n = values.count
        let k = max(1, min(chunks, n / 65_536))
        var partial = [[Int]](repeating: [Int](repeating: 0, count: m), count: k)
        values.withUnsafeBufferPointer { v in
            partial.withUnsafeMutableBufferPointer { parts in
                let partsBase = parts.baseAddress!
                floatThresholds.withUnsafeBufferPointer { t in
                    Parallel.perform(iterations: k) { j in
                        var counts = [Int](repeating: 0, count: m)
                        let lo = j * n / k, hi = (j + 1) * n / k
                        let block = 4096
                        var b = lo
                        let raw = UnsafeRawPointer(v.baseAddress!)
                        while b < hi {
                            let e = min(hi, b + block)
                            let e8 = b + (e - b) / 8 * 8
                            for q in 0..<m {
                                let tq = t[q], tv = SIMD8<Float>(repeating: tq)
                                var acc = SIMD8<Int32>()
                                var i = b
                                while i < e8 {
                                    let x = raw.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self)
                                    acc.replace(with: acc &+ 1, where: x .>= tv)
                                    i += 8
                                }
                                var c = Int(acc.wrappedSum())
                                while i < e { if v[i] >= tq { c += 1 }; i += 1 }
                                counts[q] &+= c
                            }
                            b = e
                        }
                        (partsBase + j).pointee = counts
                    }
                }
            }
        }
        var total = [Int](repeating: 0, count: m)
        for p in partial { for q in 0..<m { total[q] += p[q] } }
        return total
    }

    /// Histogram of `values` in `bins` equal bins over [lo, hi]: bin i is [lo + i·w, lo + (i+1)·w), the last
    /// bin also holds hi. Values outside [lo, hi] and NaN are not counted.
    public static func histogram(_ values: [Float], bins: Int, lo: Double, hi: Double) -> [Int] {
        precondition(bins > 0 && hi > lo, "Statistics.histogram: need bins > 0 and hi > lo, got \(bins), [\(lo), \(hi)]")
        var counts = [Int](repeating: 0, count: bins)
        let scale = Double(bins) / (hi - lo)
        values.withUnsafeBufferPointer { v in
            counts.withUnsafeMutableBufferPointer { c in
                for x in v {
                    let d = Double(x)
                    guard d >= lo && d <= hi else { continue }
                    c[min(bins - 1, Int((d - lo) * scale))] += 1
                }
            }
        }
        return counts
    }

    /// Standard normal cumulative distribution Φ(x) = erfc(−x/√2)/2 (accurate in both tails).
    public static func normalCDF(_ x: Double) -> Double {
        0.5 * erfc(-x / 2.0.squareRoot())
    }

    @inline(__always)
    private static func withOptionalPointer<R>(_ a: [Bool]?, _ body: (UnsafeBufferPointer<Bool>?) -> R) -> R {
        if let a { return a.withUnsafeBufferPointer { body($0) } }
        return body(nil)
    }
}
