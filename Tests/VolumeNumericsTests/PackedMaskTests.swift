// PackedMask (one bit per voxel) against the flags it was made from: every flag, the count and the order of the
// set flags, for sizes around a word's 64 flags and past one parallel chunk (4,096 words), sparse and dense.
import TestSupport
import Testing
@testable import VolumeNumerics

@Suite struct PackedMaskTests {
    @Test func packedFlagsMatchTheFlags() {
        var rng = Level0RNG(seed: 41)
        for n in [0, 1, 63, 64, 65, 127, 128, 129, 4096 * 64 - 1, 4096 * 64, 4096 * 64 + 1, 300_007] {
            for density in [0.0, 0.03, 0.5, 0.97, 1.0] {
                let flags = (0..<n).map { _ in Double.random(in: 0..<1, using: &rng) < density }
                let packed = PackedMask(flags)
                #expect(packed.count == n)
                #expect(packed.words.count == (n + 63) / 64)
                #expect((0..<n).allSatisfy { packed[$0] == flags[$0] }, "n = \(n), density \(density)")
                #expect(packed.setCount == flags.filter { $0 }.count)
                var visited: [Int] = []
                packed.forEachSet { visited.append($0) }
                #expect(visited == flags.indices.filter { flags[$0] }, "n = \(n), density \(density)")
                // Nothing past the last flag is set.
                if n % 64 != 0, let last = packed.words.last { #expect(last >> UInt64(n % 64) == 0) }
            }
        }
    }
}
