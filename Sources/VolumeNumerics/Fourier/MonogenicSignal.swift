// Local amplitude of a band of frequencies from the monogenic signal (Felsberg & Sommer 2001), as used by
// MonoRes (Vilas et al. 2018, Structure 26:337) and LocBfactor (Kaur et al. 2021, Nat. Commun. 12:1240).
//
// For the band-passed spectrum G = F·H(|s|), the real signal is g = IFFT(G) and the Riesz components are
// r_j = IFFT(−i·(s_j/|s|)·G), j = x, y, z, with s in 1/Å (so anisotropic voxels use physical directions).
// The local amplitude is A = sqrt(g² + r_x² + r_y² + r_z²): for a plane wave of amplitude a it is a at
// every voxel, whatever the phase.
//
// Speed: g and r_j are band-limited to the band's top frequency, so they are computed exactly on a coarser
// grid that still holds every non-zero coefficient (Fourier cropping), and A is then interpolated to the
// full grid (trilinear, periodic). A varies on the scale of 1/(band width), so the interpolation error is
// small; low bands cost a fraction of a full-size transform.
import Foundation
import MapIO

public enum MonogenicSignal {
    /// The local amplitude of `spectrum` in `band`, on the full grid (x fastest, count nx·ny·nz).
    /// `allowCoarseGrid` (default) computes on a cropped grid and interpolates; pass false for exact values.
    public static func localAmplitude(_ spectrum: FourierVolume, band: RaisedCosineBand,
                                      allowCoarseGrid: Bool = true) -> [Float] {
        localAmplitude(spectrum, gain: band, maxFrequencyInvA: band.maxFrequencyInvA, allowCoarseGrid: allowCoarseGrid)
    }

    /// The local amplitude for any radial gain that vanishes above `maxFrequencyInvA` (1/Å), on the full grid.
    public static func localAmplitude<G: RadialGain>(_ spectrum: FourierVolume, gain: G, maxFrequencyInvA: Double,
                                                     allowCoarseGrid: Bool = true) -> [Float] {
        let (amp, dims) = localAmplitudeGrid(spectrum, gain: gain, maxFrequencyInvA: maxFrequencyInvA,
                                             allowCoarseGrid: allowCoarseGrid)
        let full = SIMD3(spectrum.nx, spectrum.ny, spectrum.nz)
        if dims == full { return amp }
        return upsampleTrilinear(amp, from: dims, to: full)
    }

    /// The local amplitude on the coarsest grid that holds the band exactly (dims returned; the grid covers
    /// the same box, its voxel i sitting at full-grid coordinate i·n/m). Sample it with `sample`.
    public static func localAmplitudeGrid<G: RadialGain>(_ spectrum: FourierVolume, gain: G, maxFrequencyInvA: Double,
                                                         allowCoarseGrid: Bool = true) -> (values: [Float], dims: SIMD3<Int>) {
        let (nx, ny, nz) = (spectrum.nx, spectrum.ny, spectrum.nz)
        let T = spectrum.voxelSize
        // Coarse box: every index with |s_axis| ≤ smax must be kept, and the coarse Nyquist index unused.
        func coarseSize(_ n: Int, _ t: Double) -> Int {
            guard allowCoarseGrid else { return n }
            // A band beyond the grid's Nyquist (R finer than 2·Ts) needs the whole grid: no search for a size.
            let jmax = Int.clamped(maxFrequencyInvA * Double(n) * t, .down, to: 0...n)
            if 2 * jmax + 2 >= n { return n }
            let m = FFT.goodSize(atLeast: 2 * jmax + 2)
            return m >= n ? n : m
        }
        let dims = SIMD3(coarseSize(nx, T.x), coarseSize(ny, T.y), coarseSize(nz, T.z))
        var amp = [Float](repeating: 0, count: dims.x * dims.y * dims.z)
        var work = AmplitudeWork(dims: dims)
        spectrum.data.withUnsafeBufferPointer { src in
            amp.withUnsafeMutableBufferPointer { a in
                work.amplitude(src, full: spectrum.grid, gain: gain, into: a, threads: Parallel.workers, parallel: true)
            }
        }
        return (amp, dims)
    }

