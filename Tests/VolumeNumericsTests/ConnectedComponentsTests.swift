// Connected components: analytic phantoms (balls, diagonal neighbours) and scipy.ndimage.label (oracle).
import Foundation
import TestSupport
import Testing
@testable import VolumeNumerics

/// The lattice points (x, y, z) of a box with (x−c)² + (y−c)² + (z−c)² ≤ r², counted by brute force.
fileprivate func latticeBallCount(radius r: Double) -> Int {
    let R = Int(r.rounded(.up))
    var n = 0
    for z in -R...R { for y in -R...R { for x in -R...R where Double(x * x + y * y + z * z) <= r * r { n += 1 } } }
    return n
}

/// A mask holding balls of the given centres and radii (voxels).
fileprivate func ballsMask(nx: Int, ny: Int, nz: Int, balls: [(SIMD3<Int>, Double)]) -> BinaryMask {
    var v = [Bool](repeating: false, count: nx * ny * nz)
    for z in 0..<nz { for y in 0..<ny { for x in 0..<nx {
        for (c, r) in balls {
            let d = SIMD3(x, y, z) &- c
            if Double((d &* d).wrappedSum()) <= r * r { v[x + nx * (y + ny * z)] = true }
        }
    } } }
    return BinaryMask(nx: nx, ny: ny, nz: nz, voxels: v)
}

@Suite struct ConnectedComponentsTests {
    @Test func twoBallsGiveTwoComponentsOfExactSize() {
        let mask = ballsMask(nx: 48, ny: 40, nz: 36, balls: [(SIMD3(12, 20, 18), 8.0), (SIMD3(34, 20, 18), 5.5)])
        let cc = mask.connectedComponents()
        #expect(cc.count == 2, "components: expected 2, observed \(cc.count)")
        let expected = [latticeBallCount(radius: 8), latticeBallCount(radius: 5.5)]
        #expect(cc.sizes == expected, "sizes: expected \(expected), observed \(cc.sizes)")
        #expect(cc.largestLabel == 1)
        #expect(cc.labelsBySizeDescending() == [1, 2])
        #expect(cc.mask(ofLabel: 2).trueCount == expected[1])
        let labels = cc.labelVolume()
        #expect(labels[12 + 48 * (20 + 40 * 18)] == 1 && labels[34 + 48 * (20 + 40 * 18)] == 2 && labels[0] == 0)
    }

    @Test func diagonalNeighbours() {
        // Voxels touching by a corner: one 26-component, two 18- or 6-components.
        var v = [Bool](repeating: false, count: 5 * 5 * 5)
        v[1 + 5 * (1 + 5 * 1)] = true
        v[2 + 5 * (2 + 5 * 2)] = true
        let corner = BinaryMask(nx: 5, ny: 5, nz: 5, voxels: v)
        #expect(corner.connectedComponents(.vertex).count == 1)
        #expect(corner.connectedComponents(.edge).count == 2)
        #expect(corner.connectedComponents(.face).count == 2)
        // Voxels touching by an edge (in the z = 1 plane, and across planes): one 26- and 18-component, two 6-components.
        for second in [2 + 5 * (2 + 5 * 1), 1 + 5 * (2 + 5 * 2), 0 + 5 * (1 + 5 * 2)] {
            var w = [Bool](repeating: false, count: 125)
            w[1 + 5 * (1 + 5 * 1)] = true
            w[second] = true
            let edge = BinaryMask(nx: 5, ny: 5, nz: 5, voxels: w)
            #expect(edge.connectedComponents(.vertex).count == 1, "edge neighbour \(second), 26-connectivity")
            #expect(edge.connectedComponents(.edge).count == 1, "edge neighbour \(second), 18-connectivity")
            #expect(edge.connectedComponents(.face).count == 2, "edge neighbour \(second), 6-connectivity")
        }
        // A diagonal staircase line through the box: one 26-component of 5 voxels.
        var d = [Bool](repeating: false, count: 125)
        for i in 0..<5 { d[i + 5 * (i + 5 * i)] = true }
        let line = BinaryMask(nx: 5, ny: 5, nz: 5, voxels: d).connectedComponents()
        #expect(line.count == 1 && line.sizes == [5], "diagonal line: \(line.sizes)")
    }

