// The 1024-byte MRC/CCP4 map header: the 56 words and ten 80-character labels, as stored.
//
// Reference: MRC2014 format, Cheng et al., J. Struct. Biol. 192 (2015) 146–150, and the CCP4 map format
// (https://www.ccpem.ac.uk/mrc_format/mrc2014.php). Field names and word numbers follow that table.
// Conventions: this layer only decodes bytes; it does not judge them (MRCReader does). Words are kept in
// file order: nx, ny, nz are columns, rows, sections; mapc/mapr/maps say which of X, Y, Z each runs along.
// cella and mx, my, mz are already along X, Y, Z.

/// Byte order of a file's numbers.
public enum ByteOrder: String, Sendable, Equatable {
    case littleEndian = "little-endian"
    case bigEndian = "big-endian"

    public static var host: ByteOrder {
        1.littleEndian == 1 ? .littleEndian : .bigEndian
    }
}

/// Data modes (word 4) defined by MRC2014; the reader supports 0, 1, 2, 6 and 12.
public enum MRCMode: Int32, Sendable {
    case int8 = 0
    case int16 = 1
    case float32 = 2
    case complexInt16 = 3
    case complexFloat32 = 4
    case uint16 = 6
    case float16 = 12
    case packed4Bit = 101

    public var name: String {
        switch self {
        case .int8: return "int8"
        case .int16: return "int16"
        case .float32: return "float32"
        case .complexInt16: return "complex int16"
        case .complexFloat32: return "complex float32"
        case .uint16: return "uint16"
        case .float16: return "float16"
        case .packed4Bit: return "packed 4-bit"
        }
    }

    /// Bytes per voxel for the modes the reader decodes; nil for the others.
    public var bytesPerVoxel: Int? {
        switch self {
        case .int8: return 1
        case .int16, .uint16, .float16: return 2
        case .float32: return 4
        case .complexInt16, .complexFloat32, .packed4Bit: return nil
        }
    }
}

public struct MRCHeader: Sendable, Equatable {
    public static let size = 1024
    public static let labelCount = 10
    public static let labelLength = 80

    // Words in MRC2014 order.
    public var nx: Int32                 // 1   columns (fastest-varying in the file)
    public var ny: Int32                 // 2   rows
    public var nz: Int32                 // 3   sections (slowest)
    public var mode: Int32               // 4   data type, see MRCMode
    public var nxstart: Int32            // 5   start index of the first column (voxels)
    public var nystart: Int32            // 6   start index of the first row
    public var nzstart: Int32            // 7   start index of the first section
    public var mx: Int32                 // 8   sampling intervals along X in the unit cell
    public var my: Int32                 // 9   … along Y
    public var mz: Int32                 // 10  … along Z
    public var cella: SIMD3<Float>       // 11–13 cell lengths along X, Y, Z (Å)
    public var cellb: SIMD3<Float>       // 14–16 cell angles α, β, γ (degrees)
    public var mapc: Int32               // 17  axis (1 = X, 2 = Y, 3 = Z) along columns
    public var mapr: Int32               // 18  axis along rows
    public var maps: Int32               // 19  axis along sections
    public var dmin: Float               // 20  minimum density
    public var dmax: Float               // 21  maximum density
    public var dmean: Float              // 22  mean density
    public var ispg: Int32               // 23  space group (0 = image stack, 1 = single volume)
    public var nsymbt: Int32             // 24  extended-header size (bytes)
    public var extra1: [UInt8]           // 25–26 extra space (8 bytes)
    public var exttyp: [UInt8]           // 27  extended-header type (4 chars, e.g. "CCP4", "FEI1")
    public var nversion: Int32           // 28  format version (20140 for MRC2014)
    public var extra2: [UInt8]           // 29–49 extra space (84 bytes)
    public var origin: SIMD3<Float>      // 50–52 origin along X, Y, Z (Å)
    public var map: [UInt8]              // 53  "MAP " stamp
    public var machst: [UInt8]           // 54  machine stamp: 44 44 00 00 / 44 41 00 00 little-endian, 11 11 00 00 big
    public var rms: Float                // 55  standard deviation of the density about the mean
    public var nlabl: Int32              // 56  number of labels in use
    public var labels: [String]          // 57–256 ten 80-character labels (trailing NULs and spaces removed)