    /// Trilinear (periodic) samples of a coarse grid `values` of size `m` at the full-grid voxels `indices`
    /// (linear indices x + nx·(y + ny·z) of a grid of size `n` covering the same box).
    public static func sample(_ values: [Float], dims m: SIMD3<Int>, fullDims n: SIMD3<Int>, at indices: [Int32]) -> [Float] {
        values.withUnsafeBufferPointer { sample($0, dims: m, rowStride: m.x, fullDims: n, at: indices) }
    }

    /// `sample` for values whose rows are `rowStride` floats apart (value (x, y, z) at x + rowStride·(y + m.y·z);
    /// FFTW's padded layout has rowStride = 2·(m.x/2 + 1)).
    static func sample(_ v: UnsafeBufferPointer<Float>, dims m: SIMD3<Int>, rowStride rs: Int, fullDims n: SIMD3<Int>,
                       at indices: [Int32]) -> [Float] {
        precondition(rs >= m.x && v.count >= rs * m.y * m.z)
        var out = [Float](repeating: 0, count: indices.count)
        let r = SIMD3<Double>(Double(m.x) / Double(n.x), Double(m.y) / Double(n.y), Double(m.z) / Double(n.z))
        indices.withUnsafeBufferPointer { idx in
            out.withUnsafeMutableBufferPointer { o in
                if m == n && rs == n.x {
                    for q in 0..<idx.count { o[q] = v[Int(idx[q])] }
                    return
                }
                parallelFor(idx.count) { q in
                    let lin = Int(idx[q])
                    o[q] = trilinear(v, dims: m, rowStride: rs, ratio: r, x: lin % n.x, y: (lin / n.x) % n.y, z: lin / (n.x * n.y))
                }
            }
        }
        return out
    }

    /// `sample` at the full-grid voxels (x, y, z) where `include` holds, in storage order: the values `sample(…, at:)`
    /// gives with the list of those voxels, without making the list (0.f's noise voxels at 353³: ~90 MB of indices).
    /// `include` is called from several threads at once.
    public static func sample(_ values: [Float], dims m: SIMD3<Int>, fullDims n: SIMD3<Int>,
                              where include: (_ x: Int, _ y: Int, _ z: Int) -> Bool) -> [Float] {
        // Count per Z plane, then each plane writes its own stretch of the output.
        var offsets = [Int](repeating: 0, count: n.z + 1)
        offsets.withUnsafeMutableBufferPointer { off in
            Parallel.perform(iterations: n.z) { z in
                var c = 0
                for y in 0..<n.y { for x in 0..<n.x where include(x, y, z) { c += 1 } }
                off[z + 1] = c
            }
        }
        for z in 0..<n.z { offsets[z + 1] += offsets[z] }
        let total = offsets[n.z]
        let r = SIMD3<Double>(Double(m.x) / Double(n.x), Double(m.y) / Double(n.y), Double(m.z) / Double(n.z))
        return HugePages.array(count: total) { o in
            values.withUnsafeBufferPointer { v in
                Parallel.perform(iterations: n.z) { z in
                    var q = offsets[z]
                    for y in 0..<n.y {
                        for x in 0..<n.x where include(x, y, z) {
                            o[q] = m == n ? v[x + n.x * (y + n.y * z)]
                                : trilinear(v, dims: m, rowStride: m.x, ratio: r, x: x, y: y, z: z)
                            q += 1
                        }
                    }
                }
            }
        }
    }

