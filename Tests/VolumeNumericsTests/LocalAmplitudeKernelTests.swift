// The kernels behind the local sections' speed (0.e, 0.f/0.g): selection instead of sorting for quantiles, the
// full-grid monogenic amplitude with in-place transforms on odd and non-cubic boxes, and the table of distinct
// frequencies that the band normalisation sums over. Truth: sorting, a plane wave's constant amplitude, and the
// sum over every coefficient.
import Foundation
import Testing
import MapIO
@testable import VolumeNumerics

@Suite struct LocalAmplitudeKernelTests {
    /// Selection gives the value sorting would put at k, and leaves smaller values before it, larger after.
    @Test func selectionMatchesSorting() {
        var rng = FourierTestRNG(seed: 3)
        for n in [1, 2, 3, 10, 101, 1000, 4097] {
            // Few distinct values (many ties) and continuous values.
            for distinct in [3, 1_000_000] {
                let values = (0..<n).map { _ in Float(Int(rng.uniform() * Double(distinct))) / 7 }
                let sorted = values.sorted()
                for k in Set([0, n / 3, n / 2, n - 1, min(n - 1, Int(Double(n) * 0.95))]) {
                    var v = values
                    let s = MonoRes.select(&v, k)
                    #expect(s == sorted[k], "n \(n), k \(k): selected \(s), sorted \(sorted[k])")
                    #expect(v[..<k].allSatisfy { $0 <= s } && v[(k + 1)...].allSatisfy { $0 >= s })
                    #expect(v.sorted() == sorted, "selection must only reorder")
                }
                for q in [0.0, 0.1, 0.25, 0.5, 0.9, 0.95, 1.0] {
                    var v = values, w = values
                    let pos = q * Double(n - 1), lo = Int(pos.rounded(.down)), hi = min(lo + 1, n - 1)
                    let expected = sorted[lo] + Float(pos - Double(lo)) * (sorted[hi] - sorted[lo])
                    #expect(MonoRes.quantile(&v, q) == expected, "n \(n), q \(q)")
                    #expect(MonoRes.orderStatistic(&w, q) == sorted[min(n - 1, Int(Double(n) * q))], "n \(n), q \(q)")
                }
            }
        }
    }

