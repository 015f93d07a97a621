// Measures of a triangle mesh (Å): surface area (Å²), enclosed volume (Å³, divergence theorem), whether it
// is closed, and sampling a volume at its vertices (trilinear, for coloured surfaces).
//
// Conventions: the enclosed volume is Σ p0 · (p1 × p2) / 6 over triangles wound counter-clockwise seen
// from outside, so it is positive for an outward-oriented closed mesh. "Watertight" means every edge is
// shared by exactly two triangles that traverse it in opposite directions.
import MapIO

extension IsosurfaceMesh {
    @inline(__always) func point(_ v: UInt32) -> SIMD3<Double> {
        let i = Int(v) * 3
        return SIMD3(Double(vertices[i]), Double(vertices[i + 1]), Double(vertices[i + 2]))
    }

    /// Total triangle area in Å².
    public var areaA2: Double {
        var sum = 0.0
        for t in stride(from: 0, to: triangles.count, by: 3) {
            let a = point(triangles[t]), b = point(triangles[t + 1]), c = point(triangles[t + 2])
            let n = cross(b - a, c - a)
            sum += (n * n).sum().squareRoot() / 2
        }
        return sum
    }

    /// Signed enclosed volume in Å³ (meaningful for a closed mesh).
    public var enclosedVolumeA3: Double {
        var sum = 0.0
        for t in stride(from: 0, to: triangles.count, by: 3) {
            let a = point(triangles[t]), b = point(triangles[t + 1]), c = point(triangles[t + 2])
            sum += (a * cross(b, c)).sum()
        }
        return sum / 6
    }

    /// Whether every directed edge appears once and its reverse once (closed, consistently oriented).
    public var isWatertight: Bool {
        if triangles.isEmpty { return false }
        var directed = Set<UInt64>()
        directed.reserveCapacity(triangles.count)
        for t in stride(from: 0, to: triangles.count, by: 3) {
            for e in 0..<3 {
                let a = UInt64(triangles[t + e]), b = UInt64(triangles[t + (e + 1) % 3])
                if a == b || !directed.insert(a << 32 | b).inserted { return false }
            }
        }
        for key in directed where !directed.contains((key & 0xFFFF_FFFF) << 32 | key >> 32) { return false }
        return true
    }

    /// Values of `volume` at the vertices (trilinear in voxel coordinates `(p − originA) / voxelSize`,
    /// clamped to the box).
    public func sample(_ volume: Volume) -> [Float] {
        let origin = volume.originA, vs = volume.voxelSize
        let hi = SIMD3<Double>(Double(volume.nx - 1), Double(volume.ny - 1), Double(volume.nz - 1))
        var out = [Float](repeating: 0, count: vertexCount)
        volume.data.withUnsafeBufferPointer { d in
            for v in 0..<vertexCount {
                var g = (SIMD3(Double(vertices[3 * v]), Double(vertices[3 * v + 1]), Double(vertices[3 * v + 2]))
                         - origin) / vs
                g = simd_clamp(g, .zero, hi)
                let i0 = SIMD3<Int>(Int(g.x), Int(g.y), Int(g.z))
                let i1 = SIMD3<Int>(min(i0.x + 1, volume.nx - 1), min(i0.y + 1, volume.ny - 1),
                                    min(i0.z + 1, volume.nz - 1))
                let w = g - SIMD3<Double>(Double(i0.x), Double(i0.y), Double(i0.z))
                func at(_ x: Int, _ y: Int, _ z: Int) -> Double { Double(d[x + volume.nx * (y + volume.ny * z)]) }
                let c00 = at(i0.x, i0.y, i0.z) * (1 - w.x) + at(i1.x, i0.y, i0.z) * w.x
                let c10 = at(i0.x, i1.y, i0.z) * (1 - w.x) + at(i1.x, i1.y, i0.z) * w.x
                let c01 = at(i0.x, i0.y, i1.z) * (1 - w.x) + at(i1.x, i0.y, i1.z) * w.x
                let c11 = at(i0.x, i1.y, i1.z) * (1 - w.x) + at(i1.x, i1.y, i1.z) * w.x
                let c0 = c00 * (1 - w.y) + c10 * w.y, c1 = c01 * (1 - w.y) + c11 * w.y
                out[v] = Float(c0 * (1 - w.z) + c1 * w.z)
            }
        }
        return out
    }
}

@inline(__always) func cross(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> SIMD3<Double> {
    SIMD3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
}

@inline(__always) func simd_clamp(_ v: SIMD3<Double>, _ lo: SIMD3<Double>, _ hi: SIMD3<Double>) -> SIMD3<Double> {
    SIMD3(min(max(v.x, lo.x), hi.x), min(max(v.y, lo.y), hi.y), min(max(v.z, lo.z), hi.z))
}
