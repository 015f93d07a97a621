// The masks' eight-at-a-time row scans against one flag at a time: runs of every length (shorter and longer than
// eight, touching either end), rows starting anywhere in memory; and the scans' users (bounding box, extremes)
// against brute force.
import MapIO
import TestSupport
import Testing
@testable import VolumeNumerics

/// A row of runs and gaps of random lengths 0…40 (mostly short ones with `short`).
fileprivate func randomRow(_ n: Int, short: Bool, rng: inout Level0RNG) -> [Bool] {
    var row: [Bool] = []
    var set = Bool.random(using: &rng)
    while row.count < n {
        let length = Int.random(in: 0...(short ? 9 : 40), using: &rng)
        row += [Bool](repeating: set, count: min(length, n - row.count))
        set.toggle()
    }
    return row
}

@Suite struct MaskRowScanTests {
    @Test func scansMatchOneFlagAtATime() {
        var rng = Level0RNG(seed: 23)
        for trial in 0..<400 {
            // A row placed at an offset inside a larger buffer, with flags on both sides that must not be read as
            // part of it.
            let n = Int.random(in: 0...70, using: &rng), pad = Int.random(in: 0...9, using: &rng)
            let row = randomRow(n, short: trial % 2 == 0, rng: &rng)
            let buffer = [Bool](repeating: true, count: pad) + row + [Bool](repeating: true, count: 9)
            buffer.withUnsafeBufferPointer { b in
                let p = b.baseAddress!
                let from = pad, to = pad + n
                for start in from...to {
                    let firstSet = (start..<to).first { p[$0] } ?? to
                    let firstUnset = (start..<to).first { !p[$0] } ?? to
                    let lastSet = (start..<to).last { p[$0] }
                    #expect(MaskRowScan.firstSet(p, from: start, to: to) == firstSet, "trial \(trial) from \(start)")
                    #expect(MaskRowScan.firstUnset(p, from: start, to: to) == firstUnset, "trial \(trial) from \(start)")
                    #expect(MaskRowScan.lastSet(p, from: start, to: to) == lastSet, "trial \(trial) from \(start)")
                }
                var runs: [ClosedRange<Int>] = []
                MaskRowScan.forEachRun(p, from: from, to: to) { runs.append($0...$1) }
                var expected: [ClosedRange<Int>] = []
                var x = from
                while x < to {
                    if p[x] { let s = x; while x + 1 < to && p[x + 1] { x += 1 }; expected.append(s...x) }
                    x += 1
                }
                #expect(runs == expected, "trial \(trial): \(runs) vs \(expected)")
            }
        }
    }

    @Test func boundingBoxMatchesBruteForce() {
        var rng = Level0RNG(seed: 29)
        for trial in 0..<30 {
            let nx = Int.random(in: 1...40, using: &rng), ny = Int.random(in: 1...9, using: &rng)
            let nz = Int.random(in: 1...9, using: &rng)
            // Sparse masks (a few voxels, possibly none) and masks of long runs.
            let density = trial % 3 == 0 ? 0.01 : 0.2
            var v = (0..<(nx * ny * nz)).map { _ in Double.random(in: 0..<1, using: &rng) < density }
            if trial % 3 == 2 { for i in 0..<v.count where i % nx < nx / 2 { v[i] = v[i] || i % 7 == 0 } }
            let m = BinaryMask(nx: nx, ny: ny, nz: nz, voxels: v)
            var lo = SIMD3(Int.max, Int.max, Int.max), hi = SIMD3(-1, -1, -1)
            for z in 0..<nz { for y in 0..<ny { for x in 0..<nx where m[x, y, z] {
                lo = pointwiseMin(lo, SIMD3(x, y, z)); hi = pointwiseMax(hi, SIMD3(x, y, z))
            } } }
            let box = m.boundingBox()
            if hi.x < 0 {
                #expect(box == nil, "trial \(trial): an empty mask has no box")
            } else {
                #expect(box?.first == lo && box?.last == hi, "trial \(trial): \(String(describing: box)) vs \(lo)…\(hi)")
            }
        }
    }

    @Test func extremesMatchOneValueAtATime() {
        var rng = Level0RNG(seed: 31)
        // Lengths around the chunking (65,536 values per worker chunk) and the eight-value blocks; NaN and ±∞ placed
        // in blocks and in tails.
        for n in [0, 1, 7, 8, 9, 100_003, 262_147] {
            var v = (0..<n).map { _ in Float.random(in: -5...5, using: &rng) }
            for _ in 0..<(n / 50) { v[Int.random(in: 0..<n, using: &rng)] = .nan }
            if n > 9 { v[n - 2] = .nan; v[3] = 40; v[n / 2 + 1] = -41 }
            if n > 100 { v[n / 3] = .infinity }
            var lo = Float.infinity, hi = -Float.infinity
            for x in v where !x.isNaN { lo = min(lo, x); hi = max(hi, x) }
            let e = Statistics.extremes(v)
            if n == 0 {
                #expect(e == nil)
            } else {
                #expect(e?.min == lo && e?.max == hi, "n \(n): \(String(describing: e)) vs \(lo), \(hi)")
            }
        }
        #expect(Statistics.extremes([Float](repeating: .nan, count: 17)) == nil, "only NaN: no extremes")
    }
}
