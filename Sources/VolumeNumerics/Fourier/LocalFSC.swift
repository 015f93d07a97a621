// Local resolution by FSC in a sliding window (BlocRes; Cardone, Heymann & Steven 2013, J. Struct. Biol. 184:226);
// method reference: docs/methods.md (1.c). BlocRes's conventions: FSC threshold 0.5 by default (0.143 as an
// option), a window large enough for the resolution (the section's rule); BlocRes evaluates every voxel, we
// evaluate a grid and interpolate.
//
// Grid points every `step` voxels; at each point that lies within `step` voxels of the mask, a cubic window of
// `window` voxels centred on it is cut from both halves (periodic at the box edges), multiplied by a spherical
// raised-cosine taper (1 out to window/4 voxels from the centre, 0 from window/2), transformed, and the FSC is
// computed in shells one step of the window's frequency grid wide (FrequencyGrid.swift). The point's local
// resolution is the first downward crossing of `threshold` after shell 0, interpolated linearly between the
// bracketing shells (the window's Nyquist resolution when never crossed; 1/frequency of shell 1 when already
// below in shell 1). Every mask voxel then gets the trilinear interpolation of the grid values, over the
// corners that have a value (weights renormalised).
// Speed: the windows run as a batch across the cores, each worker with its own buffers; transforms of boxes this
// small use single-threaded FFTW plans (FFTPlanCache), made once and reused.
import Foundation
import MapIO

public struct LocalFSCSettings: Sendable, Equatable {
    /// Window edge in voxels (even).
    public var window: Int
    /// Grid spacing in voxels.
    public var step: Int
    /// FSC threshold.
    public var threshold: Double

    public init(window: Int = 24, step: Int = 6, threshold: Double = 0.5) {
        self.window = window + window % 2; self.step = max(1, step); self.threshold = threshold
    }
}

public struct LocalFSCMap: Sendable {
    /// Local resolution (Å) per voxel, x fastest; NaN outside the mask.
    public var resolutionA: [Float]
    /// The same values for the mask voxels, in index order.
    public var maskedResolutionA: [Float]
    /// Number of windows computed.
    public var windowCount: Int
    /// Resolution limits the window can express (Å): its Nyquist and its shell-1 resolution.
    public var finestA: Double
    public var coarsestA: Double
    /// Resolution (Å) at each grid point (gx·gy·gz, x fastest; NaN where no window was computed); grid point
    /// (i, j, k) is the window centred on voxel (i·step + step/2, …).
    public var gridResolutionA: [Float]
    public var gridDims: SIMD3<Int>
}

