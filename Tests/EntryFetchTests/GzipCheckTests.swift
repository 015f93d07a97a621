// The gzip integrity check against streams written by gzip(1): complete, truncated, concatenated, damaged.
import Foundation
import Testing
@testable import EntryFetch

@Suite struct GzipCheckTests {
    func file(_ data: Data, _ dir: URL, _ name: String) throws -> String {
        let u = dir.appendingPathComponent(name); try data.write(to: u); return u.path
    }

    @Test func completeTruncatedConcatenatedDamaged() throws {
        let dir = try scratchFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let gz = try gzippedBlobMap(n: 16, voxelA: 1)
        #expect(GzipCheck.problem(path: try file(gz, dir, "ok.gz")) == nil)
        #expect(GzipCheck.problem(path: try file(gz + gz, dir, "two.gz")) == nil)
        // Cut inside the 8-byte trailer: the data inflate completely but CRC/length are missing.
        let cut = GzipCheck.problem(path: try file(gz.prefix(gz.count - 4), dir, "cut.gz"))
        #expect(cut == "the gzip stream ends early, after \(gz.count - 4) bytes (no trailer: the file is truncated)")
        var damaged = gz
        damaged[gz.count / 2] ^= 0xFF
        #expect(GzipCheck.problem(path: try file(damaged, dir, "bad.gz"))?.hasPrefix("corrupt gzip data") == true)
        // A wrong CRC in the trailer is caught (RFC 1952: CRC-32 of the uncompressed data).
        var crc = gz
        crc[gz.count - 8] ^= 0x01
        #expect(GzipCheck.problem(path: try file(crc, dir, "crc.gz"))?.contains("incorrect data check") == true)
        #expect(GzipCheck.problem(path: try file(Data(), dir, "empty.gz")) == "empty file")
    }
}
