// Every MapError the reader raises, with its exact one-line message, and the warnings for suspicious
// headers. Files are built in the test (MRCBytes) or cut from the fixtures.
import Foundation
import Testing
@testable import MapIO

/// A valid 2 × 2 × 2 float32 map with correct statistics; tests break one thing at a time.
private func goodMap() -> MRCBytes {
    var m = MRCBytes(nx: 2, ny: 2, nz: 2, mode: 2)
    let values: [Float] = [1, 2, 3, 4, 5, 6, 7, 8]
    for v in values { m.append32(v.bitPattern) }
    m.setStatistics(min: 1, max: 8, mean: 4.5, rms: Float(5.25.squareRoot()))
    return m
}

private func read(_ m: MRCBytes, _ name: String = "t.mrc") -> String? {
    mapErrorText { try MRCReader.read(bytes: m.bytes, name: name) }
}

/// What Python's zlib / bz2 modules (same system libraries, independent driver) decompress from a prefix.
private func pythonDecompressedCount(_ path: String, format: String) throws -> Int {
    let code = format == "gzip"
        ? "import zlib,sys; print(len(zlib.decompressobj(31).decompress(open(sys.argv[1],'rb').read())))"
        : "import bz2,sys; print(len(bz2.BZ2Decompressor().decompress(open(sys.argv[1],'rb').read())))"
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["python3", "-c", code, path]
    let out = Pipe()
    p.standardOutput = out
    try p.run()
    let text = String(data: out.fileHandleForReading.readDataToEndOfFile(), encoding: .utf8) ?? ""
    p.waitUntilExit()
    return Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
}

@Suite struct ValidationErrorTests {
    @Test func theGoodMapReadsCleanly() throws {
        let map = try MRCReader.read(bytes: goodMap().bytes, name: "t.mrc")
        #expect(map.volume.data == [1, 2, 3, 4, 5, 6, 7, 8])
        #expect(map.warnings.isEmpty, "\(map.warnings)")
    }

