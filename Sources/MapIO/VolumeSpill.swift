// A volume's voxels kept in a temporary file of our own while the volume is not in memory (issue 16: at 512³
// the map, 512 MiB, is not needed while 0.e scans its spectrum; keeping it would put the report above 4× the
// map). The file holds the float32 values as they are in memory (x fastest, native byte order), no header:
// it is read back only by this process. It is written once (the map never changes). Its name is removed from
// the folder as soon as it is created and the open descriptor keeps the data, so nothing is left behind however
// the run ends (a crash, Ctrl-C, a Slurm time limit): the system frees the space when the descriptor closes.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

public final class VolumeSpill: @unchecked Sendable {
    /// The name the spill file was created under (in `directory`); removed at once, for messages only.
    public let path: String
    private let file: PosixInputFile
    private let nx: Int, ny: Int, nz: Int
    private let voxelSize: SIMD3<Double>, startIndex: SIMD3<Int>, headerOrigin: SIMD3<Double>

    /// Writes `volume`'s voxels to a new, already unlinked file in `directory`. Throws `MapError.writeFailed`
    /// (e.g. a full disk); no file is left in either case.
    public init(_ volume: Volume, directory: URL = FileManager.default.temporaryDirectory) throws {
        path = directory.appendingPathComponent("emvalidate-map-\(getpid())-\(UUID().uuidString.prefix(8)).f32").path
        nx = volume.nx; ny = volume.ny; nz = volume.nz
        voxelSize = volume.voxelSize; startIndex = volume.startIndex; headerOrigin = volume.headerOrigin
        let fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw MapError.writeFailed(file: path, reason: systemErrorText()) }
        unlink(path)
        file = PosixInputFile(adopting: fd, path: path)   // closes fd on every way out from here
        try volume.data.withUnsafeBytes { try writeFully(fd: fd, $0, path: path) }
    }

    /// The volume as it was written. Throws `MapError.unreadable` if the file cannot be read in full.
    public func read() throws -> Volume {
        let count = nx * ny * nz
        var complete = true
        let data = try [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            let n = try file.read(at: 0, into: UnsafeMutableRawBufferPointer(buffer))
            complete = n == count * MemoryLayout<Float>.size
            if !complete { buffer.initialize(repeating: 0) }
            initialized = count
        }
        guard complete else { throw MapError.unreadable(file: path, reason: "the spill file is shorter than \(count) voxels") }
        return Volume(nx: nx, ny: ny, nz: nz, data: data, voxelSize: voxelSize, startIndex: startIndex,
                      headerOrigin: headerOrigin)
    }
}
