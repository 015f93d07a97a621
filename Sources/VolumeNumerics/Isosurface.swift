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
// - Inside is `value >= T` (the raw mask, docs/methods.md "Masks"); with a mask the field is `V · M` (VRS contours the map
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

    /// `triangles` flattened: the slots of pattern m are `flat[start[m] ..< start[m + 1]]`.
    static let flat: (start: [Int32], slots: [UInt8]) = {
        var start: [Int32] = [0], slots: [UInt8] = []
        for m in 0..<256 { slots += triangles[m]; start.append(Int32(slots.count)) }
        return (start, slots)
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

        return data.withUnsafeBufferPointer { f -> IsosurfaceMesh in
            // Per edge type (1…7): its step in voxels and in linear index.
            let sx = (0..<8).map { $0 & 1 }, sy = (0..<8).map { ($0 >> 1) & 1 }, sz = (0..<8).map { ($0 >> 2) & 1 }
            let offset = (0..<8).map { sx[$0] + nx * sy[$0] + plane * sz[$0] }
            // Pass 1: vertices per grid layer (edges starting in that layer that cross T).
            var layerCounts = [Int](repeating: 0, count: nz)
            layerCounts.withUnsafeMutableBufferPointer { counts in
                let cp = counts
                Parallel.perform(iterations: nz) { k in
                    cp[k] = Self.crossingsInLayer(f, k, nx, ny, nz, t, sx, sy, sz, offset, ids: nil, start: 0)
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

            // Pass 2: chunks of cube layers in parallel. Vertex ids are global (layerStart + order within the
            // layer), so chunks agree on the ids of the layers they share; each grid layer's vertices are
            // written by the chunk whose cube layers start there (the last layer by the last chunk).
            let cubeLayers = nz - 1
            let chunkCount = min(cubeLayers, 16)
            var chunkTriangles = [[UInt32]](repeating: [], count: chunkCount)
            KuhnTables.flat.start.withUnsafeBufferPointer { tStart in KuhnTables.flat.slots.withUnsafeBufferPointer { tSlots in
            vertices.withUnsafeMutableBufferPointer { vp in
            normals.withUnsafeMutableBufferPointer { np in
            chunkTriangles.withUnsafeMutableBufferPointer { ctp in
                let (vout, nout, tout) = (vp, np, ctp)
                Parallel.perform(iterations: chunkCount) { c in
                    let z0 = c * cubeLayers / chunkCount, z1 = (c + 1) * cubeLayers / chunkCount
                    let lower = UnsafeMutableBufferPointer<Int32>.allocate(capacity: plane * 8)
                    let upper = UnsafeMutableBufferPointer<Int32>.allocate(capacity: plane * 8)
                    defer { lower.deallocate(); upper.deallocate() }
                    var (lo, up) = (lower, upper)
                    func fill(_ ids: UnsafeMutableBufferPointer<Int32>, _ k: Int) {
                        ids.initialize(repeating: -1)
                        _ = Self.crossingsInLayer(f, k, nx, ny, nz, t, sx, sy, sz, offset, ids: ids, start: layerStart[k])
                        if (k >= z0 && k < z1) || (k == nz - 1 && z1 == cubeLayers) {
                            Self.writeVertices(f, k, nx, ny, nz, t, sx, sy, sz, offset, ids: ids, origin: origin,
                                               voxelSize: vs, vertices: vout, normals: nout)
                        }
                    }
                    var tris: [UInt32] = []
                    fill(lo, z0)
                    for k in z0..<z1 {
                        fill(up, k + 1)
                        for j in 0..<(ny - 1) {
                            var a = nx * (j + ny * k)
                            for i in 0..<(nx - 1) {
                                defer { a += 1 }
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
                                let cellBase = i + nx * j
                                for q in Int(tStart[mask])..<Int(tStart[mask + 1]) {
                                    let s = Int(tSlots[q])
                                    let corner = s >> 3, type = s & 7
                                    let cell = cellBase + (corner & 1) + nx * ((corner >> 1) & 1)
                                    let id = corner & 4 == 0 ? lo[cell &* 8 &+ type] : up[cell &* 8 &+ type]
                                    tris.append(UInt32(id))
                                }
                            }
                        }
                        swap(&lo, &up)
                    }
                    tout[c] = tris
                }
            } } } } }
            var triangles: [UInt32] = []
            triangles.reserveCapacity(chunkTriangles.reduce(0) { $0 + $1.count })
            for c in chunkTriangles { triangles += c }
            return IsosurfaceMesh(vertices: vertices, normals: normals, triangles: triangles)
        }
    }

    /// Counts the lattice edges starting in grid layer k that cross t; with `ids`, numbers them from
    /// `start` in the order (j, i, type) at ids[(i + nx*j)*8 + type].
    @inline(__always)
    static func crossingsInLayer(_ f: UnsafeBufferPointer<Float>, _ k: Int, _ nx: Int, _ ny: Int, _ nz: Int, _ t: Float,
                                 _ sx: [Int], _ sy: [Int], _ sz: [Int], _ offset: [Int],
                                 ids: UnsafeMutableBufferPointer<Int32>?, start: Int) -> Int {
        var n = 0
        let plane = nx * ny
        sx.withUnsafeBufferPointer { sx in sy.withUnsafeBufferPointer { sy in sz.withUnsafeBufferPointer { sz in
        offset.withUnsafeBufferPointer { off in
            for j in 0..<ny {
                var a = nx * j + plane * k
                for i in 0..<nx {
                    defer { a += 1 }
                    let ina = f[a] >= t
                    let interior = i + 1 < nx && j + 1 < ny && k + 1 < nz
                    for type in 1..<8 {
                        if !interior && (i + sx[type] >= nx || j + sy[type] >= ny || k + sz[type] >= nz) { continue }
                        if (f[a + off[type]] >= t) != ina {
                            if let ids { ids[(i + nx * j) &* 8 &+ type] = Int32(start + n) }
                            n += 1
                        }
                    }
                }
            }
        } } } }
        return n
    }

    /// Writes position (Å) and outward normal of every vertex numbered in `ids` for grid layer k.
    static func writeVertices(_ f: UnsafeBufferPointer<Float>, _ k: Int, _ nx: Int, _ ny: Int, _ nz: Int, _ t: Float,
                              _ sx: [Int], _ sy: [Int], _ sz: [Int], _ offset: [Int],
                              ids: UnsafeMutableBufferPointer<Int32>, origin: SIMD3<Float>, voxelSize vs: SIMD3<Float>,
                              vertices vout: UnsafeMutableBufferPointer<Float>, normals nout: UnsafeMutableBufferPointer<Float>) {
        @inline(__always) func value(_ i: Int, _ j: Int, _ k: Int) -> Float { f[i + nx * (j + ny * k)] }
        // ∇V at a grid point in value per Å (central differences, one-sided at the faces).
        @inline(__always) func gradient(_ i: Int, _ j: Int, _ k: Int) -> SIMD3<Float> {
            let i0 = max(i - 1, 0), i1 = min(i + 1, nx - 1)
            let j0 = max(j - 1, 0), j1 = min(j + 1, ny - 1)
            let k0 = max(k - 1, 0), k1 = min(k + 1, nz - 1)
            return SIMD3((value(i1, j, k) - value(i0, j, k)) / (Float(i1 - i0) * vs.x),
                         (value(i, j1, k) - value(i, j0, k)) / (Float(j1 - j0) * vs.y),
                         (value(i, j, k1) - value(i, j, k0)) / (Float(k1 - k0) * vs.z))
        }
        for j in 0..<ny { for i in 0..<nx {
            let base = (i + nx * j) * 8
            for type in 1..<8 {
                let id = Int(ids[base + type])
                if id < 0 { continue }
                let a = i + nx * (j + ny * k)
                let fa = f[a], fb = f[a + offset[type]]
                let u = (t - fa) / (fb - fa)
                let step = SIMD3<Float>(Float(sx[type]), Float(sy[type]), Float(sz[type]))
                let p = origin + (SIMD3<Float>(Float(i), Float(j), Float(k)) + u * step) * vs
                let g = gradient(i, j, k) * (1 - u) + gradient(i + sx[type], j + sy[type], k + sz[type]) * u
                let len = (g * g).sum().squareRoot()
                // A flat field gives no direction: fall back to the edge, inside → outside.
                let n = len > 0 ? -g / len : (fa >= t ? 1 : -1) * step / step.sum().squareRoot()
                vout[3 * id] = p.x; vout[3 * id + 1] = p.y; vout[3 * id + 2] = p.z
                nout[3 * id] = n.x; nout[3 * id + 1] = n.y; nout[3 * id + 2] = n.z
            }
        } }
    }
}
