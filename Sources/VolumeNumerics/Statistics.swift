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
        var firsts = [SelectionSums](repeating: SelectionSums(), count: k)
        var ssq = [Double](repeating: 0, count: k)
        values.withUnsafeBufferPointer { v in
            withOptionalPointer(mask) { m in
                firsts.withUnsafeMutableBufferPointer { out in
                    Parallel.perform(iterations: k) { j in
                        out[j] = SelectionSums(v, m, inside: inside, range: (j * n / k)..<((j + 1) * n / k))
                    }
                }
            }
        }
        let count = firsts.reduce(0) { $0 + $1.count }
        guard count > 0 else { return nil }
        let mean = firsts.reduce(0) { $0 + $1.sum } / Double(count)
        values.withUnsafeBufferPointer { v in
            withOptionalPointer(mask) { m in
                ssq.withUnsafeMutableBufferPointer { q in
                    Parallel.perform(iterations: k) { j in
                        q[j] = squaredDeviations(v, m, inside: inside, mean: mean, range: (j * n / k)..<((j + 1) * n / k))
                    }
                }
            }
        }
        let std: Double? = count > 1 ? (ssq.reduce(0, +) / Double(count - 1)).squareRoot() : nil
        return SampleSummary(count: count, mean: mean, std: std,
                             min: firsts.map(\.min).min() ?? .nan, max: firsts.map(\.max).max() ?? .nan)
    }

    /// Count, sum (Double) and extremes of the selected non-NaN values of one chunk.
    private struct SelectionSums {
        var count = 0, sum = 0.0, min = Double.infinity, max = -Double.infinity

        init() {}

        /// Whole blocks in Double lanes, the other values one at a time (`visitSelected`).
        init(_ v: UnsafeBufferPointer<Float>, _ m: UnsafeBufferPointer<Bool>?, inside: Bool, range: Range<Int>) {
            var counts = SIMD8<Int32>(), sA = SIMD4<Double>(), sB = SIMD4<Double>()
            var lo = SIMD8<Float>(repeating: .infinity), hi = SIMD8<Float>(repeating: -.infinity)
            var c = 0, s = 0.0, mn = Double.infinity, mx = -Double.infinity
            Statistics.visitSelected(v, m, inside: inside, range: range, block: { x in
                // NaN lanes: not counted, 0 in the sums, never below or above the extremes.
                let xz = x.replacing(with: 0, where: x .!= x)
                counts.replace(with: counts &+ 1, where: x .== x)
                sA += xz.lowHalf.widened; sB += xz.highHalf.widened
                lo.replace(with: x, where: x .< lo); hi.replace(with: x, where: x .> hi)
            }, one: { d in
                c += 1; s += d
                if d < mn { mn = d }
                if d > mx { mx = d }
            })
            count = c + Int(counts.wrappedSum()); sum = s + (sA + sB).sum()
            min = Swift.min(mn, Double(lo.min())); max = Swift.max(mx, Double(hi.max()))
        }
    }

    /// Σ (v − mean)² over the selected non-NaN values of one chunk; whole blocks in Double lanes.
    private static func squaredDeviations(_ v: UnsafeBufferPointer<Float>, _ m: UnsafeBufferPointer<Bool>?, inside: Bool,
                                          mean: Double, range: Range<Int>) -> Double {
        let meanLanes = SIMD4<Double>(repeating: mean), ones = SIMD8<Float>(repeating: 1)
        var qA = SIMD4<Double>(), qB = SIMD4<Double>(), acc = 0.0
        visitSelected(v, m, inside: inside, range: range, block: { x in
            // NaN lanes: value 0 and weight 0, so their deviation is exactly 0.
            let xz = x.replacing(with: 0, where: x .!= x), w = ones.replacing(with: 0, where: x .!= x)
            let a = xz.lowHalf.widened - meanLanes * w.lowHalf.widened
            let b = xz.highHalf.widened - meanLanes * w.highHalf.widened
            qA += a * a; qB += b * b
        }, one: { d in
            acc += (d - mean) * (d - mean)
        })
        return acc + (qA + qB).sum()
    }

    /// Visits the selected values of `range` (the mask's flag equal to `inside`, or all without a mask): blocks of
    /// eight whose flags all agree go to `block` whole (NaN lanes included: each kernel leaves them out), the
    /// values of blocks on the mask's edge and of the tail go to `one`, as Double, without NaN.
    @inline(__always)
    private static func visitSelected(_ v: UnsafeBufferPointer<Float>, _ m: UnsafeBufferPointer<Bool>?, inside: Bool,
                                      range: Range<Int>, block: (SIMD8<Float>) -> Void, one: (Double) -> Void) {
        func single(_ r: Range<Int>) {
            for i in r {
                if let m, m[i] != inside { continue }
                let x = v[i]
                if !x.isNaN { one(Double(x)) }
            }
        }
        let raw = UnsafeRawPointer(v.baseAddress!)
        var i = range.lowerBound
        while i + 8 <= range.upperBound {
            switch blockSelection(m, i, inside: inside) {
            case .none: break
            case .mixed: single(i..<(i + 8))
            case .all: block(raw.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self))
            }
            i += 8
        }
        single(i..<range.upperBound)
    }

    private enum BlockSelection { case all, none, mixed }

    /// Whether the eight voxels at `i` are all selected (no mask, or every flag equal to `inside`), none, or some.
    @inline(__always)
    private static func blockSelection(_ m: UnsafeBufferPointer<Bool>?, _ i: Int, inside: Bool) -> BlockSelection {
        guard let m else { return .all }
        // A Bool is stored as one byte, 0 or 1.
        let flags = UnsafeRawPointer(m.baseAddress!).loadUnaligned(fromByteOffset: i, as: UInt64.self)
        if flags == 0 { return inside ? .none : .all }
        if flags == 0x0101_0101_0101_0101 { return inside ? .all : .none }
        return .mixed
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
                        // Eight values at a time by compare-and-blend: a NaN lane compares false and is skipped, as
                        // in the scalar loop for the chunk's tail.
                        let start = j * n / k, end = (j + 1) * n / k
                        let raw = UnsafeRawPointer(v.baseAddress! + start)
                        var a8 = SIMD8<Float>(repeating: .infinity), b8 = SIMD8<Float>(repeating: -.infinity)
                        let blocks = (end - start) / 8
                        for q in 0..<blocks {
                            let x = raw.loadUnaligned(fromByteOffset: 32 * q, as: SIMD8<Float>.self)
                            a8.replace(with: x, where: x .< a8); b8.replace(with: x, where: x .> b8)
                        }
                        // The lanes hold no NaN (only values that compared true were blended in).
                        var a = a8.min(), b = b8.max()
                        for x in v[(start + 8 * blocks)..<end] where !x.isNaN {
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

    /// For each threshold t, the number of voxels with V >= t (exact, as compared in Double; NaN never counts).
    /// Each Double threshold becomes the smallest Float ≥ it, for which `v >= t` has the same answer for every
    /// Float v. The values are read eight at a time and compared only with the thresholds up to their largest
    /// (the thresholds sorted): a block of background noise meets two or three of 0.b's 24 thresholds, not all of
    /// them, so the sweep costs about a third of comparing every value with every threshold.
    public static func countAtOrAbove(_ values: [Float], thresholds: [Double]) -> [Int] {
        let m = thresholds.count
        if m == 0 { return [] }
        precondition(thresholds.allSatisfy { !$0.isNaN }, "Statistics.countAtOrAbove: NaN threshold")
        let floatThresholds: [Float] = thresholds.map { t in
            var f = Float(t)
            if Double(f) < t { f = f.nextUp }
            return f
        }
        let order = floatThresholds.indices.sorted { floatThresholds[$0] < floatThresholds[$1] }
        let ascending = order.map { floatThresholds[$0] }
        let n = values.count
        let k = max(1, min(chunks, n / 65_536))
        var partial = [[Int]](repeating: [Int](repeating: 0, count: m), count: k)
        values.withUnsafeBufferPointer { v in
            partial.withUnsafeMutableBufferPointer { parts in
                let partsBase = parts.baseAddress!
                ascending.withUnsafeBufferPointer { t in
                    Parallel.perform(iterations: k) { j in
                        (partsBase + j).pointee = countAtOrAboveAscending(v, t, range: (j * n / k)..<((j + 1) * n / k))
                    }
                }
            }
        }
        // Back to the caller's order of thresholds.
        var total = [Int](repeating: 0, count: m)
        for p in partial { for (q, original) in order.enumerated() { total[original] += p[q] } }
        return total
    }

    /// The largest of eight values without NaN, spelled out: the standard library's `max()` is a generic call here.
    @inline(__always) private static func largest(_ x: SIMD8<Float>) -> Float {
        var h = x.lowHalf
        h.replace(with: x.highHalf, where: x.highHalf .> h)
        return Swift.max(Swift.max(h[0], h[1]), Swift.max(h[2], h[3]))
    }

    /// Counts of values ≥ each of the ascending thresholds `t` in `range`.
    private static func countAtOrAboveAscending(_ v: UnsafeBufferPointer<Float>, _ t: UnsafeBufferPointer<Float>,
                                                range: Range<Int>) -> [Int] {
        let m = t.count
        var counts = [Int](repeating: 0, count: m)
        let lanes = UnsafeMutablePointer<SIMD8<Int32>>.allocate(capacity: m)
        defer { lanes.deallocate() }
        let raw = UnsafeRawPointer(v.baseAddress!)
        var b = range.lowerBound
        while b < range.upperBound {
            // Lane counts are flushed every 2¹⁶ values, far below Int32's range.
            let e = min(range.upperBound, b + 65_536)
            lanes.initialize(repeating: .zero, count: m)
            var i = b
            while i + 8 <= e {
                let x = raw.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self)
                // The block's largest value (NaN lanes left out): thresholds above it count none of the eight.
                let top = largest(x.replacing(with: -.infinity, where: x .!= x))
                var q = 0
                while q < m && t[q] <= top {
                    lanes[q].replace(with: lanes[q] &+ 1, where: x .>= SIMD8<Float>(repeating: t[q]))
                    q += 1
                }
                i += 8
            }
            for q in 0..<m { counts[q] &+= Int(lanes[q].wrappedSum()) }
            while i < e {
                let x = v[i]
                for q in 0..<m where x >= t[q] { counts[q] += 1 }
                i += 1
            }
            b = e
        }
        return counts
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
