// Resampling a volume to another voxel size by cropping or zero-padding its spectrum (Fourier
// interpolation). The box keeps its physical size as closely as integer sizes allow: m = round(n·T/T'),
// and the new voxel size per axis is n·T/m (so it equals T' only up to rounding). Coefficients at or beyond
// the smaller grid's Nyquist index are dropped, so the result is real and band-limited; values are scaled
// so that a constant map keeps its value.
import Foundation
import MapIO

public enum FourierResample {
    /// `volume` resampled to a box of `dims` voxels covering the same physical box.
    public static func resample(_ volume: Volume, to dims: SIMD3<Int>) -> Volume {
        let (nx, ny, nz) = (volume.nx, volume.ny, volume.nz)
        let (mx, my, mz) = (dims.x, dims.y, dims.z)
        precondition(mx > 0 && my > 0 && mz > 0, "FourierResample: empty target box \(dims)")
        let f = FFT.forward(volume)
        let hn = f.hx, hm = mx / 2 + 1
        var g = [SIMD2<Float>](repeating: .zero, count: hm * my * mz)
        // Largest |index| kept along each axis: below the Nyquist index of both grids.
        func limit(_ n: Int, _ m: Int) -> Int { (min(n, m) - 1) / 2 }
        let (lx, ly, lz) = (limit(nx, mx), limit(ny, my), limit(nz, mz))
        f.data.withUnsafeBufferPointer { src in
            g.withUnsafeMutableBufferPointer { dst in
                for kc in 0..<mz {
                    let sk = FrequencyGrid.signedIndex(kc, mz)
                    if abs(sk) > lz { continue }
                    let k = (sk + nz) % nz
                    for jc in 0..<my {
                        let sj = FrequencyGrid.signedIndex(jc, my)
                        if abs(sj) > ly { continue }
                        let j = (sj + ny) % ny
                        for i in 0...lx { dst[i + hm * (jc + my * kc)] = src[i + hn * (j + ny * k)] }
                    }
                }
            }
        }
        let spectrum = FourierVolume(nx: mx, ny: my, nz: mz,
                                     voxelSize: volume.voxelSize * SIMD3(Double(nx) / Double(mx), Double(ny) / Double(my),
                                                                         Double(nz) / Double(mz)),
                                     data: g)
        // irfftn divides by m; the samples of the original band-limited function need 1/n.
        var values = FFT.inverseValues(spectrum)
        let scale = Float(Double(mx * my * mz) / Double(nx * ny * nz))
        for i in 0..<values.count { values[i] *= scale }
        return Volume(nx: mx, ny: my, nz: mz, data: values, voxelSize: spectrum.voxelSize,
                      startIndex: .zero, headerOrigin: volume.originA)
    }

    /// `volume` resampled to about `voxelSizeA` Å per voxel along every axis (box size m = round(n·T/T')).
    public static func resample(_ volume: Volume, voxelSizeA: Double) -> Volume {
        let d = SIMD3<Int>((0..<3).map { a in
            max(2, Int((Double(volume.dims[a]) * volume.voxelSize[a] / voxelSizeA).rounded()))
        })
        return resample(volume, to: d)
    }
}
