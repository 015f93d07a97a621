// MRCWriter: round trip through our reader, Python mrcfile reading (and validating) what we write, the header
// words, atomic replacement, and refusals.
import Foundation
import Testing
@testable import MapIO

/// A 7 × 5 × 3 volume with anisotropic voxels, start indices and an origin; values a smooth function of x, y, z.
private func sampleVolume() -> Volume {
    var data: [Float] = []
    for z in 0..<3 { for y in 0..<5 { for x in 0..<7 {
        data.append(Float(x) * 0.5 - Float(y) * 1.25 + Float(z * z) * 0.1 + (x == 3 && y == 2 ? 10 : 0))
    } } }
    return Volume(nx: 7, ny: 5, nz: 3, data: data, voxelSize: SIMD3(0.7, 1.1, 2.3),
                  startIndex: SIMD3(-3, 4, 10), headerOrigin: SIMD3(12.5, -7.25, 300.75))
}

@Suite(.serialized) struct WriterTests {
    @Test func roundTripThroughOurReader() throws {
        let dir = try TestPaths.scratchDirectory()
        defer { TestPaths.cleanUp(dir) }
        let v = sampleVolume()
        let path = dir + "/out.mrc"
        try MRCWriter.write(v, to: path, labels: ["emvalidate test", "second label"])
        let map = try MRCReader.read(path: path)
        #expect(map.warnings.isEmpty, "\(map.warnings)")
        #expect(map.volume.data == v.data)
        #expect(map.volume.dims == v.dims && map.volume.startIndex == v.startIndex)
        for axis in 0..<3 {
            expectClose(map.volume.voxelSize[axis], v.voxelSize[axis], 1e-6 * v.voxelSize[axis], "voxel size [\(axis)]")
            expectClose(map.volume.headerOrigin[axis], v.headerOrigin[axis], 1e-5, "origin [\(axis)]")
        }
        let h = map.header
        #expect(h.hasMapStamp && h.machst == [0x44, 0x44, 0, 0] && h.nversion == 20140)
        #expect(h.mode == 2 && h.ispg == 1 && h.nsymbt == 0 && (h.mapc, h.mapr, h.maps) == (1, 2, 3))
        #expect((h.mx, h.my, h.mz) == (7, 5, 3) && h.cellb == SIMD3(90, 90, 90))
        #expect(h.usedLabels == ["emvalidate test", "second label"])
        let s = referenceStatistics(v.data)
        expectClose(Double(h.dmin), s.min, 0, "dmin")
        expectClose(Double(h.dmax), s.max, 0, "dmax")
        expectClose(Double(h.dmean), s.mean, 1e-6 * abs(s.mean), "dmean")
        expectClose(Double(h.rms), s.std, 1e-6 * s.std, "rms")
        // Exactly header + data, nothing else.
        let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int
        #expect(size == 1024 + 4 * 105)
    }

    @Test func mrcfileReadsAndValidatesWhatWeWrite() throws {
        let dir = try TestPaths.scratchDirectory()
        defer { TestPaths.cleanUp(dir) }
        let v = sampleVolume()
        let path = dir + "/out.mrc"
        try MRCWriter.write(v, to: path, labels: ["written by emvalidate"])
        let o = try Oracle.read(path, validate: true)
        #expect(o.bool("valid"), "mrcfile.validate: \(o.string("validate_messages"))")
        #expect(o.data == v.data)
        #expect(o.ints("box_xyz") == [7, 5, 3] && o.ints("start_xyz") == [-3, 4, 10])
        #expect(o.ints("mapcrs") == [1, 2, 3] && o.ints("machst") == [0x44, 0x44, 0, 0])
        #expect(o.string("map_stamp") == "MAP " && (o.json["nversion"] as? Int) == 20140)
        let vs = o.doubles("voxel_size_xyz"), origin = o.doubles("origin_xyz")
        for axis in 0..<3 {
            expectClose(vs[axis], v.voxelSize[axis], 1e-6 * v.voxelSize[axis], "mrcfile voxel size [\(axis)]")
            expectClose(origin[axis], v.headerOrigin[axis], 1e-5, "mrcfile origin [\(axis)]")
        }
        expectClose(o.double("header_rms"), o.double("std"), 1e-6 * o.double("std"), "header RMS vs mrcfile std")
        expectClose(o.double("header_dmean"), o.double("mean"), 1e-6, "header dmean vs mrcfile mean")
        #expect(o.json["labels"] as? [String] == ["written by emvalidate"])
    }