public enum LocalFSC {
    public static func compute(_ half1: Volume, _ half2: Volume, mask: [Bool], settings: LocalFSCSettings) -> LocalFSCMap {
        precondition(half1.dims == half2.dims && mask.count == half1.count, "LocalFSC: boxes differ")
        let (nx, ny, nz) = (half1.nx, half1.ny, half1.nz)
        let w = min(settings.window, 2 * (min(nx, ny, nz) / 2))
        let step = settings.step
        // Grid points and which are near the mask: dilate the mask's occupancy of grid cells by one cell.
        let gx = (nx + step - 1) / step, gy = (ny + step - 1) / step, gz = (nz + step - 1) / step
        var cellHasMask = [Bool](repeating: false, count: gx * gy * gz)
        for z in 0..<nz { for y in 0..<ny { for x in 0..<nx where mask[x + nx * (y + ny * z)] {
            cellHasMask[x / step + gx * (y / step + gy * (z / step))] = true
        } } }
        var points: [Int] = []
        for k in 0..<gz { for j in 0..<gy { for i in 0..<gx {
            var near = false
            for dk in -1...1 { for dj in -1...1 { for di in -1...1 {
                let a = i + di, b = j + dj, c = k + dk
                if a >= 0 && a < gx && b >= 0 && b < gy && c >= 0 && c < gz && cellHasMask[a + gx * (b + gy * c)] { near = true }
            } } }
            if near { points.append(i + gx * (j + gy * k)) }
        } } }

        // Window geometry: taper, shells, Hermitian weights.
        let T = half1.voxelSize
        let grid = FrequencyGrid(nx: w, ny: w, nz: w, voxelSize: T)
        let shells = grid.shellIndices()
        let nShells = grid.nyquistShell + 1
        let freqs = grid.shellFrequenciesInvA
        let hx = grid.hx
        let weights = (0..<hx).map { grid.hermitianWeight($0) }
        var taper = [Float](repeating: 0, count: w * w * w)
        let c = Double(w) / 2, inner = Double(w) / 4, outer = Double(w) / 2
        for z in 0..<w { for y in 0..<w { for x in 0..<w {
            let d = ((Double(x) - c) * (Double(x) - c) + (Double(y) - c) * (Double(y) - c) + (Double(z) - c) * (Double(z) - c)).squareRoot()
            taper[x + w * (y + w * z)] = d <= inner ? 1 : d >= outer ? 0 : Float(0.5 * (1 + cos(Double.pi * (d - inner) / (outer - inner))))
        } } }
        let finest = 1 / freqs[nShells - 1], coarsest = 1 / freqs[1]

        // The coefficients below the window's Nyquist shell, in storage order: index, shell, Hermitian weight.
        var coeffIndex: [Int32] = [], coeffShell: [Int32] = [], coeffWeight: [Double] = []
        for idx in 0..<shells.count where Int(shells[idx]) < nShells {
            coeffIndex.append(Int32(idx)); coeffShell.append(shells[idx]); coeffWeight.append(weights[idx % hx])
        }
        let frequencies = Array(freqs[0..<nShells])

        var values = [Float](repeating: .nan, count: gx * gy * gz)
        let threshold = settings.threshold
        let chunks = max(1, min(points.count, 64))
        values.withUnsafeMutableBufferPointer { vals in
            half1.data.withUnsafeBufferPointer { a in
                half2.data.withUnsafeBufferPointer { b in
                    Parallel.perform(iterations: chunks) { chunk in
                        let lo = points.count * chunk / chunks, hi = points.count * (chunk + 1) / chunks
                        // Each worker's own buffers; the windows' transforms use single-threaded plans.
                        var w1 = [Float](repeating: 0, count: w * w * w), w2 = w1
                        var f1 = [SIMD2<Float>](repeating: .zero, count: hx * w * w), f2 = f1
                        var cross = [Double](repeating: 0, count: nShells), p1 = cross, p2 = cross
                        var fsc = cross
                        var xs = [Int](repeating: 0, count: w), ys = xs, zs = xs
                        for pi in lo..<hi {
                            let p = points[pi]
                            let ci = (p % gx) * step + step / 2, cj = ((p / gx) % gy) * step + step / 2, ck = (p / (gx * gy)) * step + step / 2
                            // Source indices of the window's rows (periodic), computed once per window.
                            for q in 0..<w {
                                xs[q] = ((ci - w / 2 + q) % nx + nx) % nx
                                ys[q] = ((cj - w / 2 + q) % ny + ny) % ny
                                zs[q] = ((ck - w / 2 + q) % nz + nz) % nz
                            }
                            w1.withUnsafeMutableBufferPointer { d1 in
                                w2.withUnsafeMutableBufferPointer { d2 in
                                    taper.withUnsafeBufferPointer { tp in
                                        for z in 0..<w {
                                            for y in 0..<w {
                                                let src = nx * (ys[y] + ny * zs[z]), dst = w * (y + w * z)
                                                for x in 0..<w {
                                                    let t = tp[dst + x]
                                                    d1[dst + x] = a[src + xs[x]] * t
                                                    d2[dst + x] = b[src + xs[x]] * t
                                                }
                                            }
                                        }
                                    }
                                    f1.withUnsafeMutableBufferPointer { o1 in
                                        f2.withUnsafeMutableBufferPointer { o2 in
                                            FFT.forwardUnnormalised(nx: w, ny: w, nz: w, input: d1, output: o1, threads: 1)
                                            FFT.forwardUnnormalised(nx: w, ny: w, nz: w, input: d2, output: o2, threads: 1)
                                        }
                                    }
                                }
                            }
                            for s in 0..<nShells { cross[s] = 0; p1[s] = 0; p2[s] = 0 }
                            f1.withUnsafeBufferPointer { o1 in
                                f2.withUnsafeBufferPointer { o2 in
                                    coeffIndex.withUnsafeBufferPointer { ci in
                                        coeffShell.withUnsafeBufferPointer { cs in
                                            coeffWeight.withUnsafeBufferPointer { cw in
                                                for q in 0..<ci.count {
                                                    let idx = Int(ci[q]), s = Int(cs[q]), wt = cw[q]
                                                    let u = o1[idx], v = o2[idx]
                                                    cross[s] += wt * (Double(u.x) * Double(v.x) + Double(u.y) * Double(v.y))
                                                    p1[s] += wt * Double((u * u).sum()); p2[s] += wt * Double((v * v).sum())
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                            for s in 0..<nShells { fsc[s] = p1[s] > 0 && p2[s] > 0 ? cross[s] / (p1[s] * p2[s]).squareRoot() : 0 }
                            vals[p] = Float(1 / crossingFrequency(fsc, threshold: threshold, frequencies: frequencies))
                        }
                    }
                }
            }
        }

        // Trilinear interpolation to the mask voxels (grid point (i, j, k) sits at voxel i·step + step/2).
        var out = [Float](repeating: .nan, count: half1.count)
        var masked: [Float] = []
        masked.reserveCapacity(mask.count / 8)
        let half = Double(step / 2)
        for z in 0..<nz {
            let fz = (Double(z) - half) / Double(step)
            let z0 = Int(fz.rounded(.down)), tz = fz - Double(z0)
            for y in 0..<ny {
                let fy = (Double(y) - half) / Double(step)
                let y0 = Int(fy.rounded(.down)), ty = fy - Double(y0)
                for x in 0..<nx where mask[x + nx * (y + ny * z)] {
                    let fx = (Double(x) - half) / Double(step)
                    let x0 = Int(fx.rounded(.down)), tx = fx - Double(x0)
                    var sw = 0.0, sv = 0.0
                    for dz in 0...1 { for dy in 0...1 { for dx in 0...1 {
                        let i = min(max(x0 + dx, 0), gx - 1), j = min(max(y0 + dy, 0), gy - 1), k = min(max(z0 + dz, 0), gz - 1)
                        let v = values[i + gx * (j + gy * k)]
                        if v.isNaN { continue }
                        let wt = (dx == 0 ? 1 - tx : tx) * (dy == 0 ? 1 - ty : ty) * (dz == 0 ? 1 - tz : tz)
                        sw += wt; sv += wt * Double(v)
                    } } }
                    let r = Float(sw > 0 ? sv / sw : coarsest)
                    out[x + nx * (y + ny * z)] = r
                    masked.append(r)
                }
            }
        }
        return LocalFSCMap(resolutionA: out, maskedResolutionA: masked, windowCount: points.count, finestA: finest,
                           coarsestA: coarsest, gridResolutionA: values, gridDims: SIMD3(gx, gy, gz))
    }

    /// First downward crossing of `threshold` after shell 0 (1/Å), by the report's shared rule
    /// (FSCCrossings.firstDownward, pairs from (1, 2) on): interpolated; the last shell's when never crossed.
    /// A window whose FSC is below the threshold from shell 1 on gets shell 1's frequency, the coarsest value
    /// the window can measure (a local map needs a value at every point; the global sections report none).
    static func crossingFrequency(_ fsc: [Double], threshold: Double, frequencies: [Double]) -> Double {
        if fsc.count < 2 { return frequencies.last ?? 1 }
        let c = FSCCrossings.firstDownward(fsc, thresholds: fsc.map { _ in threshold }, frequencies: frequencies, firstUpper: 2)
        return c.frequencyInvA(frequencies) ?? frequencies[1]
    }
}
