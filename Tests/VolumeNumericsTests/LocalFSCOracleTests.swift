// Local FSC (1.c, BlocRes conventions) against an independent numpy oracle written from the method text
// (Tests/Oracles/level1_local_fsc.py): every grid point's resolution, at FSC 0.5 and 0.143.
import Foundation
import Testing
import MapIO
import TestSupport
@testable import VolumeNumerics

@Suite struct LocalFSCOracleTests {
    @Test(arguments: [0.5, 0.143])
    func gridValuesMatchNumpy(threshold: Double) throws {
        let n = 32, t = 1.3, w = 16, step = 4
        let phantom = blobPhantom(n: n, voxelA: t, seed: 19)
        let (h1, h2) = knownTruthHalves(phantom: phantom, crossingInvA: 6 / (Double(w) * t), seed: 20)
        var mask = [Bool](repeating: false, count: n * n * n)
        for z in 0..<n { for y in 0..<n { for x in 0..<n {
            let d = SIMD3(Double(x), Double(y), Double(z)) - 16
            mask[x + n * (y + n * z)] = (d * d).sum() <= 8 * 8
        } } }
        let ours = LocalFSC.compute(h1, h2, mask: mask, settings: LocalFSCSettings(window: w, step: step, threshold: threshold))
        let dir = try TestScratch.directory("local-fsc").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try writeRaw(h1, "\(dir)/a.f32"); try writeRaw(h2, "\(dir)/b.f32")
        try Data(mask.map { $0 ? 1 : 0 }).write(to: URL(fileURLWithPath: "\(dir)/m.u8"))
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Oracles/level1_local_fsc.py").path, "\(n)", "\(t)", "\(w)", "\(step)", "\(threshold)",
                       "\(dir)/a.f32", "\(dir)/b.f32", "\(dir)/m.u8"]
        let pipe = Pipe(); p.standardOutput = pipe
        try p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let o = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let dims = o["dims"] as! [Int], values = o["values"] as! [Any]
        #expect(dims == [ours.gridDims.x, ours.gridDims.y, ours.gridDims.z], "grid: numpy \(dims), ours \(ours.gridDims)")
        var compared = 0, distinct = Set<Int>()
        for (i, v) in values.enumerated() {
            let mine = ours.gridResolutionA[i]
            guard let expected = v as? Double else {
                #expect(mine.isNaN, "grid point \(i): numpy skips it, ours \(mine)")
                continue
            }
            compared += 1
            distinct.insert(Int((expected * 10).rounded()))
            #expect(abs(Double(mine) - expected) <= 1e-3 * expected, "grid point \(i): numpy \(expected) Å, ours \(mine) Å")
        }
        print("local FSC oracle (threshold \(threshold)): \(compared) windows compared, \(distinct.count) distinct values")
        #expect(compared == ours.windowCount && compared > 50)
        #expect(distinct.count > 3, "the phantom should give varied local values")
    }
}
