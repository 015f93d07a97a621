// Phase randomisation beyond a frequency (Chen et al. 2013, Ultramicroscopy 135:24), for the masked-FSC
// correction: every coefficient with |s|/Δs ≥ `fromShell` (|s| in 1/Å, Δs the shell width; RELION's
// "|k| ≥ randomize_at") keeps its amplitude and gets a uniform random phase.
// Hermitian symmetry is kept on the kx = 0 and kx = nx/2 planes (a coefficient and its partner at (−ky, −kz)
// get opposite phases; self-conjugate coefficients get a random sign), so the inverse transform is the real
// map whose spectrum this is. Phases come from a hash of (seed, coefficient index): reproducible and
// independent of thread scheduling.
import Foundation

public enum PhaseRandomization {
    /// `spectrum` with random phases at and beyond shell `fromShell`.
    public static func randomized(_ spectrum: FourierVolume, fromShell: Int, seed: UInt64) -> FourierVolume {
        let g = spectrum.grid
        let (fx, fy, fz) = (g.sx, g.sy, g.sz)
        let (hx, ny, nz, nx) = (g.hx, g.ny, g.nz, g.nx)
        let inv = 1 / g.shellWidthInvA
        let limit = Double(fromShell)
        var out = Parallel.array(copying: spectrum.data)   // copied on every worker (fresh pages, see Parallel)
        out.withUnsafeMutableBufferPointer { o in
            parallelFor(nz) { k in
                for j in 0..<ny {
                    let yz = fy[j] * fy[j] + fz[k] * fz[k]
                    let base = hx * (j + ny * k)
                    for i in 0..<hx {
                        let r = (fx[i] * fx[i] + yz).squareRoot() * inv
                        if r < limit { continue }
                        let idx = base + i
                        let v = o[idx]
                        let amp = (v * v).sum().squareRoot()
                        let onPlane = i == 0 || (nx % 2 == 0 && i == nx / 2)
                        var sign = 1.0
                        var key = idx
                        if onPlane {
                            let jn = (ny - j) % ny, kn = (nz - k) % nz
                            let partner = i + hx * (jn + ny * kn)
                            if partner == idx {
                                let flip = hashUniform(seed, UInt64(idx)) < 0.5
                                o[idx] = SIMD2(flip ? -amp : amp, 0)
                                continue
                            }
                            if partner < idx { key = partner; sign = -1 }
                        }
                        let phase = sign * 2 * Double.pi * hashUniform(seed, UInt64(key))
                        o[idx] = SIMD2(Float(Double(amp) * cos(phase)), Float(Double(amp) * sin(phase)))
                    }
                }
            }
        }
        return spectrum.withData(out)
    }

    /// A uniform number in [0, 1) from (seed, index) (SplitMix64 finaliser).
    @inline(__always) static func hashUniform(_ seed: UInt64, _ index: UInt64) -> Double {
        var z = seed &+ (index &+ 1) &* 0x9E3779B97F4A7C15
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        z = z ^ (z >> 31)
        return Double(z >> 11) / Double(UInt64(1) << 53)
    }
}
