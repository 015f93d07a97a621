// Connected-component labelling of a binary mask (6-, 18- or 26-connectivity).
//
// Method: run-based two-pass union-find. Each row along X is cut into runs of consecutive mask voxels;
// runs of neighbouring rows that touch are merged with a union-find (path halving, the smaller run index
// as root), then every run gets its component's label. The labels are 1…count in order of each
// component's first voxel in storage order (x fastest), which is also the order scipy.ndimage.label uses
// for an array indexed [z, y, x]. Label 0 is the background.
//
// Conventions: index = x + nx*(y + ny*z). Two voxels are 26-connected when they differ by at most 1 in
// every coordinate, 18-connected when also at most two coordinates differ, 6-connected when they share a face.
import Foundation
import MapIO

public enum Connectivity: Int, Sendable, Codable {
    case face = 6
    case edge = 18
    case vertex = 26
}

/// The components of a binary mask, kept as labelled runs along X (compact; the label volume is built on
/// demand by `labelVolume()`).
public struct ComponentLabels: Sendable {
    public let nx: Int
    public let ny: Int
    public let nz: Int
    public let connectivity: Connectivity
    /// `sizes[k]` is the number of voxels of component k+1 (label k+1).
    public let sizes: [Int]
    /// Runs in storage order: row r = y + ny*z holds runs rowStart[r] ..< rowStart[r+1].
    let rowStart: [Int32]
    /// First and last x (inclusive) of each run.
    let runFirst: [Int32]
    let runLast: [Int32]
    /// Label (1…count) of each run.
    let runLabel: [Int32]

    /// Number of components.
    public var count: Int { sizes.count }

    /// Number of voxels in the mask (sum of the sizes).
    public var totalVoxels: Int { sizes.reduce(0, +) }

    /// The label of the largest component (the smallest label among equal sizes); nil when there is none.
    public var largestLabel: Int? {
        guard !sizes.isEmpty else { return nil }
        var best = 0
        for k in 1..<sizes.count where sizes[k] > sizes[best] { best = k }
        return best + 1
    }

    /// Labels ordered by decreasing size (ties by increasing label).
    public func labelsBySizeDescending() -> [Int] {
        guard !sizes.isEmpty else { return [] }
        return (1...sizes.count).sorted { a, b in
            sizes[a - 1] != sizes[b - 1] ? sizes[a - 1] > sizes[b - 1] : a < b
        }
    }

    /// The label of every voxel (0 = background), x fastest.
    public func labelVolume() -> [Int32] {
        var out = [Int32](repeating: 0, count: nx * ny * nz)
        out.withUnsafeMutableBufferPointer { dst in
            forEachRun { row, first, last, label in
                let base = row * nx
                for x in first...last { dst[base + x] = label }
            }
        }
        return out
    }

    /// The mask of the voxels whose label is `label`.
    public func mask(ofLabel label: Int) -> BinaryMask {
        let n = nx * ny * nz
        var out = Parallel.array(count: n, repeating: false)
        let l32 = Int32(label)
        out.withUnsafeMutableBufferPointer { dst in
            forEachRun { row, first, last, runLabel in
                guard runLabel == l32 else { return }
                let base = row * nx
                for x in first...last { dst[base + x] = true }
            }
        }
        return BinaryMask(nx: nx, ny: ny, nz: nz, voxels: out)
    }

    @inline(__always)
    private func forEachRun(_ body: (_ row: Int, _ first: Int, _ last: Int, _ label: Int32) -> Void) {
        let rows = ny * nz
        rowStart.withUnsafeBufferPointer { rs in
            runFirst.withUnsafeBufferPointer { f in
                runLast.withUnsafeBufferPointer { l in
                    runLabel.withUnsafeBufferPointer { lab in
                        for r in 0..<rows {
                            for i in Int(rs[r])..<Int(rs[r + 1]) { body(r, Int(f[i]), Int(l[i]), lab[i]) }
                        }
                    }
                }
            }
        }
    }
}

extension BinaryMask {
    /// Labels the connected components of the mask (26-connectivity unless stated).
    public func connectedComponents(_ connectivity: Connectivity = .vertex) -> ComponentLabels {
        ConnectedComponents.label(self, connectivity: connectivity)
    }
}

