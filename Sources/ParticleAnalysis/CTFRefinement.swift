// 4.i CTF stability: per-particle refinement of the defocus (U, V) and the astigmatism angle against the map's
// projection at the particle's assigned angles and origin, a local search around the STAR file's values. VRS
// runs RELION's ctf_refine (Zivanov, Nakane & Scheres 2018/2020) for this; ours is the same idea — the CTF
// that best explains the image given the reference — by a plain search.
//
// Score (least squares with a free scale): for the image spectrum I, the projection spectrum P and a CTF c,
//   S(c) = Σ_k w_k c_k Re(I_k P_k*) / sqrt(Σ_k w_k c_k² |P_k|²),
// over the half-spectrum frequencies 0 < |k| ≤ s_max (s_max: Nyquist, or 1/R when the map's resolution R is
// given: the projection carries nothing beyond it); w_k = 2 for the columns whose Hermitian mates are not
// stored. Maximising S is maximising the likelihood of the image under white Gaussian noise with the
// best scale a = Σ w c Re(I P*) / Σ w c² |P|².
//
// Search: (1) the mean defocus on a grid of ±range around the STAR's, U and V moved together, with a step
// of 1/(4 λ s_max²), the defocus change that turns the CTF phase by π/4 at s_max: the score's peak is wider
// than that, so the grid cannot step over it; (2) a pattern search on (U, V, angle) from the best grid
// point, trying ± steps along U, V, U+V, U−V and the angle, halving the steps when no move improves, down to
// 1/16 of the grid step (angle 1°). Defocus is kept ≥ 0 (underfocus).
import Foundation
import ImageData

public struct CTFRefinementSettings: Sendable, Equatable {
    /// Half-width of the mean-defocus grid around the STAR's value, Å.
    public var rangeA: Double = 6000
    /// Highest spatial frequency used, Å⁻¹.
    public var maxFrequencyInvA: Double
    /// Electron wavelength, Å (for the grid step).
    public var wavelengthA: Double

    public init(rangeA: Double = 6000, maxFrequencyInvA: Double, wavelengthA: Double) {
        self.rangeA = rangeA; self.maxFrequencyInvA = maxFrequencyInvA; self.wavelengthA = wavelengthA
    }

    /// The mean-defocus grid step, Å: 1/(4 λ s_max²), which turns the CTF phase by π/4 at s_max; kept
    /// between 10 and 1000 Å.
    public var gridStepA: Double {
        min(1000, max(10, 1 / (4 * wavelengthA * maxFrequencyInvA * maxFrequencyInvA)))
    }

    /// The finest defocus step of the pattern search, Å.
    public var finalStepA: Double { gridStepA / 16 }
}

public struct CTFRefinementResult: Sendable, Equatable, Codable {
    /// The refined CTF (U, V, angle changed; the rest as given).
    public var refined: CTFParameters
    /// Scores of the STAR's CTF and of the refined one.
    public var startScore: Double, score: Double
}

public enum CTFRefinement {
    /// The frequencies and products one particle's search needs, precomputed once.
    struct Terms {
        /// |s|² (Å⁻²), cos 2φ and sin 2φ of the azimuth, w·Re(I P*), w·|P|².
        var s2: [Double] = [], cos2: [Double] = [], sin2: [Double] = [], cross: [Double] = [], power: [Double] = []
    }

