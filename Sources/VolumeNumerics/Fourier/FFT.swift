// Real-to-complex and complex-to-real 3D FFTs of volumes (FFTW, single precision).
//
// Conventions:
// - A `Volume` is stored x fastest, so FFTW sees it as the row-major array [nz][ny][nx]. The half spectrum
//   keeps kx = 0 … nx/2 (hx = nx/2 + 1 values) and all ky, kz: element (i, j, k) is at i + hx·(j + ny·k).
// - `forward` is unnormalised, F(k) = Σ_x V(x)·exp(−2πi k·x/n) (numpy.fft.rfftn); `inverse` divides by the
//   number of voxels (numpy.fft.irfftn), so inverse(forward(V)) = V.
// - Plans are made once per (box, direction) with FFTW_ESTIMATE | FFTW_UNALIGNED, under a lock (FFTW's
//   planner is not thread-safe), and executed with the new-array interface, which is thread-safe. Plans
//   use every core (fftw3f_threads).
//
// The Fourier folder, shared by 0.d–0.h, Level 1 (FSC) and Level A (map–model FSC, Guinier):
// - `FFT.swift` — `FFT.forward(Volume) -> FourierVolume` (numpy `rfftn`, unnormalised), `FFT.inverse(_:like:)`
//   (numpy `irfftn`). Half spectrum layout: element (kx, ky, kz) at `kx + hx·(ky + ny·kz)`, hx = nx/2 + 1.
//   FFTW single precision; plans cached per box and direction under a lock (the planner is not thread-safe),
//   executed with the new-array interface (thread-safe), all cores.
// - `FrequencyGrid.swift` — frequencies in 1/Å per axis (voxel size per axis), shells of width
//   Δs = 1/max(n·T): shell = round(|s|/Δs), which is round(|k|) for cubic boxes; `nyquistShell`.
//   Non-cubic boxes: shells are spherical in 1/Å at the finest axis's sampling step.
// - `FourierShells.swift` — `profile` (mean |F|, mean |F|², count per shell) and `sums(f1, f2)`
//   (Σ Re F1·F2*, Σ|F1|², Σ|F2|², count; full-spectrum counts with Hermitian weights), `correlation` = FSC.
// - `RadialFilters.swift` — raised-cosine low/high/band-pass, `BFactorFilter` (exp(B s²/4), docs/methods.md "0.d" sign),
//   `ProductGain`; `FourierVolume.filtered`, `Volume.filtered`.
// - `MonogenicSignal.swift` — local amplitude sqrt(g² + |Riesz g|²) of a band, computed on the coarsest grid
//   holding the band and interpolated (`localAmplitude`, `localAmplitudeGrid` + `sample`); `AmplitudeWork`, the
//   reused buffers (one spectrum transformed in place per component) shared with MonoRes's high-pass.
// - `FourierResample.swift` — Fourier cropping/padding to another voxel size.
// - `MonoRes.swift` — local resolution from one map (Vilas et al. 2018).
// - `LocalBandFits.swift` — local B-factor and occupancy (after Kaur et al. 2021).
//
// Tests: `Tests/VolumeNumericsTests/Fourier*Tests.swift` against numpy (`Tests/Oracles/fourier_oracle.py`) and
// analytic cases (a Gaussian's transform, plane waves, resampled Gaussians).
import CFFTW
import Foundation
import MapIO

/// The half spectrum of a real volume (see the file comment for the layout).
public struct FourierVolume: Sendable {
    /// Real-space box size (voxels).
    public let nx: Int, ny: Int, nz: Int
    /// Real-space voxel size in Å along X, Y, Z.
    public let voxelSize: SIMD3<Double>
    /// Complex coefficients (re, im), count hx·ny·nz.
    public var data: [SIMD2<Float>]

    /// Number of stored kx values: nx/2 + 1.
    public var hx: Int { nx / 2 + 1 }
    public var count: Int { hx * ny * nz }
    /// Number of real-space voxels (the inverse transform's normalisation).
    public var realCount: Int { nx * ny * nz }

    public init(nx: Int, ny: Int, nz: Int, voxelSize: SIMD3<Double>, data: [SIMD2<Float>]) {
        precondition(data.count == (nx / 2 + 1) * ny * nz, "FourierVolume: \(data.count) coefficients for \(nx)×\(ny)×\(nz)")
        self.nx = nx; self.ny = ny; self.nz = nz; self.voxelSize = voxelSize; self.data = data
    }

