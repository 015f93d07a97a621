// Voxel bytes → Float values in X, Y, Z order.
//
// Conventions (MRC2014): the file stores nx columns × ny rows × nz sections, columns fastest;
// mapc/mapr/maps (1 = X, 2 = Y, 3 = Z) say which axis the columns, rows and sections run along.
// Output is x fastest: index = x + NX·(y + NY·z) with (NX, NY, NZ) the box in X, Y, Z.
// Modes: 0 signed int8, 1 int16, 2 float32, 6 uint16, 12 IEEE half precision.

/// Where the file's columns, rows and sections go in X, Y, Z.
struct AxisPermutation: Equatable {
    /// Axis index (0 = X, 1 = Y, 2 = Z) of columns, rows, sections.
    let column: Int, row: Int, section: Int

    init?(mapc: Int32, mapr: Int32, maps: Int32) {
        let axes = [Int(mapc) - 1, Int(mapr) - 1, Int(maps) - 1]
        guard Set(axes) == [0, 1, 2] else { return nil }
        column = axes[0]; row = axes[1]; section = axes[2]
    }

    var isIdentity: Bool { column == 0 && row == 1 && section == 2 }

    /// Values given in column, row, section order, placed along X, Y, Z.
    func toXYZ<T>(_ c: T, _ r: T, _ s: T) -> SIMD3<T> where T: SIMDScalar {
        var out = SIMD3<T>(c, c, c)
        out[column] = c; out[row] = r; out[section] = s
        return out
    }
}

/// Decoding of one voxel type; specialised per mode so the inner loop has no dispatch.
protocol VoxelCodec {
    static var width: Int { get }
    static func load(_ p: UnsafeRawPointer, swapped: Bool) -> Float
}

enum Int8Codec: VoxelCodec {
    static let width = 1
    @inline(__always) static func load(_ p: UnsafeRawPointer, swapped: Bool) -> Float {
        Float(p.load(as: Int8.self))
    }
}

enum Int16Codec: VoxelCodec {
    static let width = 2
    @inline(__always) static func load(_ p: UnsafeRawPointer, swapped: Bool) -> Float {
        let raw = p.loadUnaligned(as: UInt16.self)
        return Float(Int16(bitPattern: swapped ? raw.byteSwapped : raw))
    }
}

enum UInt16Codec: VoxelCodec {
    static let width = 2
    @inline(__always) static func load(_ p: UnsafeRawPointer, swapped: Bool) -> Float {
        let raw = p.loadUnaligned(as: UInt16.self)
        return Float(swapped ? raw.byteSwapped : raw)
    }
}

enum Float16Codec: VoxelCodec {
    static let width = 2
    @inline(__always) static func load(_ p: UnsafeRawPointer, swapped: Bool) -> Float {
        let raw = p.loadUnaligned(as: UInt16.self)
        return halfToFloat(swapped ? raw.byteSwapped : raw)
    }
}

enum Float32Codec: VoxelCodec {
    static let width = 4
    @inline(__always) static func load(_ p: UnsafeRawPointer, swapped: Bool) -> Float {
        let raw = p.loadUnaligned(as: UInt32.self)
        return Float(bitPattern: swapped ? raw.byteSwapped : raw)
    }
}

/// IEEE 754 binary16 → binary32, exact (every half value is a float value).
@inline(__always) func halfToFloat(_ h: UInt16) -> Float {
    let sign: UInt32 = UInt32(h & 0x8000) << 16
    let exponent = Int((h >> 10) & 0x1F)
    let mantissa = UInt32(h & 0x03FF)
    if exponent == 0 {
        // Zero or subnormal: mantissa × 2⁻²⁴.
        let magnitude = Float(mantissa) * 0x1p-24
        return sign != 0 ? -magnitude : magnitude
    }
    if exponent == 31 {
        return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))  // ±Inf or NaN
    }
    return Float(bitPattern: sign | (UInt32(exponent + 112) << 23) | (mantissa << 13))
}

enum VoxelDecoding {
    /// Decodes `fileDims` (columns, rows, sections) voxels of `mode` from `bytes` into X, Y, Z order.
    /// Precondition: `bytes.count ≥ voxel count × bytes per voxel` (checked by the reader).
    static func decode(_ bytes: UnsafeRawBufferPointer, mode: MRCMode, byteOrder: ByteOrder,
                       fileDims: SIMD3<Int>, axes: AxisPermutation) -> [Float] {
        let swapped = byteOrder != ByteOrder.host
        switch mode {
        case .int8: return decode(bytes, Int8Codec.self, swapped: swapped, fileDims: fileDims, axes: axes)
        case .int16: return decode(bytes, Int16Codec.self, swapped: swapped, fileDims: fileDims, axes: axes)
        case .uint16: return decode(bytes, UInt16Codec.self, swapped: swapped, fileDims: fileDims, axes: axes)
        case .float16: return decode(bytes, Float16Codec.self, swapped: swapped, fileDims: fileDims, axes: axes)
        case .float32: return decode(bytes, Float32Codec.self, swapped: swapped, fileDims: fileDims, axes: axes)
        case .complexInt16, .complexFloat32, .packed4Bit:
            preconditionFailure("VoxelDecoding: mode \(mode.rawValue) is rejected by the reader")
        }
    }

