// Fourier shell correlation (FSC) between two maps, and the curves derived from it.
//
// FSC(s) = Σ Re(F1·F2*) / sqrt(Σ|F1|² · Σ|F2|²) over a Fourier shell (shells one sampling step wide,
// shell = round(|s|/Δs), FrequencyGrid.swift; sums over the full spectrum, FourierShells.swift). Curves keep
// shells 0 … the Nyquist shell. A masked FSC multiplies both maps by the same (soft) mask first.
// SSNR of the full map from the halves: 2·FSC/(1 − FSC) (the full map averages two halves; e.g. Penczek
// 2010, Methods Enzymol. 482:1). DPR (differential phase residual, Frank et al. 1981): per shell
// sqrt(Σ w·Δφ² / Σ w) with w = |F1| + |F2| and Δφ the phase difference in degrees wrapped to [−180°, 180°].
import Foundation
import MapIO

/// An FSC curve, shells 0 … Nyquist.
public struct FSCCurve: Sendable, Equatable {
    /// Shell centre frequency in 1/Å.
    public var frequencyInvA: [Double]
    /// FSC per shell (0 where a shell has no power).
    public var fsc: [Double]
    /// Number of full-spectrum coefficients per shell (for the half-bit and one-bit thresholds).
    public var voxelCount: [Double]

    public init(frequencyInvA: [Double], fsc: [Double], voxelCount: [Double]) {
        precondition(frequencyInvA.count == fsc.count && fsc.count == voxelCount.count, "FSCCurve: lengths differ")
        self.frequencyInvA = frequencyInvA; self.fsc = fsc; self.voxelCount = voxelCount
    }

    /// The curve of per-shell sums, cut at the Nyquist shell.
    public init(_ sums: ShellSums) {
        let last = min(sums.nyquistShell, sums.cross.count - 1)
        let r = sums.correlation
        self.init(frequencyInvA: Array(sums.frequencyInvA[0...last]), fsc: (0...last).map { r[$0] ?? 0 },
                  voxelCount: Array(sums.voxelCount[0...last]))
    }

    public var count: Int { fsc.count }

    /// SSNR of the full (two-half) map per shell: 2·FSC/(1 − FSC); FSC is clamped to [0, 0.999999].
    public var ssnr: [Double] { fsc.map { let c = min(max($0, 0), 0.999999); return 2 * c / (1 - c) } }
}

public enum FSC {
    /// The FSC of two spectra on the same grid.
    public static func curve(_ f1: FourierVolume, _ f2: FourierVolume) -> FSCCurve {
        FSCCurve(FourierShells.sums(f1, f2))
    }

    /// The FSC of two maps, each multiplied by `mask` (values in [0, 1]) first if given.
    public static func curve(_ v1: Volume, _ v2: Volume, mask: Volume? = nil) -> FSCCurve {
        precondition(v1.dims == v2.dims, "FSC.curve: boxes \(v1.dims) and \(v2.dims) differ")
        if let m = mask { return curve(FFT.forward(masked(v1, by: m)), FFT.forward(masked(v2, by: m))) }
        return curve(FFT.forward(v1), FFT.forward(v2))
    }

    /// The FSC of two maps, each multiplied by `mask` first; each masked spectrum is made in place (no masked
    /// copies of the maps).
    public static func curve(_ v1: Volume, _ v2: Volume, mask: CroppedVolume) -> FSCCurve {
        precondition(v1.dims == v2.dims, "FSC.curve: boxes \(v1.dims) and \(v2.dims) differ")
        return curve(FFT.forward(v1, maskedBy: mask), FFT.forward(v2, maskedBy: mask))
    }

    /// `volume` multiplied voxel by voxel by `mask`.
    public static func masked(_ volume: Volume, by mask: Volume) -> Volume {
        precondition(volume.dims == mask.dims, "FSC.masked: mask box \(mask.dims) differs from the map's \(volume.dims)")
        var out = volume.data
        out.withUnsafeMutableBufferPointer { o in
            mask.data.withUnsafeBufferPointer { m in
                for i in 0..<o.count { o[i] *= m[i] }
            }
        }
        return volume.withData(out)
    }

    /// Chen et al. 2013 (Ultramicroscopy 135:24) correction of a masked FSC by the masked FSC of the
    /// phase-randomised halves: shells below `randomizedFromShell + 2` keep the masked FSC (as RELION does,
    /// to skip artefacts next to the randomisation edge), beyond it (FSC_t − FSC_n)/(1 − FSC_n).
    public static func phaseRandomizationCorrected(masked: FSCCurve, randomizedMasked: FSCCurve,
                                                   randomizedFromShell: Int) -> FSCCurve {
        precondition(masked.count == randomizedMasked.count, "FSC correction: curves differ in length")
        var out = masked
        for s in 0..<masked.count where s >= randomizedFromShell + 2 {
            let t = masked.fsc[s], n = randomizedMasked.fsc[s]
            out.fsc[s] = n < 1 ? (t - n) / (1 - n) : 0
        }
        return out
    }

    /// The first shell s ≥ 1 whose FSC is below `value` (RELION's randomize_at for value 0.8), if any.
    public static func firstShellBelow(_ curve: FSCCurve, _ value: Double) -> Int? {
        (1..<max(curve.count, 1)).first { curve.fsc[$0] < value }
    }

    /// Differential phase residual per shell in degrees (0 for an empty shell), shells 0 … Nyquist.
    public static func differentialPhaseResidual(_ f1: FourierVolume, _ f2: FourierVolume) -> [Double] {
        precondition(f1.nx == f2.nx && f1.ny == f2.ny && f1.nz == f2.nz, "FSC.differentialPhaseResidual: boxes differ")
        let g = f1.grid
        let shells = g.shellIndices()
        let nShells = g.shellCount
        let hx = g.hx, plane = hx * g.ny
        let chunks = Parallel.reductionChunks(g.nz)
        var partial = [Double](repeating: 0, count: chunks * nShells * 2)
        let weights = (0..<hx).map { g.hermitianWeight($0) }
        f1.data.withUnsafeBufferPointer { a in
            f2.data.withUnsafeBufferPointer { b in
                shells.withUnsafeBufferPointer { sh in
                    partial.withUnsafeMutableBufferPointer { part in
                        parallelChunks(g.nz, chunks: chunks) { c, range in
                            let off = c * nShells * 2
                            for k in range {
                                for idx in (k * plane)..<((k + 1) * plane) {
                                    let u = a[idx], v = b[idx]
                                    let au = Double((u * u).sum()).squareRoot(), av = Double((v * v).sum()).squareRoot()
                                    let w = (au + av) * weights[idx % hx]
                                    if w == 0 { continue }
                                    // Phase difference from F1·F2*: atan2(Im, Re), in degrees.
                                    let re = Double(u.x) * Double(v.x) + Double(u.y) * Double(v.y)
                                    let im = Double(u.y) * Double(v.x) - Double(u.x) * Double(v.y)
                                    let d = atan2(im, re) * 180 / .pi
                                    let o = off + 2 * Int(sh[idx])
                                    part[o] += w * d * d
                                    part[o + 1] += w
                                }
                            }
                        }
                    }
                }
            }
        }
        let last = min(g.nyquistShell, nShells - 1)
        return (0...last).map { s in
            var num = 0.0, den = 0.0
            for c in 0..<chunks { num += partial[(c * nShells + s) * 2]; den += partial[(c * nShells + s) * 2 + 1] }
            return den > 0 ? (num / den).squareRoot() : 0
        }
    }
}
