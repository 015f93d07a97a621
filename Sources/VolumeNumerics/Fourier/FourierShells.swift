// Rotational averages and per-shell sums over Fourier shells (shells defined in FrequencyGrid.swift).
//
// Sums run over the full spectrum: every stored coefficient off the kx = 0 and kx = nx/2 planes also stands
// for its Hermitian partner and counts twice. The cross term Σ F1·F2* is real over the full spectrum (the
// imaginary parts of Hermitian pairs cancel), so only its real part is kept. These sums are what an FSC
// needs: FSC = Σ Re(F1·F2*) / sqrt(Σ|F1|² · Σ|F2|²), with the voxel count per shell for the half-bit and
// one-bit criteria (van Heel & Schatz 2005).
import Foundation

/// Rotationally averaged amplitude and power of one spectrum, per shell.
public struct ShellProfile: Sendable, Equatable {
    /// Shell centre frequency in 1/Å (shell·Δs).
    public var frequencyInvA: [Double]
    /// Number of full-spectrum coefficients in each shell.
    public var voxelCount: [Double]
    /// Mean |F| per shell (0 for an empty shell).
    public var meanAmplitude: [Double]
    /// Mean |F|² per shell (0 for an empty shell).
    public var meanPower: [Double]
    /// The last shell fully inside the Nyquist sphere.
    public var nyquistShell: Int
}

/// Per-shell sums of two spectra on the same grid.
public struct ShellSums: Sendable, Equatable {
    /// Shell centre frequency in 1/Å.
    public var frequencyInvA: [Double]
    /// Number of full-spectrum coefficients in each shell.
    public var voxelCount: [Double]
    /// Σ Re(F1·F2*) per shell.
    public var cross: [Double]
    /// Σ |F1|² per shell.
    public var power1: [Double]
    /// Σ |F2|² per shell.
    public var power2: [Double]
    /// The last shell fully inside the Nyquist sphere.
    public var nyquistShell: Int

    /// Fourier shell correlation per shell (nil where a shell has no power).
    public var correlation: [Double?] {
        (0..<cross.count).map { s in
            let d = (power1[s] * power2[s]).squareRoot()
            return d > 0 ? cross[s] / d : nil
        }
    }
}

public enum FourierShells {
    /// Rotationally averaged amplitude and power of `spectrum`.
    public static func profile(_ spectrum: FourierVolume) -> ShellProfile {
        let sums = accumulate(spectrum, nil)
        let n = sums.count.count
        var amp = [Double](repeating: 0, count: n), pow = amp
        for s in 0..<n where sums.count[s] > 0 {
            amp[s] = sums.a[s] / sums.count[s]
            pow[s] = sums.p1[s] / sums.count[s]
        }
        let g = spectrum.grid
        return ShellProfile(frequencyInvA: g.shellFrequenciesInvA, voxelCount: sums.count, meanAmplitude: amp,
                            meanPower: pow, nyquistShell: g.nyquistShell)
    }

    /// Per-shell sums Σ Re(F1·F2*), Σ|F1|², Σ|F2|² and coefficient counts of two spectra on the same grid.
    public static func sums(_ f1: FourierVolume, _ f2: FourierVolume) -> ShellSums {
        precondition(f1.nx == f2.nx && f1.ny == f2.ny && f1.nz == f2.nz, "FourierShells.sums: boxes differ")
        let r = accumulate(f1, f2)
        let g = f1.grid
        return ShellSums(frequencyInvA: g.shellFrequenciesInvA, voxelCount: r.count, cross: r.cross,
                         power1: r.p1, power2: r.p2, nyquistShell: g.nyquistShell)
    }

    private struct Acc { var count: [Double]; var a: [Double]; var p1: [Double]; var p2: [Double]; var cross: [Double] }

    private static func accumulate(_ f1: FourierVolume, _ f2: FourierVolume?) -> Acc {
        let g = f1.grid
        let nShells = g.shellCount
        let (fx, fy, fz) = (g.sx, g.sy, g.sz)
        let inv = 1 / g.shellWidthInvA
        let (hx, ny, nz) = (g.hx, g.ny, g.nz)
        let weights = (0..<hx).map { g.hermitianWeight($0) }
        let chunks = Parallel.reductionChunks(nz)
        // Five sums per shell per chunk: count, Σ|F1|, Σ|F1|², Σ|F2|², Σ Re F1 F2*.
        var partial = [Double](repeating: 0, count: chunks * nShells * 5)
        let empty: [SIMD2<Float>] = []
        f1.data.withUnsafeBufferPointer { a in
            (f2?.data ?? empty).withUnsafeBufferPointer { b in
                let hasB = f2 != nil
                partial.withUnsafeMutableBufferPointer { part in
                    parallelChunks(nz, chunks: chunks) { c, range in
                        let off = c * nShells * 5
                        for k in range {
                            for j in 0..<ny {
                                let yz = fy[j] * fy[j] + fz[k] * fz[k]
                                let base = hx * (j + ny * k)
                                for i in 0..<hx {
                                    let s = Int(((fx[i] * fx[i] + yz).squareRoot() * inv).rounded())
                                    let w = weights[i]
                                    let v = a[base + i]
                                    let p = Double(v.x) * Double(v.x) + Double(v.y) * Double(v.y)
                                    let o = off + 5 * s
                                    part[o] += w
                                    part[o + 1] += w * p.squareRoot()
                                    part[o + 2] += w * p
                                    if hasB {
                                        let u = b[base + i]
                                        part[o + 3] += w * (Double(u.x) * Double(u.x) + Double(u.y) * Double(u.y))
                                        part[o + 4] += w * (Double(v.x) * Double(u.x) + Double(v.y) * Double(u.y))
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        var acc = Acc(count: .init(repeating: 0, count: nShells), a: .init(repeating: 0, count: nShells),
                      p1: .init(repeating: 0, count: nShells), p2: .init(repeating: 0, count: nShells),
                      cross: .init(repeating: 0, count: nShells))
        for c in 0..<chunks {
            for s in 0..<nShells {
                let o = (c * nShells + s) * 5
                acc.count[s] += partial[o]; acc.a[s] += partial[o + 1]; acc.p1[s] += partial[o + 2]
                acc.p2[s] += partial[o + 3]; acc.cross[s] += partial[o + 4]
            }
        }
        return acc
    }
}