    /// Periodic trilinear value of the coarse grid `v` (size m, rows `rs` floats apart) at the full-grid voxel
    /// (x, y, z), which sits at coarse coordinate (x, y, z)·ratio.
    @inline(__always)
    static func trilinear(_ v: UnsafeBufferPointer<Float>, dims m: SIMD3<Int>, rowStride rs: Int, ratio r: SIMD3<Double>,
                          x: Int, y: Int, z: Int) -> Float {
        let cx = Double(x) * r.x, cy = Double(y) * r.y, cz = Double(z) * r.z
        let fx = Int(cx), fy = Int(cy), fz = Int(cz)
        let tx = Float(cx - Double(fx)), ty = Float(cy - Double(fy)), tz = Float(cz - Double(fz))
        let x0 = fx % m.x, x1 = (fx + 1) % m.x
        let y0 = (fy % m.y) * rs, y1 = ((fy + 1) % m.y) * rs
        let z0 = (fz % m.z) * rs * m.y, z1 = ((fz + 1) % m.z) * rs * m.y
        let c00 = v[x0 + y0 + z0] + tx * (v[x1 + y0 + z0] - v[x0 + y0 + z0])
        let c10 = v[x0 + y1 + z0] + tx * (v[x1 + y1 + z0] - v[x0 + y1 + z0])
        let c01 = v[x0 + y0 + z1] + tx * (v[x1 + y0 + z1] - v[x0 + y0 + z1])
        let c11 = v[x0 + y1 + z1] + tx * (v[x1 + y1 + z1] - v[x0 + y1 + z1])
        let c0 = c00 + ty * (c10 - c00), c1 = c01 + ty * (c11 - c01)
        return c0 + tz * (c1 - c0)
    }

    /// Periodic trilinear interpolation of a grid of size `from` onto a grid of size `to` covering the same
    /// box: output voxel x sits at input coordinate x·from/to.
    public static func upsampleTrilinear(_ values: [Float], from m: SIMD3<Int>, to n: SIMD3<Int>) -> [Float] {
        func weights(_ nOut: Int, _ nIn: Int) -> (i0: [Int], i1: [Int], t: [Float]) {
            var i0 = [Int](), i1 = [Int](), t = [Float]()
            for x in 0..<nOut {
                let c = Double(x) * Double(nIn) / Double(nOut)
                let f = Int(c.rounded(.down))
                i0.append(f % nIn); i1.append((f + 1) % nIn); t.append(Float(c - Double(f)))
            }
            return (i0, i1, t)
        }
        let wx = weights(n.x, m.x), wy = weights(n.y, m.y), wz = weights(n.z, m.z)
        var out = [Float](repeating: 0, count: n.x * n.y * n.z)
        values.withUnsafeBufferPointer { v in
            out.withUnsafeMutableBufferPointer { o in
                parallelFor(n.z) { z in
                    let z0 = wz.i0[z] * m.y, z1 = wz.i1[z] * m.y, tz = wz.t[z]
                    for y in 0..<n.y {
                        let y0 = wy.i0[y], y1 = wy.i1[y], ty = wy.t[y]
                        let r00 = m.x * (y0 + z0), r10 = m.x * (y1 + z0), r01 = m.x * (y0 + z1), r11 = m.x * (y1 + z1)
                        let base = n.x * (y + n.y * z)
                        for x in 0..<n.x {
                            let a = wx.i0[x], b = wx.i1[x], tx = wx.t[x]
                            let c00 = v[r00 + a] + tx * (v[r00 + b] - v[r00 + a])
                            let c10 = v[r10 + a] + tx * (v[r10 + b] - v[r10 + a])
                            let c01 = v[r01 + a] + tx * (v[r01 + b] - v[r01 + a])
                            let c11 = v[r11 + a] + tx * (v[r11 + b] - v[r11 + a])
                            let c0 = c00 + ty * (c10 - c00), c1 = c01 + ty * (c11 - c01)
                            o[base + x] = c0 + tz * (c1 - c0)
                        }
                    }
                }
            }
        }
        return out
    }
}

extension FFT {
    /// The smallest n' ≥ n whose prime factors are 2, 3, 5 and 7 (sizes FFTW transforms fastest).
    public static func goodSize(atLeast n: Int) -> Int {
        // 7-smooth numbers thin out: beyond 2³⁰ (no box is that large) return n rather than search.
        if n > 1 << 30 { return n }
        var m = max(1, n)
        while true {
            var r = m
            for p in [2, 3, 5, 7] { while r % p == 0 { r /= p } }
            if r == 1 { return m }
            m += 1
        }
    }
}

