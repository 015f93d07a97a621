// Conical (directional) FSC, 3DFSC-style (Tan et al. 2017, Nat. Methods 14:793), and the Fourier Shell
// Occupancy (Vilas et al. 2023, Structure 31:1).
//
// Directions: `count` unit vectors spread evenly over the hemisphere z ≥ 0 (Fibonacci lattice); a direction
// and its opposite are the same because the spectrum of a real map is Hermitian. The cone of direction d
// holds every coefficient whose frequency s (1/Å, physical axes) makes an angle ≤ θ with ±d
// (|ŝ·d| ≥ cos θ); the conical FSC of d is the FSC over the cone's part of each shell (FSC.swift sums).
// FSO(shell) = fraction of directions whose conical FSC is ≥ the threshold (the directions sample the
// sphere uniformly, so this is a fraction of solid angle).
import Foundation
import MapIO

public struct ConicalFSCResult: Sendable, Equatable {
    /// Unit direction vectors (x, y, z), hemisphere z ≥ 0.
    public var directions: [SIMD3<Double>]
    /// Cone half-angle in degrees.
    public var coneHalfAngleDeg: Double
    /// Shell centre frequency (1/Å), shells 0 … Nyquist.
    public var frequencyInvA: [Double]
    /// Conical FSC per direction, per shell (0 for an empty shell part).
    public var fsc: [[Double]]
    /// Full-spectrum coefficients per direction per shell (for information thresholds).
    public var voxelCount: [[Double]]

    /// The conical FSC of direction `i` as a curve.
    public func curve(_ i: Int) -> FSCCurve {
        FSCCurve(frequencyInvA: frequencyInvA, fsc: fsc[i], voxelCount: voxelCount[i])
    }

    /// Fourier Shell Occupancy per shell: the fraction of directions with FSC ≥ `threshold`, among the
    /// directions whose cone holds coefficients of that shell (all of them except in the first shells); 1 for
    /// shell 0.
    public func shellOccupancy(threshold: Double = 0.143) -> [Double] {
        (0..<frequencyInvA.count).map { s in
            if s == 0 { return 1 }
            let present = fsc.indices.filter { voxelCount[$0][s] > 0 }
            return present.isEmpty ? 0 : Double(present.filter { fsc[$0][s] >= threshold }.count) / Double(present.count)
        }
    }

    /// Lowest and highest conical FSC of each shell over the directions whose cone holds coefficients of it.
    public func fscRange() -> (low: [Double], high: [Double]) {
        var low: [Double] = [], high: [Double] = []
        for s in 0..<frequencyInvA.count {
            let v = fsc.indices.filter { voxelCount[$0][s] > 0 || s == 0 }.map { fsc[$0][s] }
            low.append(v.min() ?? 0); high.append(v.max() ?? 0)
        }
        return (low, high)
    }
}

public enum ConicalFSC {
    /// `count` directions spread evenly over the hemisphere z ≥ 0 (Fibonacci lattice in z = cos θ).
    public static func hemisphereDirections(count: Int) -> [SIMD3<Double>] {
        let golden = Double.pi * (3 - 5.0.squareRoot())
        return (0..<count).map { i in
            let z = 1 - (Double(i) + 0.5) / Double(count)   // uniform in z over (0, 1): equal areas
            let r = (1 - z * z).squareRoot()
            let phi = golden * Double(i)
            return SIMD3(r * cos(phi), r * sin(phi), z)
        }
    }

