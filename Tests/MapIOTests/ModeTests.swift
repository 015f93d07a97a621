// Synthetic maps built byte by byte in the test: every supported mode, both byte orders, permuted axes,
// and untrustworthy machine stamps. Expected values are known by construction; mrcfile cross-checks some.
import Foundation
import Testing
@testable import MapIO

/// A 3 × 2 × 2 box (12 voxels) of one mode; `encode` appends the file's voxels in file order.
private func syntheticMap(mode: Int32, bigEndian: Bool, values: [Float],
                          encode: (inout MRCBytes, Int) -> Void) -> MRCBytes {
    var m = MRCBytes(nx: 3, ny: 2, nz: 2, mode: mode, bigEndian: bigEndian)
    for i in 0..<values.count { encode(&m, i) }
    let s = referenceStatistics(values)
    m.setStatistics(min: Float(s.min), max: Float(s.max), mean: Float(s.mean), rms: Float(s.std))
    return m
}

private let int8Values: [Int8] = [-128, -1, 0, 1, 127, 42, -42, 100, -100, 7, -7, 64]
private let int16Values: [Int16] = [-32768, 32767, -1, 0, 1, 1000, -1000, 12345, -12345, 256, -256, 2]
private let uint16Values: [UInt16] = [0, 65535, 1, 32768, 32767, 256, 255, 1000, 60000, 2, 3, 4]
private let float32Values: [Float] = [-1.5, 3.25e-3, 1e30, -0.0, 0, 7, -7.125, 1e-30, 65536.5, -2e-3, 0.1, -1e30]
/// binary16 bit patterns and their exact values.
private let float16Cases: [(UInt16, Float)] = [
    (0x3C00, 1.0), (0xC000, -2.0), (0x7BFF, 65504), (0xFBFF, -65504), (0x0001, 0x1p-24), (0x03FF, 1023 * 0x1p-24),
    (0x0400, 0x1p-14), (0x3555, 0.333251953125), (0x8000, -0.0), (0x4248, 3.140625), (0x0000, 0), (0xB800, -0.5),
]

private func makeMode(_ mode: Int32, bigEndian: Bool) -> (MRCBytes, [Float]) {
    switch mode {
    case 0:
        let v = int8Values.map { Float($0) }
        return (syntheticMap(mode: 0, bigEndian: bigEndian, values: v) { m, i in m.data.append(UInt8(bitPattern: int8Values[i])) }, v)
    case 1:
        let v = int16Values.map { Float($0) }
        return (syntheticMap(mode: 1, bigEndian: bigEndian, values: v) { m, i in m.append16(UInt16(bitPattern: int16Values[i])) }, v)
    case 6:
        let v = uint16Values.map { Float($0) }
        return (syntheticMap(mode: 6, bigEndian: bigEndian, values: v) { m, i in m.append16(uint16Values[i]) }, v)
    case 12:
        let v = float16Cases.map { $0.1 }
        return (syntheticMap(mode: 12, bigEndian: bigEndian, values: v) { m, i in m.append16(float16Cases[i].0) }, v)
    default:
        return (syntheticMap(mode: 2, bigEndian: bigEndian, values: float32Values) { m, i in m.append32(float32Values[i].bitPattern) },
                float32Values)
    }
}