public enum ConnectedComponents {
    /// Labels the connected components of `mask`. Pure: the mask is not modified.
    public static func label(_ mask: BinaryMask, connectivity: Connectivity = .vertex) -> ComponentLabels {
        let nx = mask.nx, ny = mask.ny, nz = mask.nz
        let rows = ny * nz
        precondition(mask.count < Int(Int32.max), "ConnectedComponents: volume too large for 32-bit run indices")

        // 1. Runs of consecutive mask voxels along X, row by row; each Z plane on its own worker, joined in order.
        var planeFirst = [[Int32]](repeating: [], count: nz), planeLast = [[Int32]](repeating: [], count: nz)
        var rowCount = [Int32](repeating: 0, count: rows)
        mask.voxels.withUnsafeBufferPointer { p in
            planeFirst.withUnsafeMutableBufferPointer { pf in
                planeLast.withUnsafeMutableBufferPointer { pl in
                    rowCount.withUnsafeMutableBufferPointer { rc in
                        let voxels = p.baseAddress!
                        Parallel.perform(iterations: nz) { z in
                            var first: [Int32] = [], last: [Int32] = []
                            for y in 0..<ny {
                                let r = y + ny * z, base = r * nx, before = first.count
                                MaskRowScan.forEachRun(voxels, from: base, to: base + nx) { a, b in
                                    first.append(Int32(a - base)); last.append(Int32(b - base))
                                }
                                rc[r] = Int32(first.count - before)
                            }
                            pf[z] = first; pl[z] = last
                        }
                    }
                }
            }
        }
        var rowStart = [Int32](repeating: 0, count: rows + 1)
        for r in 0..<rows { rowStart[r + 1] = rowStart[r] + rowCount[r] }
        let runFirst = Array(planeFirst.joined()), runLast = Array(planeLast.joined())
        planeFirst = []; planeLast = []
        let nRuns = runFirst.count

        // 2. Union-find over runs. Neighbour rows already visited: (dy, dz, whether diagonal steps in x count).
        let neighbourRows: [(dy: Int, dz: Int, reach: Int32)]
        switch connectivity {
        case .face:   neighbourRows = [(-1, 0, 0), (0, -1, 0)]
        case .edge:   neighbourRows = [(-1, 0, 1), (0, -1, 1), (-1, -1, 0), (1, -1, 0)]
        case .vertex: neighbourRows = [(-1, 0, 1), (0, -1, 1), (-1, -1, 1), (1, -1, 1)]
        }
        // The Z planes are cut into one slab per worker: each slab joins the runs whose neighbours lie in it (its
        // runs are a contiguous index range, so the slabs touch disjoint parts of `parent`), then the planes where
        // two slabs meet are joined here. A root is always the smallest run index of its set (the smaller root
        // wins every union), whatever the order of the unions, so the labels are the same as in one pass.
        var parent = [Int32](0..<Int32(nRuns))
        let slabs = max(1, min(Parallel.workers, nz))
        let slabStart = (0...slabs).map { $0 * nz / slabs }
        parent.withUnsafeMutableBufferPointer { par in
            let par = par
            @inline(__always) func find(_ a: Int32) -> Int32 {
                var a = a
                while par[Int(a)] != a { let g = par[Int(par[Int(a)])]; par[Int(a)] = g; a = g }
                return a
            }
            rowStart.withUnsafeBufferPointer { rs in
                runFirst.withUnsafeBufferPointer { f in
                    runLast.withUnsafeBufferPointer { l in
                        /// Joins the runs of row (y, z) with those of its neighbour rows whose z is at least `zMin`
                        /// (and, with `onlyBelow`, only the rows of plane z − 1).
                        @inline(__always) func joinRow(_ y: Int, _ z: Int, zMin: Int, onlyBelow: Bool) {
                            let r = y + ny * z
                            let a0 = Int(rs[r]), a1 = Int(rs[r + 1])
                            if a0 == a1 { return }
                            for nb in neighbourRows where !onlyBelow || nb.dz == -1 {
                                let yy = y + nb.dy, zz = z + nb.dz
                                if yy < 0 || yy >= ny || zz < zMin { continue }
                                let rr = yy + ny * zz
                                var i = a0, j = Int(rs[rr])
                                let j1 = Int(rs[rr + 1])
                                while i < a1 && j < j1 {
                                    // Runs touch when their x ranges overlap (extended by `reach`).
                                    if f[j] <= l[i] + nb.reach && f[i] <= l[j] + nb.reach {
                                        let ra = find(Int32(i)), rb = find(Int32(j))
                                        if ra != rb { if ra < rb { par[Int(rb)] = ra } else { par[Int(ra)] = rb } }
                                    }
                                    if l[i] < l[j] { i += 1 } else { j += 1 }
                                }
                            }
                        }
                        Parallel.perform(iterations: slabs) { s in
                            for z in slabStart[s]..<slabStart[s + 1] { for y in 0..<ny { joinRow(y, z, zMin: slabStart[s], onlyBelow: false) } }
                        }
                        for s in 1..<slabs { for y in 0..<ny { joinRow(y, slabStart[s], zMin: 0, onlyBelow: true) } }
                    }
                }
            }
        }

        // 3. Labels in order of first appearance: a root is the first run of its component.
        var runLabel = [Int32](repeating: 0, count: nRuns)
        var sizes: [Int] = []
        parent.withUnsafeMutableBufferPointer { par in
            runFirst.withUnsafeBufferPointer { f in
                runLast.withUnsafeBufferPointer { l in
                    runLabel.withUnsafeMutableBufferPointer { lab in
                        for i in 0..<nRuns {
                            var a = Int32(i)
                            while par[Int(a)] != a { a = par[Int(a)] }
                            let label: Int32
                            if Int(a) == i {
                                sizes.append(0)
                                label = Int32(sizes.count)
                            } else {
                                label = lab[Int(a)]
                            }
                            par[i] = a
                            lab[i] = label
                            sizes[Int(label) - 1] += Int(l[i] - f[i]) + 1
                        }
                    }
                }
            }
        }
        return ComponentLabels(nx: nx, ny: ny, nz: nz, connectivity: connectivity, sizes: sizes,
                               rowStart: rowStart, runFirst: runFirst, runLast: runLast, runLabel: runLabel)
    }
}
