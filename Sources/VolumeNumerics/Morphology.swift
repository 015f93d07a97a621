// Binary dilation with a ball-shaped structuring element of radius r voxels: the voxel offsets
// (dx, dy, dz) with dx² + dy² + dz² ≤ r² (docs/methods.md "Masks": hard mask dilation).
//
// Method: the dilation of a set S by a ball equals S plus the balls centred on S's boundary voxels
// (mask voxels with a face neighbour inside the box that is not in S). Proof: for p ∈ S and q ∉ S with
// |q − p| ≤ r, walk from p to q changing one coordinate at a time, each monotonically; the last voxel of S on
// that walk, b, is a boundary voxel and each |q_i − b_i| ≤ |q_i − p_i|, so |q − b| ≤ r. Each ball is
// stamped as rows of consecutive voxels along X. Voxels outside the box are ignored (the mask stops at the box).
import Dispatch
import MapIO

extension BinaryMask {
    /// The mask dilated by a ball of radius `radius` voxels (r = 0 returns the mask unchanged).
    public func dilated(ballRadius radius: Int) -> BinaryMask {
        Morphology.dilate(self, ballRadius: radius)
    }

    /// Dilates the mask in place by a ball of radius `radius` voxels: no second mask is made (the hard mask grows
    /// from a mask made for it, and a fresh 16 MiB mask at 256³ costs more in the kernel's zeroing than in writing).
    public mutating func dilate(ballRadius radius: Int) {
        precondition(radius >= 0, "BinaryMask.dilate: negative radius \(radius)")
        if radius == 0 { return }
        let boundary = Morphology.boundaryByPlane(self)
        let (nx, ny, nz) = (self.nx, self.ny, self.nz)
        voxels.withUnsafeMutableBufferPointer {
            Morphology.stampBalls(radius: radius, at: boundary, into: $0.baseAddress!, dims: SIMD3(nx, ny, nz))
        }
    }
}

public enum Morphology {
    /// Rows of the ball of radius r: for each (dy, dz) with dy² + dz² ≤ r², the half width w along X
    /// (the largest w with w² + dy² + dz² ≤ r²).
    public static func ballRows(radius r: Int) -> [(dy: Int, dz: Int, halfWidth: Int)] {
        var rows: [(Int, Int, Int)] = []
        guard r >= 0 else { return rows }
        for dz in -r...r {
            for dy in -r...r {
                let rem = r * r - dy * dy - dz * dz
                if rem < 0 { continue }
                var w = Int(Double(rem).squareRoot())
                while w * w > rem { w -= 1 }
                while (w + 1) * (w + 1) <= rem { w += 1 }
                rows.append((dy, dz, w))
            }
        }
        return rows
    }

    /// Number of voxels in the digital ball of radius r (offsets with dx² + dy² + dz² ≤ r²).
    public static func ballVoxelCount(radius r: Int) -> Int {
        ballRows(radius: r).reduce(0) { $0 + 2 * $1.halfWidth + 1 }
    }

    /// Binary dilation of `mask` with a ball of radius `ballRadius` voxels. Pure: the mask is not modified.
    public static func dilate(_ mask: BinaryMask, ballRadius r: Int) -> BinaryMask {
        precondition(r >= 0, "Morphology.dilate: negative radius \(r)")
        if r == 0 { return mask }
        var out = BinaryMask(nx: mask.nx, ny: mask.ny, nz: mask.nz, voxels: Parallel.array(copying: mask.voxels))
        out.dilate(ballRadius: r)
        return out
    }

    /// The mask's boundary voxels (mask voxels with a face neighbour inside the box that is not in the mask), as
    /// linear indices grouped by Z plane (each plane on its own worker).
    static func boundaryByPlane(_ mask: BinaryMask) -> [[Int32]] {
        let nx = mask.nx, ny = mask.ny, nz = mask.nz
        var boundaryByZ = [[Int32]](repeating: [], count: nz)
        mask.voxels.withUnsafeBufferPointer { p in
            boundaryByZ.withUnsafeMutableBufferPointer { byZ in
                let voxels = p.baseAddress!
                Parallel.perform(iterations: nz) { z in
                    var list: [Int32] = []
                    for y in 0..<ny {
                        let row = nx * (y + ny * z)
                        // Only the mask's runs are visited (the background is skipped eight flags at a time).
                        MaskRowScan.forEachRun(voxels, from: row, to: row + nx) { first, last in
                            for i in first...last {
                                let x = i - row
                                let isBoundary =
                                    (x > 0 && !p[i - 1]) || (x + 1 < nx && !p[i + 1]) ||
                                    (y > 0 && !p[i - nx]) || (y + 1 < ny && !p[i + nx]) ||
                                    (z > 0 && !p[i - nx * ny]) || (z + 1 < nz && !p[i + nx * ny])
                                if isBoundary { list.append(Int32(i)) }
                            }
                        }
                    }
                    byZ[z] = list
                }
            }
        }
        return boundaryByZ
    }

    /// Sets the voxels of the balls of radius r centred on `boundary` (linear indices by Z plane) in the mask `dst`
    /// of size `dims`. Output slabs along Z are written by separate workers; each stamps the balls that reach it.
    static func stampBalls(radius r: Int, at boundaryByZ: [[Int32]], into dst: UnsafeMutablePointer<Bool>,
                           dims: SIMD3<Int>) {
        let nx = dims.x, ny = dims.y, nz = dims.z
        let rows = ballRows(radius: r)
        let slabs = min(nz, 8)
        Parallel.perform(iterations: slabs) { s in
            let z0 = s * nz / slabs, z1 = (s + 1) * nz / slabs
            for zc in max(0, z0 - r)..<min(nz, z1 + r) {
                for idx in boundaryByZ[zc] {
                    let i = Int(idx)
                    let x = i % nx, y = (i / nx) % ny
                    for row in rows {
                        let zz = zc + row.dz
                        if zz < z0 || zz >= z1 { continue }
                        let yy = y + row.dy
                        if yy < 0 || yy >= ny { continue }
                        let lo = max(0, x - row.halfWidth), hi = min(nx - 1, x + row.halfWidth)
                        let base = nx * (yy + ny * zz)
                        for xx in lo...hi { dst[base + xx] = true }
                    }
                }
            }
        }
    }
}