    @Test func fileShorterThanTheHeader() {
        #expect(mapErrorText { try MRCReader.read(bytes: [UInt8](repeating: 0, count: 100), name: "short.mrc") }
            == "short.mrc: not an MRC/CCP4 map: the file has 100 bytes, fewer than the 1024-byte header")
        #expect(mapErrorText { try MRCReader.read(bytes: [], name: "empty.mrc") }
            == "empty.mrc: not an MRC/CCP4 map: the file has 0 bytes, fewer than the 1024-byte header")
    }

    @Test func fileShorterThanHeaderPlusData() {
        var m = goodMap()
        m.data.removeLast(5)
        #expect(read(m) == "t.mrc: file too short: header words 1-4 and 24 (nx, ny, nz = 2, 2, 2; mode 2; nsymbt 0) "
            + "imply 1024 + 0 + data = 1056 bytes, found 1051")
        var e = goodMap()
        e.setInt(24, 80)  // an extended header that is not there
        #expect(read(e) == "t.mrc: file too short: header words 1-4 and 24 (nx, ny, nz = 2, 2, 2; mode 2; nsymbt 80) "
            + "imply 1024 + 80 + data = 1136 bytes, found 1056")
    }

    @Test func nonPositiveDimensions() {
        var a = goodMap(); a.setInt(1, 0)
        #expect(read(a) == "t.mrc: header word 1 (nx) is 0; expected a positive number of voxels")
        var b = goodMap(); b.setInt(3, -5)
        #expect(read(b) == "t.mrc: header word 3 (nz) is -5; expected a positive number of voxels")
    }

    @Test func absurdDimension() {
        var m = goodMap(); m.setInt(2, 2_000_000)
        #expect(read(m) == "t.mrc: header word 2 (ny) is 2000000; expected at most 1048576 voxels per axis")
    }

    @Test func hugeDimensionsFailFastWithoutAllocating() {
        // 100000³ float32 = 4·10¹⁵ bytes and 2²⁰ per axis = 2⁶² bytes: allocating either would crash the test.
        for (n, expected) in [(Int32(100_000), 4_000_000_000_001_024), (Int32(1 << 20), 4_611_686_018_427_388_928)] {
            var m = MRCBytes(nx: n, ny: n, nz: n, mode: 2)
            m.setStatistics(min: 0, max: 1, mean: 0.5, rms: 0.5)
            let message = read(m, "huge.mrc")
            #expect(message == "huge.mrc: file too short: header words 1-4 and 24 (nx, ny, nz = \(n), \(n), \(n); "
                + "mode 2; nsymbt 0) imply 1024 + 0 + data = \(expected) bytes, found 1024")
        }
    }

    @Test func unsupportedModes() {
        for (mode, name) in [(Int32(3), "complex int16"), (4, "complex float32"), (101, "packed 4-bit"),
                             (5, "undefined in MRC2014"), (-1, "undefined in MRC2014")] {
            var m = goodMap(); m.setInt(4, mode)
            #expect(read(m) == "t.mrc: header word 4 (mode) is \(mode) (\(name)); expected 0 (int8), 1 (int16), "
                + "2 (float32), 6 (uint16) or 12 (float16)")
        }
    }

    @Test func axisOrderThatIsNotAPermutation() {
        for (c, r, s) in [(Int32(1), Int32(1), Int32(3)), (0, 2, 3), (1, 2, 4)] {
            var m = goodMap(); m.setInt(17, c); m.setInt(18, r); m.setInt(19, s)
            #expect(read(m) == "t.mrc: header words 17-19 (mapc, mapr, maps) are \(c), \(r), \(s); "
                + "expected a permutation of 1, 2, 3")
        }
    }

    @Test func negativeExtendedHeaderSize() {
        var m = goodMap(); m.setInt(24, -4)
        #expect(read(m) == "t.mrc: header word 24 (nsymbt) is -4; expected an extended-header size ≥ 0 bytes")
    }

    @Test func nanAndInfinityVoxelsAreCounted() {
        var m = MRCBytes(nx: 2, ny: 2, nz: 2, mode: 2)
        for v: Float in [1, .nan, 3, .infinity, 5, -.infinity, 7, 8] { m.append32(v.bitPattern) }
        #expect(read(m, "nan.mrc") == "nan.mrc: 3 of 8 voxels are NaN or infinite; expected finite values")
        // float16 infinity too
        var h = MRCBytes(nx: 2, ny: 1, nz: 1, mode: 12)
        h.append16(0x3C00); h.append16(0x7C00)
        #expect(read(h, "half.mrc") == "half.mrc: 1 of 2 voxels are NaN or infinite; expected finite values")
    }

    @Test func pngRenamedToMrcIsRecognised() {
        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D] + Array("IHDR".utf8)
        #expect(mapErrorText { try MRCReader.read(bytes: png, name: "emd_3197.png.mrc") }
            == "emd_3197.png.mrc: not an MRC/CCP4 map: the file starts with the signature of a PNG image")
        png += [UInt8](repeating: 0x5A, count: 4000)
        #expect(mapErrorText { try MRCReader.read(bytes: png, name: "big.png.mrc") }
            == "big.png.mrc: not an MRC/CCP4 map: the file starts with the signature of a PNG image")
        let pdb = Array("ATOM      1  N   MET A   1      11.104  13.207   2.100  1.00 20.00           N\n".utf8)
        let model = [UInt8]((0..<20).flatMap { _ in pdb })
        #expect(mapErrorText { try MRCReader.read(bytes: model, name: "model.mrc") }
            == "model.mrc: not an MRC/CCP4 map: the file starts with the signature of a PDB text file")
    }

    @Test func unknownBytesAreNotAnMRCFile() {
        let text = [UInt8](String(repeating: "hello world ", count: 100).utf8)
        #expect(mapErrorText { try MRCReader.read(bytes: text, name: "notes.mrc") }
            == "notes.mrc: not an MRC/CCP4 map: no 'MAP ' stamp (word 53) and neither byte order gives a known "
            + "mode (word 4) with positive dimensions (words 1-3); read little-endian they are mode 1819043176, "
            + "nx, ny, nz = 1819043176, 1870078063, 543452274")
    }

    @Test func missingFileAndDirectory() throws {
        let dir = try TestPaths.scratchDirectory()
        defer { TestPaths.cleanUp(dir) }
        #expect(mapErrorText { try MRCReader.read(path: dir + "/nope.mrc") }
            == "\(dir)/nope.mrc: cannot read the file: No such file or directory")
        #expect(mapErrorText { try MRCReader.read(path: dir) } == "\(dir): cannot read the file: Is a directory")
    }

    @Test(arguments: [("mrcfile/emd_3197.map.gz", "gzip"), ("mrcfile/EMD-3197.map.bz2", "bzip2"),
                      ("mrcfile/emd_3001.map.gz", "gzip"), ("mrcfile/EMD-3001.map.bz2", "bzip2")])
    func compressedStreamThatEndsEarly(file: String, format: String) throws {
        let dir = try TestPaths.scratchDirectory()
        defer { TestPaths.cleanUp(dir) }
        let full = try Data(contentsOf: URL(fileURLWithPath: TestPaths.fixture(file)))
        let cut = full.count * 2 / 3
        let path = dir + "/cut"
        try full.prefix(cut).write(to: URL(fileURLWithPath: path))
        let produced = try pythonDecompressedCount(path, format: format)
        #expect(mapErrorText { try MRCReader.read(path: path) }
            == "\(path): \(format) stream ends early (truncated file): \(cut) compressed bytes gave \(produced) "
                + "bytes and no end-of-stream marker")
    }

    @Test func gzipWithABadChecksumIsCorrupt() throws {
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: TestPaths.fixture("mrcfile/emd_3197.map.gz"))))
        bytes[bytes.count - 8] ^= 0xFF  // first byte of the CRC-32 trailer
        #expect(mapErrorText { try MRCReader.read(bytes: bytes, name: "crc.map.gz") }
            == "crc.map.gz: gzip stream is corrupt: incorrect data check (zlib code -3) after 33024 decompressed bytes")
    }

    @Test func bzip2WithDamagedDataIsCorrupt() throws {
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: TestPaths.fixture("mrcfile/EMD-3197.map.bz2"))))
        bytes[4] = 0x00  // first byte of the block magic 31 41 59 26 53 59
        #expect(mapErrorText { try MRCReader.read(bytes: bytes, name: "bad.map.bz2") }
            == "bad.map.bz2: bzip2 stream is corrupt: data integrity error (libbz2 code -4) after 0 decompressed bytes")
    }

    @Test func concatenatedGzipMembersAreRead() throws {
        // gzip -c a b > c: the second member is decoded too, so a map split across members still reads.
        let full = goodMap().bytes
        let dir = try TestPaths.scratchDirectory()
        defer { TestPaths.cleanUp(dir) }
        try Data(full[0..<600]).write(to: URL(fileURLWithPath: dir + "/a"))
        try Data(full[600...]).write(to: URL(fileURLWithPath: dir + "/b"))
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", "gzip -c a > ab.gz && gzip -c b >> ab.gz && bzip2 -c a > ab.bz2 && bzip2 -c b >> ab.bz2"]
        p.currentDirectoryURL = URL(fileURLWithPath: dir)
        try p.run(); p.waitUntilExit()
        #expect(try MRCReader.read(path: dir + "/ab.gz").volume.data == [1, 2, 3, 4, 5, 6, 7, 8])
        #expect(try MRCReader.read(path: dir + "/ab.bz2").volume.data == [1, 2, 3, 4, 5, 6, 7, 8])
    }
}

