// Isosurface extraction: the surface V = T of a map as a triangle mesh in Å, with normals from the map's
// gradient.
//
// Method: marching tetrahedra on the Kuhn (Freudenthal) split of every grid cube into six tetrahedra
// that share the cube's main diagonal (corner 0 → corner 7). Every cube is split the same way, so the
// face diagonals of neighbouring cubes coincide, the mesh has none of marching cubes' face ambiguities
// and a closed surface gives a watertight, consistently oriented mesh (Doi & Koide 1991; Treece, Prager &
// Gee 1999, "Regularised marching tetrahedra").
//
// Conventions:
// - Inside is `value >= T` (the raw mask of SPEC); with a mask the field is `V · M` (VRS contours the map
//   multiplied by the hard mask), so voxels outside a 0/1 mask are outside for any T > 0.
// - Grid point (i, j, k) sits at `originA + (i, j, k) · voxelSize` Å (anisotropic voxels allowed).
// - A vertex lies on a lattice edge at the linear interpolation of the field; each lattice edge carries
//   at most one vertex, shared by every triangle that crosses it.
// - Normals are unit vectors pointing outward (towards lower values): −∇V/|∇V| from central differences
//   in Å⁻¹ (one-sided at the box faces), interpolated along the edge like the position.
// - Triangles are wound counter-clockwise seen from outside (right-hand rule gives the outward normal).
//
// Memory: two grid layers of vertex indices at a time (8 Int32 per grid point of a layer) plus the mesh;
// with a mask, one masked copy of the map.
import Dispatch
import MapIO

/// A triangle mesh in Å: what `Volume.isosurface` returns.
public struct IsosurfaceMesh: Sendable, Equatable {
    /// Vertex positions in Å, xyz interleaved.
    public var vertices: [Float]
    /// Outward unit normals per vertex, xyz interleaved.
    public var normals: [Float]
    /// Vertex indices, three per triangle, counter-clockwise seen from outside.
    public var triangles: [UInt32]

    public init(vertices: [Float] = [], normals: [Float] = [], triangles: [UInt32] = []) {
        self.vertices = vertices; self.normals = normals; self.triangles = triangles
    }
    public var vertexCount: Int { vertices.count / 3 }
    public var triangleCount: Int { triangles.count / 3 }
}

/// Lattice edges of the Kuhn split, all pointing in positive directions: the type is the bit mask of the
/// step (bit 0 = +x, bit 1 = +y, bit 2 = +z), so types 1…7 are x, y, xy, z, xz, yz, xyz.
enum KuhnTables {
    /// For each of the 256 inside/outside patterns of a cube's 8 corners (bit c set = corner c inside; corner
    /// c is at offset (c&1, c>>1&1, c>>2&1)), the triangles as cube-edge slots, 3 per triangle. A slot is
    /// `startCorner * 8 + type`.
    static let triangles: [[UInt8]] = {
        var table = [[UInt8]](repeating: [], count: 256)
        // The six tetrahedra 0, e_a, e_a + e_b, 7 for each permutation (a, b, c) of the axes.
        let perms = [(0, 1, 2), (0, 2, 1), (1, 0, 2), (1, 2, 0), (2, 0, 1), (2, 1, 0)]
        let tets: [[Int]] = perms.map { (a, b, _) in [0, 1 << a, (1 << a) | (1 << b), 7] }
        func pos(_ c: Int) -> SIMD3<Int> { SIMD3(c & 1, (c >> 1) & 1, (c >> 2) & 1) }
        func slot(_ p: Int, _ q: Int) -> UInt8 {
            let (lo, hi) = p & q == p ? (p, q) : (q, p)   // Kuhn edges go from a corner to a superset corner
            precondition(lo & hi == lo, "not a Kuhn edge: \(p)–\(q)")
            return UInt8(lo * 8 + (hi ^ lo))
        }
        func det(_ u: SIMD3<Int>, _ v: SIMD3<Int>, _ w: SIMD3<Int>) -> Int {
            u.x * (v.y * w.z - v.z * w.y) - u.y * (v.x * w.z - v.z * w.x) + u.z * (v.x * w.y - v.y * w.x)
        }
        for mask in 1..<255 {
            var tris: [UInt8] = []
            for tet in tets {
                let ins = tet.filter { mask & (1 << $0) != 0 }
                let outs = tet.filter { mask & (1 << $0) == 0 }
                if ins.count == 0 || outs.count == 0 { continue }
                if ins.count == 1 || outs.count == 1 {
                    // One corner against three: a triangle around the lone corner, its normal pointing from
                    // inside to outside. With midpoints m_k = (s + t_k)/2 the normal is ∝ (t2−t1)×(t3−t1).
                    let lone = ins.count == 1 ? ins[0] : outs[0]
                    var t = ins.count == 1 ? outs : ins
                    let outward = ins.count == 1 ? 1 : -1   // direction lone → others is outward if lone is inside
                    let n = det(pos(t[1]) &- pos(t[0]), pos(t[2]) &- pos(t[0]), pos(t[0]) &- pos(lone))
                    if n * outward < 0 { t.swapAt(1, 2) }
                    tris += [slot(lone, t[0]), slot(lone, t[1]), slot(lone, t[2])]
                } else {
                    // Two against two: the quad on edges (i1,o1), (i1,o2), (i2,o2), (i2,o1).
                    let (i1, i2, o1, o2) = (ins[0], ins[1], outs[0], outs[1])
                    var q = [slot(i1, o1), slot(i1, o2), slot(i2, o2), slot(i2, o1)]
                    // Quad normal with midpoints ∝ ((i1+o2)−(i1+o1)) × ((i2+o1)−(i1+o1)) = (o2−o1) × (i2−i1).
                    let inside = pos(i1) &+ pos(i2), outside = pos(o1) &+ pos(o2)
                    let n = det(pos(o2) &- pos(o1), pos(i2) &- pos(i1), outside &- inside)
                    if n < 0 { q.reverse() }
                    tris += [q[0], q[1], q[2], q[0], q[2], q[3]]
                }
            }
            table[mask] = tris
        }
        return table
    }()
}

