// Reading MRC/CCP4 maps (plain, gzip or bzip2) into a Volume indexed V[x, y, z].
//
// Layers (after mrcfile): bytes → MRCHeader (MRCHeader.swift) → checks (MRCHeaderChecks.swift: byte
// order, errors, warnings) → voxels in X, Y, Z order (VoxelDecoding.swift) → Volume + warnings.
// Conventions (MRC2014, docs/methods.md "Conventions"): voxel size = cella / (mx, my, mz) per axis; start indices
// (words 5–7, column/row/section order) permuted to X, Y, Z; ORIGIN (words 50–52) kept as X, Y, Z in Å;
// the NSYMBT-byte extended header is skipped. NaN/Inf voxels are an error; suspicious header values are
// warnings. No voxel memory is allocated before the header's size has been checked against the bytes
// actually present.

/// A map as read: the header as stored, the volume in X, Y, Z order, and what looked wrong.
public struct MRCFile: Sendable {
    public var header: MRCHeader
    public var volume: Volume
    /// One line each, naming the file and the field.
    public var warnings: [String]
    /// The compression the file was stored with (nil for a plain map).
    public var compression: CompressionFormat?

    public init(header: MRCHeader, volume: Volume, warnings: [String], compression: CompressionFormat? = nil) {
        self.header = header
        self.volume = volume
        self.warnings = warnings
        self.compression = compression
    }
}

public enum MRCReader {
    /// Reads a map file; gzip and bzip2 files (recognised by their magic bytes) are decompressed as they
    /// are read. Errors are `MapError`s naming `path`.
    public static func read(path: String) throws -> MRCFile {
        let file = try PosixInputFile(path: path)
        let head = try file.peek(MRCHeader.size)
        if let format = head.withUnsafeBytes({ CompressionFormat.detect($0) }) {
            let plain = try Decompression.decompress(format, file: path, stopAt: { try impliedSize($0, file: path) }) {
                try file.read(into: $0)
            }
            return try interpret(plain, file: path, compression: format)
        }
        // Plain file: judge the header against the file's size, then read the voxels straight from disk.
        let available = try file.size()
        let parsed = try head.withUnsafeBytes {
            try parseHeader($0, available: max(available, head.count), compression: nil, file: path)
        }
        let layout = parsed.layout
        let dims = parsed.fileDims
        func shortRead(_ got: Int) -> MapError {
            let h = parsed.header
            return MapError.truncated(file: path, expected: layout.dataOffset + layout.dataBytes,
                                      found: layout.dataOffset + got, decompressed: false, nx: Int(h.nx),
                                      ny: Int(h.ny), nz: Int(h.nz), mode: Int(h.mode), nsymbt: Int(h.nsymbt))
        }
        let data: [Float]
        if layout.mode == .float32 && parsed.header.byteOrder == .host && layout.axes.isIdentity {
            // Already our layout: read into the volume's own storage, no second copy.
            let count = dims.x * dims.y * dims.z
            var readError: Error?
            // Float has no invalid bit patterns; on a short read or an error the array is discarded anyway.
            data = HugePages.array(count: count) { buffer in
                do {
                    let got = try file.read(at: layout.dataOffset, into: UnsafeMutableRawBufferPointer(buffer))
                    if got < layout.dataBytes { readError = shortRead(got) }
                } catch { readError = error }
            }
            if let readError { throw readError }
        } else {
            let raw = UnsafeMutableRawBufferPointer.allocate(byteCount: layout.dataBytes, alignment: 16)
            defer { raw.deallocate() }
            let got = try file.read(at: layout.dataOffset, into: raw)
            if got < layout.dataBytes { throw shortRead(got) }
            data = VoxelDecoding.decode(UnsafeRawBufferPointer(raw), mode: layout.mode,
                                        byteOrder: parsed.header.byteOrder, fileDims: dims, axes: layout.axes)
        }
        return try finish(parsed, data: data, compression: nil, file: path)
    }

