// `--threads` (Parallel.workers) reaches the loops that used to call DispatchQueue.concurrentPerform directly:
// the SAXS Debye histograms (O.b), the local median of 5.a, the central-section counts of 4.g. One thread and
// two must give the same numbers (each loop splits its work independently of the thread count).
import Foundation
import MapIO
import ParticleAnalysis
import Testing
import VolumeNumerics
@testable import Analysis

@Suite(.serialized) struct ParallelRoutingTests {
    @Test func debyeHistogramsAreTheSameOnOneAndTwoThreads() {
        var rng = SplitMix64(seed: 7)
        let points = (0..<900).map { _ in SIMD3(40 * rng.uniform(), 40 * rng.uniform(), 40 * rng.uniform()) }
        let types = (0..<900).map { $0 % 3 }
        let q = [0.05, 0.1, 0.2]
        let profiles = [1, 2].map { k in
            Parallel.withWorkers(k) { DebyeHistograms(positions: points, types: types).profile(q: q, factors: q.map { _ in [1.0, 0.8, 0.5] }) }
        }
        #expect(profiles[0] == profiles[1])
        #expect(profiles[0].allSatisfy { $0 > 0 })
    }

    @Test func localMedianIsTheSameOnOneAndTwoThreads() {
        var rng = SplitMix64(seed: 8)
        let image = (0..<(48 * 40)).map { _ in Float(rng.gaussian()) }
        let medians = [1, 2].map { k in Parallel.withWorkers(k) { MicrographScreening.localMedian(image, width: 48, height: 40, radius: 2) } }
        #expect(medians[0] == medians[1])
        // Pixel (0, 0): the 3×3 window clipped at the corner, upper median of 9 values.
        let corner = (0..<3).flatMap { y in (0..<3).map { x in image[x + 48 * y] } }.sorted()[4]
        #expect(medians[0][0] == corner)
    }

    @Test func orientationEfficiencyIsTheSameOnOneAndTwoThreads() {
        var rng = SplitMix64(seed: 9)
        let angles = (0..<400).map { _ in SIMD3(rng.uniform() * 360, acos(2 * rng.uniform() - 1) * 180 / .pi, rng.uniform() * 360) }
        let map = Volume(nx: 16, ny: 16, nz: 16, data: [Float](repeating: 1, count: 16 * 16 * 16), voxelSize: SIMD3(repeating: 2))
        let results = [1, 2].map { k in
            Parallel.withWorkers(k) { () -> SectionResult in
                let c = AnalysisContext(map: map, mapPath: "flat.mrc", threshold: 0.5, resolution: 6)
                c.particles = ParticleInput(starPath: "particles.star", totalCount: angles.count, anglesDeg: angles)
                return OrientationEfficiencySection().runIsolated(c)
            }
        }
        #expect(results[0].status == .ok, "\(results[0].reason ?? "") \(results[0].warnings)")
        #expect(results[0].metrics["efficiency"] == results[1].metrics["efficiency"])
        #expect(results[0].metrics["mean_directional_resolution_A"] == results[1].metrics["mean_directional_resolution_A"])
    }
}
