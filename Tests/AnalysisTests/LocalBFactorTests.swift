// 0.f local B-factor: random Gaussian atoms of known B read back that B in every voxel (median).
import Foundation
import Testing
import MapIO
import VolumeNumerics
@testable import Analysis

func centralSphere(_ n: Int, radius: Double) -> [Bool] {
    var m = [Bool](repeating: false, count: n * n * n)
    for z in 0..<n { for y in 0..<n { for x in 0..<n {
        let d = SIMD3(Double(x), Double(y), Double(z)) - Double(n) / 2
        m[x + n * (y + n * z)] = (d * d).sum() <= radius * radius
    } } }
    return m
}

@Suite struct LocalBFactorTests {
    @Test func knownBlurIsRecoveredLocally() throws {
        for (trueB, seed) in [(100.0, UInt64(41)), (40.0, UInt64(42))] {
            let map = randomAtomMap(n: 64, voxelA: 1, atoms: 6000, crystallographicB: trueB, seed: seed)
            let a = LocalBandAnalysis.compute(map: map, hardMask: centralSphere(64, radius: 20), resolutionA: 4)
            let result = LocalBFactor().evaluate(a)
            let median = result.metrics["p50_A2"]!.doubleValue!
            print("0.f known B \(-trueB): median \(median), p25 \(result.metrics["p25_A2"]!), p75 \(result.metrics["p75_A2"]!), resampled \(a.resampled.dims)")
            #expect(abs(median + trueB) <= 0.1 * trueB + 5, "median local B: expected \(-trueB) Å², observed \(median) Å², error \(median + trueB)")
            #expect(a.resampled.voxelSize.x == 2, "resampled to R/2 = 2 Å: \(a.resampled.voxelSize)")
        }
    }

    @Test func notApplicableWithoutResolutionOrAt15A() {
        let map = Volume(nx: 16, ny: 16, nz: 16, value: 1)
        for r in [nil, 15.0] as [Double?] {
            let s = LocalBFactor().runIsolated(AnalysisContext(map: map, mapPath: "m", threshold: 0.5, resolution: r))
            #expect(s.status == .notApplicable, "R = \(String(describing: r)): \(s.status)")
        }
    }
}