    /// The same geometry with other coefficients.
    public func withData(_ newData: [SIMD2<Float>]) -> FourierVolume {
        FourierVolume(nx: nx, ny: ny, nz: nz, voxelSize: voxelSize, data: newData)
    }

    /// The frequency grid of this spectrum.
    public var grid: FrequencyGrid { FrequencyGrid(nx: nx, ny: ny, nz: nz, voxelSize: voxelSize) }
}

public enum FFT {
    /// The unnormalised forward transform of `volume` (numpy.fft.rfftn).
    public static func forward(_ volume: Volume) -> FourierVolume {
        let plan = FFTPlanCache.shared.plan(nx: volume.nx, ny: volume.ny, nz: volume.nz, forward: true)
        let count = (volume.nx / 2 + 1) * volume.ny * volume.nz
        // Every coefficient is written by FFTW; no zero fill (it would touch 540 MB at 512³ for nothing).
        let out = [SIMD2<Float>](unsafeUninitializedCapacity: count) { o, initialised in
            // An out-of-place r2c plan keeps its input (FFTW_PRESERVE_INPUT is the default for r2c); the API
            // takes a mutable pointer only, so the volume's storage is passed as is instead of a copy of it.
            volume.data.withUnsafeBufferPointer { inp in
                o.baseAddress!.withMemoryRebound(to: fftwf_complex.self, capacity: count) { c in
                    fftwf_execute_dft_r2c(plan, UnsafeMutablePointer(mutating: inp.baseAddress!), c)
                }
            }
            initialised = count
        }
        return FourierVolume(nx: volume.nx, ny: volume.ny, nz: volume.nz, voxelSize: volume.voxelSize, data: out)
    }

    /// The unnormalised forward transform of an nx×ny×nz volume that `fill` writes into zeroed storage, transformed
    /// in place: `fill` receives the real values' buffer in FFTW's padded layout (rows of `rowStride` =
    /// 2·(nx/2 + 1) floats; value (x, y, z) at x + rowStride·(y + ny·z)) and writes what is not zero. No copy of
    /// the volume is made beside its spectrum (a padded projector's volume is as large as the spectrum).
    public static func forward(nx: Int, ny: Int, nz: Int, voxelSize: SIMD3<Double>,
                               fill: (_ real: UnsafeMutablePointer<Float>, _ rowStride: Int) -> Void) -> FourierVolume {
        let hx = nx / 2 + 1, padded = 2 * hx, rows = ny * nz
        let data = HugePages.array(count: hx * rows, filledBy: { (out: UnsafeMutableBufferPointer<SIMD2<Float>>) in
            UnsafeMutableRawPointer(out.baseAddress!).withMemoryRebound(to: Float.self, capacity: padded * rows) { real in
                // Zeroed on every worker, a huge page each: the fresh pages are faulted and cleared by the kernel
                // on the core that first touches them (single-threaded, this fill was most of a 512³ masked FSC's
                // system time).
                Parallel.forEachHugePage(of: UnsafeMutableBufferPointer(start: real, count: padded * rows)) { range in
                    (real + range.lowerBound).initialize(repeating: 0, count: range.count)
                }
                fill(real, padded)
                forwardInPlace(nx: nx, ny: ny, nz: nz, real: real)
            }
        })
        return FourierVolume(nx: nx, ny: ny, nz: nz, voxelSize: voxelSize, data: data)
    }

    /// The forward transform of `volume` multiplied by `mask` (zero outside the mask's box), made in place in
    /// the spectrum's own storage: no masked copy of the volume (512 MiB at 512³) is made.
    public static func forward(_ volume: Volume, maskedBy mask: CroppedVolume) -> FourierVolume {
        precondition(volume.dims == mask.dims, "FFT.forward: mask box \(mask.dims) differs from the volume's \(volume.dims)")
        let (nx, ny, nz) = (volume.nx, volume.ny, volume.nz)
        return forward(nx: nx, ny: ny, nz: nz, voxelSize: volume.voxelSize) { real, _ in
            volume.data.withUnsafeBufferPointer { v in
                multiplyPaddedRows(real, nx: nx, ny: ny, nz: nz, by: mask, clearingOutside: false) { row in
                    v.baseAddress! + row * nx
                }
            }
        }
    }

