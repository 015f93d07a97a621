// Resampling a volume to another voxel size by cropping or zero-padding its spectrum (Fourier
// interpolation). The box keeps its physical size: m = round(n·T/T') raised to a fast FFT size, and the new
// voxel size per axis is n·T/m (so it equals T' only up to that rounding). Coefficients at or beyond
// the smaller grid's Nyquist index are dropped, so the result is real and band-limited; values are scaled
// so that a constant map keeps its value.
import Foundation
import MapIO

public enum FourierResample {
    /// `volume` resampled to a box of `dims` voxels covering the same physical box.
    public static func resample(_ volume: Volume, to dims: SIMD3<Int>) -> Volume {
        let n = volume.dims
        let values: [Float]
        if dims.x <= n.x && dims.y <= n.y && dims.z <= n.z && dims != n {
            // Cropping only: plane by plane (FourierCrop), without the full spectrum beside the map.
            values = realValues(on: dims, scale: 1 / Float(n.x * n.y * n.z)) { FourierCrop.croppedSpectrum(volume, to: dims, into: $0) }
        } else {
            values = resampledValues(FFT.forward(volume), to: dims)
        }
        let voxel = volume.voxelSize * SIMD3(Double(n.x) / Double(dims.x), Double(n.y) / Double(dims.y), Double(n.z) / Double(dims.z))
        return Volume(nx: dims.x, ny: dims.y, nz: dims.z, data: values, voxelSize: voxel,
                      startIndex: .zero, headerOrigin: volume.originA)
    }

    /// The real values, on a grid of `dims` covering the same box, of the band-limited function whose
    /// spectrum is `f` (coefficients beyond either grid's Nyquist index dropped). Normalised like `FFT.inverse`
    /// of `f`, so a constant keeps its value.
    public static func resampledValues(_ f: FourierVolume, to dims: SIMD3<Int>) -> [Float] {
        f.data.withUnsafeBufferPointer { resampledValues($0, grid: f.grid, to: dims, gain: Optional<AllPass>.none) }
    }

    /// The same for the half spectrum `src` of `grid`, each kept coefficient multiplied by `gain` of its |s| (1/Å)
    /// on the way (the spectrum filtered and resampled in one pass).
    static func resampledValues<G: RadialGain>(_ src: UnsafeBufferPointer<SIMD2<Float>>, grid: FrequencyGrid,
                                               to dims: SIMD3<Int>, gain: G?) -> [Float] {
        realValues(on: dims, scale: 1 / Float(grid.nx * grid.ny * grid.nz)) { gatherCropped(src, grid: grid, to: dims, gain: gain, in: $0) }
    }

    /// The real values on the grid `dims`, times `scale`, of the half spectrum that `fill` writes into a zeroed
    /// buffer of that grid (transformed back in place, then copied out of FFTW's padded rows).
    private static func realValues(on dims: SIMD3<Int>, scale: Float,
                               _ fill: (UnsafeMutableBufferPointer<SIMD2<Float>>) -> Void) -> [Float] {
        precondition(dims.x > 0 && dims.y > 0 && dims.z > 0, "FourierResample: empty target box \(dims)")
        var g = [SIMD2<Float>](repeating: .zero, count: (dims.x / 2 + 1) * dims.y * dims.z)
        var values = [Float](repeating: 0, count: dims.x * dims.y * dims.z)
        g.withUnsafeMutableBufferPointer { sc in
            fill(sc)
            FFT.inverseInPlace(nx: dims.x, ny: dims.y, nz: dims.z, buffer: sc, threads: Parallel.workers)
            values.withUnsafeMutableBufferPointer {
                FFT.copyPaddedRows(sc, nx: dims.x, ny: dims.y, nz: dims.z, scale: scale, into: $0)
            }
        }
        return values
    }