/// The buffers of monogenic amplitudes on one grid, reused from one band (or tested resolution) to the next.
///
/// A = sqrt(g² + r_x² + r_y² + r_z²), where g and r_j = IFFT(−i·(s_j/|s|)·G) come from the spectrum G = F·H(|s|)
/// gathered onto this grid (cropped when it is smaller than the spectrum's; the DC term dropped). The four
/// components go one after the other through one scratch spectrum transformed in place, and their squares are
/// accumulated in the output: memory of about two real volumes of this grid, whatever the number of components.
struct AmplitudeWork {
    let dims: SIMD3<Int>
    /// hm·my·mz coefficients; after an in-place inverse, rows of 2·hm floats.
    private var scratch: [SIMD2<Float>]
    /// The gain of each coefficient of this grid (0 where it is cropped away or at DC), kept across components
    /// when `cachesGains` (gains that cost more than a lookup, such as the bands' exponentials); else empty.
    private var gains: [Float]
    private let cachesGains: Bool

    init(dims: SIMD3<Int>, cachesGains: Bool = true) {
        self.dims = dims
        self.cachesGains = cachesGains
        scratch = [SIMD2<Float>](repeating: .zero, count: (dims.x / 2 + 1) * dims.y * dims.z)
        gains = [Float](repeating: 0, count: cachesGains ? scratch.count : 0)
    }

    /// `body` given the scratch spectrum (hm·my·mz coefficients), which it may overwrite.
    mutating func withScratch<R>(_ body: (UnsafeMutableBufferPointer<SIMD2<Float>>) -> R) -> R {
        scratch.withUnsafeMutableBufferPointer { body($0) }
    }

    /// `body` given the forward transform of `values` (this grid's real volume, not modified), computed into the
    /// scratch spectrum (which the next `amplitude` overwrites).
    mutating func withForwardTransform<R>(of values: UnsafeMutableBufferPointer<Float>,
                                          _ body: (UnsafeBufferPointer<SIMD2<Float>>) -> R) -> R {
        scratch.withUnsafeMutableBufferPointer { sc in
            FFT.forwardUnnormalised(nx: dims.x, ny: dims.y, nz: dims.z, input: values, output: sc, threads: Parallel.workers)
            return body(UnsafeBufferPointer(sc))
        }
    }

