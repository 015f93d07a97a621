// A mask held as one bit per voxel, for a computation that keeps a mask through a long stretch whose other
// buffers are the size of the volume: at 512³ a `[Bool]` mask is 128 MiB, its bits 16 MiB (MonoRes's scan,
// issue 16's 4× the map).
public struct PackedMask: Sendable, Equatable {
    /// Number of flags (voxels).
    public let count: Int
    /// Flag i is bit (i % 64) of words[i / 64]; the bits past `count` in the last word are 0.
    public private(set) var words: [UInt64]

    /// The flags of `flags`, in the same order.
    public init(_ flags: [Bool]) {
        count = flags.count
        let wordCount = (flags.count + 63) / 64
        var words = [UInt64](repeating: 0, count: wordCount)
        // Chunks of 4,096 words (256 Ki flags): one per parallel iteration.
        let wordsPerChunk = 4096
        words.withUnsafeMutableBufferPointer { w in
            flags.withUnsafeBufferPointer { f in
                Parallel.perform(iterations: (wordCount + wordsPerChunk - 1) / wordsPerChunk) { c in
                    for k in (c * wordsPerChunk)..<min(wordCount, (c + 1) * wordsPerChunk) {
                        let base = k * 64
                        var bits: UInt64 = 0
                        for j in 0..<min(64, f.count - base) where f[base + j] { bits |= 1 << UInt64(j) }
                        w[k] = bits
                    }
                }
            }
        }
        self.words = words
    }

    /// Flag `i`.
    @inline(__always)
    public subscript(i: Int) -> Bool { words[i >> 6] & (1 << UInt64(i & 63)) != 0 }

    /// Number of set flags.
    public var setCount: Int { words.reduce(0) { $0 + $1.nonzeroBitCount } }

    /// Calls `body(i)` for every set flag i, in increasing order.
    @inline(__always)
    public func forEachSet(_ body: (Int) throws -> Void) rethrows {
        for (k, word) in words.enumerated() {
            var w = word
            while w != 0 {
                try body(k * 64 + w.trailingZeroBitCount)
                w &= w - 1
            }
        }
    }
}
