// Judging an MRC header: which byte order to read it in, what makes it unreadable (MapError), and what is
// merely suspicious (warning strings). The reader calls these in order; each is a pure function.
//
// Conventions (MRC2014, Cheng et al. 2015): MACHST 44 44 00 00 or 44 41 00 00 = little-endian, 11 11 00 00 =
// big-endian. dmax < dmin, dmean below both, or RMS < 0 mean "not determined"; ispg 0 declares an image
// stack, 1 a single volume. Cell angles other than 90° mean a non-orthogonal (crystallographic) cell.

enum MRCHeaderChecks {
    /// Per-axis limit on the box: far above any real map, low enough that sizes never overflow Int.
    static let maxDimension = 1 << 20

    // MARK: Byte order

    /// How much a reading of the header looks like a map: known mode (4), positive sane dimensions (2),
    /// a valid axis permutation (1). A full score is 7.
    static func plausibility(_ raw: UnsafeRawBufferPointer, _ order: ByteOrder) -> Int {
        let r = MRCHeader.WordReader(bytes: raw, byteOrder: order)
        var score = 0
        if MRCMode(rawValue: r.int32(4)) != nil { score += 4 }
        if (1...3).allSatisfy({ (1...Int32(1 << 24)).contains(r.int32($0)) }) { score += 2 }
        if AxisPermutation(mapc: r.int32(17), mapr: r.int32(18), maps: r.int32(19)) != nil { score += 1 }
        return score
    }

    /// The byte order to read the header in, with a warning when MACHST could not be trusted.
    /// Throws when the bytes are not an MRC header at all. Precondition: raw.count ≥ 1024.
    static func chooseByteOrder(_ raw: UnsafeRawBufferPointer, file: String) throws -> (ByteOrder, [String]) {
        let little = plausibility(raw, .littleEndian), big = plausibility(raw, .bigEndian)
        let machst = Array(raw[212..<216])
        let hasMapStamp = raw[208] == 0x4D && raw[209] == 0x41 && raw[210] == 0x50
        // Without the stamp, only a known mode with sane dimensions says "this is a map".
        if !hasMapStamp && max(little, big) < 6 {
            if let format = foreignFormat(raw) { throw MapError.foreignFormat(file: file, format: format) }
            let r = MRCHeader.WordReader(bytes: raw, byteOrder: .littleEndian)
            throw MapError.notMRC(file: file, detail: "no 'MAP ' stamp (word 53) and neither byte order gives a "
                + "known mode (word 4) with positive dimensions (words 1-3); read little-endian they are mode "
                + "\(r.int32(4)), nx, ny, nz = \(r.int32(1)), \(r.int32(2)), \(r.int32(3))")
        }
        let stampText = machst.map { hex($0) }.joined(separator: " ")
        if let declared = MRCHeader.declaredByteOrder(machst: machst) {
            let other: ByteOrder = declared == .littleEndian ? .bigEndian : .littleEndian
            let (s, o) = declared == .littleEndian ? (little, big) : (big, little)
            if o > s && o == 7 {
                return (other, ["\(file): MACHST (word 54) is \(stampText) (\(declared.rawValue)) but the header "
                    + "only gives a valid mode, dimensions and axis order read \(other.rawValue); read as "
                    + "\(other.rawValue)"])
            }
            return (declared, [])
        }
        let chosen: ByteOrder = big > little ? .bigEndian : .littleEndian
        return (chosen, ["\(file): MACHST (word 54) is \(stampText), not a machine stamp (44 44 00 00 or "
            + "44 41 00 00 little-endian, 11 11 00 00 big-endian); read as \(chosen.rawValue), the byte order "
            + "that gives a valid mode and dimensions"])
    }

