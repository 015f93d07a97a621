// Every way reading or writing a map can fail, rendered to text in one place.
//
// Conventions: each message is one line naming the file, the header field (with its MRC2014 word number
// where there is one), what was found and what was expected. Tests compare these strings exactly, so a
// change of wording here is a change of behaviour.

public enum MapError: Error, Equatable, Sendable {
    /// The file could not be opened or read (POSIX error text).
    case unreadable(file: String, reason: String)
    /// Fewer bytes than the 1024-byte header.
    case shorterThanHeader(file: String, bytes: Int)
    /// The file starts with another format's signature (e.g. "PNG image").
    case foreignFormat(file: String, format: String)
    /// Neither byte order gives a plausible header and there is no 'MAP ' stamp.
    case notMRC(file: String, detail: String)
    /// A dimension word (1–3) is zero or negative.
    case nonPositiveDimension(file: String, word: Int, name: String, value: Int)
    /// A dimension word is larger than any map this tool can hold.
    case absurdDimension(file: String, word: Int, name: String, value: Int, limit: Int)
    /// Mode (word 4) is not one we read.
    case unsupportedMode(file: String, mode: Int)
    /// mapc/mapr/maps (words 17–19) are not a permutation of 1, 2, 3.
    case invalidAxisOrder(file: String, mapc: Int, mapr: Int, maps: Int)
    /// nsymbt (word 24) is negative.
    case invalidExtendedHeaderSize(file: String, nsymbt: Int)
    /// The file (or, for compressed input, the decompressed stream) is shorter than the header implies.
    /// `decompressed` says whether `found` counts decompressed bytes.
    case truncated(file: String, expected: Int, found: Int, decompressed: Bool,
                   nx: Int, ny: Int, nz: Int, mode: Int, nsymbt: Int)
    /// Some voxels are NaN or ±Inf.
    case nonFiniteVoxels(file: String, count: Int, total: Int)
    /// The gzip or bzip2 stream ends before its end-of-stream marker.
    case compressedStreamEndsEarly(file: String, format: String, compressedBytes: Int, decompressedBytes: Int)
    /// The gzip or bzip2 stream is corrupt (library message and code).
    case compressedStreamCorrupt(file: String, format: String, detail: String)
    /// Writing failed (POSIX error text).
    case writeFailed(file: String, reason: String)
    /// The writer refuses volumes that the reader would reject.
    case cannotWriteNonFinite(file: String, count: Int)
    /// The writer needs positive voxel sizes to fill the cell (words 11–13).
    case cannotWriteVoxelSize(file: String, voxelSize: SIMD3<Double>)
}

extension MapError: CustomStringConvertible {
    public var description: String {
        switch self {
        case let .unreadable(file, reason):
            return "\(file): cannot read the file: \(reason)"
        case let .shorterThanHeader(file, bytes):
            return "\(file): not an MRC/CCP4 map: the file has \(bytes) bytes, fewer than the 1024-byte header"
        case let .foreignFormat(file, format):
            return "\(file): not an MRC/CCP4 map: the file starts with the signature of a \(format)"
        case let .notMRC(file, detail):
            return "\(file): not an MRC/CCP4 map: \(detail)"
        case let .nonPositiveDimension(file, word, name, value):
            return "\(file): header word \(word) (\(name)) is \(value); expected a positive number of voxels"
        case let .absurdDimension(file, word, name, value, limit):
            return "\(file): header word \(word) (\(name)) is \(value); expected at most \(limit) voxels per axis"
        case let .unsupportedMode(file, mode):
            let known = MRCMode(rawValue: Int32(clamping: mode)).map { " (\($0.name))" } ?? " (undefined in MRC2014)"
            return "\(file): header word 4 (mode) is \(mode)\(known); expected 0 (int8), 1 (int16), 2 (float32), "
                + "6 (uint16) or 12 (float16)"
        case let .invalidAxisOrder(file, mapc, mapr, maps):
            return "\(file): header words 17-19 (mapc, mapr, maps) are \(mapc), \(mapr), \(maps); "
                + "expected a permutation of 1, 2, 3"
        case let .invalidExtendedHeaderSize(file, nsymbt):
            return "\(file): header word 24 (nsymbt) is \(nsymbt); expected an extended-header size ≥ 0 bytes"
        case let .truncated(file, expected, found, decompressed, nx, ny, nz, mode, nsymbt):
            return "\(file): file too short: header words 1-4 and 24 (nx, ny, nz = \(nx), \(ny), \(nz); "
                + "mode \(mode); nsymbt \(nsymbt)) imply 1024 + \(nsymbt) + data = \(expected) bytes, found \(found)"
                + (decompressed ? " after decompression" : "")
        case let .nonFiniteVoxels(file, count, total):
            return "\(file): \(count) of \(total) voxels are NaN or infinite; expected finite values"
        case let .compressedStreamEndsEarly(file, format, compressedBytes, decompressedBytes):
            return "\(file): \(format) stream ends early (truncated file): \(compressedBytes) compressed bytes gave "
                + "\(decompressedBytes) bytes and no end-of-stream marker"
        case let .compressedStreamCorrupt(file, format, detail):
            return "\(file): \(format) stream is corrupt: \(detail)"
        case let .writeFailed(file, reason):
            return "\(file): cannot write the map: \(reason)"
        case let .cannotWriteNonFinite(file, count):
            return "\(file): refusing to write a map with \(count) NaN or infinite voxels; expected finite values"
        case let .cannotWriteVoxelSize(file, voxelSize):
            return "\(file): cannot write voxel size \(voxelSize.x) × \(voxelSize.y) × \(voxelSize.z) Å; "
                + "expected positive finite sizes"
        }
    }
}
