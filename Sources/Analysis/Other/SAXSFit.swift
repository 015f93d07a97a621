// Fitting a model's SAXS profile to a measured curve, and the Guinier radius of gyration.
//  - Fit: for each (c1, c2) on a grid (FoXS, Schneidman-Duhovny et al. 2010), the scale c and background b
//    minimising χ² = (1/N) Σ ((I_exp − (c·I_model + b)) / σ)² by weighted linear least squares; the best of the grid.
//  - Guinier (Guinier 1939): ln I(q) = ln I(0) − Rg² q² / 3 for q·Rg ≤ 1.3, fitted by weighted least squares
//    from the first point, the range refined until Rg settles.
import Foundation
import ModelIO

public struct SAXSFitResult: Sendable {
    public var c1: Double, c2: Double, scale: Double, background: Double
    public var chi2: Double
    /// The fitted model at the data's q: c·I_model(q) + b.
    public var fitted: [Double]
}

public struct SAXSGuinierFit: Sendable, Equatable {
    public var rgA: Double
    public var i0: Double
    /// Points used, from the first: q[0…count−1]; q·Rg at the last one.
    public var points: Int
    public var qRgMax: Double
}

public enum SAXS {
    /// The model's scatterers: heavy atoms (waters and hydrogens left out) as united atoms, typed by element
    /// and hydrogen count; with each type's (element, hydrogens).
    public static func scatterers(_ model: AtomicModel) -> (positions: [SIMD3<Double>], types: [Int], kinds: [(String, Int)], atoms: [Atom]) {
        var kinds: [(String, Int)] = []
        var index: [String: Int] = [:]
        var positions: [SIMD3<Double>] = [], types: [Int] = [], atoms: [Atom] = []
        for a in model.atoms where !a.isHydrogen && a.residueName != "HOH" && a.residueName != "WAT" {
            let e = FormFactors.cromerMann[a.element] != nil ? a.element : "C"
            let h = UnitedAtoms.hydrogens(residue: a.residueName, atom: a.name)
            let key = "\(e)\(h)"
            if index[key] == nil { index[key] = kinds.count; kinds.append((e, h)) }
            positions.append(a.position); types.append(index[key]!); atoms.append(a)
        }
        return (positions, types, kinds, atoms)
    }

    /// Fraction of each atom's solvent-accessible sphere (van der Waals radius + 1.4 Å probe) that lies in
    /// solvent, from 32 points on a golden spiral tested against the 1 Å solvent grid.
    public static func exposure(_ atoms: [Atom]) -> [Double] {
        let grid = SolventGrid(atoms: atoms, spacing: 1.0, margin: 4)
        let n = 32
        let dirs: [SIMD3<Double>] = (0..<n).map { k in
            let z = 1 - (2 * Double(k) + 1) / Double(n), r = (1 - z * z).squareRoot()
            let phi = Double(k) * Double.pi * (3 - 5.0.squareRoot())
            return SIMD3(r * cos(phi), r * sin(phi), z)
        }
        return atoms.map { a in
            let r = SolventGrid.vdwRadius(a.element) + 1.4
            var free = 0
            for d in dirs { if let c = grid.cell(a.position + r * d), grid.cover[grid.index(c)] == 0 { free += 1 } }
            return Double(free) / Double(n)
        }
    }