    /// The name of a non-MRC format whose signature starts the file, if one is recognised.
    static func foreignFormat(_ raw: UnsafeRawBufferPointer) -> String? {
        func starts(_ sig: [UInt8]) -> Bool { raw.count >= sig.count && zip(raw, sig).allSatisfy { $0 == $1 } }
        func startsText(_ s: String) -> Bool { starts(Array(s.utf8)) }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return "PNG image" }
        if starts([0xFF, 0xD8, 0xFF]) { return "JPEG image" }
        if startsText("GIF87a") || startsText("GIF89a") { return "GIF image" }
        if starts([0x49, 0x49, 0x2A, 0x00]) || starts([0x4D, 0x4D, 0x00, 0x2A]) { return "TIFF image" }
        if startsText("%PDF") { return "PDF document" }
        if starts([0x50, 0x4B, 0x03, 0x04]) { return "ZIP archive" }
        if starts([0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A]) { return "HDF5 file" }
        if starts([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]) { return "xz archive (decompress it first)" }
        if starts([0x28, 0xB5, 0x2F, 0xFD]) { return "zstd archive (decompress it first)" }
        if startsText("data_") { return "mmCIF/STAR text file" }
        for record in ["HEADER", "ATOM  ", "HETATM", "CRYST1", "REMARK", "MODEL "] where startsText(record) {
            return "PDB text file"
        }
        return nil
    }

    // MARK: Errors

    /// Everything that makes the header unusable, checked before any voxel memory is allocated.
    /// `available` is the byte count of the file (or of the decompressed stream).
    static func validate(_ h: MRCHeader, available: Int, decompressed: Bool, file: String) throws
        -> (mode: MRCMode, axes: AxisPermutation, dataOffset: Int, dataBytes: Int) {
        for (word, name, value) in [(1, "nx", h.nx), (2, "ny", h.ny), (3, "nz", h.nz)] {
            if value <= 0 {
                throw MapError.nonPositiveDimension(file: file, word: word, name: name, value: Int(value))
            }
            if Int(value) > maxDimension {
                throw MapError.absurdDimension(file: file, word: word, name: name, value: Int(value),
                                               limit: maxDimension)
            }
        }
        guard let mode = MRCMode(rawValue: h.mode), let width = mode.bytesPerVoxel else {
            throw MapError.unsupportedMode(file: file, mode: Int(h.mode))
        }
        guard let axes = AxisPermutation(mapc: h.mapc, mapr: h.mapr, maps: h.maps) else {
            throw MapError.invalidAxisOrder(file: file, mapc: Int(h.mapc), mapr: Int(h.mapr), maps: Int(h.maps))
        }
        guard h.nsymbt >= 0 else { throw MapError.invalidExtendedHeaderSize(file: file, nsymbt: Int(h.nsymbt)) }
        // With each axis ≤ 2²⁰ and 4 bytes per voxel this is ≤ 2⁶² + 2³¹: no overflow.
        let dataBytes = Int(h.nx) * Int(h.ny) * Int(h.nz) * width
        let dataOffset = MRCHeader.size + Int(h.nsymbt)
        if available < dataOffset + dataBytes {
            throw MapError.truncated(file: file, expected: dataOffset + dataBytes, found: available,
                                     decompressed: decompressed, nx: Int(h.nx), ny: Int(h.ny), nz: Int(h.nz),
                                     mode: Int(h.mode), nsymbt: Int(h.nsymbt))
        }
        return (mode, axes, dataOffset, dataBytes)
    }

    // MARK: Warnings

    /// Suspicious header values that do not stop reading.
    static func headerWarnings(_ h: MRCHeader, available: Int, expected: Int, file: String) -> [String] {
        var w: [String] = []
        if !h.hasMapStamp {
            w.append("\(file): word 53 is '\(printable(h.map))', not the 'MAP ' stamp of an MRC2014 map")
        }
        if h.ispg == 0 && h.nz > 1 {
            w.append("\(file): ispg (word 23) is 0, which MRC2014 reserves for image stacks, but nz = \(h.nz) > 1; "
                + "read as a single volume")
        }
        let angles = h.cellb
        if angles == .zero {
            w.append("\(file): cell angles (words 14-16) are 0, 0, 0 (not set); assumed 90°")
        } else if (0..<3).contains(where: { !angles[$0].isFinite || abs(angles[$0] - 90) > 1e-3 }) {
            w.append("\(file): cell angles (words 14-16) are α, β, γ = \(angles.x), \(angles.y), \(angles.z)°, "
                + "not 90°: the cell is not orthogonal; this tool treats the grid axes as orthogonal")
        }
        if available > expected {
            w.append("\(file): \(available - expected) bytes follow the data (expected \(expected) bytes in all); "
                + "they are ignored")
        }
        if h.nlabl < 0 || h.nlabl > 10 {
            w.append("\(file): nlabl (word 56) is \(h.nlabl); expected 0 to 10")
        }
        return w
    }

    /// Header statistics (words 20–22, 55) against the data's own.
    static func statisticsWarnings(_ h: MRCHeader, _ s: VoxelStatistics, file: String) -> [String] {
        var w: [String] = []
        let data = "data min/max/mean = \(s.min) / \(s.max) / \(Float(s.mean))"
        let range = Double(s.max) - Double(s.min)
        func close(_ header: Float, _ value: Double) -> Bool {
            abs(Double(header) - value) <= 1e-3 * range + 1e-6 * max(1, abs(value))
        }
        if h.dmin == 0 && h.dmax == 0 && h.dmean == 0 {
            w.append("\(file): header dmin, dmax, dmean (words 20-22) are all 0 (not filled in); \(data)")
        } else if h.dmax < h.dmin || h.dmean < min(h.dmin, h.dmax) || !h.dmin.isFinite || !h.dmax.isFinite
                    || !h.dmean.isFinite {
            w.append("\(file): header dmin, dmax, dmean (words 20-22) are \(h.dmin), \(h.dmax), \(h.dmean), "
                + "marked as not determined; \(data)")
        } else {
            for (word, name, header, value) in [(20, "dmin", h.dmin, Double(s.min)), (21, "dmax", h.dmax, Double(s.max)),
                                                (22, "dmean", h.dmean, s.mean)] where !close(header, value) {
                w.append("\(file): header \(name) (word \(word)) is \(header) but the data give \(Float(value))")
            }
        }
        if h.rms == 0 {
            w.append("\(file): header RMS (word 55) is 0 (not filled in); the data's standard deviation is "
                + "\(Float(s.std))")
        } else if h.rms < 0 || !h.rms.isFinite {
            w.append("\(file): header RMS (word 55) is \(h.rms), marked as not determined; the data's standard "
                + "deviation is \(Float(s.std))")
        } else if abs(Double(h.rms) - s.std) > 1e-2 * s.std + 1e-6 {
            w.append("\(file): header RMS (word 55) is \(h.rms) but the data's standard deviation is "
                + "\(Float(s.std))")
        }
        return w
    }

    // MARK: Geometry

    /// Voxel size (Å) along X, Y, Z: cella / (mx, my, mz), with fallbacks and their warnings.
    static func voxelSize(_ h: MRCHeader, box: SIMD3<Int>, file: String) -> (SIMD3<Double>, [String]) {
        var size = SIMD3<Double>(1, 1, 1)
        var w: [String] = []
        let names = ["X", "Y", "Z"], mNames = ["mx", "my", "mz"]
        let sampling = [h.mx, h.my, h.mz]
        for axis in 0..<3 {
            let cell = decimalDouble(h.cella[axis])
            var m = Int(sampling[axis])
            if m <= 0 {
                w.append("\(file): \(mNames[axis]) (word \(8 + axis)) is \(m); voxel size along \(names[axis]) "
                    + "uses the box size \(box[axis]) instead")
                m = box[axis]
            }
            if !(cell > 0) || !cell.isFinite {
                w.append("\(file): cell length along \(names[axis]) (word \(11 + axis)) is \(h.cella[axis]) Å; "
                    + "expected a positive length; voxel size along \(names[axis]) assumed 1 Å")
                size[axis] = 1
            } else {
                size[axis] = cell / Double(m)
            }
        }
        return (size, w)
    }

    /// ORIGIN (words 50–52, Å), with non-finite values replaced by 0 and a warning.
    static func origin(_ h: MRCHeader, file: String) -> (SIMD3<Double>, [String]) {
        var o = SIMD3<Double>.zero
        var w: [String] = []
        for axis in 0..<3 {
            let v = h.origin[axis]
            if v.isFinite {
                o[axis] = decimalDouble(v)
            } else {
                w.append("\(file): origin along \(["X", "Y", "Z"][axis]) (word \(50 + axis)) is \(v); read as 0 Å")
            }
        }
        return (o, w)
    }

    // MARK: Helpers

    /// A header float as the decimal number its writer meant: 17.93 stays 17.93 rather than 17.9300003….
    static func decimalDouble(_ f: Float) -> Double {
        Double("\(f)") ?? Double(f)
    }

    static func hex(_ b: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(b >> 4)], digits[Int(b & 0xF)]])
    }

    static func printable(_ bytes: [UInt8]) -> String {
        String(bytes.map { (0x20..<0x7F).contains($0) ? Character(UnicodeScalar($0)) : "." })
    }
}