@Suite struct WarningTests {
    private func warnings(_ m: MRCBytes) throws -> [String] {
        try MRCReader.read(bytes: m.bytes, name: "w.mrc").warnings
    }

    @Test func headerStatisticsThatDisagreeWithTheData() throws {
        var m = goodMap()
        m.setFloat(22, 4.0)  // dmean; the data mean is 4.5
        m.setFloat(55, 3.0)  // rms; the data std is √5.25 = 2.291288
        #expect(try warnings(m) == ["w.mrc: header dmean (word 22) is 4.0 but the data give 4.5",
                                    "w.mrc: header RMS (word 55) is 3.0 but the data's standard deviation is 2.291288"])
    }

    @Test func unsetHeaderStatistics() throws {
        var m = goodMap()
        m.setStatistics(min: 0, max: 0, mean: 0, rms: 0)
        #expect(try warnings(m) == [
            "w.mrc: header dmin, dmax, dmean (words 20-22) are all 0 (not filled in); data min/max/mean = 1.0 / 8.0 / 4.5",
            "w.mrc: header RMS (word 55) is 0 (not filled in); the data's standard deviation is 2.291288",
        ])
        var n = goodMap()
        n.setStatistics(min: 1, max: -1, mean: -2, rms: -1)
        #expect(try warnings(n) == [
            "w.mrc: header dmin, dmax, dmean (words 20-22) are 1.0, -1.0, -2.0, marked as not determined; "
                + "data min/max/mean = 1.0 / 8.0 / 4.5",
            "w.mrc: header RMS (word 55) is -1.0, marked as not determined; the data's standard deviation is 2.291288",
        ])
    }

    @Test func missingMapStampTrailingBytesAndLabelCount() throws {
        var m = goodMap()
        m.setBytes(53, [0, 0, 0, 0])
        m.setInt(56, 11)
        m.data += [1, 2, 3]
        #expect(try warnings(m) == [
            "w.mrc: word 53 is '....', not the 'MAP ' stamp of an MRC2014 map",
            "w.mrc: 3 bytes follow the data (expected 1056 bytes in all); they are ignored",
            "w.mrc: nlabl (word 56) is 11; expected 0 to 10",
        ])
    }

    @Test func zeroSamplingAndCellFallBackWithWarnings() throws {
        var m = goodMap()
        m.setInt(8, 0)        // mx
        m.setFloat(13, 0)     // cell along Z
        let map = try MRCReader.read(bytes: m.bytes, name: "w.mrc")
        #expect(map.volume.voxelSize == SIMD3(1, 1, 1))  // cell 2 Å / box 2; Z assumed 1 Å
        #expect(map.warnings == [
            "w.mrc: mx (word 8) is 0; voxel size along X uses the box size 2 instead",
            "w.mrc: cell length along Z (word 13) is 0.0 Å; expected a positive length; voxel size along Z assumed 1 Å",
        ])
    }

    @Test func imageStackSpaceGroupAndUnsetAngles() throws {
        var m = goodMap()
        m.setInt(23, 0)
        m.setFloat(14, 0); m.setFloat(15, 0); m.setFloat(16, 0)
        #expect(try warnings(m) == [
            "w.mrc: ispg (word 23) is 0, which MRC2014 reserves for image stacks, but nz = 2 > 1; read as a single volume",
            "w.mrc: cell angles (words 14-16) are 0, 0, 0 (not set); assumed 90°",
        ])
    }
}

