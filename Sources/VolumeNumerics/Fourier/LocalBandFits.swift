// Local B-factor (LocBFactor) and local occupancy (LocOccupancy) from band-passed local amplitudes, as defined by
// Kaur et al. 2021 (Nat. Commun. 12:1240) and their reference code; method reference: docs/methods.md (0.f, 0.g).
//
// Bands: Gaussian annuli H(s) = exp(−(s − f)²/(2σ²)) of width σ = 4.8 Fourier bins (the reference plugin's
// default; one bin = the shell width Δs, FrequencyGrid.swift), the DC term dropped, each normalised to ΣH = 1 over
// the full spectrum (the reference's normalisation). The local amplitude of a band is the monogenic (Riesz, the
// exact vector form of the spiral transform) modulus m = sqrt(g² + |r|²) of the filtered map, × sqrt(N) (N the
// number of voxels), computed on the coarsest grid that holds the band to f + 4σ and sampled trilinearly.
// Because ΣH grows as f², m estimates |F(f)|/f up to a constant, not |F(f)|: ln m carries −ln f, which the
// Guinier fit turns into a bias of the local B (docs/methods.md 0.f gives its size; `guinierBiasA2`).
// LocBFactor: 10 band centres equally spaced from ⌊1/(15 Å·Δs)⌋·Δs to ⌊1/(R·Δs)⌋·Δs; per band the noise level q =
// the 0.9 quantile of m over the voxels outside the mask inside the inscribed sphere, the weighted log amplitude
// ln(m·m/(m + q)) (the reference's noise weighting); per voxel the least-squares slope a of it against f², and
// B = 4a (SPEC 0.d convention: minus the crystallographic B; blurred regions give B < 0).
// LocOccupancy: one band per Fourier bin between the same limits (the reference's count, |f_max − f_min|/Δs
// centres equally spaced); per band the voxels with m at or above the 0.25 quantile of m over the mask count 1,
// the others 0; a voxel's occupancy is the fraction of bands in which it counts 1. It is a rank measure: a fully
// ordered core reads 1, and a region reads below 1 only where its amplitude is among the weakest 25 % of the mask.
import Foundation
import MapIO

public struct LocalBandMaps: Sendable {
    /// Per-voxel values on the full grid (x fastest), NaN outside the mask.
    public var bFactorA2: [Float]
    public var occupancy: [Float]
    /// The same values for the mask voxels only, in index order.
    public var maskedBFactorA2: [Float]
    public var maskedOccupancy: [Float]
    /// Band centres (1/Å) of the B fit and of the occupancy.
    public var bandFrequenciesInvA: [Double]
    public var occupancyBandFrequenciesInvA: [Double]
    /// Gaussian band width σ (1/Å) and the noise quantile (B) and mask quantile (occupancy).
    public var bandSigmaInvA: Double
    public var noiseQuantile: Double
    public var occupancyQuantile: Double
}

public enum LocalBandFits {
    /// The reference plugin's band width (σ, Fourier bins), noise quantile, number of B bands and occupancy quantile.
    public static let sigmaBins = 4.8, noiseQuantile = 0.9, bBandCount = 10, occupancyQuantile = 0.25

    /// Gaussian annulus of centre f and width σ (1/Å), zero at DC.
    struct GaussianAnnulus: RadialGain {
        var centre: Float, sigma: Float, scale: Float
        @inline(__always) func gain(_ s: Float) -> Float {
            let d = (s - centre) / sigma
            return s > 0 ? scale * exp(-0.5 * d * d) : 0
        }
    }

    /// The annulus at `f` normalised to ΣH = 1 over the full spectrum of `grid` (Hermitian weights), the sum taken
    /// over the grid's distinct frequencies (`FrequencyTable`).
    static func annulus(_ f: Double, sigma: Double, table: FrequencyTable) -> GaussianAnnulus {
        let raw = GaussianAnnulus(centre: Float(f), sigma: Float(sigma), scale: 1)
        var sum = 0.0
        for q in 0..<table.frequencies.count { sum += table.weights[q] * Double(raw.gain(table.frequencies[q])) }
        return GaussianAnnulus(centre: Float(f), sigma: Float(sigma), scale: Float(1 / max(sum, 1e-30)))
    }

    /// The distinct |s| (1/Å, as a radial gain sees them) of a grid's stored coefficients, increasing, each with
    /// the number of full-spectrum coefficients at it (Hermitian weights): sums of a radial gain over the
    /// spectrum in one pass over a few thousand values instead of every coefficient.
    struct FrequencyTable {
        let frequencies: [Float]
        let weights: [Double]

