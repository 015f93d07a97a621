// Geometry shared by the Level A sections: residues of a model, Å ↔ voxel coordinates, trilinear
// interpolation, spheres of voxels around atoms, and the Pearson correlation.
//
// Conventions: an atom at position p (Å) lies at voxel coordinate (p − map.originA) / voxelSize (per axis);
// voxel (i, j, k) is the sample at that point (no half-voxel shift). Hydrogens (H, D) are never used for density.
import Foundation
import MapIO
import ModelIO
import VolumeNumerics

/// One residue: its atoms (indices into `AtomicModel.atoms`), identified by chain, number and insertion code.
public struct ResidueRef: Sendable, Equatable, Hashable {
    public var chain: String
    public var number: Int
    public var insertionCode: String
    public var name: String
    /// Non-hydrogen atom indices into the model's atom array.
    public var atoms: [Int]

    /// "9 VAL 29" (chain, name, number + insertion code).
    public var label: String { "\(chain) \(name) \(number)\(insertionCode)" }
}

extension AtomicModel {
    /// Residues in file order (consecutive atoms with the same chain, number and insertion code), heavy atoms only.
    public var residues: [ResidueRef] {
        var out: [ResidueRef] = []
        for (i, a) in atoms.enumerated() where !a.isHydrogen {
            if let last = out.last, last.chain == a.chain, last.number == a.residueNumber,
               last.insertionCode == a.insertionCode, last.name == a.residueName {
                out[out.count - 1].atoms.append(i)
            } else {
                out.append(ResidueRef(chain: a.chain, number: a.residueNumber, insertionCode: a.insertionCode,
                                      name: a.residueName, atoms: [i]))
            }
        }
        return out
    }

    /// Whether each of `residues` (from `residues` of this model) is a residue of a polymer chain: an amino acid
    /// (atoms N, CA and C) or a nucleotide (C1' and C4') with its phosphate P or its O3' bonded (≤ 2 Å) to the
    /// next residue's P, which takes in the 5' end and leaves out free nucleotides such as ATP (PA, PB, PG, no P).
    /// Ions, waters and other ligands are not: per-residue plots leave them out, since their numbers (often far
    /// from the chain's, e.g. Zn 1101) would squash the chain into a corner of the plot.
    public func polymerResidues(_ residues: [ResidueRef]) -> [Bool] {
        // Each residue's atoms by name, old-style primes ("C1*") read as "C1'".
        let named: [[String: SIMD3<Double>]] = residues.map { r in
            Dictionary(r.atoms.map { (atoms[$0].name.replacingOccurrences(of: "*", with: "'"), atoms[$0].position) },
                       uniquingKeysWith: { first, _ in first })
        }
        return residues.indices.map { i in
            let a = named[i]
            if a["N"] != nil && a["CA"] != nil && a["C"] != nil { return true }
            guard a["C1'"] != nil && a["C4'"] != nil else { return false }
            if a["P"] != nil { return true }
            guard i + 1 < residues.count, residues[i + 1].chain == residues[i].chain, let o3 = a["O3'"],
                  let p = named[i + 1]["P"] else { return false }
            let d = o3 - p
            return (d * d).sum() <= 4
        }
    }

    /// The same model with every atom moved by `shiftA` (Å).
    public func shifted(by shiftA: SIMD3<Double>) -> AtomicModel {
        var m = self
        for i in m.atoms.indices { m.atoms[i].position += shiftA }
        return m
    }
}

/// Maps Å positions to continuous voxel coordinates of a volume and samples it.
struct GridFrame: Sendable {
    let origin: SIMD3<Double>
    let voxel: SIMD3<Double>
    let dims: SIMD3<Int>

    init(_ v: Volume) { origin = v.originA; voxel = v.voxelSize; dims = v.dims }

    @inline(__always) func voxelCoordinate(_ p: SIMD3<Double>) -> SIMD3<Double> { (p - origin) / voxel }

    /// Whether a position lies inside the sampled box [0, n−1] on every axis.
    @inline(__always) func contains(_ p: SIMD3<Double>) -> Bool {
        let u = voxelCoordinate(p)
        return u.x >= 0 && u.y >= 0 && u.z >= 0
            && u.x <= Double(dims.x - 1) && u.y <= Double(dims.y - 1) && u.z <= Double(dims.z - 1)
    }
}

