// The model map: the model's electrostatic potential simulated on the map grid (docs/methods.md "The model map"), as
// phenix computes it for map–model correlations (Afonine et al. 2018, Acta Cryst. D74:814; mmtbx five_cc):
// from the atoms' own B-factors, truncated at the resolution R, with no extra blur (docs/methods.md, "A.*").
//
// Real space: each non-hydrogen atom contributes occupancy × Σᵢ aᵢ (4π/Bᵢ)^{3/2} exp(−4π² r² / Bᵢ) with
// Bᵢ = bᵢ + B_atom + B_extra (Å²): the real-space form of the 5-Gaussian electron scattering factor
// f(s) = Σ aᵢ exp(−bᵢ s²) (s = sinθ/λ; International Tables Vol. C, table 4.3.2.2, via gemmi's c4322.hpp)
// smeared by the atom's isotropic B. Sampling narrow atoms on the grid would alias, so the density is drawn
// with a base B_extra = 8π²·(max voxel size)² and the base is removed in Fourier space, where every
// coefficient with |k| ≥ 1/R is also set to zero (phenix keeps d > d_min): F(k)·exp(B_extra·|k|²/4)·[|k| < 1/R].
// Units: Å, Å²; the map's values are in Å⁻¹·Å⁻³ scale (the integral over space of one atom is occ·f(0)).
// The model mask is every voxel within `maskRadiusA` of a non-hydrogen atom; the radius is phenix's atom
// radius at R (twice the first inflection point of a carbon atom's image at R with the model's mean B).
import Foundation
import MapIO
import ModelIO
import VolumeNumerics

public enum ModelMap {
    /// The base B (Å²) that makes atoms smooth on `grid`: 8π²σ² with σ = the largest voxel size.
    public static func baseB(_ grid: Volume) -> Double {
        let t = max(grid.voxelSize.x, grid.voxelSize.y, grid.voxelSize.z)
        return 8 * Double.pi * Double.pi * t * t
    }

    /// Atom radius (Å) for masks at resolution R (Å) and mean isotropic B (Å²), as mmtbx five_cc derives it:
    /// the image of a carbon atom (electron scattering factor) truncated at R,
    /// ρ(r) = ∫₀^{1/R} (2/r)·s·f(s/2)·exp(−B s²/4)·sin(2π r s) ds (4π s² f … at r = 0), on r = 0, 0.01, … Å
    /// (Simpson's rule, 2000 intervals); the radius is twice the first point where its second difference turns
    /// positive (the first inflection point).
    public static func maskRadius(resolutionA r: Double, meanB b: Double) -> Double {
        guard let carbon = ElectronScatteringFactor(element: "C"), r > 0 else { return max(2.0, 0.6 * r) }
        let n = 2000, sMax = 1 / r, h = sMax / Double(n)
        // Integrand without the radial factor: g(s) = s·f(s/2)·exp(−B s²/4), Simpson weights folded in.
        var g = [Double](repeating: 0, count: n + 1), sk = g
        for k in 0...n {
            let s = Double(k) * h
            let w = (k == 0 || k == n) ? 1.0 : (k % 2 == 1 ? 4.0 : 2.0)
            sk[k] = s
            g[k] = w * h / 3 * s * carbon.value(s: s / 2) * exp(-max(b, 0) * s * s / 4)
        }
        func image(_ radius: Double) -> Double {
            var sum = 0.0
            if radius < 1e-9 {
                for k in 0...n { sum += 4 * Double.pi * sk[k] * g[k] }
            } else {
                for k in 0...n { sum += 2 / radius * g[k] * sin(2 * Double.pi * radius * sk[k]) }
            }
            return sum
        }
        let step = 0.01, count = Int(max(15, r) / step)
        var previous = image(0), current = image(step)
        // i = 0: the reference's one-sided second difference 2·(v₁ − v₀).
        if 2 * (current - previous) > 0 { return step }
        for i in 1..<count {
            let next = image(Double(i + 1) * step)
            if previous + next - 2 * current > 0 { return 2 * (Double(i) - 0.5) * step }
            previous = current; current = next
        }
        return max(2.0, 0.6 * r)
    }

