// Separable Gaussian smoothing of a volume, σ in voxels (docs/methods.md "Masks": soft mask, σ = 2 voxels).
//
// The kernel is exp(−k²/2σ²) for |k| ≤ ceil(truncate·σ) (truncate = 4 by default, as scipy.ndimage),
// normalised to sum 1, applied along X, then Y, then Z. Values outside the box are taken as 0, which is
// right for masks (nothing of the molecule lies outside the box): a mask that fills the box interior
// keeps the value 1 there. Each pass is a sum of shifted rows or planes times a weight, so its inner
// loops run over contiguous memory; planes along Z are processed in parallel.
import Dispatch
import Foundation
import MapIO

public enum GaussianFilter {
    /// The normalised 1D kernel (index k + radius holds the weight at offset k).
    public static func kernel(sigmaVoxels sigma: Double, truncate: Double = 4) -> [Float] {
        precondition(sigma > 0 && sigma.isFinite, "GaussianFilter: σ must be positive, got \(sigma)")
        let radius = Int.clamped(truncate * sigma, .up, to: 0...(1 << 20))
        var w = (-radius...radius).map { k in exp(-Double(k * k) / (2 * sigma * sigma)) }
        let sum = w.reduce(0, +)
        w = w.map { $0 / sum }
        return w.map { Float($0) }
    }

    /// `volume` smoothed by a Gaussian of standard deviation `sigmaVoxels` (voxels, same on every axis).
    /// Pure: the input is not modified (one copy of the volume is made and smoothed in place).
    public static func smooth(_ volume: Volume, sigmaVoxels: Double, truncate: Double = 4) -> Volume {
        var data = volume.data
        smoothInPlace(&data, dims: volume.dims, sigmaVoxels: sigmaVoxels, truncate: truncate)
        return volume.withData(data)
    }

    /// Smooths `data` (a volume of `dims`, x fastest) in place, with the values `smooth` would give: no
    /// full-size buffer beyond the data itself (a plane per worker for X and Y, a block of Z columns for Z),
    /// so that the local maps of large boxes (MonoRes at 512³) are smoothed without two extra volumes.
    public static func smoothInPlace(_ data: inout [Float], dims: SIMD3<Int>, sigmaVoxels: Double, truncate: Double = 4) {
        let w = kernel(sigmaVoxels: sigmaVoxels, truncate: truncate)
        let radius = w.count / 2
        let (nx, ny, nz) = (dims.x, dims.y, dims.z)
        let plane = nx * ny
        precondition(data.count == plane * nz, "GaussianFilter: \(data.count) values for \(nx)×\(ny)×\(nz)")
        // Which planes hold a non-zero value after X and Y: planes of zeros add nothing to the Z pass.
        var planeNonZero = [Bool](repeating: false, count: nz)
        data.withUnsafeMutableBufferPointer { buf in
            planeNonZero.withUnsafeMutableBufferPointer { pnz in
                let d = buf.baseAddress!, flags = pnz.baseAddress!
                // X then Y, plane by plane: X into a plane buffer, Y from it back into the plane.
                Parallel.perform(iterations: nz) { z in
                    let padded = UnsafeMutablePointer<Float>.allocate(capacity: nx + 2 * radius)
                    let tmp = UnsafeMutablePointer<Float>.allocate(capacity: plane)
                    let rowNonZero = UnsafeMutablePointer<Bool>.allocate(capacity: ny)
                    defer { padded.deallocate(); tmp.deallocate(); rowNonZero.deallocate() }
                    padded.initialize(repeating: 0, count: nx + 2 * radius)
                    tmp.initialize(repeating: 0, count: plane)
                    rowNonZero.initialize(repeating: false, count: ny)
                    let zio = d + z * plane
                    var any = false
                    for y in 0..<ny {
                        // Rows of zeros (most of a mask's box) stay zero and are skipped below.
                        let row = zio + y * nx
                        var allZero = true
                        for x in 0..<nx where row[x] != 0 { allZero = false; break }
                        if allZero { continue }
                        rowNonZero[y] = true; any = true
                        let out = tmp + y * nx
                        (padded + radius).update(from: row, count: nx)
                        for k in 0..<w.count {
                            let wk = w[k], shifted = padded + k
                            for x in 0..<nx { out[x] += wk * shifted[x] }
                        }
                    }
                    flags[z] = any
                    if !any { return }
                    for y in 0..<ny {
                        let out = zio + y * nx
                        for x in 0..<nx { out[x] = 0 }
                        for k in max(0, radius - y)..<min(w.count, ny - y + radius) where rowNonZero[y + k - radius] {
                            let wk = w[k], row = tmp + (y + k - radius) * nx
                            for x in 0..<nx { out[x] += wk * row[x] }
                        }
                    }
                }
                // Z, on blocks of columns: a block's nz values per column are copied out, then summed back.
                let block = 64
                let blocks = (plane + block - 1) / block
                Parallel.perform(iterations: blocks) { b in
                    let i0 = b * block, width = min(block, plane - i0)
                    let column = UnsafeMutablePointer<Float>.allocate(capacity: nz * width)
                    defer { column.deallocate() }
                    for z in 0..<nz { (column + z * width).update(from: d + z * plane + i0, count: width) }
                    for z in 0..<nz {
                        let out = d + z * plane + i0
                        for i in 0..<width { out[i] = 0 }
                        for k in max(0, radius - z)..<min(w.count, nz - z + radius) where flags[z + k - radius] {
                            let wk = w[k], pl = column + (z + k - radius) * width
                            for i in 0..<width { out[i] += wk * pl[i] }
                        }
                    }
                }
            }
        }
    }
}

extension Volume {
    /// This volume smoothed by a Gaussian of σ = `sigmaVoxels` voxels (zero outside the box).
    public func gaussianSmoothed(sigmaVoxels: Double) -> Volume {
        GaussianFilter.smooth(self, sigmaVoxels: sigmaVoxels)
    }
}
