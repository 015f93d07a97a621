// 0.g local occupancy: a region of the molecule at half density reads about 0.5.
import Foundation
import Testing
import MapIO
import VolumeNumerics
@testable import Analysis

@Suite struct LocalOccupancyTests {
    @Test func halfDensityRegionReadsHalf() throws {
        let n = 64
        // Atoms in a sphere of 24 Å; those with x < 32 Å (the left half) carry half the density.
        let map = randomAtomMap(n: n, voxelA: 1, atoms: 6000, crystallographicB: 40, seed: 51, weight: { p in
            (p - SIMD3(32, 32, 32)).squaredLength() < 24 * 24 ? (p.x < 32 ? 0.5 : 1) : 0 })
        let mask = centralSphere(n, radius: 24)
        let a = LocalBandAnalysis.compute(map: map, hardMask: mask, resolutionA: 4)
        let m = a.resampled.dims
        var low = [Float](), full = [Float]()
        for z in 0..<m.z { for y in 0..<m.y { for x in 0..<m.x {
            let v = a.maps.occupancy[x + m.x * (y + m.y * z)]
            guard v.isFinite else { continue }
            let xA = Double(x) * a.resampled.voxelSize.x
            let d = SIMD3(Double(x), Double(y), Double(z)) * a.resampled.voxelSize.x - 32
            if (d * d).sum() > 18 * 18 { continue }   // away from the molecule's surface
            if xA < 26 { low.append(v) } else if xA > 38 { full.append(v) }
        } } }
        let ml = LocalValueSummary(low).percentile(50), mf = LocalValueSummary(full).percentile(50)
        print("0.g occupancy: half-density region median \(ml) (\(low.count) voxels), full region median \(mf) (\(full.count) voxels)")
        #expect(abs(mf - 1) <= 0.2, "full-density region: expected ≈ 1, observed \(mf)")
        #expect(abs(ml - 0.5) <= 0.12, "half-density region: expected ≈ 0.5, observed \(ml), error \(ml - 0.5)")
        let result = LocalOccupancy().evaluate(a)
        #expect(result.figures.map(\.id) == ["0g_local_occupancy_histogram", "0g_local_occupancy_slices"])
    }
}