    /// Fits the model to the curve over the grid of c1, c2.
    public static func fit(histograms h: DebyeHistograms, kinds: [(String, Int)], q: [Double], intensity: [Double],
                           sigma: [Double], c1Grid: [Double] = (95...105).map { Double($0) / 100 },
                           c2Grid: [Double] = (0...40).map { Double($0) / 10 }) -> SAXSFitResult {
        let parts = q.map { h.parts(q: $0) }
        let water = q.map { FormFactors.water(q: $0) }
        var best: SAXSFitResult?
        for c1 in c1Grid {
            let factors = q.map { qq in kinds.map { e, nh in
                FormFactors.vacuum(e, q: qq) + Double(nh) * FormFactors.vacuum("H", q: qq)
                    - c1 * FormFactors.excluded(volume: FormFactors.volume[e]! + Double(nh) * FormFactors.volume["H"]!, q: qq)
            } }
            for c2 in c2Grid {
                let model = q.indices.map { i in profile(parts[i], factors[i], c2: c2, water: water[i]) }
                let (c, b, chi2) = scaleAndBackground(model: model, intensity: intensity, sigma: sigma)
                if best == nil || chi2 < best!.chi2 {
                    best = SAXSFitResult(c1: c1, c2: c2, scale: c, background: b, chi2: chi2,
                                         fitted: model.map { c * $0 + b })
                }
            }
        }
        return best!
    }

    /// I(q) from the precomputed parts at one q.
    public static func profile(_ p: (pairs: [[Double]], hydration: [Double], hydrationPairs: Double), _ f: [Double],
                               c2: Double, water: Double) -> Double {
        var sum = 0.0, cross = 0.0
        for a in f.indices {
            for b in f.indices { sum += f[a] * f[b] * p.pairs[a][b] }
            cross += f[a] * p.hydration[a]
        }
        return sum + 2 * c2 * water * cross + c2 * c2 * water * water * p.hydrationPairs
    }

    /// Weighted least squares of I ≈ c·model + b; returns c, b and χ² = (1/N) Σ residual²/σ².
    public static func scaleAndBackground(model m: [Double], intensity y: [Double], sigma s: [Double]) -> (Double, Double, Double) {
        var sw = 0.0, sx = 0.0, sy = 0.0, sxx = 0.0, sxy = 0.0
        for i in m.indices {
            let w = 1 / (s[i] * s[i])
            sw += w; sx += w * m[i]; sy += w * y[i]; sxx += w * m[i] * m[i]; sxy += w * m[i] * y[i]
        }
        let det = sw * sxx - sx * sx
        let c = det != 0 ? (sw * sxy - sx * sy) / det : sxy / sxx
        let b = det != 0 ? (sy - c * sx) / sw : 0
        var chi2 = 0.0
        for i in m.indices { let r = (y[i] - c * m[i] - b) / s[i]; chi2 += r * r }
        return (c, b, chi2 / Double(m.count))
    }

    /// Guinier fit from the first point; nil when the curve does not fall at low q (no positive Rg).
    public static func guinier(q: [Double], intensity: [Double], sigma: [Double]? = nil, qRgLimit: Double = 1.3,
                               minimumPoints: Int = 5) -> SAXSGuinierFit? {
        let usable = zip(q, intensity).prefix { $0.1 > 0 }.count
        guard usable >= minimumPoints else { return nil }
        var count = min(usable, max(minimumPoints, usable / 10))
        var result: SAXSGuinierFit?
        for _ in 0..<50 {
            var sw = 0.0, sx = 0.0, sy = 0.0, sxx = 0.0, sxy = 0.0
            for i in 0..<count {
                let x = q[i] * q[i], y = log(intensity[i])
                // Weights 1/σ_ln² = (I/σ)² when errors are given.
                let w = sigma.map { (intensity[i] / $0[i]) * (intensity[i] / $0[i]) } ?? 1
                sw += w; sx += w * x; sy += w * y; sxx += w * x * x; sxy += w * x * y
            }
            let slope = (sw * sxy - sx * sy) / (sw * sxx - sx * sx)
            guard slope < 0, slope.isFinite else { return result }
            let rg = (-3 * slope).squareRoot()
            let intercept = (sy - slope * sx) / sw
            let next = max(minimumPoints, min(usable, q.prefix(usable).prefix { $0 * rg <= qRgLimit }.count))
            result = SAXSGuinierFit(rgA: rg, i0: exp(intercept), points: count, qRgMax: q[count - 1] * rg)
            if next == count { break }
            count = next
        }
        return result
    }
}