    /// The spectrum of the map `spectrum` stands for, multiplied by `mask` (zero outside the mask's box): the
    /// inverse transform, the normalisation and the mask and the forward transform all in the spectrum's own
    /// storage (FFTW's in-place transforms on rows padded to 2·(nx/2 + 1) values). `spectrum` is left empty.
    /// The same values as `forward(inverse(taking:like:), maskedBy:)` without its two fresh full-size arrays
    /// (the real map and the masked spectrum: 1 GiB of page faults at 512³, and one of them at the peak).
    public static func remasked(taking spectrum: inout FourierVolume, by mask: CroppedVolume) -> FourierVolume {
        let (nx, ny, nz) = (spectrum.nx, spectrum.ny, spectrum.nz)
        precondition(mask.dims == SIMD3(nx, ny, nz), "FFT.remasked: mask box \(mask.dims) differs from the spectrum's \(nx)×\(ny)×\(nz)")
        let padded = 2 * (nx / 2 + 1)
        let scale = 1 / Float(nx * ny * nz)
        var data: [SIMD2<Float>] = []
        swap(&data, &spectrum.data)   // uniquely held: the transforms write into it without a copy
        data.withUnsafeMutableBufferPointer { b in
            inverseInPlace(nx: nx, ny: ny, nz: nz, buffer: b, threads: FFTPlanCache.shared.threads)
            UnsafeMutableRawPointer(b.baseAddress!).withMemoryRebound(to: Float.self, capacity: 2 * b.count) { real in
                multiplyPaddedRows(real, nx: nx, ny: ny, nz: nz, by: mask, scale: scale, clearingOutside: true) { row in
                    UnsafePointer(real + row * padded)
                }
                forwardInPlace(nx: nx, ny: ny, nz: nz, real: real)
            }
        }
        return FourierVolume(nx: nx, ny: ny, nz: nz, voxelSize: spectrum.voxelSize, data: data)
    }

    /// Sets each row of a real nx×ny×nz volume stored in FFTW's padded rows (2·(nx/2 + 1) values per row, as the
    /// in-place transforms read it) to `source(row) × scale × mask` inside the mask's box; `source(row)` gives the
    /// nx values of row `y + ny·z` (the row itself for an in-place product). Outside the box the values are zeroed
    /// when `clearingOutside`, else left as they are (a buffer zeroed beforehand). Rows run on every worker.
    private static func multiplyPaddedRows(_ real: UnsafeMutablePointer<Float>, nx: Int, ny: Int, nz: Int,
                                           by mask: CroppedVolume, scale: Float = 1, clearingOutside: Bool,
                                           source: (Int) -> UnsafePointer<Float>) {
        let padded = 2 * (nx / 2 + 1), lo = mask.lo, c = mask.crop.dims
        mask.crop.data.withUnsafeBufferPointer { m in
            parallelFor(nz) { z in
                for y in 0..<ny {
                    let row = y + ny * z, dst = real + padded * row
                    let my = y - lo.y, mz = z - lo.z
                    guard my >= 0, my < c.y, mz >= 0, mz < c.z else {
                        if clearingOutside { dst.update(repeating: 0, count: nx) }
                        continue
                    }
                    let src = source(row), mrow = c.x * (my + c.y * mz)
                    for x in lo.x..<(lo.x + c.x) { dst[x] = (src[x] * scale) * m[mrow + x - lo.x] }
                    if clearingOutside {
                        dst.update(repeating: 0, count: lo.x)
                        (dst + lo.x + c.x).update(repeating: 0, count: nx - lo.x - c.x)
                    }
                }
            }
        }
    }