extension Volume {
    /// The isosurface `V = threshold` (inside: `V >= threshold`) as a mesh in Å, optionally of `V · mask`
    /// (mask: same box, 0/1 or soft weights). Empty if the surface does not cross the box.
    public func isosurface(threshold: Double, mask: Volume? = nil) -> IsosurfaceMesh {
        if let mask {
            precondition(mask.dims == dims, "isosurface: mask box \(mask.dims) differs from map box \(dims)")
            var masked = data
            masked.withUnsafeMutableBufferPointer { m in
                mask.data.withUnsafeBufferPointer { w in for i in 0..<m.count { m[i] *= w[i] } }
            }
            return withData(masked).isosurface(threshold: threshold, mask: nil)
        }
        guard nx >= 2, ny >= 2, nz >= 2 else { return IsosurfaceMesh() }
        let t = Float(threshold)
        let (nx, ny, nz) = (self.nx, self.ny, self.nz)
        let plane = nx * ny
        // The 7 edge steps in linear-index units and their bit masks.
        let steps: [SIMD3<Int>] = (0..<8).map { SIMD3($0 & 1, ($0 >> 1) & 1, ($0 >> 2) & 1) }

        return data.withUnsafeBufferPointer { f -> IsosurfaceMesh in
            // Pass 1: vertices per grid layer (edges starting in that layer that cross T).
            var layerCounts = [Int](repeating: 0, count: nz)
            layerCounts.withUnsafeMutableBufferPointer { counts in
                let cp = counts
                DispatchQueue.concurrentPerform(iterations: nz) { k in
                    var n = 0
                    for j in 0..<ny { for i in 0..<nx {
                        let a = i + nx * (j + ny * k)
                        let ina = f[a] >= t
                        for type in 1..<8 {
                            let s = steps[type]
                            if i + s.x >= nx || j + s.y >= ny || k + s.z >= nz { continue }
                            if (f[a + s.x + nx * s.y + plane * s.z] >= t) != ina { n += 1 }
                        }
                    } }
                    cp[k] = n
                }
            }
            var layerStart = [Int](repeating: 0, count: nz + 1)
            for k in 0..<nz { layerStart[k + 1] = layerStart[k] + layerCounts[k] }
            let vertexTotal = layerStart[nz]
            if vertexTotal == 0 { return IsosurfaceMesh() }

            var vertices = [Float](repeating: 0, count: 3 * vertexTotal)
            var normals = [Float](repeating: 0, count: 3 * vertexTotal)
            let origin = SIMD3<Float>(originA)
            let vs = SIMD3<Float>(voxelSize)
            let table = KuhnTables.triangles

            // Pass 2: chunks of cube layers in parallel; each writes the vertices of the grid layers it owns
            // (global ids = layerStart + order within the layer) and its own triangle list.
            let cubeLayers = nz - 1
            let chunkCount = min(cubeLayers, 16)
            var chunkTriangles = [[UInt32]](repeating: [], count: chunkCount)
            vertices.withUnsafeMutableBufferPointer { vp in
            normals.withUnsafeMutableBufferPointer { np in
            chunkTriangles.withUnsafeMutableBufferPointer { ctp in
                let (vout, nout, tout) = (vp, np, ctp)
                DispatchQueue.concurrentPerform(iterations: chunkCount) { c in
                    let z0 = c * cubeLayers / chunkCount, z1 = (c + 1) * cubeLayers / chunkCount
                    // Grid layer k's vertices are written by the chunk whose cube layers start at k; the last
                    // grid layer belongs to the last chunk.
                    func owns(_ k: Int) -> Bool { (k >= z0 && k < z1) || (k == nz - 1 && z1 == cubeLayers) }

                    @inline(__always) func value(_ i: Int, _ j: Int, _ k: Int) -> Float { f[i + nx * (j + ny * k)] }
                    // ∇V at a grid point in value per Å (central differences, one-sided at the faces).
                    func gradient(_ i: Int, _ j: Int, _ k: Int) -> SIMD3<Float> {
                        let i0 = max(i - 1, 0), i1 = min(i + 1, nx - 1)
                        let j0 = max(j - 1, 0), j1 = min(j + 1, ny - 1)
                        let k0 = max(k - 1, 0), k1 = min(k + 1, nz - 1)
                        return SIMD3((value(i1, j, k) - value(i0, j, k)) / (Float(i1 - i0) * vs.x),
                                     (value(i, j1, k) - value(i, j0, k)) / (Float(j1 - j0) * vs.y),
                                     (value(i, j, k1) - value(i, j, k0)) / (Float(k1 - k0) * vs.z))
                    }
                    // Vertex ids of grid layer k: ids[(i + nx*j)*8 + type], −1 where the edge does not cross.
                    func fillLayer(_ ids: UnsafeMutableBufferPointer<Int32>, _ k: Int) {
                        let write = owns(k)
                        var next = layerStart[k]
                        for j in 0..<ny { for i in 0..<nx {
                            let a = i + nx * (j + ny * k)
                            let fa = f[a]
                            let ina = fa >= t
                            let base = (i + nx * j) * 8
                            for type in 1..<8 {
                                let s = steps[type]
                                if i + s.x >= nx || j + s.y >= ny || k + s.z >= nz { ids[base + type] = -1; continue }
                                let fb = f[a + s.x + nx * s.y + plane * s.z]
                                if (fb >= t) == ina { ids[base + type] = -1; continue }
                                ids[base + type] = Int32(next)
                                if write {
                                    let u = (t - fa) / (fb - fa)
                                    let ga = SIMD3<Float>(SIMD3<Float>(Float(i), Float(j), Float(k)))
                                    let p = origin + (ga + u * SIMD3<Float>(s)) * vs
                                    let g = gradient(i, j, k) * (1 - u) + gradient(i + s.x, j + s.y, k + s.z) * u
                                    let len = (g * g).sum().squareRoot()
                                    // A flat field gives no direction: fall back to the edge, inside → outside.
                                    let n = len > 0 ? -g / len
                                        : (ina ? 1 : -1) * SIMD3<Float>(s) / SIMD3<Float>(s).sum().squareRoot()
                                    vout[3 * next] = p.x; vout[3 * next + 1] = p.y; vout[3 * next + 2] = p.z
                                    nout[3 * next] = n.x; nout[3 * next + 1] = n.y; nout[3 * next + 2] = n.z
                                }
                                next += 1
                            }
                        } }
                    }
                    var lower = [Int32](repeating: -1, count: plane * 8)
                    var upper = [Int32](repeating: -1, count: plane * 8)
                    var tris: [UInt32] = []
                    lower.withUnsafeMutableBufferPointer { fillLayer($0, z0) }
                    for k in z0..<z1 {
                        upper.withUnsafeMutableBufferPointer { fillLayer($0, k + 1) }
                        lower.withUnsafeBufferPointer { lo in upper.withUnsafeBufferPointer { up in
                            for j in 0..<(ny - 1) { for i in 0..<(nx - 1) {
                                let a = i + nx * (j + ny * k)
                                var mask = 0
                                if f[a] >= t { mask |= 1 }
                                if f[a + 1] >= t { mask |= 2 }
                                if f[a + nx] >= t { mask |= 4 }
                                if f[a + nx + 1] >= t { mask |= 8 }
                                if f[a + plane] >= t { mask |= 16 }
                                if f[a + plane + 1] >= t { mask |= 32 }
                                if f[a + plane + nx] >= t { mask |= 64 }
                                if f[a + plane + nx + 1] >= t { mask |= 128 }
                                if mask == 0 || mask == 255 { continue }
                                for s in table[mask] {
                                    let corner = Int(s >> 3), type = Int(s & 7)
                                    let cell = (i + (corner & 1)) + nx * (j + ((corner >> 1) & 1))
                                    let id = corner & 4 == 0 ? lo[cell * 8 + type] : up[cell * 8 + type]
                                    tris.append(UInt32(id))
                                }
                            } }
                        } }
                        swap(&lower, &upper)
                    }
                    tout[c] = tris
                }
            } } }
            var triangles: [UInt32] = []
            triangles.reserveCapacity(chunkTriangles.reduce(0) { $0 + $1.count })
            for c in chunkTriangles { triangles += c }
            return IsosurfaceMesh(vertices: vertices, normals: normals, triangles: triangles)
        }
    }
}
