// Fourier cropping of a whole map to a smaller box without its full spectrum in memory: each z plane is
// transformed in 2D and cropped at once, then each kept (kx, ky) column is transformed along z and cropped.
// The 3D DFT is the 1D DFT along z of the 2D DFTs of the planes, so the coefficients are those of
// `FFT.forward` (to float rounding, the operations being ordered differently). At 512³ cropped to 256³ the
// intermediate is nz·my·(mx/2) coefficients, 134 MB, instead of the 539 MB half spectrum beside the map.
import CFFTW
import Foundation
import MapIO

enum FourierCrop {
    /// The half spectrum of `volume` on the grid of `dims` (each at most the volume's own): the coefficients
    /// with |index| ≤ (m − 1)/2 along every axis (below both grids' Nyquist, as `FourierResample` keeps), zero
    /// elsewhere; unnormalised, in the layout of `FourierVolume.data` for `dims`, in `dst` (count (mx/2+1)·my·mz,
    /// zero on entry). Planes and columns are independent, so the result does not depend on the thread count.
    static func croppedSpectrum(_ volume: Volume, to dims: SIMD3<Int>, into dst: UnsafeMutableBufferPointer<SIMD2<Float>>) {
        let (nx, ny, nz) = (volume.nx, volume.ny, volume.nz)
        let (mx, my, mz) = (dims.x, dims.y, dims.z)
        precondition(mx <= nx && my <= ny && mz <= nz, "FourierCrop: \(dims) is larger than \(volume.dims)")
        let hn = nx / 2 + 1, hm = mx / 2 + 1
        precondition(dst.count >= hm * my * mz)
        let (lx, ly, lz) = ((mx - 1) / 2, (my - 1) / 2, (mz - 1) / 2)
        let wx = lx + 1                                   // kept kx: 0…lx
        // Kept rows of the target grid and their source rows.
        let rows: [(target: Int, source: Int)] = (0..<my).compactMap { jc in
            let sj = FrequencyGrid.signedIndex(jc, my)
            return abs(sj) > ly ? nil : (jc, (sj + ny) % ny)
        }
        let kr = rows.count
        // Planes: 2D r2c of each z plane (single-threaded plans, the planes on the cores), kept part only.
        var slab = Parallel.array(count: wx * kr * nz, repeating: SIMD2<Float>.zero)
        let plane2D = FFTPlanCache.shared.plan(nx: nx, ny: ny, nz: 1, forward: true, threads: 1)
        slab.withUnsafeMutableBufferPointer { s in
            volume.data.withUnsafeBufferPointer { v in
                parallelChunks(nz, chunks: min(nz, 4 * max(1, Parallel.workers))) { _, planes in
                    let spectrum = UnsafeMutableBufferPointer<SIMD2<Float>>.allocate(capacity: hn * ny)
                    defer { spectrum.deallocate() }
                    for z in planes {
                        spectrum.baseAddress!.withMemoryRebound(to: fftwf_complex.self, capacity: hn * ny) { out in
                            // An out-of-place r2c plan keeps its input (FFTW_PRESERVE_INPUT is r2c's default).
                            fftwf_execute_dft_r2c(plane2D, UnsafeMutablePointer(mutating: v.baseAddress! + nx * ny * z), out)
                        }
                        for (r, row) in rows.enumerated() {
                            let o = wx * (r + kr * z), p = hn * row.source
                            for i in 0..<wx { s[o + i] = spectrum[p + i] }
                        }
                    }
                }
            }
        }
        // Columns: 1D c2c along z of each kept (kx, ky), kept kz written into the target grid.
        let keptZ: [(target: Int, source: Int)] = (0..<mz).compactMap { kc in
            let sk = FrequencyGrid.signedIndex(kc, mz)
            return abs(sk) > lz ? nil : (kc, (sk + nz) % nz)
        }
        // Blocks of `block` neighbouring columns: each z row of a block is contiguous in the slab.
        let block = 16, columns = wx * kr, blocks = (columns + block - 1) / block
        let plan = FFTPlanCache.shared.complexColumnsPlan(n: nz, count: block)
        slab.withUnsafeBufferPointer { s in
            parallelChunks(blocks, chunks: min(blocks, 4 * max(1, Parallel.workers))) { _, range in
                let a = UnsafeMutableBufferPointer<SIMD2<Float>>.allocate(capacity: nz * block)
                let b = UnsafeMutableBufferPointer<SIMD2<Float>>.allocate(capacity: nz * block)
                defer { a.deallocate(); b.deallocate() }
                for k in range {
                    let first = k * block, width = min(block, columns - first)
                    if width < block { a.initialize(repeating: .zero) }
                    for z in 0..<nz {
                        for t in 0..<width { a[t + block * z] = s[first + t + columns * z] }
                    }
                    a.baseAddress!.withMemoryRebound(to: fftwf_complex.self, capacity: nz * block) { ai in
                        b.baseAddress!.withMemoryRebound(to: fftwf_complex.self, capacity: nz * block) { bo in
                            fftwf_execute_dft(plan, ai, bo)
                        }
                    }
                    for t in 0..<width {
                        let col = first + t, i = col % wx, jc = rows[col / wx].target
                        for kz in keptZ { dst[i + hm * (jc + my * kz.target)] = b[kz.source + nz * t] }
                    }
                }
            }
        }
    }
}