@Suite struct ModeTests {
    @Test(arguments: [Int32(0), 1, 2, 6, 12], [false, true])
    func everyModeInBothByteOrders(mode: Int32, bigEndian: Bool) throws {
        let (m, expected) = makeMode(mode, bigEndian: bigEndian)
        let map = try MRCReader.read(bytes: m.bytes, name: "mode\(mode).mrc")
        #expect(map.header.byteOrder == (bigEndian ? .bigEndian : .littleEndian))
        #expect(map.header.mode == mode)
        #expect(map.volume.dims == SIMD3(3, 2, 2))
        for i in 0..<expected.count {
            #expect(map.volume.data[i].bitPattern == expected[i].bitPattern,
                    "mode \(mode) voxel \(i): expected \(expected[i]), observed \(map.volume.data[i])")
        }
        #expect(map.warnings.isEmpty, "\(map.warnings)")
    }

    @Test(arguments: [Int32(0), 1, 2, 6, 12])
    func bigEndianFilesAgreeWithMrcfile(mode: Int32) throws {
        let dir = try TestPaths.scratchDirectory()
        defer { TestPaths.cleanUp(dir) }
        let (m, _) = makeMode(mode, bigEndian: true)
        let path = dir + "/be\(mode).mrc"
        try m.write(to: path)
        let oracle = try Oracle.read(path)
        #expect(oracle.string("byte_order") == "big" || mode == 0)
        let ours = try MRCReader.read(path: path).volume
        #expect(oracle.data.map(\.bitPattern) == ours.data.map(\.bitPattern),
                "mode \(mode): mrcfile \(oracle.data), ours \(ours.data)")
    }

    @Test func halfPrecisionConversionIsExactForEveryPattern() {
        // Every finite binary16 value is n × 2^(e−25) for its integer significand n; check all 63,488 of them.
        for bits in UInt16(0)...UInt16.max {
            let exponent = Int((bits >> 10) & 0x1F), mantissa = Int(bits & 0x3FF)
            let sign: Float = bits & 0x8000 != 0 ? -1 : 1
            let observed = halfToFloat(bits)
            if exponent == 31 {
                #expect(mantissa == 0 ? observed.isInfinite : observed.isNaN, "pattern \(bits)")
                continue
            }
            let expected = exponent == 0 ? sign * Float(mantissa) * 0x1p-24
                : sign * Float(1024 + mantissa) * Float(sign: .plus, exponent: exponent - 25, significand: 1)
            if observed.bitPattern != expected.bitPattern {
                Issue.record("half pattern \(bits): expected \(expected), observed \(observed)")
                return
            }
        }
    }

    @Test(arguments: [false, true])
    func permutedAxesInBothByteOrders(bigEndian: Bool) throws {
        // Columns along Y (4), rows along Z (3), sections along X (2): mapc 2, mapr 3, maps 1.
        var m = MRCBytes(nx: 4, ny: 3, nz: 2, mode: 1, bigEndian: bigEndian)
        m.setInt(17, 2); m.setInt(18, 3); m.setInt(19, 1)
        m.setInt(5, 10); m.setInt(6, 20); m.setInt(7, 30)        // starts of columns, rows, sections
        m.setInt(8, 8); m.setInt(9, 16); m.setInt(10, 6)         // mx, my, mz (X, Y, Z)
        m.setFloat(11, 4); m.setFloat(12, 4); m.setFloat(13, 3)  // cell (X, Y, Z) Å
        // Value encodes its position: 100·c + 10·r + s.
        var values: [Float] = []
        for s in 0..<2 { for r in 0..<3 { for c in 0..<4 {
            let v = Int16(100 * c + 10 * r + s); m.append16(UInt16(bitPattern: v)); values.append(Float(v))
        } } }
        let st = referenceStatistics(values)
        m.setStatistics(min: Float(st.min), max: Float(st.max), mean: Float(st.mean), rms: Float(st.std))
        let map = try MRCReader.read(bytes: m.bytes, name: "perm.mrc")
        let v = map.volume
        #expect(v.dims == SIMD3(2, 4, 3), "box X,Y,Z = sections, columns, rows")
        #expect(v.startIndex == SIMD3(30, 10, 20))
        #expect(v.voxelSize == SIMD3(0.5, 0.25, 0.5))
        for x in 0..<2 { for y in 0..<4 { for z in 0..<3 {
            #expect(v[x, y, z] == Float(100 * y + 10 * z + x), "V[\(x),\(y),\(z)]")
        } } }
        #expect(map.warnings.isEmpty, "\(map.warnings)")
    }

    @Test(arguments: [false, true])
    func unsetMachineStampIsInferredFromTheHeader(bigEndian: Bool) throws {
        var (m, expected) = makeMode(2, bigEndian: bigEndian)
        m.setBytes(54, [0, 0, 0, 0])
        let map = try MRCReader.read(bytes: m.bytes, name: "nostamp.mrc")
        let order = bigEndian ? "big-endian" : "little-endian"
        #expect(map.header.byteOrder == (bigEndian ? .bigEndian : .littleEndian))
        #expect(map.volume.data == expected)
        #expect(map.warnings == ["nostamp.mrc: MACHST (word 54) is 00 00 00 00, not a machine stamp (44 44 00 00 or "
            + "44 41 00 00 little-endian, 11 11 00 00 big-endian); read as \(order), the byte order that gives a "
            + "valid mode and dimensions"])
    }

    @Test func wrongMachineStampIsOverruledByTheHeader() throws {
        var (m, expected) = makeMode(6, bigEndian: true)
        m.setBytes(54, [0x44, 0x41, 0, 0])  // claims little-endian
        let map = try MRCReader.read(bytes: m.bytes, name: "lying.mrc")
        #expect(map.header.byteOrder == .bigEndian)
        #expect(map.volume.data == expected)
        #expect(map.warnings == ["lying.mrc: MACHST (word 54) is 44 41 00 00 (little-endian) but the header only "
            + "gives a valid mode, dimensions and axis order read big-endian; read as big-endian"])
    }

    @Test func extendedHeaderIsSkippedAndOriginKept() throws {
        var m = MRCBytes(nx: 2, ny: 2, nz: 1, mode: 2)
        m.setInt(24, 12)
        m.extended = [UInt8](repeating: 0xFF, count: 12)  // would be NaNs if read as data
        m.setFloat(50, 1.5); m.setFloat(51, -2.25); m.setFloat(52, 100.1)
        for v: Float in [1, 2, 3, 4] { m.append32(v.bitPattern) }
        m.setStatistics(min: 1, max: 4, mean: 2.5, rms: Float(1.25.squareRoot()))
        let map = try MRCReader.read(bytes: m.bytes, name: "ext.mrc")
        #expect(map.volume.data == [1, 2, 3, 4])
        #expect(map.volume.headerOrigin == SIMD3(1.5, -2.25, 100.1))
        #expect(map.warnings.isEmpty, "\(map.warnings)")
    }
}