    private static func decode<C: VoxelCodec>(_ bytes: UnsafeRawBufferPointer, _ codec: C.Type, swapped: Bool,
                                              fileDims: SIMD3<Int>, axes: AxisPermutation) -> [Float] {
        let (nc, nr, ns) = (fileDims.x, fileDims.y, fileDims.z)
        let count = nc * nr * ns
        let box = axes.toXYZ(nc, nr, ns)
        let strideXYZ = SIMD3(1, box.x, box.x * box.y)
        let sc = strideXYZ[axes.column], sr = strideXYZ[axes.row], ss = strideXYZ[axes.section]
        precondition(bytes.count >= count * C.width, "VoxelDecoding: \(bytes.count) bytes for \(count) voxels")
        return [Float](unsafeUninitializedCapacity: count) { out, initialised in
            guard let src = bytes.baseAddress, let dst = out.baseAddress else { initialised = count; return }
            if C.self == Float32Codec.self && !swapped && axes.isIdentity {
                // The file is already our layout: one copy.
                UnsafeMutableRawPointer(dst).copyMemory(from: src, byteCount: count * 4)
            } else if axes.isIdentity {
                for i in 0..<count { dst[i] = C.load(src + i * C.width, swapped: swapped) }
            } else {
                // Permuted axes: 16³ tiles, so that both the file's runs and the output's x-runs stay in cache
                // (a plain loop writes with a stride of up to NX·NY floats and is several times slower).
                let tile = 16
                for s0 in stride(from: 0, to: ns, by: tile) {
                    for r0 in stride(from: 0, to: nr, by: tile) {
                        for c0 in stride(from: 0, to: nc, by: tile) {
                            let cEnd = Swift.min(c0 + tile, nc)
                            for s in s0..<Swift.min(s0 + tile, ns) {
                                for r in r0..<Swift.min(r0 + tile, nr) {
                                    var p = src + C.width * (c0 + nc * (r + nr * s))
                                    var o = s * ss + r * sr + c0 * sc
                                    for _ in c0..<cEnd {
                                        dst[o] = C.load(p, swapped: swapped)
                                        p += C.width
                                        o += sc
                                    }
                                }
                            }
                        }
                    }
                }
            }
            initialised = count
        }
    }
}

/// Min, max, mean and standard deviation (about the mean, the MRC2014 meaning of RMS) of the voxels.
struct VoxelStatistics: Equatable {
    var min: Float
    var max: Float
    var mean: Double
    var std: Double
    /// Number of NaN or ±Inf voxels; the other fields describe only the finite ones.
    var nonFinite: Int

    /// Two passes (mean, then squared deviations) accumulated in Double, so the variance does not cancel.
    init(_ values: UnsafeBufferPointer<Float>) {
        if let fast = VoxelStatistics.allFinite(values) {
            self = fast
        } else {
            self = VoxelStatistics.counting(values)
        }
    }

    private init(min: Float, max: Float, mean: Double, std: Double, nonFinite: Int) {
        self.min = min; self.max = max; self.mean = mean; self.std = std; self.nonFinite = nonFinite
    }

    /// SIMD passes, valid when every voxel is finite; nil otherwise. The Double sum of Floats cannot
    /// overflow (|v| < 3.5e38, count < 2⁶³), so it is finite exactly when every voxel is.
    private static func allFinite(_ values: UnsafeBufferPointer<Float>) -> VoxelStatistics? {
        let n = values.count
        guard n > 0, let base = values.baseAddress else { return VoxelStatistics(min: 0, max: 0, mean: 0, std: 0, nonFinite: 0) }
        let raw = UnsafeRawPointer(base)
        let vectors = n / 8
        var lo = SIMD8<Float>(repeating: .infinity), hi = SIMD8<Float>(repeating: -.infinity)
        var sumA = SIMD4<Double>(), sumB = SIMD4<Double>()
        for k in 0..<vectors {
            let v = raw.loadUnaligned(fromByteOffset: 32 * k, as: SIMD8<Float>.self)
            // Compare-and-blend: pointwiseMin/Max handle NaN element by element and do not vectorise.
            lo.replace(with: v, where: v .< lo); hi.replace(with: v, where: v .> hi)
            sumA += v.lowHalf.widened; sumB += v.highHalf.widened
        }
        var sum = (sumA + sumB).sum()
        var minimum = lo.min(), maximum = hi.max()
        for i in (8 * vectors)..<n {
            let v = base[i]
            minimum = Swift.min(minimum, v); maximum = Swift.max(maximum, v); sum += Double(v)
        }
        guard sum.isFinite else { return nil }
        let mean = sum / Double(n)
        let m = SIMD4<Double>(repeating: mean)
        var sqA = SIMD4<Double>(), sqB = SIMD4<Double>()
        for k in 0..<vectors {
            let v = raw.loadUnaligned(fromByteOffset: 32 * k, as: SIMD8<Float>.self)
            let a = v.lowHalf.widened - m, b = v.highHalf.widened - m
            sqA += a * a; sqB += b * b
        }
        var squares = (sqA + sqB).sum()
        for i in (8 * vectors)..<n {
            let d = Double(base[i]) - mean
            squares += d * d
        }
        return VoxelStatistics(min: minimum, max: maximum, mean: mean, std: (squares / Double(n)).squareRoot(),
                               nonFinite: 0)
    }

    /// Scalar passes that skip and count NaN/Inf voxels.
    private static func counting(_ values: UnsafeBufferPointer<Float>) -> VoxelStatistics {
        var lo = Float.infinity, hi = -Float.infinity
        var sum = 0.0
        var bad = 0
        for v in values {
            if v.isFinite {
                lo = Swift.min(lo, v); hi = Swift.max(hi, v); sum += Double(v)
            } else {
                bad += 1
            }
        }
        let n = values.count - bad
        let mean = n > 0 ? sum / Double(n) : 0
        var squares = 0.0
        for v in values where v.isFinite {
            let d = Double(v) - mean
            squares += d * d
        }
        return VoxelStatistics(min: n > 0 ? lo : 0, max: n > 0 ? hi : 0, mean: mean,
                               std: n > 0 ? (squares / Double(n)).squareRoot() : 0, nonFinite: bad)
    }
}
