// The monogenic amplitude of a whole spectrum under a radial gain that reaches Nyquist (MonoRes's high-pass,
// Vilas et al. 2018), and its low-passed version on the coarsest grid that holds it.
//
// A high-pass keeps every frequency up to Nyquist, so g and its Riesz components r_j = IFFT(−i·(s_j/|s|)·G) need
// full-size inverse transforms (four per frequency; MonogenicSignal.swift's cropping applies only to bands).
// A = sqrt(g² + r_x² + r_y² + r_z²) is accumulated component by component (AmplitudeWork, in-place transforms).
// The amplitude low-passed at f_top is band-limited, so it is returned on a grid cropped to twice f_top (for
// accurate trilinear sampling): one forward transform of A, the low-pass applied while cropping.
// Cost per tested resolution: 5 full-size transforms (4 inverse, 1 forward) and one small inverse (a full-size
// one, in place, at the resolutions where the cropped grid would be the whole box).
import Foundation
import MapIO

struct HighPassAmplitude {
    let spectrum: FourierVolume

    init(_ spectrum: FourierVolume) { self.spectrum = spectrum }

    /// The buffers a full-grid amplitude needs (shared by the map's and the noise's amplitudes, used in turn).
    static func work(for spectrum: FourierVolume) -> (work: AmplitudeWork, amplitude: [Float]) {
        (AmplitudeWork(dims: SIMD3(spectrum.nx, spectrum.ny, spectrum.nz), cachesGains: false),   // raised cosines are cheap
         [Float](repeating: 0, count: spectrum.realCount))
    }

    /// A on the full grid (x fastest) in `amp`, for the spectrum multiplied by `gain` (the DC term is dropped).
    func amplitude<G: RadialGain>(gain: G, work: inout AmplitudeWork, into amp: inout [Float]) {
        spectrum.data.withUnsafeBufferPointer { src in
            amp.withUnsafeMutableBufferPointer { a in
                work.amplitude(src, full: spectrum.grid, gain: gain, into: a, threads: Parallel.workers, parallel: true)
            }
        }
    }

    /// The smoothed amplitude — the amplitude under `highPass`, low-passed by `lowPass` (zero above `topInvA`) —
    /// at the full-grid voxels of each of `sets`, sampled on `smoothingGrid(topInvA:)`. No buffer beyond the work's:
    /// on a cropped grid (at most half the box's voxels) the cropped spectrum is transformed in `amp`'s storage,
    /// which the forward transform has freed, and sampled there (trilinear); on the full grid (more than half)
    /// the low-pass is applied in place in `amp` and the scratch and sampled exactly. (Separate arrays for the
    /// cropped spectrum and values cost up to a spectrum and a volume of half the box, 0.5 GB at 512³.)
    func smoothedSamples(highPass: RaisedCosineHighPass, lowPass: RaisedCosineLowPass, topInvA: Double,
                         work: inout AmplitudeWork, amplitude amp: inout [Float], at sets: [[Int32]]) -> [[Float]] {
        let grid = spectrum.grid
        let full = SIMD3(grid.nx, grid.ny, grid.nz)
        let m = smoothingGrid(topInvA: topInvA)
        amplitude(gain: highPass, work: &work, into: &amp)
        if 2 * m.x * m.y * m.z <= full.x * full.y * full.z {
            return amp.withUnsafeMutableBufferPointer { a in
                let rowStride = work.withForwardTransform(of: a) { f in
                    FourierResample.resampledValues(f, grid: grid, to: m, gain: lowPass, over: a)
                }
                return sets.map { MonogenicSignal.sample(UnsafeBufferPointer(a), dims: m, rowStride: rowStride, fullDims: full, at: $0) }
            }
        }
        amp.withUnsafeMutableBufferPointer { work.lowPassInPlace($0, grid: grid, gain: lowPass) }
        return sets.map { MonogenicSignal.sample(amp, dims: full, fullDims: full, at: $0) }
    }

    /// The grid on which the amplitude low-passed at `topInvA` is sampled: cropped to twice that frequency
    /// (accurate trilinear sampling), or the full grid.
    func smoothingGrid(topInvA: Double) -> SIMD3<Int> {
        let grid = spectrum.grid
        let n = SIMD3(grid.nx, grid.ny, grid.nz)
        return SIMD3<Int>((0..<3).map { a in
            let jmax = Int((2 * topInvA * Double(n[a]) * grid.voxelSize[a]).rounded(.up))
            let m = FFT.goodSize(atLeast: 2 * jmax + 2)
            return m >= n[a] ? n[a] : m
        })
    }
}

extension AmplitudeWork {
    /// `values` (a real volume of this grid, x fastest) multiplied in Fourier space by `gain`, in place through
    /// the scratch spectrum. As `FourierResample.resampledValues` onto the same grid: the Nyquist index of an
    /// even axis is dropped, and the result is the band-limited function's samples.
    mutating func lowPassInPlace<G: RadialGain>(_ values: UnsafeMutableBufferPointer<Float>, grid: FrequencyGrid, gain: G) {
        let (mx, my, mz) = (dims.x, dims.y, dims.z)
        precondition(grid.nx == mx && grid.ny == my && grid.nz == mz && values.count == mx * my * mz)
        let hm = mx / 2 + 1
        withScratch { sc in
            FFT.forwardUnnormalised(nx: mx, ny: my, nz: mz, input: values, output: sc, threads: Parallel.workers)
            FourierVolume.applyGain(gain, grid: grid, to: sc)
            // The Nyquist index of each even axis, which resampledValues does not carry over.
            if mz % 2 == 0 { for i in (hm * my * (mz / 2))..<(hm * my * (mz / 2 + 1)) { sc[i] = .zero } }
            if my % 2 == 0 { for k in 0..<mz { for i in 0..<hm { sc[i + hm * (my / 2 + my * k)] = .zero } } }
            if mx % 2 == 0 { for row in 0..<(my * mz) { sc[hm - 1 + hm * row] = .zero } }
            FFT.inverseInPlace(nx: mx, ny: my, nz: mz, buffer: sc, threads: Parallel.workers)
            FFT.copyPaddedRows(sc, nx: mx, ny: my, nz: mz, scale: 1 / Float(mx * my * mz), into: values)
        }
    }
}
