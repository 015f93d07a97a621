// VolumeSpill: a volume written to our own temporary file and read back exactly; the file's name is gone from the
// folder as soon as the spill exists (nothing left behind if the run is killed), and no file is left when it
// cannot be written.
import Foundation
import Testing
@testable import MapIO

@Suite struct VolumeSpillTests {
    @Test func readsBackTheVolumeBitForBitAndRemovesItsFile() throws {
        var data = (0..<(7 * 5 * 3)).map { Float($0) * 0.37 - 4 }
        data[3] = .nan; data[4] = -.infinity; data[5] = .leastNonzeroMagnitude
        let v = Volume(nx: 7, ny: 5, nz: 3, data: data, voxelSize: SIMD3(1.1, 1.2, 1.3),
                       startIndex: SIMD3(-3, 2, 9), headerOrigin: SIMD3(10, -20, 30.5))
        var spill: VolumeSpill? = try VolumeSpill(v)
        let path = spill!.path
        #expect(path.hasPrefix(FileManager.default.temporaryDirectory.path))
        #expect(!FileManager.default.fileExists(atPath: path))
        let back = try spill!.read()
        #expect(back.dims == v.dims && back.voxelSize == v.voxelSize && back.startIndex == v.startIndex
                && back.headerOrigin == v.headerOrigin)
        #expect(back.data.map(\.bitPattern) == v.data.map(\.bitPattern))
        #expect(try spill!.read().data.map(\.bitPattern) == v.data.map(\.bitPattern))   // read again: same bits
        spill = nil
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func anUnwritableFolderThrowsAndLeavesNoFile() throws {
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("emv-no-such-\(UUID().uuidString)")
        #expect(throws: MapError.self) { try VolumeSpill(Volume(nx: 2, ny: 2, nz: 2), directory: missing) }
        #expect(!FileManager.default.fileExists(atPath: missing.path))
    }
}