    /// Conical FSCs of two spectra on the same grid.
    public static func compute(_ f1: FourierVolume, _ f2: FourierVolume, directions: [SIMD3<Double>],
                               coneHalfAngleDeg: Double = 20) -> ConicalFSCResult {
        precondition(f1.nx == f2.nx && f1.ny == f2.ny && f1.nz == f2.nz, "ConicalFSC: boxes differ")
        let g = f1.grid
        let last = min(g.nyquistShell, g.shellCount - 1)
        let m = last + 1
        let nd = directions.count
        let (fx, fy, fz) = (g.sx, g.sy, g.sz)
        let (hx, ny, nz) = (g.hx, g.ny, g.nz)
        let inv = 1 / g.shellWidthInvA
        let cosCone = Float(cos(coneHalfAngleDeg * .pi / 180))
        let dx = directions.map { Float($0.x) }, dy = directions.map { Float($0.y) }, dz = directions.map { Float($0.z) }
        let weights = (0..<hx).map { g.hermitianWeight($0) }
        let chunks = Parallel.reductionChunks(nz)
        // Per chunk, per direction, per shell: count, Σ Re F1F2*, Σ|F1|², Σ|F2|².
        var partial = [Double](repeating: 0, count: chunks * nd * m * 4)
        f1.data.withUnsafeBufferPointer { a in
            f2.data.withUnsafeBufferPointer { b in
                partial.withUnsafeMutableBufferPointer { part in
                    dx.withUnsafeBufferPointer { dxp in dy.withUnsafeBufferPointer { dyp in dz.withUnsafeBufferPointer { dzp in
                        parallelChunks(nz, chunks: chunks) { c, range in
                            let off = c * nd * m * 4
                            for k in range {
                                for j in 0..<ny {
                                    let yz = fy[j] * fy[j] + fz[k] * fz[k]
                                    let base = hx * (j + ny * k)
                                    for i in 0..<hx {
                                        let r = (fx[i] * fx[i] + yz).squareRoot()
                                        let s = Int((r * inv).rounded())
                                        if s > last || s == 0 { continue }
                                        let ux = Float(fx[i] / r), uy = Float(fy[j] / r), uz = Float(fz[k] / r)
                                        let u = a[base + i], v = b[base + i]
                                        let w = weights[i]
                                        let cross = w * (Double(u.x) * Double(v.x) + Double(u.y) * Double(v.y))
                                        let p1 = w * Double((u * u).sum()), p2 = w * Double((v * v).sum())
                                        for d in 0..<nd {
                                            let dot = ux * dxp[d] + uy * dyp[d] + uz * dzp[d]
                                            if abs(dot) < cosCone { continue }
                                            let o = off + 4 * (d * m + s)
                                            part[o] += w; part[o + 1] += cross; part[o + 2] += p1; part[o + 3] += p2
                                        }
                                    }
                                }
                            }
                        }
                    } } }
                }
            }
        }
        var fsc = [[Double]](repeating: [Double](repeating: 0, count: m), count: nd)
        var counts = fsc
        for d in 0..<nd {
            for s in 0..<m {
                var n = 0.0, cr = 0.0, p1 = 0.0, p2 = 0.0
                for c in 0..<chunks {
                    let o = 4 * ((c * nd + d) * m + s)
                    n += partial[o]; cr += partial[o + 1]; p1 += partial[o + 2]; p2 += partial[o + 3]
                }
                counts[d][s] = n
                fsc[d][s] = p1 > 0 && p2 > 0 ? cr / (p1 * p2).squareRoot() : (s == 0 ? 1 : 0)
            }
            fsc[d][0] = 1
        }
        return ConicalFSCResult(directions: directions, coneHalfAngleDeg: coneHalfAngleDeg,
                                frequencyInvA: Array(g.shellFrequenciesInvA[0..<m]), fsc: fsc, voxelCount: counts)
    }

    /// Sphericity π^(1/3)(6V)^(2/3)/A (1 for a sphere) of the star-shaped body whose radius in direction u is
    /// the directional frequency r(u) (any unit), r interpolated between the directions within the cone
    /// (weights |u·d| − cos θ). The body is voxelised on a grid and its surface extracted (Isosurface.swift).
    public static func sphericity(directions: [SIMD3<Double>], radii: [Double], coneHalfAngleDeg: Double = 20,
                                  gridRadius: Int = 20) -> Double? {
        guard let rMax = radii.max(), rMax > 0 else { return nil }
        let n = 2 * gridRadius + 5, c = Double(n / 2)
        let cosCone = cos(coneHalfAngleDeg * .pi / 180)
        var field = [Float](repeating: 0, count: n * n * n)
        for z in 0..<n { for y in 0..<n { for x in 0..<n {
            let p = SIMD3(Double(x) - c, Double(y) - c, Double(z) - c)
            let len = (p * p).sum().squareRoot()
            var r: Double
            if len == 0 { r = radii.reduce(0, +) / Double(radii.count) } else {
                r = interpolate(p / len, directions: directions, values: radii, cosCone: cosCone)
            }
            field[x + n * (y + n * z)] = Float(r / rMax * Double(gridRadius) - len)
        } } }
        let mesh = Volume(nx: n, ny: n, nz: n, data: field).isosurface(threshold: 0)
        let area = mesh.areaA2, volume = mesh.enclosedVolumeA3
        guard area > 0, volume > 0 else { return nil }
        return pow(Double.pi, 1.0 / 3) * pow(6 * volume, 2.0 / 3) / area
    }

    /// The directional value at unit vector u: weighted mean over the directions within the cone of ±u
    /// (weights |u·d| − cos θ), or the nearest direction's value when none is within the cone.
    public static func interpolate(_ u: SIMD3<Double>, directions: [SIMD3<Double>], values: [Double], cosCone: Double) -> Double {
        var sw = 0.0, sv = 0.0, best = -1.0, bestValue = values.first ?? 0
        for (d, v) in zip(directions, values) {
            let dot = abs((u * d).sum())
            if dot > best { best = dot; bestValue = v }
            if dot > cosCone { let w = dot - cosCone; sw += w; sv += w * v }
        }
        return sw > 0 ? sv / sw : bestValue
    }
}