    /// `resampledValues` written over `buffer` (at least 2·(mx/2 + 1)·my·mz floats, its contents discarded) instead
    /// of new arrays: the values stay in FFTW's padded layout, value (x, y, z) at x + rowStride·(y + my·z), with the
    /// returned rowStride = 2·(mx/2 + 1). The same values, bit for bit.
    static func resampledValues<G: RadialGain>(_ src: UnsafeBufferPointer<SIMD2<Float>>, grid: FrequencyGrid,
                                               to dims: SIMD3<Int>, gain: G?,
                                               over buffer: UnsafeMutableBufferPointer<Float>) -> Int {
        precondition(dims.x > 0 && dims.y > 0 && dims.z > 0, "FourierResample: empty target box \(dims)")
        let hm = dims.x / 2 + 1, count = hm * dims.y * dims.z
        precondition(buffer.count >= 2 * count, "FourierResample: buffer of \(buffer.count) floats for \(dims)")
        let scale = 1 / Float(grid.nx * grid.ny * grid.nz)
        UnsafeMutableRawPointer(buffer.baseAddress!).withMemoryRebound(to: SIMD2<Float>.self, capacity: count) { c in
            let sc = UnsafeMutableBufferPointer(start: c, count: count)
            sc.initialize(repeating: .zero)
            gatherCropped(src, grid: grid, to: dims, gain: gain, in: sc)
            FFT.inverseInPlace(nx: dims.x, ny: dims.y, nz: dims.z, buffer: sc, threads: Parallel.workers)
        }
        parallelFor(dims.z) { z in
            for i in (2 * hm * dims.y * z)..<(2 * hm * dims.y * (z + 1)) { buffer[i] *= scale }
        }
        return 2 * hm
    }

    /// Gathers the kept coefficients of `src` (times `gain`) into `dst` (the target grid's half spectrum, zero
    /// elsewhere); the callers transform it back in place (unnormalised values in padded rows of 2·(mx/2 + 1)
    /// floats) and apply 1/n (FFT.inverse's 1/m times m/n) for the samples of the original band-limited function.
    private static func gatherCropped<G: RadialGain>(_ src: UnsafeBufferPointer<SIMD2<Float>>, grid: FrequencyGrid,
                                                        to dims: SIMD3<Int>, gain: G?,
                                                        in dst: UnsafeMutableBufferPointer<SIMD2<Float>>) {
        let (nx, ny, nz) = (grid.nx, grid.ny, grid.nz)
        let (mx, my, mz) = (dims.x, dims.y, dims.z)
        let hn = grid.hx, hm = mx / 2 + 1
        precondition(src.count >= hn * ny * nz && dst.count >= hm * my * mz)
        // Largest |index| kept along each axis: below the Nyquist index of both grids.
        func limit(_ n: Int, _ m: Int) -> Int { (min(n, m) - 1) / 2 }
        let (lx, ly, lz) = (limit(nx, mx), limit(ny, my), limit(nz, mz))
        let (fx, fy, fz) = (grid.sx.map(Float.init), grid.sy.map(Float.init), grid.sz.map(Float.init))
        for kc in 0..<mz {
            let sk = FrequencyGrid.signedIndex(kc, mz)
            if abs(sk) > lz { continue }
            let k = (sk + nz) % nz
            for jc in 0..<my {
                let sj = FrequencyGrid.signedIndex(jc, my)
                if abs(sj) > ly { continue }
                let j = (sj + ny) % ny
                if let gain {
                    let yz = fy[j] * fy[j] + fz[k] * fz[k]
                    for i in 0...lx { dst[i + hm * (jc + my * kc)] = src[i + hn * (j + ny * k)] * gain.gain((fx[i] * fx[i] + yz).squareRoot()) }
                } else {
                    for i in 0...lx { dst[i + hm * (jc + my * kc)] = src[i + hn * (j + ny * k)] }
                }
            }
        }
    }

    /// `volume` resampled to about `voxelSizeA` Å per voxel along every axis: box size m = round(n·T/T'),
    /// raised to the next size with prime factors 2, 3, 5, 7 (fast FFTs) unless that is the original size.
    public static func resample(_ volume: Volume, voxelSizeA: Double) -> Volume {
        let d = SIMD3<Int>((0..<3).map { a in
            // Bounded by the box: never more than 2× the voxels along an axis, whatever the voxel sizes say.
            let m = Int.clamped(Double(volume.dims[a]) * volume.voxelSize[a] / voxelSizeA, .toNearestOrAwayFromZero,
                                to: 2...max(2, 2 * volume.dims[a]))
            return min(FFT.goodSize(atLeast: m), max(m, volume.dims[a]))
        })
        return resample(volume, to: d)
    }
}
