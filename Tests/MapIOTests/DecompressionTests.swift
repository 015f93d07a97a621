// Chunk boundaries of the streaming decompressors: a map whose decompressed size is exactly two 1 MiB output
// chunks, with noisy data so that the compressed file also spans more than one 1 MiB input chunk.
import Foundation
import Testing
@testable import MapIO

@Suite struct DecompressionTests {
    @Test func exactMultipleOfTheChunkSizeAcrossSeveralInputChunks() throws {
        // 1024 + 256·89·23·4 = 2,097,152 bytes = 2 × Decompression.chunkBytes.
        let (nx, ny, nz) = (256, 89, 23)
        #expect(1024 + nx * ny * nz * 4 == 2 * Decompression.chunkBytes)
        var state: UInt32 = 7
        let data: [Float] = (0..<(nx * ny * nz)).map { _ in
            state = state &* 1_664_525 &+ 1_013_904_223
            return Float(bitPattern: 0x3F80_0000 | (state >> 9)) - 1.5  // uniform in [−0.5, 0.5)
        }
        let volume = Volume(nx: nx, ny: ny, nz: nz, data: data)
        let dir = try TestPaths.scratchDirectory()
        defer { TestPaths.cleanUp(dir) }
        let path = dir + "/noise.mrc"
        try MRCWriter.write(volume, to: path, labels: [])
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", "gzip -1 -k noise.mrc && bzip2 -1 -k noise.mrc"]
        p.currentDirectoryURL = URL(fileURLWithPath: dir)
        try p.run(); p.waitUntilExit()
        for compressed in [path + ".gz", path + ".bz2"] {
            let size = try FileManager.default.attributesOfItem(atPath: compressed)[.size] as? Int ?? 0
            #expect(size > Decompression.chunkBytes, "\(compressed) is \(size) bytes; want more than one input chunk")
            let map = try MRCReader.read(path: compressed)
            #expect(map.volume == volume, "\(compressed) does not give back the written volume")
        }
    }
}
