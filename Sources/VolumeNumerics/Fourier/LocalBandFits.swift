// Local B-factor and local occupancy from band-passed local amplitudes, after Kaur et al. 2021
// (Nat. Commun. 12:1240, LocBFactor and LocOccupancy).
//
// Bands: N raised-cosine bands with centres f_k equally spaced in frequency from 1/lowA to 1/highA (1/Å),
// half width = the spacing (N = 3…10, the spacing at least 0.01 1/Å). For each band the local amplitude
// A_k(x) comes from the monogenic (Riesz/spiral) signal, low-passed at f_k (to remove the speckle between
// atoms), and is divided by sqrt(Σ H_k(s)²) over the spectrum's coefficients so that it estimates the local
// rms |F| at f_k (a wider shell holds more coefficients): then ln A_k ≈ ln|F(f_k)| as in the Guinier plot.
// Local B: per voxel, the least-squares slope a of ln A_k against f_k², B = 4a (SPEC 0.d convention: minus
// the crystallographic B; a blurred region gives B < 0).
// Local occupancy: the local amplitude A(x) of one wide band spanning 10–6 Å (15 Å–R when R is coarser than
// 6 Å; raised cosine with gain ≥ 0.5 over that range), low-passed at its centre, divided by the median of A
// over the mask voxels at or above its `referenceQuantile` (the fully occupied core), clipped to [0, 1].
import Foundation
import MapIO

public struct LocalBandMaps: Sendable {
    /// Per-voxel values on the full grid (x fastest), NaN outside the mask.
    public var bFactorA2: [Float]
    public var occupancy: [Float]
    /// The same values for the mask voxels only, in index order.
    public var maskedBFactorA2: [Float]
    public var maskedOccupancy: [Float]
    /// Band centres (1/Å) used for the B fit and for the occupancy.
    public var bandFrequenciesInvA: [Double]
    public var occupancyBandCount: Int
    /// Centre (1/Å) of the occupancy band.
    public var occupancyBandInvA: Double
}

public enum LocalBandFits {
    /// Band centres (1/Å) between `lowA` and `highA` (Å) and their half width.
    public static func bands(lowA: Double, highA: Double) -> (centres: [Double], halfWidth: Double) {
        let fLo = 1 / lowA, fHi = 1 / highA
        let n = Int.clamped((fHi - fLo) / 0.01, .down, to: 2...9) + 1
        let step = (fHi - fLo) / Double(n - 1)
        return ((0..<n).map { fLo + Double($0) * step }, step)
    }

    /// Σ H(s)² over the full spectrum of `grid`: the band's effective number of coefficients (exact on the
    /// grid, so a band cut by the Nyquist corner is normalised by what it really holds).
    static func bandVolume(_ band: RaisedCosineBand, grid: FrequencyGrid) -> Double {
        let (fx, fy, fz) = (grid.sx, grid.sy, grid.sz)
        var sum = 0.0
        for k in 0..<grid.nz {
            for j in 0..<grid.ny {
                let yz = fy[j] * fy[j] + fz[k] * fz[k]
                for i in 0..<grid.hx {
                    let g = Double(band.gain(Float((fx[i] * fx[i] + yz).squareRoot())))
                    if g > 0 { sum += grid.hermitianWeight(i) * g * g }
                }
            }
        }
        return max(sum, 1e-30)
    }

    /// Local B-factor and occupancy of `map` inside `mask` (one flag per voxel, x fastest), from bands
    /// between `lowA` and `highA` Å.
    public static func compute(map: Volume, mask: [Bool], lowA: Double, highA: Double,
                               referenceQuantile: Double = 0.6) -> LocalBandMaps {
        precondition(mask.count == map.count, "LocalBandFits: mask has \(mask.count) voxels, map \(map.count)")
        var inside = [Int32]()
        for i in 0..<mask.count where mask[i] { inside.append(Int32(i)) }
        let (centres, h) = bands(lowA: lowA, highA: highA)
        let x = centres.map { $0 * $0 }
        let xMean = x.reduce(0, +) / Double(x.count)
        let sxx = x.reduce(0) { $0 + ($1 - xMean) * ($1 - xMean) }
        let spectrum = FFT.forward(map)
        let full = map.dims
        var slopeAcc = [Double](repeating: 0, count: inside.count)
        var occAcc = [Double](repeating: 0, count: inside.count)
        var occBands = 0
        for (k, f) in centres.enumerated() {
            let band = RaisedCosineBand(centerInvA: f, halfWidthInvA: h)
            var (grid, dims) = MonogenicSignal.localAmplitudeGrid(spectrum, gain: band, maxFrequencyInvA: f + h)
            let coarseVoxel = map.voxelSize * SIMD3(Double(full.x) / Double(dims.x), Double(full.y) / Double(dims.y),
                                                    Double(full.z) / Double(dims.z))
            (grid, dims) = MonoRes.smoothed(grid, dims: dims, voxelSize: coarseVoxel, cutoffInvA: f)
            let amp = MonogenicSignal.sample(grid, dims: dims, fullDims: full, at: inside)
            let logNorm = 0.5 * log(bandVolume(band, grid: spectrum.grid))
            let wk = (x[k] - xMean) / sxx
            for q in 0..<amp.count {
                slopeAcc[q] += wk * (log(Double(max(amp[q], Float.leastNormalMagnitude))) - logNorm)
            }
        }
        // Occupancy: one wide band (narrow bands localise poorly: their envelope varies on the scale of
        // 1/half-width), spanning 10–6 Å, or 15 Å–R when R is coarser than 6 Å.
        let fa = highA < 10 ? 1 / 10.0 : 1 / lowA
        let fb = highA < 6 ? 1 / 6.0 : 1 / highA
        let occBand = RaisedCosineBand(centerInvA: (fa + fb) / 2, halfWidthInvA: fb - fa)
        let occFreq = (fa + fb) / 2
        do {
            var (grid, dims) = MonogenicSignal.localAmplitudeGrid(spectrum, gain: occBand, maxFrequencyInvA: occFreq + (fb - fa))
            let coarseVoxel = map.voxelSize * SIMD3(Double(full.x) / Double(dims.x), Double(full.y) / Double(dims.y),
                                                    Double(full.z) / Double(dims.z))
            (grid, dims) = MonoRes.smoothed(grid, dims: dims, voxelSize: coarseVoxel, cutoffInvA: occFreq)
            let amp = MonogenicSignal.sample(grid, dims: dims, fullDims: full, at: inside)
            var ref: Float = 1
            if !amp.isEmpty {
                let sorted = amp.sorted()
                let top = sorted[Int(Double(sorted.count - 1) * referenceQuantile)...]
                ref = max(top[top.startIndex + top.count / 2], Float.leastNormalMagnitude)
            }
            for q in 0..<amp.count { occAcc[q] = Double(amp[q] / ref) }
            occBands = 1
        }
        var bFull = [Float](repeating: .nan, count: map.count), occFull = bFull
        var bMasked = [Float](repeating: 0, count: inside.count), occMasked = bMasked
        for q in 0..<inside.count {
            let b = Float(4 * slopeAcc[q])
            let o = Float(min(1, max(0, occAcc[q] / Double(occBands))))
            bMasked[q] = b; occMasked[q] = o
            bFull[Int(inside[q])] = b; occFull[Int(inside[q])] = o
        }
        return LocalBandMaps(bFactorA2: bFull, occupancy: occFull, maskedBFactorA2: bMasked, maskedOccupancy: occMasked,
                             bandFrequenciesInvA: centres, occupancyBandCount: occBands, occupancyBandInvA: occFreq)
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