    /// A plane wave of amplitude a above the high-pass's edge has amplitude a at every voxel, on a box that is odd
    /// along x and non-cubic (the in-place transforms' padded rows), and its low-passed amplitude is a as well.
    @Test func highPassAmplitudeOfPlaneWaveOnOddBox() {
        let (nx, ny, nz) = (27, 30, 24), a: Float = 1.7
        let k = SIMD3<Double>(7, -5, 4)   // cycles per box along each axis
        var v = Volume(nx: nx, ny: ny, nz: nz, voxelSize: SIMD3(1.1, 1.1, 1.1))
        for z in 0..<nz { for y in 0..<ny { for x in 0..<nx {
            let ph = 2 * Double.pi * (k.x * Double(x) / Double(nx) + k.y * Double(y) / Double(ny) + k.z * Double(z) / Double(nz))
            v[x, y, z] = a * Float(cos(ph - 1.1))
        } } }
        let s = ((k / (SIMD3(Double(nx), Double(ny), Double(nz)) * 1.1)) * (k / (SIMD3(Double(nx), Double(ny), Double(nz)) * 1.1))).sum().squareRoot()
        let hp = HighPassAmplitude(FFT.forward(v))
        var (work, amp) = HighPassAmplitude.work(for: hp.spectrum)
        hp.amplitude(gain: RaisedCosineHighPass(cutoffInvA: s / 2, widthInvA: s / 4), work: &work, into: &amp)
        let err = amp.map { abs($0 - a) }.max()!
        #expect(err < 1e-4 * a, "full-grid amplitude: expected \(a) everywhere, max error \(err)")
        // Removed by a high-pass above it.
        hp.amplitude(gain: RaisedCosineHighPass(cutoffInvA: 2 * s, widthInvA: s / 4), work: &work, into: &amp)
        #expect(amp.map { abs($0) }.max()! < 1e-4 * a)
        // Low-passed (a constant passes any low-pass) on the cropped grid, transformed in the amplitude's storage
        // (padded rows) and interpolated at every voxel.
        let every = (0..<Int32(nx * ny * nz)).map { $0 }
        let cropped = hp.smoothingGrid(topInvA: 0.11)
        #expect(cropped.x < nx && cropped.y < ny && 2 * cropped.x * cropped.y * cropped.z <= nx * ny * nz, "cropped grid \(cropped)")
        let smooth = hp.smoothedSamples(highPass: RaisedCosineHighPass(cutoffInvA: s / 2, widthInvA: s / 4),
                                        lowPass: RaisedCosineLowPass(cutoffInvA: 0.1, widthInvA: 0.02), topInvA: 0.11,
                                        work: &work, amplitude: &amp, at: [every])[0]
        let errSmooth = smooth.map { abs($0 - a) }.max()!
        #expect(errSmooth < 1e-4 * a, "smoothed amplitude: expected \(a), max error \(errSmooth)")
        // A low-pass reaching Nyquist: the smoothing is done in place on the full grid (odd x, even y and z: the
        // even axes' Nyquist planes dropped) and sampled exactly at every voxel; the constant a passes.
        let inPlace = hp.smoothedSamples(highPass: RaisedCosineHighPass(cutoffInvA: s / 2, widthInvA: s / 4),
                                         lowPass: RaisedCosineLowPass(cutoffInvA: 0.3, widthInvA: 0.02), topInvA: 0.31,
                                         work: &work, amplitude: &amp, at: [every])[0]
        let errInPlace = inPlace.map { abs($0 - a) }.max()!
        #expect(errInPlace < 1e-4 * a, "in-place smoothed amplitude: expected \(a), max error \(errInPlace)")
    }

    /// A row's gains in one call (`gains(ascending:)`, which evaluates only the transition) are `gain` at every
    /// frequency, bit for bit: rows below, across and above the transition, values exactly at its edges and one
    /// step either side, repeated values; and the protocol's default for a gain without a shortcut (the band).
    @Test func rowGainsAreTheGainAtEachFrequency() {
        let low = RaisedCosineLowPass(cutoffInvA: 0.2, widthInvA: 0.04)
        let lo = low.cutoffInvA - low.widthInvA / 2, hi = low.cutoffInvA + low.widthInvA / 2
        var rng = FourierTestRNG(seed: 21)
        var rows: [[Float]] = [[0], [lo], [hi], [0, lo, lo, hi, hi, 0.5], [0.05, 0.1], [0.3, 0.4],
                               [lo.nextDown, lo, lo.nextUp, hi.nextDown, hi, hi.nextUp]]
        for _ in 0..<50 { rows.append((0...Int(rng.uniform() * 140)).map { _ in Float(rng.uniform() * 0.4) }.sorted()) }
        func check<G: RadialGain>(_ g: G, _ name: String) {
            for row in rows {
                var h = [Float](repeating: .nan, count: row.count)
                row.withUnsafeBufferPointer { s in
                    h.withUnsafeMutableBufferPointer { g.gains(ascending: s.baseAddress!, into: $0.baseAddress!, count: row.count) }
                }
                #expect(h.map(\.bitPattern) == row.map { g.gain($0).bitPattern }, "\(name), row \(row)")
            }
        }
        check(low, "low-pass")
        check(RaisedCosineHighPass(cutoffInvA: 0.2, widthInvA: 0.04), "high-pass")
        check(RaisedCosineBand(centerInvA: 0.2, halfWidthInvA: 0.05), "band")
    }