    /// The normalised inverse transform of `spectrum`, using its storage as FFTW's scratch space (c2r destroys
    /// its input) instead of a copy: `spectrum` is left empty. For spectra made only to be inverted (a filtered
    /// copy), this saves one spectrum-sized buffer at the peak.
    public static func inverseValues(taking spectrum: inout FourierVolume) -> [Float] {
        let (nx, ny, nz) = (spectrum.nx, spectrum.ny, spectrum.nz)
        let plan = FFTPlanCache.shared.plan(nx: nx, ny: ny, nz: nz, forward: false)
        let count = nx * ny * nz
        let scale = 1 / Float(count)
        let out = [Float](unsafeUninitializedCapacity: count) { o, initialised in
            spectrum.data.withUnsafeMutableBufferPointer { s in
                s.baseAddress!.withMemoryRebound(to: fftwf_complex.self, capacity: s.count) { c in
                    fftwf_execute_dft_c2r(plan, c, o.baseAddress!)
                }
            }
            Parallel.forEachHugePage(of: UnsafeMutableBufferPointer(rebasing: o[0..<count])) { range in
                for i in range { o[i] *= scale }
            }
            initialised = count
        }
        spectrum.data = []
        return out
    }

    /// `inverseValues(taking:)` as a volume with the geometry (origin, start) of `like`.
    public static func inverse(taking spectrum: inout FourierVolume, like: Volume) -> Volume {
        precondition(like.nx == spectrum.nx && like.ny == spectrum.ny && like.nz == spectrum.nz,
                     "FFT.inverse: box \(like.dims) differs from the spectrum's")
        return like.withData(inverseValues(taking: &spectrum))
    }

    /// The normalised inverse transform (numpy.fft.irfftn) as raw values, x fastest.
    /// The coefficients are taken as Hermitian: kx = 0 and kx = nx/2 planes should be Hermitian-symmetric.
    public static func inverseValues(_ spectrum: FourierVolume) -> [Float] {
        var scratch = spectrum   // c2r destroys its input
        return inverseValues(taking: &scratch)
    }

    /// The normalised inverse transform as a volume with the geometry (origin, start) of `like`.
    public static func inverse(_ spectrum: FourierVolume, like: Volume) -> Volume {
        precondition(like.nx == spectrum.nx && like.ny == spectrum.ny && like.nz == spectrum.nz,
                     "FFT.inverse: box \(like.dims) differs from the spectrum's")
        return like.withData(inverseValues(spectrum))
    }

    /// The normalised inverse transform as a volume at the origin.
    public static func inverse(_ spectrum: FourierVolume) -> Volume {
        Volume(nx: spectrum.nx, ny: spectrum.ny, nz: spectrum.nz, data: inverseValues(spectrum),
               voxelSize: spectrum.voxelSize)
    }

    /// Forward transform of `input` (count nx·ny·nz, not modified) into `output` (count hx·ny·nz), unnormalised,
    /// with a plan of `threads` threads (1 for small boxes transformed by many workers at once). For hot loops
    /// that reuse buffers.
    public static func forwardUnnormalised(nx: Int, ny: Int, nz: Int, input: UnsafeMutableBufferPointer<Float>,
                                           output: UnsafeMutableBufferPointer<SIMD2<Float>>, threads: Int) {
        precondition(input.count >= nx * ny * nz && output.count >= (nx / 2 + 1) * ny * nz)
        let plan = FFTPlanCache.shared.plan(nx: nx, ny: ny, nz: nz, forward: true, threads: threads)
        output.baseAddress!.withMemoryRebound(to: fftwf_complex.self, capacity: output.count) { c in
            fftwf_execute_dft_r2c(plan, input.baseAddress!, c)
        }
    }

    /// In-place inverse transform, unnormalised: `buffer` holds hx·ny·nz coefficients and receives the real values
    /// in FFTW's padded layout (rows of 2·hx floats, the first nx of each row are the values). `threads` as in
    /// `forwardUnnormalised`. Saves the real output array of a full-size transform.
    public static func inverseInPlace(nx: Int, ny: Int, nz: Int, buffer: UnsafeMutableBufferPointer<SIMD2<Float>>, threads: Int) {
        precondition(buffer.count >= (nx / 2 + 1) * ny * nz)
        let plan = FFTPlanCache.shared.plan(nx: nx, ny: ny, nz: nz, forward: false, threads: threads, inPlace: true)
        buffer.baseAddress!.withMemoryRebound(to: fftwf_complex.self, capacity: buffer.count) { c in
            UnsafeMutableRawPointer(c).withMemoryRebound(to: Float.self, capacity: 2 * buffer.count) { r in
                fftwf_execute_dft_c2r(plan, c, r)
            }
        }
    }

