// Ball dilation against the definition (every voxel within r of a mask voxel), checked by brute force.
import TestSupport
import Testing
@testable import VolumeNumerics

/// Brute-force dilation: voxel q is set when some mask voxel p has |q − p|² ≤ r².
fileprivate func bruteDilation(_ m: BinaryMask, radius r: Int) -> [Bool] {
    var out = [Bool](repeating: false, count: m.count)
    var points: [SIMD3<Int>] = []
    for z in 0..<m.nz { for y in 0..<m.ny { for x in 0..<m.nx where m[x, y, z] { points.append(SIMD3(x, y, z)) } } }
    for z in 0..<m.nz { for y in 0..<m.ny { for x in 0..<m.nx {
        let q = SIMD3(x, y, z)
        for p in points { let d = q &- p; if (d &* d).wrappedSum() <= r * r { out[m.index(x, y, z)] = true; break } }
    } } }
    return out
}

@Suite struct MorphologyTests {
    @Test func singleVoxelGivesTheBall() {
        // Lattice points in balls of radius 1…5: 7, 33, 123, 257, 515 (OEIS A000605).
        let known = [7, 33, 123, 257, 515]
        for r in 1...5 {
            let n = 2 * r + 5
            var v = [Bool](repeating: false, count: n * n * n)
            let c = n / 2
            v[c + n * (c + n * c)] = true
            let d = BinaryMask(nx: n, ny: n, nz: n, voxels: v).dilated(ballRadius: r)
            #expect(d.trueCount == known[r - 1], "r=\(r): expected \(known[r - 1]) voxels, observed \(d.trueCount)")
            #expect(Morphology.ballVoxelCount(radius: r) == known[r - 1])
            var wrong = 0
            for z in 0..<n { for y in 0..<n { for x in 0..<n {
                let dd = (x - c) * (x - c) + (y - c) * (y - c) + (z - c) * (z - c)
                if d[x, y, z] != (dd <= r * r) { wrong += 1 }
            } } }
            #expect(wrong == 0, "r=\(r): \(wrong) voxels differ from the ball")
        }
    }

    @Test func randomMaskMatchesBruteForce() {
        var rng = Level0RNG(seed: 3)
        let nx = 21, ny = 17, nz = 15
        for (density, r) in [(0.02, 1), (0.01, 2), (0.004, 3), (0.3, 2)] {
            let v = (0..<(nx * ny * nz)).map { _ in Double.random(in: 0..<1, using: &rng) < density }
            let m = BinaryMask(nx: nx, ny: ny, nz: nz, voxels: v)
            let expected = bruteDilation(m, radius: r)
            let observed = m.dilated(ballRadius: r).voxels
            let wrong = zip(expected, observed).filter { $0 != $1 }.count
            #expect(wrong == 0, "density \(density), r=\(r): \(wrong) voxels differ from brute force")
        }
    }

    /// In place (the hard mask's dilation) and into a copy give the same mask.
    @Test func inPlaceDilationMatchesTheCopy() {
        var rng = Level0RNG(seed: 9)
        let v = (0..<(19 * 23 * 11)).map { _ in Double.random(in: 0..<1, using: &rng) < 0.05 }
        let m = BinaryMask(nx: 19, ny: 23, nz: 11, voxels: v)
        for r in 0...3 {
            var inPlace = m
            inPlace.dilate(ballRadius: r)
            #expect(inPlace == m.dilated(ballRadius: r), "r=\(r)")
            #expect(inPlace.voxels == bruteDilation(m, radius: r), "r=\(r)")
        }
        #expect(m.voxels == v, "the original is unchanged")
    }

    @Test func cornerVoxelIsClippedToTheBox() {
        var v = [Bool](repeating: false, count: 8 * 8 * 8)
        v[0] = true
        let d = BinaryMask(nx: 8, ny: 8, nz: 8, voxels: v).dilated(ballRadius: 2)
        // One octant of the radius-2 ball: points with x, y, z ≥ 0 and x² + y² + z² ≤ 4.
        var expected = 0
        for z in 0...2 { for y in 0...2 { for x in 0...2 where x * x + y * y + z * z <= 4 { expected += 1 } } }
        #expect(d.trueCount == expected, "corner: expected \(expected), observed \(d.trueCount)")
    }

    @Test func zeroRadiusIsIdentity() {
        let m = BinaryMask(nx: 3, ny: 3, nz: 3, voxels: (0..<27).map { $0 % 4 == 0 })
        #expect(m.dilated(ballRadius: 0) == m)
    }
}