    /// Reads a map held in memory; `name` stands for the file in messages.
    public static func read(bytes: [UInt8], name: String) throws -> MRCFile {
        let format = bytes.withUnsafeBytes { CompressionFormat.detect($0) }
        guard let format else { return try interpret(bytes, file: name, compression: nil) }
        var offset = 0
        let plain = try Decompression.decompress(format, file: name, stopAt: { try impliedSize($0, file: name) }) { buffer in
            let k = min(bytes.count - offset, buffer.count)
            bytes.withUnsafeBytes { src in
                buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: src[offset..<(offset + k)]))
            }
            offset += k
            return k
        }
        return try interpret(plain, file: name, compression: format)
    }

    /// The size (bytes) of the map whose decompressed stream starts with `prefix`: header, extended header and
    /// data, as the header implies; nil until the 1024 header bytes are there. Throws for an invalid header,
    /// so that a bad header stops decompression at once.
    static func impliedSize(_ prefix: [UInt8], file: String) throws -> Int? {
        guard prefix.count >= MRCHeader.size else { return nil }
        let parsed = try prefix.withUnsafeBytes {
            try parseHeader(UnsafeRawBufferPointer(rebasing: $0[0..<MRCHeader.size]), available: Int.max,
                            compression: .gzip, file: file)
        }
        return parsed.layout.dataOffset + parsed.layout.dataBytes
    }

    /// Decompressed bytes → MRCFile, with a warning when decompression stopped at the header's size.
    static func interpret(_ plain: Decompression.Output, file: String, compression: CompressionFormat) throws -> MRCFile {
        var result = try interpret(plain.bytes, file: file, compression: compression)
        if plain.stoppedAtLimit {
            result.warnings.append("\(file): the \(compression.rawValue) stream holds more than the "
                + "\(plain.bytes.count) bytes the header implies (words 1-4, 24); decompression stopped there and "
                + "the rest is ignored")
        }
        return result
    }

    /// Uncompressed MRC bytes in memory → MRCFile.
    static func interpret(_ bytes: [UInt8], file: String, compression: CompressionFormat?) throws -> MRCFile {
        let (parsed, data) = try bytes.withUnsafeBytes { raw in
            let parsed = try parseHeader(raw, available: raw.count, compression: compression, file: file)
            let l = parsed.layout
            let data = VoxelDecoding.decode(UnsafeRawBufferPointer(rebasing: raw[l.dataOffset..<(l.dataOffset + l.dataBytes)]),
                                            mode: l.mode, byteOrder: parsed.header.byteOrder,
                                            fileDims: parsed.fileDims, axes: l.axes)
            return (parsed, data)
        }
        return try finish(parsed, data: data, compression: compression, file: file)
    }

    /// A header that passed every check, with how to read its data and the warnings so far.
    struct ParsedHeader {
        var header: MRCHeader
        var layout: (mode: MRCMode, axes: AxisPermutation, dataOffset: Int, dataBytes: Int)
        var warnings: [String]
        /// Columns, rows, sections.
        var fileDims: SIMD3<Int> { SIMD3(Int(header.nx), Int(header.ny), Int(header.nz)) }
    }

    /// Header bytes (at least the first 1024 of the file, if it has them) → checked header. `available` is
    /// the size of the whole (decompressed) file; nothing is allocated from what the header claims.
    static func parseHeader(_ raw: UnsafeRawBufferPointer, available: Int, compression: CompressionFormat?,
                            file: String) throws -> ParsedHeader {
        guard raw.count >= MRCHeader.size else {
            if let format = MRCHeaderChecks.foreignFormat(raw) {
                throw MapError.foreignFormat(file: file, format: format)
            }
            throw MapError.shorterThanHeader(file: file, bytes: raw.count)
        }
        let (order, orderWarnings) = try MRCHeaderChecks.chooseByteOrder(raw, file: file)
        let header = MRCHeader(decoding: raw, byteOrder: order)
        let layout = try MRCHeaderChecks.validate(header, available: available, decompressed: compression != nil,
                                                  file: file)
        let warnings = orderWarnings + MRCHeaderChecks.headerWarnings(header, available: available,
                                                                       expected: layout.dataOffset + layout.dataBytes,
                                                                       file: file)
        return ParsedHeader(header: header, layout: layout, warnings: warnings)
    }

    /// Voxels in X, Y, Z order + checked header → MRCFile (NaN/Inf check, statistics warnings, geometry).
    static func finish(_ parsed: ParsedHeader, data: [Float], compression: CompressionFormat?,
                       file: String) throws -> MRCFile {
        let header = parsed.header
        var warnings = parsed.warnings
        let stats = data.withUnsafeBufferPointer { VoxelStatistics($0) }
        if stats.nonFinite > 0 {
            throw MapError.nonFiniteVoxels(file: file, count: stats.nonFinite, total: data.count)
        }
        warnings += MRCHeaderChecks.statisticsWarnings(header, stats, file: file)
        let axes = parsed.layout.axes
        let dims = parsed.fileDims
        let box = axes.toXYZ(dims.x, dims.y, dims.z)
        let start = axes.toXYZ(Int(header.nxstart), Int(header.nystart), Int(header.nzstart))
        let (voxelSize, sizeWarnings) = MRCHeaderChecks.voxelSize(header, box: box, file: file)
        let (origin, originWarnings) = MRCHeaderChecks.origin(header, file: file)
        warnings += sizeWarnings + originWarnings
        let volume = Volume(nx: box.x, ny: box.y, nz: box.z, data: data, voxelSize: voxelSize,
                            startIndex: start, headerOrigin: origin)
        return MRCFile(header: header, volume: volume, warnings: warnings, compression: compression)
    }
}
