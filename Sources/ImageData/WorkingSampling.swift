// The sampling an image or map is brought to by Fourier cropping before heavy work (classification,
// projection matching, reconstruction): the same field of view on a smaller, even grid. One rule for every
// caller, so a box and pixel printed in one section mean the same thing in another.
import Foundation
import MapIO
import VolumeNumerics

public enum WorkingSampling {
    /// Largest working box (pixels) of a section that holds the map's transform, or a reconstruction's, padded
    /// twice: 8·(n + 1)·4n² bytes, 540 MB at n = 256 but 4.3 GB at 512 (4.a–4.d, 4.f, 4.i).
    public static let maxPaddedBox = 256

    /// The working box (pixels, even) and pixel (Å) for `n` pixels of `pixelA` Å: the pixel coarsened to
    /// `finestPixelA` when that is coarser, the box then capped at `maxBox` and kept at least `minBox`, never
    /// above `n`; the field of view n·pixelA is kept. An odd `n` that needs no cropping becomes n − 1 (the
    /// Fourier crop drops the unpaired Nyquist line). Returns (n, pixelA) when nothing changes.
    public static func cropped(box n: Int, pixelA: Double, maxBox: Int,
                               finestPixelA: Double? = nil, minBox: Int = 2) -> (box: Int, pixelA: Double) {
        var m = n
        if let f = finestPixelA, f > pixelA { m = Int((Double(n) * pixelA / f).rounded(.down)) }
        m = max(minBox, min(m, maxBox, n))
        m -= m % 2
        return m >= n ? (n, pixelA) : (m, pixelA * Double(n) / Double(m))
    }

    /// The finest pixel (Å) for a method that uses frequencies up to 1/lowPassA: 0.4 × lowPassA, Nyquist a quarter
    /// above its highest frequency (4.b, 4.c).
    public static func finestPixelA(lowPassA: Double) -> Double { 0.4 * lowPassA }

    /// The finest pixel (Å) for a method that uses frequencies up to a map's resolution R: R/3, Nyquist at 1.5/R,
    /// room above R for the CTF's and the interpolation's tails, and for half-set FSCs to fall below 0.143 before
    /// Nyquist (4.d, 4.f, 4.i); none without R.
    public static func finestPixelA(resolutionA: Double?) -> Double? { resolutionA.map { $0 / 3 } }
}

extension WorkingSampling {
    /// `map` Fourier-cropped to a cubic box of `box` voxels over the same field of view (its voxel size
    /// becomes field/box); the map itself when the box is its own.
    public static func map(_ map: Volume, box m: Int) -> Volume {
        m == map.nx && map.ny == m && map.nz == m ? map : FourierResample.resample(map, to: SIMD3(m, m, m))
    }
}