/// Trilinear interpolation at a position in Å; nil outside the box.
@inline(__always)
func interpolate(_ data: UnsafeBufferPointer<Float>, _ frame: GridFrame, at p: SIMD3<Double>) -> Double? {
    let u = frame.voxelCoordinate(p)
    let nx = frame.dims.x, ny = frame.dims.y, nz = frame.dims.z
    guard u.x >= 0, u.y >= 0, u.z >= 0, u.x <= Double(nx - 1), u.y <= Double(ny - 1), u.z <= Double(nz - 1)
    else { return nil }
    let x0 = min(Int(u.x), max(nx - 2, 0)), y0 = min(Int(u.y), max(ny - 2, 0)), z0 = min(Int(u.z), max(nz - 2, 0))
    let fx = u.x - Double(x0), fy = u.y - Double(y0), fz = u.z - Double(z0)
    let x1 = min(x0 + 1, nx - 1), y1 = min(y0 + 1, ny - 1), z1 = min(z0 + 1, nz - 1)
    @inline(__always) func v(_ x: Int, _ y: Int, _ z: Int) -> Double { Double(data[x + nx * (y + ny * z)]) }
    let c00 = v(x0, y0, z0) * (1 - fx) + v(x1, y0, z0) * fx
    let c10 = v(x0, y1, z0) * (1 - fx) + v(x1, y1, z0) * fx
    let c01 = v(x0, y0, z1) * (1 - fx) + v(x1, y0, z1) * fx
    let c11 = v(x0, y1, z1) * (1 - fx) + v(x1, y1, z1) * fx
    return (c00 * (1 - fy) + c10 * fy) * (1 - fz) + (c01 * (1 - fy) + c11 * fy) * fz
}

/// Accumulates sums for a Pearson correlation.
struct CorrelationSums {
    var n = 0.0, sx = 0.0, sy = 0.0, sxx = 0.0, syy = 0.0, sxy = 0.0
    @inline(__always) mutating func add(_ x: Double, _ y: Double) {
        n += 1; sx += x; sy += y; sxx += x * x; syy += y * y; sxy += x * y
    }
    mutating func merge(_ o: CorrelationSums) {
        n += o.n; sx += o.sx; sy += o.sy; sxx += o.sxx; syy += o.syy; sxy += o.sxy
    }
    /// Pearson correlation; nil with fewer than 2 samples or a constant input.
    var correlation: Double? {
        guard n >= 2 else { return nil }
        let vx = sxx - sx * sx / n, vy = syy - sy * sy / n
        guard vx > 0, vy > 0 else { return nil }
        return (sxy - sx * sy / n) / (vx * vy).squareRoot()
    }
}

/// Pearson correlation of two equal-length arrays; nil if undefined.
public func pearson(_ x: [Double], _ y: [Double]) -> Double? {
    precondition(x.count == y.count)
    var s = CorrelationSums()
    for i in x.indices { s.add(x[i], y[i]) }
    return s.correlation
}

/// Splits 0..<n into about `parts` contiguous ranges.
func chunks(_ n: Int, parts: Int) -> [Range<Int>] {
    let p = max(1, min(parts, n))
    return (0..<p).map { i in (n * i / p)..<(n * (i + 1) / p) }
}

/// Number of concurrent workers for parallel loops.
var levelAWorkers: Int { max(1, Parallel.workers) }

/// Voxel ranges (inclusive bounds, clipped to the box) of a sphere of radius r (Å) around p.
@inline(__always)
func voxelBounds(_ frame: GridFrame, center p: SIMD3<Double>, radiusA r: Double) -> (lo: SIMD3<Int>, hi: SIMD3<Int>)? {
    let u = frame.voxelCoordinate(p), ru = SIMD3(r, r, r) / frame.voxel
    // Clamped conversions: an atom at 1e30 Å (finite, so accepted by the reader) must not trap.
    let d = frame.dims
    let lo = SIMD3(Int.clamped(u.x - ru.x, .up, to: 0...d.x), Int.clamped(u.y - ru.y, .up, to: 0...d.y),
                   Int.clamped(u.z - ru.z, .up, to: 0...d.z))
    let hi = SIMD3(Int.clamped(u.x + ru.x, .down, to: -1...(d.x - 1)), Int.clamped(u.y + ru.y, .down, to: -1...(d.y - 1)),
                   Int.clamped(u.z + ru.z, .down, to: -1...(d.z - 1)))
    guard lo.x <= hi.x, lo.y <= hi.y, lo.z <= hi.z, u.x + ru.x >= 0, u.y + ru.y >= 0, u.z + ru.z >= 0 else { return nil }
    return (lo, hi)
}

/// Linear voxel indices within `radiusA` of any of the given positions (sorted, unique).
func voxelsNear(_ positions: [SIMD3<Double>], frame: GridFrame, radiusA: Double) -> [Int] {
    var out: [Int] = []
    let r2 = radiusA * radiusA
    for p in positions {
        guard let (lo, hi) = voxelBounds(frame, center: p, radiusA: radiusA) else { continue }
        for z in lo.z...hi.z {
            let dz = frame.origin.z + Double(z) * frame.voxel.z - p.z
            for y in lo.y...hi.y {
                let dy = frame.origin.y + Double(y) * frame.voxel.y - p.y
                let dyz = dy * dy + dz * dz
                if dyz > r2 { continue }
                for x in lo.x...hi.x {
                    let dx = frame.origin.x + Double(x) * frame.voxel.x - p.x
                    if dx * dx + dyz <= r2 { out.append(x + frame.dims.x * (y + frame.dims.y * z)) }
                }
            }
        }
    }
    out.sort()
    var unique: [Int] = []
    unique.reserveCapacity(out.count)
    for v in out where unique.last != v { unique.append(v) }
    return unique
}

/// Euclidean length of a vector (Å).
@inline(__always) func length(_ v: SIMD3<Double>) -> Double { (v * v).sum().squareRoot() }
@inline(__always) func distance(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> Double { length(a - b) }