    /// The amplitude of a random spectrum under a high-pass, on the full grid and on cropped grids (odd and even
    /// sizes), with and without the gains kept across components, is its definition computed plainly: each
    /// component's spectrum G·h (g) or −i·(s_j/|s|)·G·h (r_j) written coefficient by coefficient on the grid
    /// (coefficients with 2|k| ≥ m dropped along a cropped axis, the DC term dropped), transformed out of place,
    /// scaled as the full box's inverse transform, and A = sqrt(g² + Σ r_j²).
    @Test func amplitudeIsItsDefinition() {
        var rng = FourierTestRNG(seed: 17)
        let n = SIMD3(20, 15, 18), t = 1.1
        var v = Volume(nx: n.x, ny: n.y, nz: n.z, voxelSize: SIMD3(t, t, t))
        for i in 0..<v.count { v.data[i] = Float(rng.gaussian()) }
        let f = FFT.forward(v)
        let gain = RaisedCosineHighPass(cutoffInvA: 0.12, widthInvA: 0.05)
        for m in [n, SIMD3(11, 8, 10), SIMD3(12, 15, 9)] {
            let coarse = FrequencyGrid(nx: m.x, ny: m.y, nz: m.z,
                                       voxelSize: SIMD3(Double(n.x) * t / Double(m.x), Double(n.y) * t / Double(m.y), Double(n.z) * t / Double(m.z)))
            let (sx, sy, sz) = (coarse.sx, coarse.sy, coarse.sz)
            var sumOfSquares = [Double](repeating: 0, count: m.x * m.y * m.z)
            for comp in 0..<4 {
                var c = [SIMD2<Float>](repeating: .zero, count: (m.x / 2 + 1) * m.y * m.z)
                for kc in 0..<m.z { for jc in 0..<m.y { for ic in 0...(m.x / 2) {
                    let k = SIMD3(ic, FrequencyGrid.signedIndex(jc, m.y), FrequencyGrid.signedIndex(kc, m.z))
                    if (0..<3).contains(where: { m[$0] < n[$0] && 2 * abs(k[$0]) >= m[$0] }) { continue }
                    let sv = SIMD3(sx[ic], sy[jc], sz[kc]), s = Float((sv * sv).sum().squareRoot())
                    if s == 0 { continue }
                    let g = f.data[k.x + f.hx * ((k.y + n.y) % n.y + n.y * ((k.z + n.z) % n.z))] * gain.gain(s)
                    let w = comp == 0 ? 0 : Float(sv[comp - 1]) / s
                    c[ic + (m.x / 2 + 1) * (jc + m.y * kc)] = comp == 0 ? g : SIMD2(w * g.y, -w * g.x)
                } } }
                let values = FFT.inverseValues(FourierVolume(nx: m.x, ny: m.y, nz: m.z, voxelSize: coarse.voxelSize, data: c))
                let scale = Double(m.x * m.y * m.z) / Double(n.x * n.y * n.z)
                for i in values.indices { sumOfSquares[i] += pow(Double(values[i]) * scale, 2) }
            }
            let expected = sumOfSquares.map { $0.squareRoot() }
            let peak = expected.max()!
            for caches in [false, true] {
                var work = AmplitudeWork(dims: m, cachesGains: caches)
                var amp = [Float](repeating: .nan, count: m.x * m.y * m.z)
                f.data.withUnsafeBufferPointer { src in
                    amp.withUnsafeMutableBufferPointer { work.amplitude(src, full: f.grid, gain: gain, into: $0, threads: 1, parallel: true) }
                }
                let err = zip(amp, expected).map { abs(Double($0) - $1) }.max()!
                #expect(peak > 0 && err < 1e-5 * peak, "grid \(m), gains kept \(caches): max error \(err) (peak \(peak))")
            }
        }
    }

