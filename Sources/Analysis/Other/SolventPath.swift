// Solvent-accessible surface distance (SASD) between two residues, in the manner of Jwalk (Matthews et al.
// 2017, Bioinformatics 33:1430; Bullock et al. 2016, Mol. Cell. Proteomics 15:2491): the model is put on a grid
// of 1 Å cells, cells within an atom's van der Waals radius are protein, and the SASD is the length of the
// shortest path from one Cα to the other through solvent cells (26-connected steps of 1, √2, √3 cells).
// The atoms of the two cross-linked residues are removed first, as Jwalk does, because their side chains
// carry the cross-linker. We find the path with A* (Euclidean heuristic, exact for these step lengths).
import Foundation
import ModelIO

public struct SolventGrid: Sendable {
    /// Grid spacing, Å (Jwalk: 1 Å).
    public let spacing: Double
    public let origin: SIMD3<Double>
    public let dims: SIMD3<Int>
    /// Number of atoms whose van der Waals sphere covers each cell (saturating at 255).
    var cover: [UInt8]
    let atoms: [Atom]

    /// Van der Waals radii, Å (Bondi 1964), for the elements of proteins; 1.8 Å for others.
    public static func vdwRadius(_ element: String) -> Double {
        switch element {
        case "C": return 1.70
        case "N": return 1.55
        case "O": return 1.52
        case "S": return 1.80
        case "P": return 1.80
        default: return 1.80
        }
    }

    /// The grid around the heavy atoms of `model`, with `margin` Å of solvent on every side.
    public init(atoms all: [Atom], spacing: Double = 1.0, margin: Double = 8.0) {
        atoms = all.filter { !$0.isHydrogen }
        self.spacing = spacing
        var lo = SIMD3<Double>(repeating: .infinity), hi = SIMD3<Double>(repeating: -.infinity)
        for a in atoms { lo = pointwiseMin(lo, a.position); hi = pointwiseMax(hi, a.position) }
        if atoms.isEmpty { lo = .zero; hi = .zero }
        origin = lo - SIMD3(repeating: margin)
        let n = ((hi - lo + 2 * SIMD3(repeating: margin)) / spacing).rounded(.up)
        dims = SIMD3(Int(n.x) + 1, Int(n.y) + 1, Int(n.z) + 1)
        cover = [UInt8](repeating: 0, count: dims.x * dims.y * dims.z)
        var counts = cover
        for a in atoms { forEachCell(of: a) { counts[$0] = counts[$0] &+ (counts[$0] < 255 ? 1 : 0) } }
        cover = counts
    }

    @inline(__always) func index(_ c: SIMD3<Int>) -> Int { c.x + dims.x * (c.y + dims.y * c.z) }

    /// Nearest cell of a position.
    public func cell(_ p: SIMD3<Double>) -> SIMD3<Int>? {
        let f = ((p - origin) / spacing).rounded(.toNearestOrAwayFromZero)
        let c = SIMD3(Int(f.x), Int(f.y), Int(f.z))
        return (0..<3).allSatisfy({ c[$0] >= 0 && c[$0] < dims[$0] }) ? c : nil
    }

    /// Calls `body` with the index of each cell within the van der Waals sphere of `a`.
    func forEachCell(of a: Atom, _ body: (Int) -> Void) {
        let r = SolventGrid.vdwRadius(a.element)
        let lo = ((a.position - r - origin) / spacing).rounded(.up), hi = ((a.position + r - origin) / spacing).rounded(.down)
        let x0 = max(0, Int(lo.x)), x1 = min(dims.x - 1, Int(hi.x))
        let y0 = max(0, Int(lo.y)), y1 = min(dims.y - 1, Int(hi.y))
        let z0 = max(0, Int(lo.z)), z1 = min(dims.z - 1, Int(hi.z))
        guard x0 <= x1, y0 <= y1, z0 <= z1 else { return }
        for z in z0...z1 { for y in y0...y1 { for x in x0...x1 {
            let d = origin + spacing * SIMD3(Double(x), Double(y), Double(z)) - a.position
            if (d * d).sum() <= r * r { body(x + dims.x * (y + dims.y * z)) }
        } } }
    }

    /// SASD (Å) from `a` to `b` with the atoms `removed` taken out of the grid; nil when no solvent path of
    /// at most `limit` Å exists (a buried residue, or a detour longer than the limit).
    public func distance(from a: SIMD3<Double>, to b: SIMD3<Double>, removing removed: [Atom], limit: Double) -> Double? {
        var removedCover: [Int: Int] = [:]
        for atom in removed where !atom.isHydrogen { forEachCell(of: atom) { removedCover[$0, default: 0] += 1 } }
        return shortestPath(from: a, to: b, limit: limit, removedCover: removedCover)
    }

    func shortestPath(from a: SIMD3<Double>, to b: SIMD3<Double>, limit: Double, removedCover: [Int: Int]) -> Double? {
        guard let s = cell(a), let t = cell(b) else { return nil }
        let si = index(s), ti = index(t)
        if si == ti { return 0 }
        var best: [Int: Double] = [:]
        var heap = MinHeap()
        let target = SIMD3<Double>(Double(t.x), Double(t.y), Double(t.z))
        func h(_ c: SIMD3<Int>) -> Double {
            let d = SIMD3<Double>(Double(c.x), Double(c.y), Double(c.z)) - target
            return (d * d).sum().squareRoot()
        }
        best[si] = 0
        heap.push((h(s), 0, si))
        let limitCells = limit / spacing
        var steps: [(SIMD3<Int>, Double)] = []
        for dz in -1...1 { for dy in -1...1 { for dx in -1...1 where dx != 0 || dy != 0 || dz != 0 {
            steps.append((SIMD3(dx, dy, dz), Double(abs(dx) + abs(dy) + abs(dz)).squareRoot()))
        } } }
        while let (f, gCost, i) = heap.pop() {
            if f > limitCells + 1e-9 { return nil }
            if i == ti { return gCost * spacing }
            if gCost > (best[i] ?? .infinity) + 1e-9 { continue }
            let c = SIMD3(i % dims.x, (i / dims.x) % dims.y, i / (dims.x * dims.y))
            for (d, len) in steps {
                let n = c &+ d
                guard n.x >= 0, n.y >= 0, n.z >= 0, n.x < dims.x, n.y < dims.y, n.z < dims.z else { continue }
                let j = index(n)
                guard Int(cover[j]) == (removedCover[j] ?? 0) || j == ti else { continue }
                let ng = gCost + len
                if ng + 1e-9 < (best[j] ?? .infinity) {
                    best[j] = ng
                    heap.push((ng + h(n), ng, j))
                }
            }
        }
        return nil
    }
}

/// A binary min-heap of (priority, cost, cell) for A*.
struct MinHeap {
    private var items: [(Double, Double, Int)] = []
    mutating func push(_ e: (Double, Double, Int)) {
        items.append(e)
        var k = items.count - 1
        while k > 0 {
            let p = (k - 1) / 2
            guard items[k].0 < items[p].0 else { break }
            items.swapAt(k, p); k = p
        }
    }
    mutating func pop() -> (Double, Double, Int)? {
        guard !items.isEmpty else { return nil }
        let top = items[0]
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            var k = 0
            while true {
                let l = 2 * k + 1, r = l + 1
                var m = k
                if l < items.count, items[l].0 < items[m].0 { m = l }
                if r < items.count, items[r].0 < items[m].0 { m = r }
                if m == k { break }
                items.swapAt(k, m); k = m
            }
        }
        return top
    }
}
