// Ambient occlusion per mesh vertex, computed once and shared by every view: the cosine-weighted fraction of
// `directions` light directions (a Fibonacci sphere) from which the vertex is not shadowed by the rest of
// the mesh — the "multishadow" lighting ChimeraX uses for soft figures (Goddard et al. 2018, Protein Sci.).
//
// Each direction gets an orthographic depth map of the mesh, splatting every vertex over 2 × 2 cells of
// about 1.2 mean edge lengths (dense enough to leave no holes); a vertex is lit when no splat lies more
// than three cells nearer the light at its cell. Cost: directions × vertices; memory: one small depth map
// and two floats per vertex per part (8 parts).
import Dispatch
import Foundation
import VolumeNumerics

enum SurfaceAmbientOcclusion {
    static func perVertex(positions: [SIMD3<Float>], normals: [SIMD3<Float>], triangles: [UInt32],
                          directions: Int) -> [Float] {
        let n = positions.count
        guard directions > 0, n > 0 else { return [Float](repeating: 1, count: n) }
        // Bounding sphere (box centre) and mean edge length set the depth-map grid.
        var lo = SIMD3<Float>(repeating: .infinity), hi = SIMD3<Float>(repeating: -.infinity)
        for p in positions { lo = pointwiseMin(lo, p); hi = pointwiseMax(hi, p) }
        let centre = (lo + hi) / 2
        let radius = max(((hi - lo) * (hi - lo)).sum().squareRoot() / 2, 1e-3)
        var edgeSum: Float = 0, edgeCount = 0
        for t in stride(from: 0, to: min(triangles.count, 30_000), by: 3) {
            let d = positions[Int(triangles[t])] - positions[Int(triangles[t + 1])]
            edgeSum += (d * d).sum().squareRoot(); edgeCount += 1
        }
        let edge = edgeCount > 0 ? max(edgeSum / Float(edgeCount), 1e-3) : radius / 100
        let grid = Int(min(max(2 * radius / (1.2 * edge), 48), 384))
        let cell = 2 * radius / Float(grid)

        let dirs = fibonacciSphere(directions)
        // A fixed number of parts, not one per thread: the sums' rounding depends on the split, and the figures
        // must not change with `--threads` (docs/methods.md, "Threads and results"). 8 parts of the 32
        // directions; their arrays (2 floats per vertex each) are folded in part order.
        let parts = max(1, min(8, dirs.count))
        var partialLit = [[Float]](repeating: [], count: parts)
        var partialWeight = [[Float]](repeating: [], count: parts)
        positions.withUnsafeBufferPointer { pp in normals.withUnsafeBufferPointer { np in
        partialLit.withUnsafeMutableBufferPointer { litOut in partialWeight.withUnsafeMutableBufferPointer { wOut in
            let (lo, wo) = (litOut, wOut)
            Parallel.perform(iterations: parts) { w in
                var lit = [Float](repeating: 0, count: n), weight = [Float](repeating: 0, count: n)
                var depth = [Float](repeating: -.infinity, count: grid * grid)
                var cellOf = [Int32](repeating: 0, count: n)
                for di in stride(from: w, to: dirs.count, by: parts) {
                    let d = dirs[di]
                    // Orthonormal frame (e1, e2, d).
                    let helper: SIMD3<Float> = abs(d.x) < 0.9 ? SIMD3(1, 0, 0) : SIMD3(0, 1, 0)
                    var e1 = helper - d * (helper * d).sum(); e1 /= (e1 * e1).sum().squareRoot()
                    let e2 = SIMD3(d.y * e1.z - d.z * e1.y, d.z * e1.x - d.x * e1.z, d.x * e1.y - d.y * e1.x)
                    for k in 0..<depth.count { depth[k] = -.infinity }
                    for v in 0..<n {
                        let q = pp[v] - centre
                        let gx = min(max(Int(((q * e1).sum() + radius) / cell), 0), grid - 2)
                        let gy = min(max(Int(((q * e2).sum() + radius) / cell), 0), grid - 2)
                        let z = (q * d).sum()
                        let k = gx + grid * gy
                        cellOf[v] = Int32(k)
                        if z > depth[k] { depth[k] = z }
                        if z > depth[k + 1] { depth[k + 1] = z }
                        if z > depth[k + grid] { depth[k + grid] = z }
                        if z > depth[k + grid + 1] { depth[k + grid + 1] = z }
                    }
                    let bias = 3 * cell
                    for v in 0..<n {
                        let c = (np[v] * d).sum()
                        if c <= 0 { continue }
                        weight[v] += c
                        let z = ((pp[v] - centre) * d).sum()
                        if z >= depth[Int(cellOf[v])] - bias { lit[v] += c }
                    }
                }
                lo[w] = lit; wo[w] = weight
            }
        } } } }
        var ao = [Float](repeating: 1, count: n)
        for v in 0..<n {
            var l: Float = 0, wsum: Float = 0
            for w in 0..<parts { l += partialLit[w][v]; wsum += partialWeight[w][v] }
            ao[v] = wsum > 0 ? l / wsum : 1
        }
        return smoothed(ao, triangles: triangles, passes: 3)
    }

    /// Averages each vertex with its mesh neighbours (through shared triangles) `passes` times: removes the
    /// speckle of a finite number of shadow directions and of the depth-map cells.
    static func smoothed(_ values: [Float], triangles: [UInt32], passes: Int) -> [Float] {
        var a = values
        var sum = [Float](repeating: 0, count: a.count), count = [Float](repeating: 0, count: a.count)
        for _ in 0..<passes {
            for i in 0..<a.count { sum[i] = a[i]; count[i] = 1 }
            triangles.withUnsafeBufferPointer { t in
                var k = 0
                while k + 2 < t.count {
                    let i0 = Int(t[k]), i1 = Int(t[k + 1]), i2 = Int(t[k + 2]); k += 3
                    let m = (a[i0] + a[i1] + a[i2]) / 3
                    sum[i0] += m; sum[i1] += m; sum[i2] += m
                    count[i0] += 1; count[i1] += 1; count[i2] += 1
                }
            }
            for i in 0..<a.count { a[i] = sum[i] / count[i] }
        }
        return a
    }

    /// `count` nearly uniform unit vectors (golden-angle spiral).
    static func fibonacciSphere(_ count: Int) -> [SIMD3<Float>] {
        let golden = Float.pi * (3 - Float(5).squareRoot())
        return (0..<count).map { i in
            let z = 1 - 2 * (Float(i) + 0.5) / Float(count)
            let r = (1 - z * z).squareRoot(), phi = golden * Float(i)
            return SIMD3(r * cos(phi), r * sin(phi), z)
        }
    }
}
