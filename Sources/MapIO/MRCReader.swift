// Reading MRC/CCP4 maps (plain, gzip or bzip2) into a Volume indexed V[x, y, z].
//
// Layers (after mrcfile): bytes → MRCHeader (MRCHeader.swift) → checks (MRCHeaderChecks.swift: byte
// order, errors, warnings) → voxels in X, Y, Z order (VoxelDecoding.swift) → Volume + warnings.
// Conventions (MRC2014, SPEC "Conventions"): voxel size = cella / (mx, my, mz) per axis; start indices
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
        let format = try file.peek(4).withUnsafeBytes { CompressionFormat.detect($0) }
        if let format {
            let plain = try Decompression.decompress(format, file: path) { try file.read(into: $0) }
            return try interpret(plain, file: path, compression: format)
        }
        return try interpret(try file.readAll(), file: path, compression: nil)
    }

    /// Reads a map held in memory; `name` stands for the file in messages.
    public static func read(bytes: [UInt8], name: String) throws -> MRCFile {
        let format = bytes.withUnsafeBytes { CompressionFormat.detect($0) }
        guard let format else { return try interpret(bytes, file: name, compression: nil) }
        var offset = 0
        let plain = try Decompression.decompress(format, file: name) { buffer in
            let k = min(bytes.count - offset, buffer.count)
            bytes.withUnsafeBytes { src in
                buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: src[offset..<(offset + k)]))
            }
            offset += k
            return k
        }
        return try interpret(plain, file: name, compression: format)
    }

    /// Uncompressed MRC bytes → MRCFile.
    static func interpret(_ bytes: [UInt8], file: String, compression: CompressionFormat?) throws -> MRCFile {
        try bytes.withUnsafeBytes { raw in
            guard raw.count >= MRCHeader.size else {
                if let format = MRCHeaderChecks.foreignFormat(raw) {
                    throw MapError.foreignFormat(file: file, format: format)
                }
                throw MapError.shorterThanHeader(file: file, bytes: raw.count)
            }
            let (order, orderWarnings) = try MRCHeaderChecks.chooseByteOrder(raw, file: file)
            let header = MRCHeader(decoding: raw, byteOrder: order)
            let layout = try MRCHeaderChecks.validate(header, available: raw.count, decompressed: compression != nil,
                                                      file: file)
            var warnings = orderWarnings
            warnings += MRCHeaderChecks.headerWarnings(header, available: raw.count,
                                                       expected: layout.dataOffset + layout.dataBytes, file: file)

            let fileDims = SIMD3(Int(header.nx), Int(header.ny), Int(header.nz))
            let data = VoxelDecoding.decode(
                UnsafeRawBufferPointer(rebasing: raw[layout.dataOffset..<(layout.dataOffset + layout.dataBytes)]),
                mode: layout.mode, byteOrder: order, fileDims: fileDims, axes: layout.axes)
            let stats = data.withUnsafeBufferPointer { VoxelStatistics($0) }
            if stats.nonFinite > 0 {
                throw MapError.nonFiniteVoxels(file: file, count: stats.nonFinite, total: data.count)
            }
            warnings += MRCHeaderChecks.statisticsWarnings(header, stats, file: file)

            let axes = layout.axes
            let box = axes.toXYZ(fileDims.x, fileDims.y, fileDims.z)
            let start = axes.toXYZ(Int(header.nxstart), Int(header.nystart), Int(header.nzstart))
            let (voxelSize, sizeWarnings) = MRCHeaderChecks.voxelSize(header, box: box, file: file)
            let (origin, originWarnings) = MRCHeaderChecks.origin(header, file: file)
            warnings += sizeWarnings + originWarnings
            let volume = Volume(nx: box.x, ny: box.y, nz: box.z, data: data, voxelSize: voxelSize,
                                startIndex: start, headerOrigin: origin)
            return MRCFile(header: header, volume: volume, warnings: warnings, compression: compression)
        }
    }
}
