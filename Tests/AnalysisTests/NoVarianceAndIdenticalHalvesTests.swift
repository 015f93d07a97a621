// Inputs that carry no information (issue 17, points 13 and 19): a map without variance (all zeros, a
// constant) and half maps identical to each other or to the map. Every section that would measure them
// says "could not be measured" / "not applicable" with the reason, and none of them counts in the score.
import Foundation
import Testing
import MapIO
@testable import Analysis

@Suite struct NoVarianceAndIdenticalHalvesTests {
    /// Before the fix, 0.b passed and 0.f/0.g printed a median of 0.00 on such maps.
    @Test(arguments: [Float(0), 3.5])
    func mapWithoutVarianceIsNotMeasured(_ value: Float) {
        let map = Volume(nx: 16, ny: 16, nz: 16, voxelSize: SIMD3(repeating: 2), value: value)
        // T at the value itself: the raw mask is the whole box, so the sections would otherwise run.
        let context = AnalysisContext(map: map, mapPath: "flat.mrc", threshold: Double(value), resolution: 6)
        #expect(context.constantValue == value)
        let results = SectionRegistry.reportSections(halfMaps: false, model: false).map { $0.runIsolated(context) }
        for r in results where r.scored {
            #expect(r.status == .failed, "\(r.id): \(r.status)")
            #expect(r.reason?.contains("the map has no variance (every voxel is \(NumberText.format(Double(value))))") == true,
                    "\(r.id): \(r.reason ?? "no reason")")
        }
        #expect(results.filter { $0.scored && ($0.status == .ok || $0.status == .warnings) }.isEmpty)
        // Input data (not scored) still describes the map.
        #expect(results.first { $0.id == "input" }?.status != .failed)
    }

    @Test func oneDifferentVoxelIsVariance() {
        var map = Volume(nx: 8, ny: 8, nz: 8, value: 0)
        map.data[100] = 1
        #expect(AnalysisContext(map: map, mapPath: "m", threshold: 0.5, resolution: nil).constantValue == nil)
    }

    static let level1IDs = ["1.a", "1.b", "1.c", "1.d"]

    /// Halves identical to each other, or one of them equal to the map: every scored Level 1 section is not
    /// applicable with the reason; the (unscored) Half maps section warns.
    @Test(arguments: ["each other", "the map"])
    func identicalHalvesAreNotEvaluated(_ kind: String) {
        let n = 24
        let phantom = level1Phantom(n: n, voxelA: 2, seed: 201)
        var rng = PhantomRNG(seed: 202)
        let other = phantom.withData(phantom.data.map { $0 + 0.05 * Float(rng.gaussian()) })
        let map = kind == "the map" ? phantom : other
        let halves = kind == "the map" ? (phantom, other) : (phantom, phantom)
        let context = level1Context(map, halves: halves, resolution: 5)
        let sections = SectionRegistry.reportSections(halfMaps: true, model: false).filter { $0.id.hasPrefix("1.") }
        let results = sections.map { $0.runIsolated(context) }
        for r in results where Self.level1IDs.contains(r.id) {
            #expect(r.status == .notApplicable, "\(r.id): \(r.status) \(r.reason ?? "")")
            #expect(r.reason?.contains(kind == "the map" ? "same voxel values as the map" : "identical voxel values") == true,
                    "\(r.id): \(r.reason ?? "")")
        }
        #expect(Set(results.map(\.id)).isSuperset(of: Self.level1IDs))
        let halvesSection = results.first { $0.id == "1.halves" }!
        #expect(halvesSection.status == .warnings && !halvesSection.scored)
    }

    /// Two different halves from the same phantom (independent noise) are evaluated as before.
    @Test func differentHalvesAreEvaluated() {
        let phantom = level1Phantom(n: 24, voxelA: 2, seed: 203)
        var rng = PhantomRNG(seed: 204)
        let h1 = phantom.withData(phantom.data.map { $0 + 0.05 * Float(rng.gaussian()) })
        let h2 = phantom.withData(phantom.data.map { $0 + 0.05 * Float(rng.gaussian()) })
        let r = GlobalResolution().runIsolated(level1Context(phantom, halves: (h1, h2), resolution: 5))
        #expect(r.status == .ok || r.status == .warnings, "\(r.status) \(r.reason ?? "")")
    }

    @Test func constantHalfIsNotEvaluated() {
        let phantom = level1Phantom(n: 16, voxelA: 2, seed: 205)
        let flat = phantom.withData([Float](repeating: 0, count: phantom.count))
        let r = FSCPermutation().runIsolated(level1Context(phantom, halves: (phantom, flat)))
        #expect(r.status == .notApplicable && r.reason?.contains("half map 2 has no variance") == true, "\(r.reason ?? "")")
    }
}