    @Test func fixtureSurvivesAWriteReadCycleWithItsGeometry() throws {
        // EMD-3001 read (permuted, anisotropic) and written in X, Y, Z order must give the same volume back.
        let dir = try TestPaths.scratchDirectory()
        defer { TestPaths.cleanUp(dir) }
        let original = try MRCReader.read(path: TestPaths.fixture("mrcfile/EMD-3001.map")).volume
        try MRCWriter.write(original, to: dir + "/3001.mrc", labels: [])
        let again = try MRCReader.read(path: dir + "/3001.mrc").volume
        #expect(again.data == original.data && again.dims == original.dims && again.startIndex == original.startIndex)
        for axis in 0..<3 {
            expectClose(again.voxelSize[axis], original.voxelSize[axis], 1e-6, "voxel size [\(axis)]")
        }
        let o = try Oracle.read(dir + "/3001.mrc")
        #expect(o.data == original.data)
    }

    @Test func replacesAtomicallyAndLeavesNoTemporaryFiles() throws {
        let dir = try TestPaths.scratchDirectory()
        defer { TestPaths.cleanUp(dir) }
        let path = dir + "/map.mrc"
        try Data("old contents".utf8).write(to: URL(fileURLWithPath: path))
        let v = sampleVolume()
        try MRCWriter.write(v, to: path, labels: [])
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["map.mrc"])
        #expect(try MRCReader.read(path: path).volume.data == v.data)
        // A relative path (no directory part) goes through the same temporary-file scheme.
        #expect(MRCWriter.temporaryPath(for: "x.mrc").hasPrefix(".x.mrc.tmp-"))
        #expect(MRCWriter.temporaryPath(for: "/a/b/x.mrc").hasPrefix("/a/b/.x.mrc.tmp-"))
    }

    @Test func labelsAreLimitedToTenAsciiLinesOf80Characters() throws {
        let dir = try TestPaths.scratchDirectory()
        defer { TestPaths.cleanUp(dir) }
        let labels = (0..<12).map { "label \($0)" } + []
        var long = labels
        long[0] = String(repeating: "a", count: 100)
        long[1] = "Å résolution"
        try MRCWriter.write(sampleVolume(), to: dir + "/l.mrc", labels: long)
        let h = try MRCReader.read(path: dir + "/l.mrc").header
        #expect(h.nlabl == 10)
        #expect(h.usedLabels[0] == String(repeating: "a", count: 80))
        #expect(h.usedLabels[1] == "? r?solution")
        #expect(Array(h.usedLabels[2...]) == Array(labels[2..<10]))
    }

    @Test func refusesWhatTheReaderWouldReject() throws {
        let dir = try TestPaths.scratchDirectory()
        defer { TestPaths.cleanUp(dir) }
        var v = sampleVolume()
        v.data[4] = .nan
        v.data[5] = -.infinity
        #expect(mapErrorText { try MRCWriter.write(v, to: dir + "/nan.mrc", labels: []) }
            == "\(dir)/nan.mrc: refusing to write a map with 2 NaN or infinite voxels; expected finite values")
        var w = sampleVolume()
        w.voxelSize = SIMD3(1, 0, 1)
        #expect(mapErrorText { try MRCWriter.write(w, to: dir + "/vs.mrc", labels: []) }
            == "\(dir)/vs.mrc: cannot write voxel size 1.0 × 0.0 × 1.0 Å; expected positive finite sizes")
        #expect(mapErrorText { try MRCWriter.write(sampleVolume(), to: dir + "/no/such/dir.mrc", labels: []) }
            == "\(dir)/no/such/dir.mrc: cannot write the map: No such file or directory")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
    }
}
