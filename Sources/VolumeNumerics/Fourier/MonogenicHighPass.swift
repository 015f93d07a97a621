// The monogenic amplitude of a whole spectrum under a radial gain that reaches Nyquist (MonoRes's high-pass,
// Vilas et al. 2018), and its low-passed version on the coarsest grid that holds it.
//
// A high-pass keeps every frequency up to Nyquist, so g and its Riesz components r_j = IFFT(−i·(s_j/|s|)·G) need
// full-size inverse transforms (four per frequency; MonogenicSignal.swift's cropping applies only to bands).
// A = sqrt(g² + r_x² + r_y² + r_z²) is accumulated component by component in one buffer. The amplitude low-passed
// at f_top is band-limited, so it is returned on a grid cropped to twice f_top (for accurate trilinear sampling).
import Foundation
import MapIO

final class HighPassAmplitude {
    let spectrum: FourierVolume
    private let fx: [Float], fy: [Float], fz: [Float]

    init(_ spectrum: FourierVolume) {
        self.spectrum = spectrum
        let g = spectrum.grid
        fx = g.sx.map(Float.init); fy = g.sy.map(Float.init); fz = g.sz.map(Float.init)
    }

    /// A on the full grid (x fastest), for the spectrum multiplied by `gain` (the DC term is dropped).
    func amplitude<G: RadialGain>(gain: G) -> [Float] {
        let (nx, ny, nz, hx) = (spectrum.nx, spectrum.ny, spectrum.nz, spectrum.hx)
        let n = nx * ny * nz
        var acc = [Float](repeating: 0, count: n)
        var out = [Float](repeating: 0, count: n)
        var scratch = [SIMD2<Float>](repeating: .zero, count: spectrum.count)
        let (fx, fy, fz) = (self.fx, self.fy, self.fz)
        for comp in 0..<4 {
            scratch.withUnsafeMutableBufferPointer { sc in
                spectrum.data.withUnsafeBufferPointer { src in
                    parallelFor(nz) { k in
                        for j in 0..<ny {
                            let yz = fy[j] * fy[j] + fz[k] * fz[k]
                            let base = hx * (j + ny * k)
                            for i in 0..<hx {
                                let s = (fx[i] * fx[i] + yz).squareRoot()
                                guard s > 0 else { sc[base + i] = .zero; continue }
                                let v = src[base + i] * gain.gain(s)
                                switch comp {
                                case 0: sc[base + i] = v
                                default:
                                    // −i·w·(a + ib) = w·b − i·w·a, w = s_axis/|s|
                                    let w = (comp == 1 ? fx[i] : comp == 2 ? fy[j] : fz[k]) / s
                                    sc[base + i] = SIMD2(w * v.y, -w * v.x)
                                }
                            }
                        }
                    }
                }
                out.withUnsafeMutableBufferPointer { o in
                    FFT.inverseUnnormalised(nx: nx, ny: ny, nz: nz, input: sc, output: o)
                }
            }
            acc.withUnsafeMutableBufferPointer { a in
                out.withUnsafeBufferPointer { o in
                    parallelFor(nz) { k in
                        for i in (k * nx * ny)..<((k + 1) * nx * ny) { a[i] += o[i] * o[i] }
                    }
                }
            }
        }
        let scale = 1 / Float(n)
        acc.withUnsafeMutableBufferPointer { a in
            parallelFor(nz) { k in
                for i in (k * nx * ny)..<((k + 1) * nx * ny) { a[i] = a[i].squareRoot() * scale }
            }
        }
        return acc
    }

    /// The amplitude under `highPass`, low-passed by `lowPass` (zero above `topInvA`), on the coarsest grid
    /// sampling 2·topInvA (sample it with `MonogenicSignal.sample`).
    func smoothed(highPass: RaisedCosineHighPass, lowPass: RaisedCosineLowPass, topInvA: Double)
        -> (values: [Float], dims: SIMD3<Int>) {
        let v = Volume(nx: spectrum.nx, ny: spectrum.ny, nz: spectrum.nz, data: amplitude(gain: highPass),
                       voxelSize: spectrum.voxelSize)
        let f = FFT.forward(v).filtered(lowPass)
        let dims = SIMD3<Int>((0..<3).map { a in
            let jmax = Int((2 * topInvA * Double(v.dims[a]) * v.voxelSize[a]).rounded(.up))
            let m = FFT.goodSize(atLeast: 2 * jmax + 2)
            return m >= v.dims[a] ? v.dims[a] : m
        })
        return (FourierResample.resampledValues(f, to: dims), dims)
    }
}