/// The same checks through `read(path:)`, which judges the header against the file's size on disk and reads
/// the voxels with pread rather than from memory.
@Suite struct OnDiskValidationTests {
    @Test func truncatedShortAndHugeFilesOnDisk() throws {
        let dir = try TestPaths.scratchDirectory()
        defer { TestPaths.cleanUp(dir) }
        var m = goodMap()
        m.data.removeLast(4)
        try m.write(to: dir + "/cut.mrc")
        #expect(mapErrorText { try MRCReader.read(path: dir + "/cut.mrc") }
            == "\(dir)/cut.mrc: file too short: header words 1-4 and 24 (nx, ny, nz = 2, 2, 2; mode 2; nsymbt 0) "
                + "imply 1024 + 0 + data = 1056 bytes, found 1052")
        try Data(repeating: 0, count: 10).write(to: URL(fileURLWithPath: dir + "/tiny.mrc"))
        #expect(mapErrorText { try MRCReader.read(path: dir + "/tiny.mrc") }
            == "\(dir)/tiny.mrc: not an MRC/CCP4 map: the file has 10 bytes, fewer than the 1024-byte header")
        var huge = MRCBytes(nx: 100_000, ny: 100_000, nz: 100_000, mode: 2)
        huge.data = [UInt8](repeating: 0, count: 4096)
        try huge.write(to: dir + "/huge.mrc")
        #expect(mapErrorText { try MRCReader.read(path: dir + "/huge.mrc") }
            == "\(dir)/huge.mrc: file too short: header words 1-4 and 24 (nx, ny, nz = 100000, 100000, 100000; "
                + "mode 2; nsymbt 0) imply 1024 + 0 + data = 4000000000001024 bytes, found 5120")
        var nan = goodMap()
        nan.data.replaceSubrange(0..<4, with: withUnsafeBytes(of: Float.nan.bitPattern.littleEndian) { Array($0) })
        try nan.write(to: dir + "/nan.mrc")
        #expect(mapErrorText { try MRCReader.read(path: dir + "/nan.mrc") }
            == "\(dir)/nan.mrc: 1 of 8 voxels are NaN or infinite; expected finite values")
    }

    @Test func pngOnDisk() throws {
        let dir = try TestPaths.scratchDirectory()
        defer { TestPaths.cleanUp(dir) }
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + [UInt8](repeating: 7, count: 3000)
        try Data(png).write(to: URL(fileURLWithPath: dir + "/image.mrc"))
        #expect(mapErrorText { try MRCReader.read(path: dir + "/image.mrc") }
            == "\(dir)/image.mrc: not an MRC/CCP4 map: the file starts with the signature of a PNG image")
    }
}