    /// Distance (Å) beyond which an atom's density as drawn on `grid` is below 10⁻⁴ of its centre value: the
    /// widest of its 5 Gaussians, Bᵢ = bᵢ + B + baseB(grid), falls as exp(−4π² r² / Bᵢ) (the cut-off `density`
    /// uses). Without scattering factors for the element, bᵢ is taken as 100 Å² (above every tabulated one).
    public static func densityRadiusA(element: String, bFactor: Double, grid: Volume) -> Double {
        let bMax = ElectronScatteringFactor(element: element)?.b.max() ?? 100
        let bt = max(bMax + max(bFactor, 0) + baseB(grid), 1e-3)
        return (log(1e4) * bt / (4 * Double.pi * Double.pi)).squareRoot()
    }

    /// The model map on `grid`'s box (same size, voxel size and origin): atoms with their own B, truncated at
    /// resolution R (Å). Atoms with an element missing from the table are skipped and counted.
    public static func simulate(model: AtomicModel, on grid: Volume, resolutionA: Double)
        -> (map: Volume, skippedAtoms: Int) {
        let base = baseB(grid)
        let (smooth, skipped) = density(model: model, on: grid, extraB: base)
        var f = FFT.forward(smooth)
        let magnitudes = f.grid.frequencyMagnitudes()
        let cut = 1 / resolutionA
        f.data.withUnsafeMutableBufferPointer { d in
            for i in 0..<d.count {
                let k = Double(magnitudes[i])
                d[i] = k < cut ? d[i] * Float(exp(base * k * k / 4)) : .zero
            }
        }
        return (FFT.inverse(f, like: grid), skipped)
    }