    /// The band amplitude on a cropped grid of odd size equals the one on the full grid at the shared voxels.
    @Test func croppedBandAmplitudeMatchesFullGrid() {
        let n = 81   // the band reaches index 12: a cropped grid of goodSize(26) = 27 = 81/3 voxels
        var rng = FourierTestRNG(seed: 9)
        var v = Volume(nx: n, ny: n, nz: n, voxelSize: SIMD3(1, 1, 1))
        for i in 0..<v.count { v.data[i] = Float(rng.gaussian()) }
        let f = FFT.forward(v)
        let band = RaisedCosineBand(centerInvA: 0.1, halfWidthInvA: 0.054)
        let fine = MonogenicSignal.localAmplitudeGrid(f, gain: band, maxFrequencyInvA: band.maxFrequencyInvA, allowCoarseGrid: false)
        let coarse = MonogenicSignal.localAmplitudeGrid(f, gain: band, maxFrequencyInvA: band.maxFrequencyInvA)
        let m = coarse.dims
        #expect(m.x < n && n % m.x == 0, "coarse grid \(m) should divide \(n) for this check")
        let r = n / m.x
        var maxErr: Float = 0, peak: Float = 0
        for z in 0..<m.z { for y in 0..<m.y { for x in 0..<m.x {
            let c = coarse.values[x + m.x * (y + m.y * z)], e = fine.values[r * x + n * (r * y + n * r * z)]
            maxErr = max(maxErr, abs(c - e)); peak = max(peak, e)
        } } }
        #expect(maxErr < 1e-4 * peak, "coarse and full grids differ by \(maxErr) (peak \(peak))")
    }

    /// Sampling at the voxels a predicate selects gives the values, in order, that sampling at the list of those
    /// voxels gives (0.f's noise voxels are sampled so, without their list), on a coarse grid and on the full one.
    @Test func samplingByPredicateMatchesSamplingAtTheList() {
        var rng = FourierTestRNG(seed: 5)
        let full = SIMD3(13, 10, 9)
        let keep = { (x: Int, y: Int, z: Int) -> Bool in (x * 7 + y * 3 + z * 5) % 4 != 0 && x + y > 2 }
        var list: [Int32] = []
        for z in 0..<full.z { for y in 0..<full.y { for x in 0..<full.x where keep(x, y, z) {
            list.append(Int32(x + full.x * (y + full.y * z)))
        } } }
        for coarse in [SIMD3(6, 5, 4), full] {
            let values = (0..<(coarse.x * coarse.y * coarse.z)).map { _ in Float(rng.uniform()) }
            let byList = MonogenicSignal.sample(values, dims: coarse, fullDims: full, at: list)
            let byPredicate = MonogenicSignal.sample(values, dims: coarse, fullDims: full, where: keep)
            #expect(byPredicate == byList && byList.count == list.count && !list.isEmpty, "coarse grid \(coarse)")
        }
        #expect(MonogenicSignal.sample([1, 2], dims: SIMD3(2, 1, 1), fullDims: SIMD3(2, 1, 1), where: { _, _, _ in false }).isEmpty)
    }

    /// The table of distinct frequencies holds every coefficient once (weights sum to the voxel count) and sums a
    /// gain as the loop over every coefficient does.
    @Test func frequencyTableSumsLikeEveryCoefficient() {
        for (nx, ny, nz, t) in [(32, 32, 32, SIMD3(1.0, 1.0, 1.0)), (25, 30, 18, SIMD3(1.2, 0.9, 1.5))] {
            let grid = FrequencyGrid(nx: nx, ny: ny, nz: nz, voxelSize: t)
            let table = LocalBandFits.FrequencyTable(grid)
            #expect(table.weights.reduce(0, +) == Double(nx * ny * nz))
            #expect(zip(table.frequencies, table.frequencies.dropFirst()).allSatisfy { $0 < $1 })
            let h = LocalBandFits.GaussianAnnulus(centre: 0.2, sigma: 0.03, scale: 1)
            var direct = 0.0
            let (fx, fy, fz) = (grid.sx, grid.sy, grid.sz)
            for k in 0..<nz { for j in 0..<ny { for i in 0..<grid.hx {
                direct += grid.hermitianWeight(i) * Double(h.gain(Float((fx[i] * fx[i] + fy[j] * fy[j] + fz[k] * fz[k]).squareRoot())))
            } } }
            let normalised = LocalBandFits.annulus(0.2, sigma: 0.03, table: table)
            #expect(abs(Double(normalised.scale) * direct - 1) < 1e-6, "ΣH = \(Double(normalised.scale) * direct)")
        }
    }
}
