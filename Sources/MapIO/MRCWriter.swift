// Writing a Volume as an MRC2014 map: float32 (mode 2), little-endian, axis order 1, 2, 3.
//
// Conventions (MRC2014, Cheng et al. 2015): 'MAP ' stamp, MACHST 44 44 00 00, nversion 20140, ispg 1
// (a single volume); mx, my, mz = the box, so cella = voxel size × box (Å); start indices (words 5–7) and
// ORIGIN (words 50–52) from the Volume; dmin/dmax/dmean/RMS from the data (RMS = standard deviation about
// the mean). The map is written to a temporary file next to the target and renamed over it, so a reader
// never sees a half-written map.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

public enum MRCWriter {
    /// Writes `volume` to `path` (replacing it atomically); at most 10 labels of 80 ASCII characters are kept.
    public static func write(_ volume: Volume, to path: String, labels: [String]) throws {
        let header = try header(for: volume, labels: labels, path: path)
        let temporary = temporaryPath(for: path)
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw MapError.writeFailed(file: path, reason: systemErrorText()) }
        var closed = false
        do {
            try header.encodedLittleEndian().withUnsafeBytes { try writeFully(fd: fd, $0, path: path) }
            if ByteOrder.host == .littleEndian {
                try volume.data.withUnsafeBytes { try writeFully(fd: fd, $0, path: path) }
            } else {
                let swapped = volume.data.map { $0.bitPattern.byteSwapped }
                try swapped.withUnsafeBytes { try writeFully(fd: fd, $0, path: path) }
            }
            closed = true
            guard close(fd) == 0 else { throw MapError.writeFailed(file: path, reason: systemErrorText()) }
            guard rename(temporary, path) == 0 else {
                throw MapError.writeFailed(file: path, reason: systemErrorText())
            }
        } catch {
            if !closed { close(fd) }
            unlink(temporary)
            throw error
        }
    }

    /// The MRC2014 header that `write` puts in front of the data.
    public static func header(for volume: Volume, labels: [String], path: String = "map") throws -> MRCHeader {
        let stats = volume.data.withUnsafeBufferPointer { VoxelStatistics($0) }
        if stats.nonFinite > 0 { throw MapError.cannotWriteNonFinite(file: path, count: stats.nonFinite) }
        let v = volume.voxelSize
        guard (0..<3).allSatisfy({ v[$0] > 0 && v[$0].isFinite }) else {
            throw MapError.cannotWriteVoxelSize(file: path, voxelSize: v)
        }
        var h = MRCHeader(nx: Int32(volume.nx), ny: Int32(volume.ny), nz: Int32(volume.nz), mode: .float32)
        h.nxstart = Int32(clamping: volume.startIndex.x)
        h.nystart = Int32(clamping: volume.startIndex.y)
        h.nzstart = Int32(clamping: volume.startIndex.z)
        h.cella = SIMD3(Float(v.x * Double(volume.nx)), Float(v.y * Double(volume.ny)), Float(v.z * Double(volume.nz)))
        h.dmin = stats.min
        h.dmax = stats.max
        h.dmean = Float(stats.mean)
        h.rms = Float(stats.std)
        h.origin = SIMD3(Float(volume.headerOrigin.x), Float(volume.headerOrigin.y), Float(volume.headerOrigin.z))
        let kept = Array(labels.prefix(MRCHeader.labelCount))
        h.nlabl = Int32(kept.count)
        h.labels = kept + [String](repeating: "", count: MRCHeader.labelCount - kept.count)
        return h
    }

    /// A unique name in the target's directory, so that the final rename stays on one file system.
    static func temporaryPath(for path: String) -> String {
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[...$0]) } ?? ""
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        return "\(directory).\(name).tmp-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
    }
}
