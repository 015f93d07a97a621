// Float lanes to Double lanes, for sums over voxels that must not lose precision (statistics, centres of mass).
// Spelled out lane by lane: the generic `SIMD4<Double>(v)` conversion is several times slower in the hot loops.

extension SIMD4 where Scalar == Float {
    /// The four lanes as Double.
    @inlinable @inline(__always) public var widened: SIMD4<Double> {
        SIMD4<Double>(Double(self[0]), Double(self[1]), Double(self[2]), Double(self[3]))
    }
}