    /// The real-space density on `grid`'s box with every atom's B raised by `extraB` (Å²), not truncated.
    /// Atoms with an element missing from the table are skipped and counted in the second value.
    public static func density(model: AtomicModel, on grid: Volume, extraB bBlur: Double)
        -> (map: Volume, skippedAtoms: Int) {
        let frame = GridFrame(grid)
        // Per atom: 5 amplitudes and 5 exponent coefficients k = 4π²/Bᵢ, and the cut-off radius.
        struct Source { var p: SIMD3<Double>; var amp: [Double]; var k: [Double]; var radius: Double }
        var table: [String: ElectronScatteringFactor?] = [:]
        var sources: [Source] = []
        var skipped = 0
        for a in model.atoms where !a.isHydrogen && a.occupancy > 0 {
            let entry: ElectronScatteringFactor?
            if let cached = table[a.element] { entry = cached } else {
                entry = ElectronScatteringFactor(element: a.element); table[a.element] = entry
            }
            guard let f = entry else { skipped += 1; continue }
            var amp = [Double](repeating: 0, count: 5), k = amp
            var kMin = Double.infinity
            for i in 0..<5 {
                let bt = max(f.b[i] + max(a.bFactor, 0) + bBlur, 1e-3)
                amp[i] = a.occupancy * f.a[i] * pow(4 * Double.pi / bt, 1.5)
                k[i] = 4 * Double.pi * Double.pi / bt
                kMin = min(kMin, k[i])
            }
            // exp(−k r²) < 1e-4 beyond this radius for the widest Gaussian.
            sources.append(Source(p: a.position, amp: amp, k: k, radius: (log(1e4) / kMin).squareRoot()))
        }
        // Each worker owns a slab of z planes, so no two workers write the same voxel.
        var data = [Float](repeating: 0, count: grid.count)
        let nx = grid.nx, ny = grid.ny
        let slabs = chunks(grid.nz, parts: levelAWorkers * 2)
        data.withUnsafeMutableBufferPointer { out in
            let base = out.baseAddress!
            Parallel.perform(iterations: slabs.count) { s in
                let slab = slabs[s]
                var ex = [Double](), ey = [Double](), ez = [Double]()
                for src in sources {
                    guard let (lo0, hi0) = voxelBounds(frame, center: src.p, radiusA: src.radius) else { continue }
                    let zlo = max(lo0.z, slab.lowerBound), zhi = min(hi0.z, slab.upperBound - 1)
                    if zlo > zhi { continue }
                    let wx = hi0.x - lo0.x + 1, wy = hi0.y - lo0.y + 1, wz = zhi - zlo + 1
                    // Separable Gaussians: 1D factors per axis for each of the 5 terms.
                    ex.removeAll(keepingCapacity: true); ey.removeAll(keepingCapacity: true)
                    ez.removeAll(keepingCapacity: true)
                    for g in 0..<5 {
                        let k = src.k[g]
                        for x in 0..<wx {
                            let d = frame.origin.x + Double(lo0.x + x) * frame.voxel.x - src.p.x
                            ex.append(exp(-k * d * d))
                        }
                        for y in 0..<wy {
                            let d = frame.origin.y + Double(lo0.y + y) * frame.voxel.y - src.p.y
                            ey.append(exp(-k * d * d))
                        }
                        for z in 0..<wz {
                            let d = frame.origin.z + Double(zlo + z) * frame.voxel.z - src.p.z
                            ez.append(src.amp[g] * exp(-k * d * d))
                        }
                    }
                    ex.withUnsafeBufferPointer { ex in
                        ey.withUnsafeBufferPointer { ey in
                            ez.withUnsafeBufferPointer { ez in
                                for z in 0..<wz {
                                    for y in 0..<wy {
                                        let row = base + (lo0.x + nx * (lo0.y + y + ny * (zlo + z)))
                                        let c0 = ez[z] * ey[y], c1 = ez[wz + z] * ey[wy + y]
                                        let c2 = ez[2 * wz + z] * ey[2 * wy + y], c3 = ez[3 * wz + z] * ey[3 * wy + y]
                                        let c4 = ez[4 * wz + z] * ey[4 * wy + y]
                                        for x in 0..<wx {
                                            let v = c0 * ex[x] + c1 * ex[wx + x] + c2 * ex[2 * wx + x]
                                                + c3 * ex[3 * wx + x] + c4 * ex[4 * wx + x]
                                            row[x] += Float(v)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return (grid.withData(data), skipped)
    }

    /// The model mask: 1 for voxels within `radiusA` of any non-hydrogen atom, else 0.
    public static func mask(model: AtomicModel, on grid: Volume, radiusA: Double) -> [UInt8] {
        let frame = GridFrame(grid)
        let positions = model.atoms.filter { !$0.isHydrogen }.map(\.position)
        var mask = [UInt8](repeating: 0, count: grid.count)
        let nx = grid.nx, ny = grid.ny
        let r2 = radiusA * radiusA
        let slabs = chunks(grid.nz, parts: levelAWorkers * 2)
        mask.withUnsafeMutableBufferPointer { out in
            let base = out.baseAddress!
            Parallel.perform(iterations: slabs.count) { s in
                let slab = slabs[s]
                for p in positions {
                    guard let (lo, hi) = voxelBounds(frame, center: p, radiusA: radiusA) else { continue }
                    let zlo = max(lo.z, slab.lowerBound), zhi = min(hi.z, slab.upperBound - 1)
                    if zlo > zhi { continue }
                    for z in zlo...zhi {
                        let dz = frame.origin.z + Double(z) * frame.voxel.z - p.z
                        for y in lo.y...hi.y {
                            let dy = frame.origin.y + Double(y) * frame.voxel.y - p.y
                            let dyz = dy * dy + dz * dz
                            if dyz > r2 { continue }
                            for x in lo.x...hi.x {
                                let dx = frame.origin.x + Double(x) * frame.voxel.x - p.x
                                if dx * dx + dyz <= r2 { base[x + nx * (y + ny * z)] = 1 }
                            }
                        }
                    }
                }
            }
        }
        return mask
    }
}
