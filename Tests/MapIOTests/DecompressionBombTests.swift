// A compressed map that expands far beyond what its header implies (a decompression bomb: here a real map
// followed by 200 concatenated members of 10 MB of zeros, 2 GB in all, 8.7 MB as gzip, 16 kB as bzip2) is read by
// decompressing only the header-implied size: the rest of the input is never read, the map is intact, and
// a warning says what was ignored (issue 17, point 22). Before, all 2 GB were decompressed into memory.
import Foundation
import Testing
import TestSupport
@testable import MapIO

@Suite struct DecompressionBombTests {
    static func makeBomb(_ format: CompressionFormat, dir: URL) throws -> (bomb: String, map: String) {
        let map = dir.appendingPathComponent("map.mrc").path
        var v = Volume(nx: 8, ny: 9, nz: 10, voxelSize: SIMD3(repeating: 2))
        for i in 0..<v.count { v.data[i] = Float(i % 13) - 6 }
        try MRCWriter.write(v, to: map, labels: ["bomb test"])
        let tool = format == .gzip ? "gzip -1" : "bzip2 -1"
        let bomb = dir.appendingPathComponent("bomb.mrc.\(format == .gzip ? "gz" : "bz2")").path
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.currentDirectoryURL = dir
        p.arguments = ["-c", "\(tool) -c map.mrc > '\(bomb)' && head -c 10000000 /dev/zero | \(tool) -c > zeros && "
            + "for i in $(seq 200); do cat zeros; done >> '\(bomb)' && rm zeros"]
        try p.run()
        p.waitUntilExit()
        precondition(p.terminationStatus == 0, "could not make the \(format) bomb")
        return (bomb, map)
    }

    @Test(arguments: [CompressionFormat.gzip, .bzip2])
    func decompressionStopsAtTheHeaderImpliedSize(_ format: CompressionFormat) throws {
        let dir = try TestScratch.directory("bomb")
        defer { try? FileManager.default.removeItem(at: dir) }
        let (bomb, mapPath) = try Self.makeBomb(format, dir: dir)
        let compressedSize = try FileManager.default.attributesOfItem(atPath: bomb)[.size] as! Int
        // gzip members of zeros are ~44 kB (the bomb spans several input chunks); bzip2's are 80 bytes.
        if format == .gzip { #expect(compressedSize > 2 * Decompression.chunkBytes) }

        let file = try PosixInputFile(path: bomb)
        var consumed = 0
        let out = try Decompression.decompress(format, file: bomb, stopAt: { try MRCReader.impliedSize($0, file: bomb) }) {
            let n = try file.read(into: $0)
            consumed += n
            return n
        }
        let expected = 1024 + 8 * 9 * 10 * 4
        #expect(out.bytes.count == expected && out.stoppedAtLimit)
        #expect(consumed <= min(compressedSize, Decompression.chunkBytes), "read \(consumed) of \(compressedSize) compressed bytes")

        let read = try MRCReader.read(path: bomb)
        #expect(read.volume.data == (try MRCReader.read(path: mapPath)).volume.data)
        #expect(read.warnings.contains { $0.contains("stream holds more than the \(expected) bytes the header implies") },
                "\(read.warnings)")
    }

    /// An ordinary compressed map (stream ends with the data) is read without that warning.
    @Test func exactStreamHasNoWarning() throws {
        let dir = try TestScratch.directory("exact")
        defer { try? FileManager.default.removeItem(at: dir) }
        let map = dir.appendingPathComponent("m.mrc").path
        try MRCWriter.write(Volume(nx: 4, ny: 4, nz: 4, value: 1), to: map, labels: [])
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", "gzip -k '\(map)'"]
        try p.run(); p.waitUntilExit()
        let read = try MRCReader.read(path: map + ".gz")
        #expect(!read.warnings.contains { $0.contains("decompression stopped") }, "\(read.warnings)")
    }
}