/// The statistics behind the NaN check, the header-agreement warnings and the writer's header words.
@Suite struct VoxelStatisticsTests {
    @Test func simdPassesAgreeWithAPlainDoubleComputation() {
        // 1001 values (not a multiple of 8, so the tail is used), offset far from zero to expose cancellation.
        var values: [Float] = []
        var state: UInt64 = 12345
        for _ in 0..<1001 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            values.append(1000 + Float(state >> 40) / Float(1 << 24) - 0.5)
        }
        values[1000] = 2000  // the maximum sits in the scalar tail
        let s = values.withUnsafeBufferPointer { VoxelStatistics($0) }
        let r = referenceStatistics(values)
        #expect(s.nonFinite == 0)
        expectClose(Double(s.min), r.min, 0, "min")
        expectClose(Double(s.max), r.max, 0, "max")
        expectClose(s.mean, r.mean, 1e-9 * abs(r.mean), "mean")
        expectClose(s.std, r.std, 1e-9 * r.std, "std")
    }

    @Test func nonFiniteValuesAreCountedAndLeftOut() {
        let values: [Float] = [1, .nan, 3, .infinity, 5, -.infinity, 7, 8, .nan]
        let s = values.withUnsafeBufferPointer { VoxelStatistics($0) }
        let r = referenceStatistics([1, 3, 5, 7, 8])
        #expect(s.nonFinite == 4)
        #expect(Double(s.min) == r.min && Double(s.max) == r.max)
        expectClose(s.mean, r.mean, 1e-12, "mean of the finite voxels")
        expectClose(s.std, r.std, 1e-12, "std of the finite voxels")
    }
}

/// Corrupted headers must give a MapError or a map, never a crash or a huge allocation.
@Suite struct CorruptHeaderTests {
    @Test func randomlyCorruptedHeadersNeverTrap() {
        let base = goodMap()
        var state: UInt64 = 2024
        func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state >> 17
        }
        var errors = 0, maps = 0
        for _ in 0..<3000 {
            var m = base
            for _ in 0..<(1 + Int(next() % 4)) {
                // Mostly the first 56 words, where the structure lives; sometimes any byte.
                let offset = next() % 4 == 0 ? Int(next() % 1024) : Int(next() % 224)
                m.header[offset] = UInt8(truncatingIfNeeded: next())
            }
            do { _ = try MRCReader.read(bytes: m.bytes, name: "fuzz.mrc"); maps += 1 } catch is MapError { errors += 1 }
            catch { Issue.record("non-MapError \(error)") }
        }
        #expect(errors > 0 && maps > 0, "errors \(errors), maps \(maps)")
    }
}
