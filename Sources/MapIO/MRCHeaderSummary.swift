// What a map's header says about its size, read without reading (or decompressing) the voxels: the box in
// X, Y, Z order, the voxel size, the bytes per voxel. Used to check a run before any voxel memory is
// allocated (resolution against Nyquist, memory needed, a 2D image where a volume is expected).
public struct MapHeaderSummary: Sendable, Equatable {
    /// Voxels along X, Y, Z (after the header's axis order).
    public var box: SIMD3<Int>
    /// Å per voxel along X, Y, Z.
    public var voxelSize: SIMD3<Double>
    /// Bytes per voxel in the file (mode, word 4).
    public var bytesPerVoxel: Int
    /// nsymbt (word 24), bytes.
    public var extendedHeaderBytes: Int
    /// gzip or bzip2, nil for a plain file.
    public var compression: CompressionFormat?

    public var voxelCount: Int { box.x * box.y * box.z }
}

extension MRCReader {
    /// The header of a map file, checked as `read` checks it (for a plain file, also against the file's
    /// size); a compressed file is decompressed only as far as its 1024-byte header. Throws `MapError`.
    public static func readHeader(path: String) throws -> MapHeaderSummary {
        let file = try PosixInputFile(path: path)
        var head = try file.peek(MRCHeader.size)
        let format = head.withUnsafeBytes { CompressionFormat.detect($0) }
        var available: Int
        if let format {
            head = try Decompression.decompress(format, file: path, stopAt: { _ in MRCHeader.size }) {
                try file.read(into: $0)
            }.bytes
            available = Int.max  // the data's size is checked when the map is read
        } else {
            available = max(try file.size(), head.count)
        }
        let parsed = try head.withUnsafeBytes {
            try parseHeader($0, available: available, compression: format, file: path)
        }
        let h = parsed.header
        let box = parsed.layout.axes.toXYZ(Int(h.nx), Int(h.ny), Int(h.nz))
        let (voxelSize, _) = MRCHeaderChecks.voxelSize(h, box: box, file: path)
        return MapHeaderSummary(box: box, voxelSize: voxelSize, bytesPerVoxel: parsed.layout.mode.bytesPerVoxel ?? 4,
                                extendedHeaderBytes: Int(h.nsymbt), compression: format)
    }
}
