// The view separation of a two-class split: about 0 when membership ignores the direction, about 1 when the
// classes hold different views, from synthetic directions whose answer is known by construction.
import Foundation
import Testing
import VolumeNumerics
@testable import ParticleAnalysis

@Suite struct ViewSeparationTests {
    /// A unit vector uniformly distributed on the sphere.
    func randomDirection(_ rng: inout SplitMix64) -> SIMD3<Double> {
        let z = Double.random(in: -1...1, using: &rng), phi = Double.random(in: 0..<(2 * .pi), using: &rng)
        let r = (1 - z * z).squareRoot()
        return SIMD3(r * cos(phi), r * sin(phi), z)
    }

    /// 1,000 directions over the sphere, 30 % of them in the smaller class at random: separation near 0.
    @Test func membershipIndependentOfDirectionReadsZero() throws {
        var rng = SplitMix64(seed: 11)
        let d = (0..<1000).map { _ in randomDirection(&rng) }
        let inSmaller = (0..<1000).map { _ in Double.random(in: 0..<1, using: &rng) < 0.3 }
        let s = try #require(ViewSeparation.separation(directions: d, inSmaller: inSmaller))
        #expect(abs(s) < 0.1, "separation \(s)")
    }

    /// 12 views (3° of jitter), the smaller class two whole views: separation near 1. The same views with the
    /// smaller class drawn at random within every view: near 0.
    @Test func classesHoldingDifferentViewsReadOne() throws {
        var rng = SplitMix64(seed: 12)
        let views = (0..<12).map { _ in randomDirection(&rng) }
        var d: [SIMD3<Double>] = [], view: [Int] = []
        for k in 0..<1200 {
            let v = views[k % 12]
            let jitter = randomDirection(&rng) * sin(3 * Double.pi / 180)
            let u = v + jitter - (jitter * v).sum() * v
            d.append(u / (u * u).sum().squareRoot()); view.append(k % 12)
        }
        let byView = try #require(ViewSeparation.separation(directions: d, inSmaller: view.map { $0 < 2 }))
        #expect(byView > 0.9, "two whole views: separation \(byView)")
        let mixed = try #require(ViewSeparation.separation(directions: d, inSmaller: (0..<1200).map { _ in Double.random(in: 0..<1, using: &rng) < 1.0 / 6 }))
        #expect(abs(mixed) < 0.15, "random members of every view: separation \(mixed)")
    }

    @Test func emptyClassesGiveNoValue() {
        let d = [SIMD3<Double>(0, 0, 1), SIMD3(0, 1, 0)]
        #expect(ViewSeparation.separation(directions: d, inSmaller: [false, false]) == nil)
        #expect(ViewSeparation.separation(directions: d, inSmaller: [true, true]) == nil)
        // Two directions 90° apart: no centre has a neighbour within 15°.
        #expect(ViewSeparation.separation(directions: d, inSmaller: [true, false]) == nil)
    }
}
