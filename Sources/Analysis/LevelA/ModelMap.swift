// The model map: the model's electrostatic potential simulated on the map grid (SPEC Level A "Model map").
//
// Each non-hydrogen atom contributes occupancy × Σᵢ aᵢ (4π/Bᵢ)^{3/2} exp(−4π² r² / Bᵢ) with
// Bᵢ = bᵢ + B_atom + B_blur (Å²): the real-space form of the 5-Gaussian electron scattering factor
// f(s) = Σ aᵢ exp(−bᵢ s²) (International Tables Vol. C, table 4.3.2.2, via gemmi's c4322.hpp), smeared by the
// atom's isotropic B and by a resolution blur. The blur is a Gaussian of standard deviation σ_R = 0.225·R
// per axis (the resolution–width relation of Chimera's molmap), i.e. B_blur = 8π²σ_R² ≈ 4.0·R² Å².
// Units: Å, Å²; the map's values are in Å⁻¹·Å⁻³ scale (the integral over space of one atom is occ·f(0)).
// The model mask is every voxel within `maskRadiusA` of a non-hydrogen atom.
import Foundation
import MapIO
import ModelIO
import VolumeNumerics

public enum ModelMap {
    /// Gaussian blur (Å², crystallographic B) standing for resolution R (Å): 8π²(0.225 R)².
    public static func blurB(resolutionA r: Double) -> Double { 8 * Double.pi * Double.pi * pow(0.225 * r, 2) }

    /// Radius (Å) of the model mask at resolution R: max(2 Å, 0.6 R).
    public static func maskRadius(resolutionA r: Double) -> Double { max(2.0, 0.6 * r) }

    /// Simulates the model's density on `grid`'s box (same size, voxel size and origin). Atoms with an element
    /// missing from the table are skipped and counted in the second value.
    public static func simulate(model: AtomicModel, on grid: Volume, resolutionA: Double)
        -> (map: Volume, skippedAtoms: Int) {
        let frame = GridFrame(grid)
        let bBlur = blurB(resolutionA: resolutionA)
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
