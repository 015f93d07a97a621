// Spatial frequencies of a half spectrum (1/Å) and the Fourier shells built on them.
//
// Conventions:
// - Frequency of index j along an axis of n voxels of size T Å: (j ≤ n/2 ? j : j − n) / (n·T), in 1/Å.
//   |s| is the length of (sx, sy, sz), so anisotropic voxels and non-cubic boxes get physical frequencies.
// - Shells are one sampling step wide: Δs = 1 / max(n·T) over the three axes (the finest frequency step of the
//   box, i.e. 1 / the longest box edge in Å), and shell = round(|s| / Δs). For a cubic box with cubic voxels
//   this is the usual shell = round(|k|) with |k| in voxels; for a non-cubic box the shells are spherical in
//   1/Å and sample the finest axis at one shell per Fourier voxel (the coarser axes skip shells).
// - The "Nyquist shell" is the last shell inside the sphere of radius min over axes of 1/(2T): shells beyond
//   it are only partly sampled (the box's corners) and are normally ignored.
import Foundation

public struct FrequencyGrid: Sendable, Equatable {
    public let nx: Int, ny: Int, nz: Int
    public let voxelSize: SIMD3<Double>

    public init(nx: Int, ny: Int, nz: Int, voxelSize: SIMD3<Double>) {
        self.nx = nx; self.ny = ny; self.nz = nz; self.voxelSize = voxelSize
    }

    public var hx: Int { nx / 2 + 1 }

    /// Signed frequency index of array index j along an axis of n samples.
    @inline(__always) public static func signedIndex(_ j: Int, _ n: Int) -> Int { j <= n / 2 ? j : j - n }

    /// Frequencies in 1/Å of the stored kx (count hx), ky (count ny), kz (count nz).
    public var sx: [Double] { (0..<hx).map { Double($0) / (Double(nx) * voxelSize.x) } }
    public var sy: [Double] { (0..<ny).map { Double(FrequencyGrid.signedIndex($0, ny)) / (Double(ny) * voxelSize.y) } }
    public var sz: [Double] { (0..<nz).map { Double(FrequencyGrid.signedIndex($0, nz)) / (Double(nz) * voxelSize.z) } }

    /// Shell width Δs in 1/Å: 1 / the longest box edge in Å.
    public var shellWidthInvA: Double {
        1 / max(Double(nx) * voxelSize.x, Double(ny) * voxelSize.y, Double(nz) * voxelSize.z)
    }

    /// Nyquist frequency in 1/Å: the smallest of 1/(2T) over the axes.
    public var nyquistInvA: Double { 0.5 / max(voxelSize.x, voxelSize.y, voxelSize.z) }

    /// The last shell fully inside the Nyquist sphere (n/2 for a cubic box of even size).
    public var nyquistShell: Int { Int((nyquistInvA / shellWidthInvA + 1e-9).rounded(.down)) }

    /// Number of shells that hold at least one stored coefficient (up to the box's corner).
    public var shellCount: Int {
        let corner = (0.5 / voxelSize.x) * (0.5 / voxelSize.x) + (0.5 / voxelSize.y) * (0.5 / voxelSize.y)
            + (0.5 / voxelSize.z) * (0.5 / voxelSize.z)
        return Int((corner.squareRoot() / shellWidthInvA).rounded()) + 1
    }

    /// Frequency (1/Å) at the centre of each shell: shell·Δs.
    public var shellFrequenciesInvA: [Double] { (0..<shellCount).map { Double($0) * shellWidthInvA } }

    /// How many full-spectrum coefficients a stored kx index stands for (1 on the kx = 0 and kx = nx/2
    /// planes, whose Hermitian partners are stored too; 2 elsewhere).
    @inline(__always) public func hermitianWeight(_ i: Int) -> Double {
        (i == 0 || (nx % 2 == 0 && i == nx / 2)) ? 1 : 2
    }

    /// |s| in 1/Å of every stored coefficient (layout of `FourierVolume.data`).
    public func frequencyMagnitudes() -> [Float] {
        let (fx, fy, fz) = (sx, sy, sz)
        let hx = self.hx
        var out = [Float](repeating: 0, count: hx * ny * nz)
        out.withUnsafeMutableBufferPointer { o in
            parallelFor(nz) { k in
                for j in 0..<ny {
                    let yz = fy[j] * fy[j] + fz[k] * fz[k]
                    let base = hx * (j + ny * k)
                    for i in 0..<hx { o[base + i] = Float((fx[i] * fx[i] + yz).squareRoot()) }
                }
            }
        }
        return out
    }

    /// The shell of every stored coefficient (layout of `FourierVolume.data`).
    public func shellIndices() -> [Int32] {
        let (fx, fy, fz) = (sx, sy, sz)
        let hx = self.hx
        let inv = 1 / shellWidthInvA
        var out = [Int32](repeating: 0, count: hx * ny * nz)
        out.withUnsafeMutableBufferPointer { o in
            parallelFor(nz) { k in
                for j in 0..<ny {
                    let yz = fy[j] * fy[j] + fz[k] * fz[k]
                    let base = hx * (j + ny * k)
                    for i in 0..<hx { o[base + i] = Int32(((fx[i] * fx[i] + yz).squareRoot() * inv).rounded()) }
                }
            }
        }
        return out
    }
}

/// Runs `body(i)` for i in 0..<n on every core, in contiguous chunks. `body` must only write disjoint data.
public func parallelFor(_ n: Int, _ body: (Int) -> Void) {
    let chunks = min(n, 4 * max(1, Parallel.workers))
    if chunks <= 1 { for i in 0..<n { body(i) }; return }
    Parallel.perform(iterations: chunks) { c in
        let lo = n * c / chunks, hi = n * (c + 1) / chunks
        for i in lo..<hi { body(i) }
    }
}

/// Runs `body(chunk, range)` over `chunks` contiguous ranges of 0..<n in parallel (for per-chunk partial sums).
public func parallelChunks(_ n: Int, chunks: Int, _ body: (Int, Range<Int>) -> Void) {
    Parallel.perform(iterations: chunks) { c in
        body(c, (n * c / chunks)..<(n * (c + 1) / chunks))
    }
}