        init(_ grid: FrequencyGrid) {
            let (fx, fy, fz) = (grid.sx, grid.sy, grid.sz)
            let hx = grid.hx
            // Keys: the Float's bits (non-negative floats sort as their bits) and whether the weight is 2.
            var keys = [UInt64](repeating: 0, count: hx * grid.ny * grid.nz)
            keys.withUnsafeMutableBufferPointer { kp in
                parallelFor(grid.nz) { k in
                    for j in 0..<grid.ny {
                        let yz = fy[j] * fy[j] + fz[k] * fz[k], base = hx * (j + grid.ny * k)
                        for i in 0..<hx {
                            let s = Float((fx[i] * fx[i] + yz).squareRoot())
                            kp[base + i] = UInt64(s.bitPattern) << 1 | (grid.hermitianWeight(i) == 2 ? 1 : 0)
                        }
                    }
                }
            }
            keys.sort()
            var f: [Float] = [], w: [Double] = []
            for key in keys {
                let s = Float(bitPattern: UInt32(key >> 1)), weight: Double = key & 1 == 1 ? 2 : 1
                if let last = f.last, last == s { w[w.count - 1] += weight } else { f.append(s); w.append(weight) }
            }
            frequencies = f; weights = w
        }
    }

    /// `map` Fourier-resampled to the coarsest voxel whose grid holds every band up to 4σ above 1/`highA` (the box
    /// in Å is kept, so the bins Δs are unchanged), with `mask` carried over by nearest voxel; both as they are
    /// when the map is already that coarse.
    public static func resampledForBands(_ map: Volume, mask: [Bool], highA: Double) -> (map: Volume, mask: [Bool]) {
        let boxA = max(Double(map.nx) * map.voxelSize.x, Double(map.ny) * map.voxelSize.y, Double(map.nz) * map.voxelSize.z)
        let voxelA = 1 / (2 * (1 / highA + 4 * sigmaBins / boxA))
        guard voxelA > map.voxelSize.x * 1.001 else { return (map, mask) }
        let resampled = FourierResample.resample(map, voxelSizeA: voxelA)
        return (resampled, resampleMask(mask, from: map.dims, to: resampled.dims))
    }

    /// Band centres (1/Å) from ⌊1/(lowA·Δs)⌋ to ⌊1/(highA·Δs)⌋ bins: `count` of them, or one per bin when nil.
    public static func centres(lowA: Double, highA: Double, shellWidthInvA ds: Double, count: Int?) -> [Double] {
        let a = (1 / (lowA * ds)).rounded(.down), b = (1 / (highA * ds)).rounded(.down)
        let n = max(2, count ?? Int(abs(b - a)))
        return (0..<n).map { (a + (b - a) * Double($0) / Double(n - 1)) * ds }
    }

    /// 4 × the least-squares slope of −ln f against f² over `centres`: the B (Å²) that the reference's ΣH
    /// normalisation adds to a map's true local B (m ∝ |F|/f for annuli narrow compared with their radius).
    public static func guinierBiasA2(centres: [Double]) -> Double {
        let x = centres.map { $0 * $0 }, y = centres.map { -log($0) }
        let mx = x.reduce(0, +) / Double(x.count), my = y.reduce(0, +) / Double(y.count)
        let sxy = zip(x, y).reduce(0) { $0 + ($1.0 - mx) * ($1.1 - my) }, sxx = x.reduce(0) { $0 + ($1 - mx) * ($1 - mx) }
        return 4 * sxy / sxx
    }

