// Our reader against Python mrcfile (Tests/Oracles/mrc_read.py), voxel by voxel, in X, Y, Z order.
// EMD-3001 is the hard case: axis order 3,1,2, anisotropic voxels, an extended header to skip.
import Foundation
import Testing
@testable import MapIO

@Suite(.serialized) struct OracleTests {
    @Test(arguments: ["mrcfile/EMD-3001.map", "mrcfile/EMD-3197.map", "daq/2566_3J6B_9.mrc",
                      "mrcfile/emd_3001.map.gz"])
    func fixtureMatchesMrcfileVoxelByVoxel(_ file: String) throws {
        let path = TestPaths.fixture(file)
        let ours = try MRCReader.read(path: path).volume
        let oracle = try Oracle.read(path)
        let box = oracle.ints("box_xyz")
        #expect(box == [ours.nx, ours.ny, ours.nz], "box: mrcfile \(box), ours \(ours.dims)")
        #expect(oracle.ints("start_xyz") == [ours.startIndex.x, ours.startIndex.y, ours.startIndex.z])
        let vs = oracle.doubles("voxel_size_xyz")
        let origin = oracle.doubles("origin_xyz")
        for axis in 0..<3 {
            // mrcfile computes the voxel size in float32; we keep the header's decimal value.
            expectClose(ours.voxelSize[axis], vs[axis], 1e-6 * vs[axis], "\(file) voxel size [\(axis)] Å")
            expectClose(ours.headerOrigin[axis], origin[axis], 1e-4, "\(file) origin [\(axis)] Å")
        }
        try #require(oracle.data.count == ours.data.count)
        var mismatches = 0
        var firstMismatch = ""
        for z in 0..<ours.nz {
            for y in 0..<ours.ny {
                for x in 0..<ours.nx {
                    let i = x + ours.nx * (y + ours.ny * z)
                    if oracle.data[i].bitPattern != ours[x, y, z].bitPattern {
                        if mismatches == 0 { firstMismatch = "(\(x),\(y),\(z)): mrcfile \(oracle.data[i]), ours \(ours[x, y, z])" }
                        mismatches += 1
                    }
                }
            }
        }
        #expect(mismatches == 0, "\(file): \(mismatches) voxels differ from mrcfile; first \(firstMismatch)")
    }

    @Test func emd3001PermutationPutsFileColumnsAlongZ() throws {
        // Independent of the oracle: the file's first 73 values (one row of columns, section 0, row 0) run
        // along Z at x = 0, y = 0 because mapc = 3, mapr = 1, maps = 2.
        let path = TestPaths.fixture("mrcfile/EMD-3001.map")
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let v = try MRCReader.read(path: path).volume
        let dataStart = 1024 + 160
        func fileValue(_ c: Int, _ r: Int, _ s: Int) -> Float {
            let o = dataStart + 4 * (c + 73 * (r + 43 * s))
            return bytes.withUnsafeBytes { Float(bitPattern: UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: o, as: UInt32.self))) }
        }
        for (c, r, s) in [(0, 0, 0), (72, 0, 0), (5, 42, 0), (10, 3, 24), (72, 42, 24)] {
            // column → Z, row → X, section → Y
            #expect(v[r, s, c] == fileValue(c, r, s), "file (c,r,s)=(\(c),\(r),\(s)) should be V[\(r),\(s),\(c)]")
        }
    }
}