    @Test func emptyAndFullMasks() {
        let empty = BinaryMask(nx: 4, ny: 3, nz: 2, voxels: [Bool](repeating: false, count: 24))
        let cc = empty.connectedComponents()
        #expect(cc.count == 0 && cc.largestLabel == nil && cc.totalVoxels == 0)
        let full = BinaryMask(nx: 4, ny: 3, nz: 2, voxels: [Bool](repeating: true, count: 24))
        #expect(full.connectedComponents().sizes == [24])
    }

    /// The union-find runs one Z slab per worker and joins the slabs' meeting planes after: any number of slabs,
    /// up to one plane each, gives the labels of a single pass.
    @Test(arguments: [Connectivity.face, .edge, .vertex])
    func slabsGiveTheLabelsOfOnePass(_ connectivity: Connectivity) {
        let nx = 21, ny = 17, nz = 13
        var rng = Level0RNG(seed: 5)
        // Below each connectivity's percolation threshold (about 0.31, 0.14, 0.10): many components, some of them
        // across the slabs' meeting planes.
        let density = [Connectivity.face: 0.25, .edge: 0.11, .vertex: 0.08][connectivity]!
        let v = (0..<(nx * ny * nz)).map { _ in Double.random(in: 0..<1, using: &rng) < density }
        let mask = BinaryMask(nx: nx, ny: ny, nz: nz, voxels: v)
        let byWorkers = [1, 2, 3, 7, 13].map { k -> (sizes: [Int], labels: [Int32]) in
            Parallel.withWorkers(k) {
                let cc = mask.connectedComponents(connectivity)
                return (cc.sizes, cc.labelVolume())
            }
        }
        #expect(byWorkers[0].sizes.count > 10, "a mask of many components: \(byWorkers[0].sizes.count)")
        for (k, r) in zip([2, 3, 7, 13], byWorkers.dropFirst()) {
            #expect(r.sizes == byWorkers[0].sizes && r.labels == byWorkers[0].labels, "\(connectivity), \(k) slabs")
        }
    }

    @Test(arguments: [Connectivity.face, .edge, .vertex])
    func matchesScipyLabel(_ connectivity: Connectivity) throws {
        let nx = 37, ny = 29, nz = 23
        for (seed, density) in [(UInt64(7), 0.25), (UInt64(11), 0.45)] {
            var rng = Level0RNG(seed: seed)
            let v = (0..<(nx * ny * nz)).map { _ in Double.random(in: 0..<1, using: &rng) < density }
            let mask = BinaryMask(nx: nx, ny: ny, nz: nz, voxels: v)
            let maskPath = Level0Oracle.tempPath("mask.u8"), outPath = Level0Oracle.tempPath("labels.i32")
            defer { try? FileManager.default.removeItem(atPath: maskPath); try? FileManager.default.removeItem(atPath: outPath) }
            try Data(v.map { $0 ? UInt8(1) : 0 }).write(to: URL(fileURLWithPath: maskPath))
            let json = try JSONSerialization.jsonObject(with: try Level0Oracle.run(
                "level0_label.py", [maskPath, "\(nx)", "\(ny)", "\(nz)", "\(connectivity.rawValue)", outPath])) as! [String: Any]
            let scipyCount = json["count"] as! Int, scipySizes = json["sizes"] as! [Int]
            let scipyLabels: [Int32] = try Data(contentsOf: URL(fileURLWithPath: outPath)).withUnsafeBytes {
                Array($0.bindMemory(to: Int32.self))
            }
            let cc = mask.connectedComponents(connectivity)
            #expect(cc.count == scipyCount, "\(connectivity) density \(density): scipy \(scipyCount) components, observed \(cc.count)")
            #expect(cc.sizes.sorted() == scipySizes.sorted(), "\(connectivity) density \(density): sizes differ")
            // Same partition: a bijection between our labels and scipy's.
            let ours = cc.labelVolume()
            var map: [Int32: Int32] = [:], inverse: [Int32: Int32] = [:]
            var mismatches = 0
            for i in 0..<ours.count {
                let a = ours[i], b = scipyLabels[i]
                if (a == 0) != (b == 0) { mismatches += 1; continue }
                if a == 0 { continue }
                if let m = map[a], m != b { mismatches += 1 }
                if let m = inverse[b], m != a { mismatches += 1 }
                map[a] = b; inverse[b] = a
            }
            #expect(mismatches == 0, "\(connectivity) density \(density): \(mismatches) voxels labelled differently from scipy")
            // Both number components in order of their first voxel in storage order.
            #expect(ours == scipyLabels, "\(connectivity) density \(density): label numbering differs from scipy's")
        }
    }
}