    /// The real values an in-place inverse left in `buffer` (rows of 2·(nx/2 + 1) floats), times `scale`, copied
    /// into `values` (x fastest, nx·ny·nz), the z planes on the cores.
    static func copyPaddedRows(_ buffer: UnsafeMutableBufferPointer<SIMD2<Float>>, nx: Int, ny: Int, nz: Int, scale: Float,
                               into values: UnsafeMutableBufferPointer<Float>) {
        let h = nx / 2 + 1
        precondition(buffer.count >= h * ny * nz && values.count >= nx * ny * nz)
        UnsafeMutableRawPointer(buffer.baseAddress!).withMemoryRebound(to: Float.self, capacity: 2 * buffer.count) { r in
            parallelFor(nz) { z in
                for y in 0..<ny {
                    let o = nx * (y + ny * z), p = 2 * h * (y + ny * z)
                    for x in 0..<nx { values[o + x] = r[p + x] * scale }
                }
            }
        }
    }

    /// In-place forward transform, unnormalised: `real` holds the values in FFTW's padded layout (rows of
    /// 2·(nx/2 + 1) floats) and receives the hx·ny·nz coefficients.
    static func forwardInPlace(nx: Int, ny: Int, nz: Int, real: UnsafeMutablePointer<Float>) {
        let plan = FFTPlanCache.shared.plan(nx: nx, ny: ny, nz: nz, forward: true, inPlace: true)
        real.withMemoryRebound(to: fftwf_complex.self, capacity: (nx / 2 + 1) * ny * nz) { c in
            fftwf_execute_dft_r2c(plan, real, c)
        }
    }

    /// `volume` transformed, changed by `modify` (the half spectrum, layout as `FourierVolume.data`, unnormalised)
    /// and transformed back (normalised), all in one buffer: FFTW's in-place transforms on rows padded to
    /// 2·(nx/2 + 1) values, compacted to nx values at the end. The buffer's spare tail (2·ny·nz values at most)
    /// stays allocated with the returned array.
    public static func inPlace(_ volume: Volume, _ modify: (UnsafeMutableBufferPointer<SIMD2<Float>>) -> Void) -> [Float] {
        let (nx, ny, nz) = (volume.nx, volume.ny, volume.nz)
        let hx = nx / 2 + 1, padded = 2 * hx, rows = ny * nz
        var buffer = [Float](unsafeUninitializedCapacity: padded * rows) { b, initialised in
            volume.data.withUnsafeBufferPointer { src in
                for r in 0..<rows {
                    (b.baseAddress! + r * padded).update(from: src.baseAddress! + r * nx, count: nx)
                    for x in nx..<padded { b[r * padded + x] = 0 }
                }
            }
            initialised = padded * rows
        }
        let scale = 1 / Float(nx * ny * nz)
        buffer.withUnsafeMutableBufferPointer { b in
            let base = b.baseAddress!
            forwardInPlace(nx: nx, ny: ny, nz: nz, real: base)
            UnsafeMutableRawPointer(base).withMemoryRebound(to: SIMD2<Float>.self, capacity: hx * rows) { c in
                let spectrum = UnsafeMutableBufferPointer(start: c, count: hx * rows)
                modify(spectrum)
                inverseInPlace(nx: nx, ny: ny, nz: nz, buffer: spectrum, threads: FFTPlanCache.shared.threads)
            }
            // Row r moves from r·padded to r·nx: never forward of where it is read, so in order is safe.
            for r in 0..<rows {
                let dst = base + r * nx, src = base + r * padded
                for x in 0..<nx { dst[x] = src[x] * scale }
            }
        }
        buffer.removeLast(buffer.count - nx * rows)   // keeps the capacity: no reallocation, no copy
        return buffer
    }
}

/// FFTW plans by box size and direction, made once under a lock and kept for the life of the process.
public final class FFTPlanCache: @unchecked Sendable {
    public static let shared = FFTPlanCache()

    private struct Key: Hashable { let nx: Int, ny: Int, nz: Int, forward: Bool, threads: Int, inPlace: Bool }
    private let lock = NSLock()
    private var plans: [Key: OpaquePointer] = [:]
    private var columnPlans: [SIMD2<Int>: OpaquePointer] = [:]
    private var threadsReady = false

    // FFTW flag values from fftw3.h (macros with shifts are not imported by Swift).
    private static let estimate: UInt32 = 1 << 6
    private static let unaligned: UInt32 = 1 << 1