    static func terms(image: Spectrum2D, projection: Spectrum2D, maxFrequencyInvA: Double) -> Terms {
        precondition(image.nx == projection.nx && image.ny == projection.ny, "CTFRefinement: spectra differ in size")
        var t = Terms()
        let dsx = 1 / (Double(image.nx) * image.pixelSizeA), dsy = 1 / (Double(image.ny) * image.pixelSizeA)
        let smax2 = maxFrequencyInvA * maxFrequencyInvA
        for j in 0..<image.ny {
            let sy = Double(image.ky(j)) * dsy
            for i in 0..<image.hx {
                let sx = Double(i) * dsx
                let s2 = sx * sx + sy * sy
                guard s2 > 0, s2 <= smax2 else { continue }
                // Columns 1…nx/2−1 stand for their Hermitian mates too.
                let w = (i == 0 || (image.nx % 2 == 0 && i == image.nx / 2)) ? 1.0 : 2.0
                let a = image.data[i + image.hx * j], b = projection.data[i + image.hx * j]
                t.s2.append(s2); t.cos2.append((sx * sx - sy * sy) / s2); t.sin2.append(2 * sx * sy / s2)
                t.cross.append(w * (Double(a.x) * Double(b.x) + Double(a.y) * Double(b.y)))
                t.power.append(w * (Double(b.x) * Double(b.x) + Double(b.y) * Double(b.y)))
            }
        }
        return t
    }

    /// S(c) for the CTF `p` (see the file's comment); 0 when the projection has no power.
    static func score(_ t: Terms, _ p: CTFParameters) -> Double {
        let ctf = CTF(p)
        var num = 0.0, den = 0.0
        for k in 0..<t.s2.count {
            let c = ctf.value(s2: t.s2[k], cos2: t.cos2[k], sin2: t.sin2[k])
            num += c * t.cross[k]; den += c * c * t.power[k]
        }
        return den > 0 ? num / den.squareRoot() : 0
    }

    /// Refines U, V and the astigmatism angle of `start` for the image whose spectrum is `image`, given the
    /// projection's spectrum (same size and sampling, already moved by −origin).
    public static func refine(image: Spectrum2D, projection: Spectrum2D, start: CTFParameters,
                              settings: CTFRefinementSettings) -> CTFRefinementResult {
        let t = terms(image: image, projection: projection, maxFrequencyInvA: settings.maxFrequencyInvA)
        func with(_ u: Double, _ v: Double, _ angle: Double) -> CTFParameters {
            var p = start
            p.defocusUA = max(0, u); p.defocusVA = max(0, v); p.defocusAngleDeg = angle
            return p
        }
        let startScore = score(t, start)
        // (1) Mean defocus on the grid, U and V together.
        let h = settings.gridStepA
        let steps = Int((settings.rangeA / h).rounded(.down))
        var best = (u: start.defocusUA, v: start.defocusVA, angle: start.defocusAngleDeg, score: startScore)
        for k in -steps...steps where k != 0 {
            let d = Double(k) * h
            guard start.defocusUA + d >= 0, start.defocusVA + d >= 0 else { continue }
            let s = score(t, with(start.defocusUA + d, start.defocusVA + d, start.defocusAngleDeg))
            if s > best.score { best = (start.defocusUA + d, start.defocusVA + d, start.defocusAngleDeg, s) }
        }
        // (2) Pattern search on (U, V, angle).
        var step = h / 2, angleStep = 15.0
        var iterations = 0
        while step >= settings.finalStepA && iterations < 400 {
            iterations += 1
            let moves: [(Double, Double, Double)] = [
                (step, 0, 0), (-step, 0, 0), (0, step, 0), (0, -step, 0), (step, step, 0), (-step, -step, 0),
                (step, -step, 0), (-step, step, 0), (0, 0, angleStep), (0, 0, -angleStep),
            ]
            var moved = false
            for m in moves {
                let u = best.u + m.0, v = best.v + m.1
                guard u >= 0, v >= 0 else { continue }
                let angle = best.angle + m.2
                let s = score(t, with(u, v, angle))
                if s > best.score { best = (u, v, angle, s); moved = true }
            }
            if !moved { step /= 2; angleStep = max(1, angleStep / 2) }
        }
        // The angle as RELION keeps it, in (−180, 180].
        var angle = best.angle.truncatingRemainder(dividingBy: 360)
        if angle > 180 { angle -= 360 } else if angle <= -180 { angle += 360 }
        return CTFRefinementResult(refined: with(best.u, best.v, angle), startScore: startScore, score: best.score)
    }
}
