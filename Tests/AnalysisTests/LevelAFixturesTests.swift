// Test support for the Level A tests: the DAQ fixture (EMD-2566 crop + 3J6B chain 9), a minimal reader for
// its plain MRC file (mode 2, axis order 1,2,3, no extended header; the product's reader is MapIO's), and
// phantom helpers. The fixture's header values are checked against Fixtures/README.md.
import Foundation
import Testing
@testable import Analysis
import MapIO
import ModelIO

let levelARoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
let daqMapPath = levelARoot.appendingPathComponent("Fixtures/daq/2566_3J6B_9.mrc").path
let daqModelPath = levelARoot.appendingPathComponent("Fixtures/daq/3J6B_9.pdb").path

/// Reads a float32, axis-order-1,2,3 MRC file without extended header (enough for the DAQ fixture).
func readSimpleMRC(_ path: String) throws -> Volume {
    let d = try Data(contentsOf: URL(fileURLWithPath: path))
    func i32(_ w: Int) -> Int { Int(d.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 4 * w, as: Int32.self) }) }
    func f32(_ w: Int) -> Double { Double(d.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 4 * w, as: Float.self) }) }
    let nx = i32(0), ny = i32(1), nz = i32(2)
    precondition(i32(3) == 2 && i32(16) == 1 && i32(17) == 2 && i32(18) == 3 && i32(23) == 0, "not a simple MRC")
    let vs = SIMD3(f32(10) / Double(i32(7)), f32(11) / Double(i32(8)), f32(12) / Double(i32(9)))
    var values = [Float](repeating: 0, count: nx * ny * nz)
    _ = values.withUnsafeMutableBytes { d.copyBytes(to: $0, from: 1024..<(1024 + 4 * nx * ny * nz)) }
    return Volume(nx: nx, ny: ny, nz: nz, data: values, voxelSize: vs,
                  startIndex: SIMD3(i32(4), i32(5), i32(6)), headerOrigin: SIMD3(f32(49), f32(50), f32(51)))
}

func daqFixture() throws -> (Volume, AtomicModel) {
    (try readSimpleMRC(daqMapPath), try ModelReader.read(path: daqModelPath))
}

/// Deterministic Gaussian noise (Box–Muller on a 64-bit LCG).
struct NoiseSource {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func uniform() -> Double {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return (Double(state >> 11) + 0.5) / Double(1 << 53)
    }
    mutating func gaussian() -> Double { (-2 * log(uniform())).squareRoot() * cos(2 * .pi * uniform()) }
}

@Test func daqFixtureHeaderMatchesREADME() throws {
    let (map, model) = try daqFixture()
    #expect(map.nx == 35 && map.ny == 52 && map.nz == 47)
    #expect(abs(map.voxelSize.x - 1.34) < 1e-5 && abs(map.headerOrigin.x - 356.44) < 1e-3)
    #expect(model.atoms.count == 2865)
}
