// SPEC "Masks used everywhere": raw, hard and soft masks on ball phantoms.
import MapIO
import Testing
import VolumeNumerics
@testable import Analysis

@Suite struct MasksTests {
    @Test func dilationRadius() {
        // ceil(2 Å / Ts), at least 1.
        for (ts, r) in [(1.0, 2), (2.82, 1), (0.5, 4), (2.0, 1), (0.8, 3), (0.4, 5), (1.34, 2), (11.4, 1)] {
            #expect(Masks.dilationRadius(voxelSizeA: ts) == r, "Ts = \(ts): expected \(r), observed \(Masks.dilationRadius(voxelSizeA: ts))")
        }
    }

    @Test func ballPhantomMasks() throws {
        let c = SIMD3(24, 22, 20)
        let map = Level0Phantom.map(SIMD3(48, 44, 40), balls: [
            .init(center: c, radius: 10, value: 1),
            .init(center: SIMD3(42, 38, 34), radius: 2, value: 1),   // a small second component, far away
        ])
        let m = try Masks.build(map: map, threshold: 0.5)
        #expect(m.rawVoxelCount == Level0Phantom.ballCount(radius: 10) + Level0Phantom.ballCount(radius: 2))
        #expect(m.rawComponents.count == 2)
        #expect(m.rawComponents.sizes[m.largestLabel - 1] == Level0Phantom.ballCount(radius: 10))
        #expect(m.dilationRadiusVoxels == 2)

        // Hard mask: exactly the voxels within 2 voxels of the big ball (checked voxel by voxel near it).
        var wrong = 0, hardCount = 0
        for z in 0..<40 { for y in 0..<44 { for x in 0..<48 {
            let d = SIMD3(x, y, z) &- c
            let d2 = (d &* d).wrappedSum()
            var expected = false
            if d2 <= 144 {   // beyond 12 voxels from c nothing can be within 2 of the ball
                for dz in -2...2 { for dy in -2...2 { for dx in -2...2 where dx * dx + dy * dy + dz * dz <= 4 {
                    let p = d &+ SIMD3(dx, dy, dz)
                    if (p &* p).wrappedSum() <= 100 { expected = true }
                } } }
            }
            if m.hard[x, y, z] != expected { wrong += 1 }
            if expected { hardCount += 1 }
        } } }
        #expect(wrong == 0, "hard mask: \(wrong) voxels differ from the dilated ball")
        #expect(m.hard.trueCount == hardCount)
        #expect(!m.hard[42, 38, 34], "the small component must not be in the hard mask")

        // Soft mask: in [0, 1], 1 deep inside, 0 more than 8 voxels (4σ) outside the hard mask.
        let soft = m.soft.full()
        let (lo, hi) = (soft.data.min()!, soft.data.max()!)
        #expect(lo >= 0 && hi <= 1, "soft mask range [\(lo), \(hi)]")
        #expect(abs(soft[24, 22, 20] - 1) < 1e-6, "soft at the centre: \(soft[24, 22, 20])")
        #expect(soft[2, 2, 2] == 0, "soft far away: \(soft[2, 2, 2])")
        let edge = soft[24 + 12, 22, 20]   // last hard voxel along +X
        #expect(edge > 0.2 && edge < 0.8, "soft at the hard-mask edge: \(edge)")
        #expect(soft.voxelSize == map.voxelSize)
        // The crop holds every non-zero value: its slices and slice variances are the whole volume's.
        for axis in Axis.allCases {
            #expect(m.soft.maxVarianceIndex(axis) == soft.maxVarianceIndex(axis))
            let k = soft.maxVarianceIndex(axis)
            #expect(m.soft.slice(axis, k) == soft.slice(axis, k))
            #expect(m.soft.slice(axis, 0) == soft.slice(axis, 0))
            let hardVolume = map.withData(m.hard.voxels.map { $0 ? 1 : 0 })
            #expect(m.hard.maxVarianceIndex(axis) == hardVolume.maxVarianceIndex(axis))
            #expect(m.hard.slice(axis, k, voxelSize: map.voxelSize) == hardVolume.slice(axis, k))
        }
    }

    @Test func anisotropicVoxelsUseTheXSize() throws {
        let map = Level0Phantom.map(SIMD3(32, 32, 32), voxelSize: SIMD3(0.5, 1, 2),
                                    balls: [.init(center: SIMD3(16, 16, 16), radius: 5, value: 1)])
        let m = try Masks.build(map: map, threshold: 0.5)
        #expect(m.dilationRadiusVoxels == 4, "ceil(2 Å / 0.5 Å) = 4, observed \(m.dilationRadiusVoxels)")
        #expect(m.hard.boundingBox()!.first == SIMD3(7, 7, 7))
    }

    @Test func thresholdAboveMaximumFails() {
        let map = Level0Phantom.map(SIMD3(16, 16, 16), balls: [.init(center: SIMD3(8, 8, 8), radius: 3, value: 1.5)])
        #expect {
            _ = try Masks.build(map: map, threshold: 2)
        } throws: { error in
            guard case SectionError.failed(let reason) = error else { return false }
            return reason.hasPrefix("threshold too high: no voxel at or above T = 2") && reason.contains("1.5")
        }
    }

    @Test func thresholdAtTheMaximumKeepsThoseVoxels() throws {
        // V >= T is inclusive: T equal to the maximum keeps the voxels at the maximum.
        let map = Level0Phantom.map(SIMD3(16, 16, 16), balls: [.init(center: SIMD3(8, 8, 8), radius: 3, value: 1.5)])
        let m = try Masks.build(map: map, threshold: 1.5)
        #expect(m.rawVoxelCount == Level0Phantom.ballCount(radius: 3))
    }
}