    /// A on this grid (x fastest, count mx·my·mz) for the half spectrum `src` of the grid `full` under `gain`,
    /// normalised as the full-size inverse transform would be. `threads`: FFTW threads; `parallel`: whether the
    /// gathering and accumulation loops use the cores (false when the caller runs several grids at once).
    mutating func amplitude<G: RadialGain>(_ src: UnsafeBufferPointer<SIMD2<Float>>, full: FrequencyGrid, gain: G,
                                           into amp: UnsafeMutableBufferPointer<Float>, threads: Int, parallel: Bool) {
        let (mx, my, mz) = (dims.x, dims.y, dims.z)
        let (nx, ny, nz, hn) = (full.nx, full.ny, full.nz, full.hx)
        let hm = mx / 2 + 1
        precondition(amp.count >= mx * my * mz && src.count >= hn * ny * nz)
        let coarse = FrequencyGrid(nx: mx, ny: my, nz: mz,
                                   voxelSize: SIMD3(Double(nx) * full.voxelSize.x / Double(mx),
                                                    Double(ny) * full.voxelSize.y / Double(my),
                                                    Double(nz) * full.voxelSize.z / Double(mz)))
        let (sx, sy, sz) = (coarse.sx.map(Float.init), coarse.sy.map(Float.init), coarse.sz.map(Float.init))
        let cropX = mx < nx, cropY = my < ny, cropZ = mz < nz
        let scale = 1 / Float(nx * ny * nz)
        let cachesGains = self.cachesGains
        func loop(_ n: Int, _ body: (Int) -> Void) { if parallel { parallelFor(n, body) } else { for i in 0..<n { body(i) } } }
        gains.withUnsafeMutableBufferPointer { gp in
            scratch.withUnsafeMutableBufferPointer { sc in
                for comp in 0..<4 {
                    // Gather G (comp 0) or −i·(s_j/|s|)·G (comp j) onto this grid; zero where cropped away.
                    loop(mz) { kc in
                        let skz = FrequencyGrid.signedIndex(kc, mz)
                        let zOut = cropZ && 2 * abs(skz) >= mz
                        let k = (skz + nz) % nz
                        // A row's |s| and gains first (the gains straight into the cache when it is kept), then
                        // the component's values (SpectrumRowKernels: the same operations, vectorised).
                        withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * hm) { rowBuffer in
                            let sRow = rowBuffer.baseAddress!
                            for jc in 0..<my {
                                let sjy = FrequencyGrid.signedIndex(jc, my)
                                let row = hm * (jc + my * kc)
                                if zOut || (cropY && 2 * abs(sjy) >= my) {
                                    for ic in 0..<hm { sc[row + ic] = .zero }
                                    if comp == 0 && cachesGains { for ic in 0..<hm { gp[row + ic] = 0 } }
                                    continue
                                }
                                let j = (sjy + ny) % ny
                                let yz = sy[jc] * sy[jc] + sz[kc] * sz[kc]
                                for ic in 0..<hm { sRow[ic] = (sx[ic] * sx[ic] + yz).squareRoot() }
                                let hRow = cachesGains ? gp.baseAddress! + row : sRow + hm
                                if comp == 0 || !cachesGains {
                                    // |s| rises along the row (kx ≥ 0), as `gains(ascending:)` needs.
                                    gain.gains(ascending: sRow, into: hRow, count: hm)
                                    if sRow[0] == 0 { hRow[0] = 0 }   // the DC term
                                    if cropX { for ic in ((mx + 1) / 2)..<hm { hRow[ic] = 0 } }
                                }
                                let from = UnsafeRawPointer(src.baseAddress! + hn * (j + ny * k)).assumingMemoryBound(to: Float.self)
                                let to = UnsafeMutableRawPointer(sc.baseAddress! + row).assumingMemoryBound(to: Float.self)
                                switch comp {
                                case 0: SpectrumRowKernels.scaled(from, gains: hRow, into: to, count: hm)
                                case 1: sx.withUnsafeBufferPointer {
                                    SpectrumRowKernels.riesz(from, gains: hRow, frequencies: sRow, axis: $0.baseAddress!,
                                                             axisConstant: 0, into: to, count: hm)
                                }
                                case 2: SpectrumRowKernels.riesz(from, gains: hRow, frequencies: sRow, axis: nil,
                                                                 axisConstant: sy[jc], into: to, count: hm)
                                default: SpectrumRowKernels.riesz(from, gains: hRow, frequencies: sRow, axis: nil,
                                                                  axisConstant: sz[kc], into: to, count: hm)
                                }
                            }
                        }
                    }
                    FFT.inverseInPlace(nx: mx, ny: my, nz: mz, buffer: sc, threads: threads)
                    // Accumulate the squares of the normalised values (rows of 2·hm floats in the scratch); the
                    // last component also takes the square root (the same operations as a separate pass).
                    UnsafeMutableRawPointer(sc.baseAddress!).withMemoryRebound(to: Float.self, capacity: 2 * sc.count) { r in
                        loop(mz) { z in
                            for y in 0..<my {
                                let o = mx * (y + my * z), p = 2 * hm * (y + my * z)
                                SpectrumRowKernels.accumulateSquares(r + p, scale: scale, into: amp.baseAddress! + o, count: mx,
                                                                     comp == 0 ? .first : comp == 3 ? .addThenSquareRoot : .add)
                            }
                        }
                    }
                }
            }
        }
    }
}