    /// The byte order the header was read in (not a word of the header).
    public var byteOrder: ByteOrder

    /// A little-endian MRC2014 header for a float32 volume; the writer fills in the rest.
    public init(nx: Int32, ny: Int32, nz: Int32, mode: MRCMode = .float32) {
        self.nx = nx; self.ny = ny; self.nz = nz
        self.mode = mode.rawValue
        nxstart = 0; nystart = 0; nzstart = 0
        mx = nx; my = ny; mz = nz
        cella = SIMD3(Float(nx), Float(ny), Float(nz))
        cellb = SIMD3(90, 90, 90)
        mapc = 1; mapr = 2; maps = 3
        dmin = 0; dmax = 0; dmean = 0
        ispg = 1
        nsymbt = 0
        extra1 = [UInt8](repeating: 0, count: 8)
        exttyp = [UInt8](repeating: 0, count: 4)
        nversion = 20140
        extra2 = [UInt8](repeating: 0, count: 84)
        origin = .zero
        map = Array("MAP ".utf8)
        machst = [0x44, 0x44, 0x00, 0x00]
        rms = 0
        nlabl = 0
        labels = [String](repeating: "", count: MRCHeader.labelCount)
        byteOrder = .littleEndian
    }

    /// The labels in use (the first `nlabl`, clamped to 0…10).
    public var usedLabels: [String] {
        Array(labels.prefix(Int(min(max(nlabl, 0), Int32(MRCHeader.labelCount)))))
    }

    /// Whether the stamp at word 53 reads "MAP " (older files sometimes have "MAP\0").
    public var hasMapStamp: Bool {
        map.count == 4 && map[0] == 0x4D && map[1] == 0x41 && map[2] == 0x50 && (map[3] == 0x20 || map[3] == 0)
    }

    /// The byte order that MACHST (word 54) declares, or nil if it is not a known stamp.
    public var declaredByteOrder: ByteOrder? { MRCHeader.declaredByteOrder(machst: machst) }

    static func declaredByteOrder(machst: [UInt8]) -> ByteOrder? {
        guard machst.count == 4 else { return nil }
        // The first byte carries the float/int representation: 0x44 IEEE little-endian, 0x11 IEEE big-endian.
        switch machst[0] {
        case 0x44: return .littleEndian
        case 0x11: return .bigEndian
        default: return nil
        }
    }
}

// MARK: - Decoding

extension MRCHeader {
    /// Decodes the first 1024 bytes of `bytes` in the given byte order. Precondition: bytes.count ≥ 1024.
    public init(decoding bytes: UnsafeRawBufferPointer, byteOrder: ByteOrder) {
        precondition(bytes.count >= MRCHeader.size, "MRCHeader needs 1024 bytes, got \(bytes.count)")
        let r = WordReader(bytes: bytes, byteOrder: byteOrder)
        nx = r.int32(1); ny = r.int32(2); nz = r.int32(3)
        mode = r.int32(4)
        nxstart = r.int32(5); nystart = r.int32(6); nzstart = r.int32(7)
        mx = r.int32(8); my = r.int32(9); mz = r.int32(10)
        cella = SIMD3(r.float(11), r.float(12), r.float(13))
        cellb = SIMD3(r.float(14), r.float(15), r.float(16))
        mapc = r.int32(17); mapr = r.int32(18); maps = r.int32(19)
        dmin = r.float(20); dmax = r.float(21); dmean = r.float(22)
        ispg = r.int32(23)
        nsymbt = r.int32(24)
        extra1 = r.bytes(word: 25, count: 8)
        exttyp = r.bytes(word: 27, count: 4)
        nversion = r.int32(28)
        extra2 = r.bytes(word: 29, count: 84)
        origin = SIMD3(r.float(50), r.float(51), r.float(52))
        map = r.bytes(word: 53, count: 4)
        machst = r.bytes(word: 54, count: 4)
        rms = r.float(55)
        nlabl = r.int32(56)
        labels = (0..<MRCHeader.labelCount).map { i in
            let raw = r.bytes(word: 57 + 20 * i, count: MRCHeader.labelLength)
            var end = raw.count
            while end > 0 && (raw[end - 1] == 0 || raw[end - 1] == 0x20) { end -= 1 }
            return String(decoding: raw[0..<end], as: UTF8.self)
        }
        self.byteOrder = byteOrder
    }

