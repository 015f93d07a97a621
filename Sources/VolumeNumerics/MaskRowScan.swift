// Finding set and unset flags along a row of a `BinaryMask` eight at a time.
//
// A Swift Bool is stored as the byte 0 or 1, so eight flags read as one UInt64 (little-endian: the flag at the
// lowest address is the lowest byte) are 0 when none is set and 0x0101…01 when all are. A row of a mask is mostly
// one or the other (background, or the inside of the density), so the masks' scans (the labelling's runs, the
// dilation's boundary, the bounding box) skip eight flags per load instead of testing each.
enum MaskRowScan {
    private static let allSet: UInt64 = 0x0101_0101_0101_0101

    /// Index of the first set flag in p[from..<to], or `to` when there is none.
    @inline(__always)
    static func firstSet(_ p: UnsafePointer<Bool>, from: Int, to: Int) -> Int {
        let raw = UnsafeRawPointer(p)
        var i = from
        while i + 8 <= to {
            let w = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            if w != 0 { return i + w.trailingZeroBitCount / 8 }
            i += 8
        }
        while i < to && !p[i] { i += 1 }
        return i
    }

    /// Index of the first unset flag in p[from..<to], or `to` when every flag is set.
    @inline(__always)
    static func firstUnset(_ p: UnsafePointer<Bool>, from: Int, to: Int) -> Int {
        let raw = UnsafeRawPointer(p)
        var i = from
        while i + 8 <= to {
            let w = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) ^ allSet
            if w != 0 { return i + w.trailingZeroBitCount / 8 }
            i += 8
        }
        while i < to && p[i] { i += 1 }
        return i
    }

    /// Index of the last set flag in p[from..<to], or nil when there is none.
    @inline(__always)
    static func lastSet(_ p: UnsafePointer<Bool>, from: Int, to: Int) -> Int? {
        let raw = UnsafeRawPointer(p)
        var end = to
        while end - 8 >= from {
            let w = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: end - 8, as: UInt64.self))
            if w != 0 { return end - 1 - w.leadingZeroBitCount / 8 }
            end -= 8
        }
        while end > from { end -= 1; if p[end] { return end } }
        return nil
    }

    /// Calls `body(first, last)` for each run of set flags in p[from..<to] (`last` inclusive), in order.
    @inline(__always)
    static func forEachRun(_ p: UnsafePointer<Bool>, from: Int, to: Int, _ body: (_ first: Int, _ last: Int) -> Void) {
        var x = firstSet(p, from: from, to: to)
        while x < to {
            let end = firstUnset(p, from: x + 1, to: to)
            body(x, end - 1)
            x = firstSet(p, from: end, to: to)
        }
    }
}
