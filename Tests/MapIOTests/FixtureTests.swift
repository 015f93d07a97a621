// Reading the real maps in Fixtures/: header values and statistics against Fixtures/README.md (computed there
// with Python mrcfile + numpy), compressed copies against the plain files, and SHA-256 against SHA256SUMS.
import Foundation
import Testing
@testable import MapIO

/// One row of Fixtures/README.md, in X, Y, Z order.
struct FixtureTruth: Sendable, CustomStringConvertible {
    var file: String
    var box: SIMD3<Int>
    var voxelSize: SIMD3<Double>
    var start: SIMD3<Int>
    var origin: SIMD3<Double>
    var min, max, mean, std: Double
    var description: String { file }
}

let fixtureTruths: [FixtureTruth] = [
    FixtureTruth(file: "mrcfile/EMD-3197.map", box: SIMD3(20, 20, 20), voxelSize: SIMD3(11.4, 11.4, 11.4),
                 start: SIMD3(-2, 0, 0), origin: .zero,
                 min: -4.133746, max: 5.576737, mean: 0.783612, std: 2.399953),
    FixtureTruth(file: "mrcfile/EMD-3001.map", box: SIMD3(43, 25, 73), voxelSize: SIMD3(0.44825, 0.3925, 0.45875),
                 start: SIMD3(-21, -12, 0), origin: .zero,
                 min: -0.368143, max: 0.721610, mean: 0.000533, std: 0.157057),
    FixtureTruth(file: "daq/2566_3J6B_9.mrc", box: SIMD3(35, 52, 47), voxelSize: SIMD3(1.34, 1.34, 1.34),
                 start: .zero, origin: SIMD3(356.44, 155.44, 159.46),
                 min: -0.386359, max: 0.864002, mean: 0.014420, std: 0.075342),
]

@Suite struct FixtureTests {
    @Test(arguments: fixtureTruths)
    func headerAndStatisticsMatchREADME(_ truth: FixtureTruth) throws {
        let map = try MRCReader.read(path: TestPaths.fixture(truth.file))
        let v = map.volume
        #expect(v.dims == truth.box, "box: expected \(truth.box), observed \(v.dims)")
        #expect(v.data.count == truth.box.x * truth.box.y * truth.box.z)
        for axis in 0..<3 {
            // README values have 5-6 significant digits; the header floats carry float32 rounding.
            expectClose(v.voxelSize[axis], truth.voxelSize[axis], 1e-6 * truth.voxelSize[axis],
                        "\(truth.file) voxel size [\(axis)] Å")
            expectClose(v.headerOrigin[axis], truth.origin[axis], 1e-4, "\(truth.file) origin [\(axis)] Å")
        }
        #expect(v.startIndex == truth.start, "start: expected \(truth.start), observed \(v.startIndex)")
        let s = referenceStatistics(v.data)
        // README values are printed to 6 decimals.
        expectClose(s.min, truth.min, 1e-6, "\(truth.file) min")
        expectClose(s.max, truth.max, 1e-6, "\(truth.file) max")
        expectClose(s.mean, truth.mean, 1e-6, "\(truth.file) mean")
        expectClose(s.std, truth.std, 1e-6, "\(truth.file) std")
        #expect(map.header.byteOrder == .littleEndian)
        #expect(map.compression == nil)
    }

    @Test func emd3197HasNoWarningsAndItsLabel() throws {
        let map = try MRCReader.read(path: TestPaths.fixture("mrcfile/EMD-3197.map"))
        #expect(map.warnings.isEmpty, "\(map.warnings)")
        #expect(map.header.usedLabels == ["::::EMDATABANK.org::::EMD-3197::::"])
        #expect(map.header.nversion == 0)
        #expect(map.header.machst == [0x44, 0x41, 0, 0])
        #expect(map.header.ispg == 1 && map.header.nsymbt == 0)
        // Origin from start indices: the box begins at −2 × 11.4 Å on X.
        expectClose(map.volume.originA.x, -22.8, 1e-9, "EMD-3197 originA.x Å")
    }

