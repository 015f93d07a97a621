// The monogenic amplitude of a whole spectrum under a radial gain that reaches Nyquist (MonoRes's high-pass,
// Vilas et al. 2018), and its low-passed version on the coarsest grid that holds it.
//
// A high-pass keeps every frequency up to Nyquist, so g and its Riesz components r_j = IFFT(−i·(s_j/|s|)·G) need
// full-size inverse transforms (four per frequency; MonogenicSignal.swift's cropping applies only to bands).
// A = sqrt(g² + r_x² + r_y² + r_z²) is accumulated component by component (AmplitudeWork, in-place transforms).
// The amplitude low-passed at f_top is band-limited, so it is returned on a grid cropped to twice f_top (for
// accurate trilinear sampling): one forward transform of A, the low-pass applied while cropping.
// Cost per tested resolution: 5 full-size transforms (4 inverse, 1 forward) and one small inverse.
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

    /// The amplitude under `highPass`, low-passed by `lowPass` (zero above `topInvA`), on the coarsest grid
    /// sampling 2·topInvA (sample it with `MonogenicSignal.sample`).
    func smoothed(highPass: RaisedCosineHighPass, lowPass: RaisedCosineLowPass, topInvA: Double,
                  work: inout AmplitudeWork, amplitude amp: inout [Float]) -> (values: [Float], dims: SIMD3<Int>) {
        amplitude(gain: highPass, work: &work, into: &amp)
        let grid = spectrum.grid
        let n = SIMD3(grid.nx, grid.ny, grid.nz)
        let dims = SIMD3<Int>((0..<3).map { a in
            let jmax = Int((2 * topInvA * Double(n[a]) * grid.voxelSize[a]).rounded(.up))
            let m = FFT.goodSize(atLeast: 2 * jmax + 2)
            return m >= n[a] ? n[a] : m
        })
        let values = amp.withUnsafeMutableBufferPointer { a in
            work.withForwardTransform(of: a) { f in
                FourierResample.resampledValues(f, grid: grid, to: dims, gain: lowPass)
            }
        }
        return (values, dims)
    }
}