    /// Number of threads a plan made now uses (`Parallel.workers`, i.e. `--threads`; part of the plan's key),
    /// except for boxes of at most `singleThreadedVoxels`, which run one per worker thread.
    public var threads: Int { max(1, Parallel.workers) }
    public static let singleThreadedVoxels = 48 * 48 * 48

    public func plan(nx: Int, ny: Int, nz: Int, forward: Bool) -> OpaquePointer {
        plan(nx: nx, ny: ny, nz: nz, forward: forward, threads: threads)
    }

    /// A plan using `threads` threads: 1 for the many small transforms that callers run in parallel
    /// themselves (2D image alignment), where FFTW's own threads only add overhead.
    /// `inPlace`: a plan for a complex buffer that also holds the real values (padded rows of 2·hx floats).
    /// An in-place plan (`inPlace`): real rows padded to 2·(nx/2 + 1) values, sharing the complex array's memory.
    public func plan(nx: Int, ny: Int, nz: Int, forward: Bool, inPlace: Bool) -> OpaquePointer {
        plan(nx: nx, ny: ny, nz: nz, forward: forward, threads: threads, inPlace: inPlace)
    }

    /// FFTW's threads, set up once before the first plan (the caller holds `lock`).
    private func initialiseThreadsLocked() {
        if !threadsReady { _ = fftwf_init_threads(); threadsReady = true }
    }

    /// A single-threaded forward complex 1D plan for `count` transforms of length `n` at once, out of place:
    /// input interleaved (element z of transform b at b + count·z), output one transform after another (at
    /// z + n·b). The columns of `FourierCrop`, read a block of rows at a time instead of one strided value each.
    func complexColumnsPlan(n: Int, count: Int) -> OpaquePointer {
        lock.lock(); defer { lock.unlock() }
        let key = SIMD2(n, count)
        if let p = columnPlans[key] { return p }
        initialiseThreadsLocked()
        fftwf_plan_with_nthreads(1)
        let a = fftwf_alloc_complex(n * count)!, b = fftwf_alloc_complex(n * count)!
        defer { fftwf_free(a); fftwf_free(b) }
        var length = Int32(n)
        guard let p = fftwf_plan_many_dft(1, &length, Int32(count), a, nil, Int32(count), 1, b, nil, 1, Int32(n),
                                          -1, FFTPlanCache.estimate | FFTPlanCache.unaligned) else {
            fatalError("FFTW could not make \(count) complex 1D plans of length \(n)")
        }
        columnPlans[key] = p
        return p
    }

    public func plan(nx: Int, ny: Int, nz: Int, forward: Bool, threads: Int, inPlace: Bool = false) -> OpaquePointer {
        let key = Key(nx: nx, ny: ny, nz: nz, forward: forward, threads: threads, inPlace: inPlace)
        lock.lock(); defer { lock.unlock() }
        if let p = plans[key] { return p }
        initialiseThreadsLocked()
        // Small boxes (local-FSC windows, run many at once across the cores) get single-threaded plans.
        fftwf_plan_with_nthreads(Int32(nx * ny * nz <= FFTPlanCache.singleThreadedVoxels ? 1 : max(1, threads)))
        let nReal = nx * ny * nz, nComplex = (nx / 2 + 1) * ny * nz
        // FFTW_ESTIMATE does not touch the arrays: for an in-place plan, the complex array is the real one.
        let complex = fftwf_alloc_complex(nComplex)!
        let real = inPlace ? UnsafeMutableRawPointer(complex).assumingMemoryBound(to: Float.self) : fftwf_alloc_real(nReal)!
        defer { if !inPlace { fftwf_free(real) }; fftwf_free(complex) }
        let flags = FFTPlanCache.estimate | FFTPlanCache.unaligned
        let plan = forward
            ? fftwf_plan_dft_r2c_3d(Int32(nz), Int32(ny), Int32(nx), real, complex, flags)
            : fftwf_plan_dft_c2r_3d(Int32(nz), Int32(ny), Int32(nx), complex, real, flags)
        guard let p = plan else {
            fatalError("FFTW could not make a \(forward ? "r2c" : "c2r") plan for \(nx)×\(ny)×\(nz)")
        }
        plans[key] = p
        return p
    }
}