    /// Reads 4-byte words (numbered from 1, as in the specification) in one byte order.
    struct WordReader {
        let bytes: UnsafeRawBufferPointer
        let byteOrder: ByteOrder

        func uint32(_ word: Int) -> UInt32 {
            let raw = bytes.loadUnaligned(fromByteOffset: 4 * (word - 1), as: UInt32.self)
            return byteOrder == .littleEndian ? UInt32(littleEndian: raw) : UInt32(bigEndian: raw)
        }
        func int32(_ word: Int) -> Int32 { Int32(bitPattern: uint32(word)) }
        func float(_ word: Int) -> Float { Float(bitPattern: uint32(word)) }
        func bytes(word: Int, count: Int) -> [UInt8] {
            let start = 4 * (word - 1)
            return Array(bytes[start..<(start + count)])
        }
    }
}

// MARK: - Encoding

extension MRCHeader {
    /// The 1024 header bytes, little-endian, labels padded with spaces (unused labels with NULs).
    public func encodedLittleEndian() -> [UInt8] {
        var out = [UInt8](repeating: 0, count: MRCHeader.size)
        func put(_ word: Int, _ value: UInt32) {
            let o = 4 * (word - 1)
            out[o] = UInt8(value & 0xFF); out[o + 1] = UInt8((value >> 8) & 0xFF)
            out[o + 2] = UInt8((value >> 16) & 0xFF); out[o + 3] = UInt8(value >> 24)
        }
        func put(_ word: Int, _ value: Int32) { put(word, UInt32(bitPattern: value)) }
        func put(_ word: Int, _ value: Float) { put(word, value.bitPattern) }
        func put(_ word: Int, bytes: [UInt8], count: Int) {
            let o = 4 * (word - 1)
            for i in 0..<min(count, bytes.count) { out[o + i] = bytes[i] }
        }
        put(1, nx); put(2, ny); put(3, nz)
        put(4, mode)
        put(5, nxstart); put(6, nystart); put(7, nzstart)
        put(8, mx); put(9, my); put(10, mz)
        put(11, cella.x); put(12, cella.y); put(13, cella.z)
        put(14, cellb.x); put(15, cellb.y); put(16, cellb.z)
        put(17, mapc); put(18, mapr); put(19, maps)
        put(20, dmin); put(21, dmax); put(22, dmean)
        put(23, ispg)
        put(24, nsymbt)
        put(25, bytes: extra1, count: 8)
        put(27, bytes: exttyp, count: 4)
        put(28, nversion)
        put(29, bytes: extra2, count: 84)
        put(50, origin.x); put(51, origin.y); put(52, origin.z)
        put(53, bytes: map, count: 4)
        put(54, bytes: [0x44, 0x44, 0x00, 0x00], count: 4)  // always little-endian here
        put(55, rms)
        put(56, nlabl)
        for (i, label) in labels.prefix(MRCHeader.labelCount).enumerated() where i < Int(nlabl) {
            // Labels are ASCII; anything else becomes '?', and long labels are cut at 80 characters.
            var chars = label.unicodeScalars.map { $0.isASCII && $0.value >= 0x20 ? UInt8($0.value) : UInt8(ascii: "?") }
            chars = Array(chars.prefix(MRCHeader.labelLength))
            chars += [UInt8](repeating: 0x20, count: MRCHeader.labelLength - chars.count)
            put(57 + 20 * i, bytes: chars, count: MRCHeader.labelLength)
        }
        return out
    }
}