    @Test func emd3001KeepsItsCrystallographicHeaderAndWarnsAboutTheCell() throws {
        let path = TestPaths.fixture("mrcfile/EMD-3001.map")
        let map = try MRCReader.read(path: path)
        let h = map.header
        #expect((h.nx, h.ny, h.nz) == (73, 43, 25))
        #expect((h.mx, h.my, h.mz) == (40, 12, 72))
        #expect((h.mapc, h.mapr, h.maps) == (3, 1, 2))
        #expect((h.nxstart, h.nystart, h.nzstart) == (0, -21, -12))
        #expect(h.ispg == 4 && h.nsymbt == 160)
        #expect(h.cellb == SIMD3<Float>(90, 94.326, 90))
        #expect(h.cella == SIMD3<Float>(17.93, 4.71, 33.03))
        #expect(map.warnings == [
            "\(path): cell angles (words 14-16) are α, β, γ = 90.0, 94.326, 90.0°, not 90°: the cell is not "
                + "orthogonal; this tool treats the grid axes as orthogonal",
        ])
        #expect(map.volume.isAnisotropic)
        expectClose(map.volume.voxelVolumeA3, 0.44825 * 0.3925 * 0.45875, 1e-12, "EMD-3001 voxel volume Å³")
    }

    @Test func daqCropWarnsAboutRMSAndIspgAndKeepsTheOrigin() throws {
        let path = TestPaths.fixture("daq/2566_3J6B_9.mrc")
        let map = try MRCReader.read(path: path)
        #expect(map.header.rms == 0 && map.header.ispg == 0)
        #expect(map.warnings.count == 2, "\(map.warnings)")
        #expect(map.warnings.contains("\(path): ispg (word 23) is 0, which MRC2014 reserves for image stacks, "
            + "but nz = 47 > 1; read as a single volume"))
        #expect(map.warnings.contains { $0.hasPrefix("\(path): header RMS (word 55) is 0 (not filled in); the data's standard deviation is 0.07534") },
                "\(map.warnings)")
        // Chimera-style placement: ORIGIN words, not start indices.
        expectClose(map.volume.originA.x, 356.44, 1e-4, "daq originA.x Å")
        #expect(map.header.usedLabels == ["Chimera 1.15_b42258 Mon Jun 21 23:12:34 2021"])
    }

    @Test(arguments: [("mrcfile/EMD-3197.map", "mrcfile/emd_3197.map.gz", CompressionFormat.gzip),
                      ("mrcfile/EMD-3197.map", "mrcfile/EMD-3197.map.bz2", .bzip2),
                      ("mrcfile/EMD-3001.map", "mrcfile/emd_3001.map.gz", .gzip),
                      ("mrcfile/EMD-3001.map", "mrcfile/EMD-3001.map.bz2", .bzip2)])
    func compressedCopiesGiveIdenticalVolumes(plain: String, compressed: String, format: CompressionFormat) throws {
        let a = try MRCReader.read(path: TestPaths.fixture(plain))
        let b = try MRCReader.read(path: TestPaths.fixture(compressed))
        #expect(b.compression == format)
        #expect(a.volume == b.volume, "\(compressed) differs from \(plain)")
        #expect(a.header == b.header)
        // The same bytes from memory, and detection by magic bytes under a misleading name.
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: TestPaths.fixture(compressed))))
        let c = try MRCReader.read(bytes: bytes, name: "renamed.mrc")
        #expect(c.volume == a.volume && c.compression == format)
    }

    @Test func compressedFileRenamedWithoutExtensionIsStillDecompressed() throws {
        let dir = try TestPaths.scratchDirectory()
        defer { TestPaths.cleanUp(dir) }
        let copy = dir + "/looks_plain.mrc"
        try FileManager.default.copyItem(atPath: TestPaths.fixture("mrcfile/EMD-3197.map.bz2"), toPath: copy)
        let map = try MRCReader.read(path: copy)
        #expect(map.compression == .bzip2)
        #expect(map.volume == (try MRCReader.read(path: TestPaths.fixture("mrcfile/EMD-3197.map"))).volume)
    }

    @Test func sha256OfEveryFixtureMatchesSHA256SUMS() throws {
        let sums = try String(contentsOfFile: TestPaths.fixture("SHA256SUMS"), encoding: .utf8)
        var checked = 0
        for line in sums.split(separator: "\n") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            guard parts.count == 2 else { continue }
            let expected = String(parts[0])
            let relative = String(parts[1]).replacingOccurrences(of: "./", with: "")
            let observed = try FileHash.sha256(path: TestPaths.fixture(relative))
            #expect(observed == expected, "\(relative): expected \(expected), observed \(observed)")
            checked += 1
        }
        #expect(checked == 27, "every fixture file has a checksum line (27 since the second round of fixtures)")
    }

    @Test func sha256OfKnownStrings() throws {
        let dir = try TestPaths.scratchDirectory()
        defer { TestPaths.cleanUp(dir) }
        // FIPS 180-2 test vectors: "" and "abc".
        try Data().write(to: URL(fileURLWithPath: dir + "/empty"))
        try Data("abc".utf8).write(to: URL(fileURLWithPath: dir + "/abc"))
        #expect(try FileHash.sha256(path: dir + "/empty")
            == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(try FileHash.sha256(path: dir + "/abc")
            == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(mapErrorText { try FileHash.sha256(path: dir + "/missing") }
            == "\(dir)/missing: cannot read the file: No such file or directory")
    }
}