    /// Local B-factor and occupancy of `map` inside `mask` (one flag per voxel, x fastest) between `lowA` and `highA` Å.
    /// The map is consumed: let go once its spectrum is taken (the bands need only the spectrum), so a caller that
    /// hands over its only copy does not hold it through the bands (issue 16, 512³).
    public static func compute(map: consuming Volume, mask: [Bool], lowA: Double, highA: Double) -> LocalBandMaps {
        precondition(mask.count == map.count, "LocalBandFits: mask has \(mask.count) voxels, map \(map.count)")
        var inside = [Int32]()
        let (nx, ny, nz) = (map.nx, map.ny, map.nz)
        for i in 0..<mask.count where mask[i] { inside.append(Int32(i)) }
        // The noise voxels: outside the mask, inside the box's inscribed sphere. Sampled by this predicate rather
        // than from a list of their indices (at 512³ the resampled grid's noise voxels are ~23 M, ~90 MB of indices).
        let r0 = Double(min(nx, ny, nz) / 2)
        let isNoise = { (x: Int, y: Int, z: Int) -> Bool in
            if mask[x + nx * (y + ny * z)] { return false }
            let d = SIMD3(Double(x - nx / 2), Double(y - ny / 2), Double(z - nz / 2))
            return (d * d).sum() < r0 * r0
        }
        let spectrum = FFT.forward(map)
        let full = map.dims, voxels = map.count
        _ = consume map
        let grid = spectrum.grid
        let table = FrequencyTable(grid)
        let ds = grid.shellWidthInvA, sigma = sigmaBins * ds
        let rootN = Float(Double(voxels).squareRoot())
        // The monogenic modulus of one band at the mask voxels (and at the noise voxels when asked), × sqrt(N);
        // scaled in place, not copied.
        func modulus(_ f: Double, noise: Bool) -> (inside: [Float], noise: [Float]) {
            let h = annulus(f, sigma: sigma, table: table)
            let (g, dims) = MonogenicSignal.localAmplitudeGrid(spectrum, gain: h, maxFrequencyInvA: f + 4 * sigma)
            func scaled(_ v: consuming [Float]) -> [Float] {
                v.withUnsafeMutableBufferPointer { p in for i in p.indices { p[i] *= rootN } }
                return v
            }
            return (scaled(MonogenicSignal.sample(g, dims: dims, fullDims: full, at: inside)),
                    noise ? scaled(MonogenicSignal.sample(g, dims: dims, fullDims: full, where: isNoise)) : [])
        }

        // LocBFactor.
        let bCentres = centres(lowA: lowA, highA: highA, shellWidthInvA: ds, count: bBandCount)
        let x = bCentres.map { $0 * $0 }
        let xMean = x.reduce(0, +) / Double(x.count)
        let sxx = x.reduce(0) { $0 + ($1 - xMean) * ($1 - xMean) }
        var slope = [Double](repeating: 0, count: inside.count)
        for (k, f) in bCentres.enumerated() {
            var m = modulus(f, noise: true)
            // The quantile reorders the noise values in place (they are not needed after it).
            let q = m.noise.isEmpty ? 0 : MonoRes.quantile(&m.noise, noiseQuantile)
            let wk = (x[k] - xMean) / sxx
            for (i, v) in m.inside.enumerated() {
                let weighted = Double(v) * Double(v) / (Double(v) + Double(q))
                slope[i] += wk * log(max(weighted, Double(Float.leastNormalMagnitude)))
            }
        }
        // LocOccupancy.
        let oCentres = centres(lowA: lowA, highA: highA, shellWidthInvA: ds, count: nil)
        var above = [Int32](repeating: 0, count: inside.count)
        for f in oCentres {
            let m = modulus(f, noise: false).inside
            var sorted = m
            let q = m.isEmpty ? 0 : MonoRes.quantile(&sorted, occupancyQuantile)
            for (i, v) in m.enumerated() where v >= q { above[i] += 1 }
        }
        var bFull = [Float](repeating: .nan, count: voxels), occFull = bFull
        var bMasked = [Float](repeating: 0, count: inside.count), occMasked = bMasked
        for q in 0..<inside.count {
            let b = Float(4 * slope[q]), o = Float(above[q]) / Float(oCentres.count)
            bMasked[q] = b; occMasked[q] = o
            bFull[Int(inside[q])] = b; occFull[Int(inside[q])] = o
        }
        return LocalBandMaps(bFactorA2: bFull, occupancy: occFull, maskedBFactorA2: bMasked, maskedOccupancy: occMasked,
                             bandFrequenciesInvA: bCentres, occupancyBandFrequenciesInvA: oCentres, bandSigmaInvA: sigma,
                             noiseQuantile: noiseQuantile, occupancyQuantile: occupancyQuantile)
    }

    /// A mask on a resampled grid: each voxel takes the flag of the original voxel nearest to its centre
    /// (both grids cover the same box).
    public static func resampleMask(_ mask: [Bool], from n: SIMD3<Int>, to m: SIMD3<Int>) -> [Bool] {
        var out = [Bool](repeating: false, count: m.x * m.y * m.z)
        func nearest(_ i: Int, _ nIn: Int, _ nOut: Int) -> Int { min(nIn - 1, Int((Double(i) * Double(nIn) / Double(nOut)).rounded())) }
        for z in 0..<m.z {
            let zz = nearest(z, n.z, m.z)
            for y in 0..<m.y {
                let yy = nearest(y, n.y, m.y)
                for x in 0..<m.x { out[x + m.x * (y + m.y * z)] = mask[nearest(x, n.x, m.x) + n.x * (yy + n.y * zz)] }
            }
        }
        return out
    }
}
