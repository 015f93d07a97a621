// 2D real-to-complex FFTs of images through FFTW (single precision), with the same layout and normalisation
// as VolumeNumerics' 3D transforms: half spectrum kx = 0…nx/2 fastest (hx = nx/2 + 1), then ky = 0…ny−1
// (ky ≥ ny/2 meaning ky − ny); forward unnormalised (numpy.fft.rfft2), inverse divided by nx·ny.
// Plans are single-threaded (callers parallelise over images) and made once per size through
// VolumeNumerics' plan cache, whose lock keeps FFTW's planner single-threaded across the process.
import CFFTW
import VolumeNumerics

/// The half spectrum of an image.
public struct Spectrum2D: Sendable, Equatable {
    public let nx: Int, ny: Int
    /// Pixel size of the real image in Å.
    public let pixelSizeA: Double
    /// Coefficients (re, im), count hx·ny.
    public var data: [SIMD2<Float>]

    public var hx: Int { nx / 2 + 1 }

    public init(nx: Int, ny: Int, pixelSizeA: Double, data: [SIMD2<Float>]) {
        precondition(data.count == (nx / 2 + 1) * ny)
        self.nx = nx; self.ny = ny; self.pixelSizeA = pixelSizeA; self.data = data
    }

    /// Signed frequency index along y of row j.
    @inline(__always) public func ky(_ j: Int) -> Int { j < (ny + 1) / 2 ? j : j - ny }
}

public enum FFT2D {
    /// Unnormalised forward transform.
    public static func forward(_ image: Image2D) -> Spectrum2D {
        var out = [SIMD2<Float>](repeating: .zero, count: (image.nx / 2 + 1) * image.ny)
        var input = image.data
        input.withUnsafeMutableBufferPointer { i in
            out.withUnsafeMutableBufferPointer { o in forward(nx: image.nx, ny: image.ny, input: i, output: o) }
        }
        return Spectrum2D(nx: image.nx, ny: image.ny, pixelSizeA: image.pixelSizeA, data: out)
    }

    /// Normalised inverse transform.
    public static func inverse(_ spectrum: Spectrum2D) -> Image2D {
        var scratch = spectrum.data
        var out = [Float](repeating: 0, count: spectrum.nx * spectrum.ny)
        scratch.withUnsafeMutableBufferPointer { s in
            out.withUnsafeMutableBufferPointer { o in
                inverseUnnormalised(nx: spectrum.nx, ny: spectrum.ny, input: s, output: o)
            }
        }
        let scale = 1 / Float(spectrum.nx * spectrum.ny)
        for i in 0..<out.count { out[i] *= scale }
        return Image2D(nx: spectrum.nx, ny: spectrum.ny, data: out, pixelSizeA: spectrum.pixelSizeA)
    }

    /// Forward transform between caller-owned buffers (hot loops). `input` is not modified.
    public static func forward(nx: Int, ny: Int, input: UnsafeMutableBufferPointer<Float>,
                               output: UnsafeMutableBufferPointer<SIMD2<Float>>) {
        precondition(input.count >= nx * ny && output.count >= (nx / 2 + 1) * ny)
        let plan = FFTPlanCache.shared.plan(nx: nx, ny: ny, nz: 1, forward: true, threads: 1)
        output.baseAddress!.withMemoryRebound(to: fftwf_complex.self, capacity: output.count) { c in
            fftwf_execute_dft_r2c(plan, input.baseAddress!, c)
        }
    }

    /// Inverse transform without the 1/(nx·ny) factor between caller-owned buffers; `input` is destroyed.
    public static func inverseUnnormalised(nx: Int, ny: Int, input: UnsafeMutableBufferPointer<SIMD2<Float>>,
                                           output: UnsafeMutableBufferPointer<Float>) {
        precondition(input.count >= (nx / 2 + 1) * ny && output.count >= nx * ny)
        let plan = FFTPlanCache.shared.plan(nx: nx, ny: ny, nz: 1, forward: false, threads: 1)
        input.baseAddress!.withMemoryRebound(to: fftwf_complex.self, capacity: input.count) { c in
            fftwf_execute_dft_c2r(plan, c, output.baseAddress!)
        }
    }
}
