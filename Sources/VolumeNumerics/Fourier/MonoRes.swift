// Local resolution by the monogenic signal (MonoRes; Vilas et al. 2018, Structure 26:337), with the conventions
// of the reference program (xmipp `resolution_monogenic_signal`). Method reference: docs/methods.md, 0.e and 1.c.
//
// Scan: resolutions d_k = start − k·0.25 Å, each moved to the nearest Fourier shell f_k = round(1/(d_k·Δs))·Δs
// (Δs = the shell width, FrequencyGrid.swift); a resolution landing on the shell of the previous one is skipped;
// the scan ends at Nyquist. At each f_k the map is HIGH-passed (not band-passed: the noise above f_k takes part
// in the comparison, as in the paper): gain 0 below f_{k−1}, a raised cosine rising to 1 at f_k, 1 above
// (xmipp's edge is a fixed 0.02 cycles/voxel; ours is one scan step so that the estimate is biased by at most one
// step, see docs/methods.md). The local amplitude A = sqrt(g² + |Riesz g|²) is low-passed at f_k (raised cosine
// from f_k to f_k + 0.02 cycles/voxel, as xmipp) to remove the ripple between atoms.
// Noise: the same amplitude at the noise voxels — outside the mask, inside the sphere where the box holds noise
// (MonoResNoise.swift) — or, with half maps, the amplitude of the half difference (h1 − h2)/2 over that sphere
// (mask included, xmipp's default). Threshold t_k = the `significance` quantile of the noise amplitudes
// (xmipp's order statistic: sorted[⌊n·q⌋]).
// Before the scan, mask voxels whose full-band amplitude (Gaussian-smoothed, σ = 4 voxels) is below the 95 %
// noise quantile are dropped from the mask (xmipp's mask refinement) and, on a single map, join the noise.
// Per voxel: above t_k → resolution d_k; a voxel below the threshold twice in a row leaves the scan with the
// resolution two steps back (its last pass). Scan stops (xmipp): fewer than 2.5 % of the refined mask still
// scanning; the mean amplitude of the scanning voxels below 0.001 × its maximum; the signal mean no longer
// significantly above the noise mean (z = (μS − μN)/√(σS²/nS + σN²/nN) < z_0.95, after this step's update).
// Post-processing (xmipp): the map of resolutions, with the median outside the refined mask, Gaussian-smoothed
// (σ = 3 voxels); each mask voxel takes min(smoothed, raw), the raw value where the smoothed one is below Nyquist.
import Foundation
import MapIO

public struct MonoResSettings: Sendable, Equatable {
    /// Coarsest resolution of the scan (Å), where it starts.
    public var lowestResolutionA: Double
    /// Resolution step of the scan (Å); xmipp's default 0.25 Å (also its minimum).
    public var stepA: Double
    /// Noise quantile a voxel must exceed (xmipp's significance, 0.95).
    public var significance: Double

    public init(lowestResolutionA: Double, stepA: Double = 0.25, significance: Double = 0.95) {
        self.lowestResolutionA = lowestResolutionA; self.stepA = max(0.25, stepA); self.significance = significance
    }
}

public struct LocalResolutionMap: Sendable {
    /// Local resolution (Å) per voxel of the full grid, x fastest; NaN outside the refined mask.
    public var resolutionA: [Float]
    /// The same values for the refined mask voxels only, in index order.
    public var maskedResolutionA: [Float]
    /// Resolutions (Å) tested, in scan order (coarse to fine), and the noise threshold at each.
    public var scannedResolutionsA: [Double]
    public var noiseThresholds: [Double]
    /// Mask voxels dropped before the scan (full-band amplitude below noise), and the mask size.
    public var droppedBelowNoise: Int
    public var maskVoxels: Int
    /// Noise voxels used and the radius (voxels) of the sphere they were taken from.
    public var noiseVoxels: Int
    public var noiseRadiusVoxels: Int
    /// Why the scan ended.
    public var stopReason: String

    /// The largest gap (Å) between consecutive scanned resolutions around `d` Å: the estimate's granularity there.
    public func stepA(near d: Double) -> Double {
        let r = scannedResolutionsA
        guard r.count >= 2 else { return 0 }
        var best = 0.0
        for i in 0..<(r.count - 1) where min(r[i], r[i + 1]) - 0.5 <= d && d <= max(r[i], r[i + 1]) + 0.5 {
            best = max(best, abs(r[i] - r[i + 1]))
        }
        return best
    }
}

public enum MonoResError: Error, CustomStringConvertible {
    case emptyMask, noNoiseVoxels, zeroBackground(fraction: Double), badRange(String)
    public var description: String {
        switch self {
        case .emptyMask: return "local resolution: the mask is empty"
        case .noNoiseVoxels: return "local resolution: fewer than 100 voxels outside the mask to estimate the noise from"
        case .zeroBackground(let f):
            return String(format: "%.0f %% of the voxels around the molecule are exactly 0 (a masked map): the noise cannot be estimated", 100 * f)
        case .badRange(let s): return "local resolution: \(s)"
        }
    }
}

public enum MonoRes {
    /// Local resolution of `map` inside `mask` (one flag per voxel, x fastest). Voxels outside the mask at or
    /// above `otherDensityThreshold` (other density, the raw mask outside the hard mask) are neither mask nor
    /// noise. With `noise` (the half difference (h1 − h2)/2), the noise amplitudes come from it over the whole
    /// noise sphere (no other density is excluded then).
    ///
    /// The map and the mask are consumed: the mask becomes one bit per voxel once the noise region is found, and
    /// the map is let go once its spectrum is taken, so a caller that hands over its only copies
    /// (AnalysisContext.takeMap, and the masks released) holds neither through the scan (issue 16, 512³ within 4×
    /// the map).
    public static func localResolution(map: consuming Volume, mask: consuming [Bool], otherDensityThreshold: Double? = nil,
                                       settings: MonoResSettings, noise noiseMap: Volume? = nil) throws -> LocalResolutionMap {
        precondition(mask.count == map.count, "MonoRes: mask has \(mask.count) voxels, map \(map.count)")
        let full = map.dims
        let maskVoxels = mask.reduce(0) { $0 + ($1 ? 1 : 0) }
        guard maskVoxels > 0 else { throw MonoResError.emptyMask }
        let region = if let noiseMap {
            try MonoResNoise.region(map: noiseMap, mask: mask, otherDensityThreshold: nil, includeMask: true, maxSample: 1_000_000)
        } else {
            try MonoResNoise.region(map: map, mask: mask, otherDensityThreshold: otherDensityThreshold, includeMask: false,
                                    maxSample: 1_000_000)
        }
        // The mask refinement's noise: the region's sample, outside the mask when the region includes it.
        let refinementNoise = noiseMap == nil ? region.sample : region.sample.filter { !mask[Int($0)] }
        let packedMask = PackedMask(consume mask)   // the flags go here
        let voxelSize = map.voxelSize
        let grid = FrequencyGrid(nx: full.x, ny: full.y, nz: full.z, voxelSize: voxelSize)
        let ds = grid.shellWidthInvA, nyquist = grid.nyquistInvA
        let tail = 0.02 / max(voxelSize.x, voxelSize.y, voxelSize.z)   // xmipp's 0.02 cycles/voxel
        guard settings.lowestResolutionA > 1 / nyquist else {
            throw MonoResError.badRange(String(format: "the scan's start %.2f Å is not coarser than Nyquist %.2f Å", settings.lowestResolutionA, 1 / nyquist))
        }
        let amplitude = HighPassAmplitude(FFT.forward(map))
        _ = consume map
        let scan = try Self.scan(amplitude: amplitude, dims: full, noiseMap: noiseMap, mask: packedMask,
                                 refinementNoise: refinementNoise, region: region, settings: settings,
                                 shellWidthInvA: ds, nyquistInvA: nyquist, tailInvA: tail)
        return postProcess(dims: full, voxelSize: voxelSize, kept: scan.kept, resolution: scan.resolution,
                           nyquistA: 1 / nyquist, scanned: scan.scanned, thresholds: scan.thresholds,
                           maskVoxels: maskVoxels, noiseVoxels: scan.noiseVoxels, noiseRadius: region.radiusVoxels,
                           stop: scan.stop)
    }

    /// The scan's outcome per refined-mask voxel, before the post-processing. Its full-size buffers (the
    /// spectra, the work and the amplitude) live only in `scan`, so they are gone before the post-processing.
    struct ScanResult {
        var kept: [Int32], resolution: ScannedResolutions, scanned: [Double], thresholds: [Double], stop: String, noiseVoxels: Int
    }

    static func scan(amplitude: HighPassAmplitude, dims: SIMD3<Int>, noiseMap: Volume?, mask: PackedMask,
                     refinementNoise: [Int32], region: MonoResNoise.Region, settings: MonoResSettings, shellWidthInvA ds: Double,
                     nyquistInvA nyquist: Double, tailInvA tail: Double) throws -> ScanResult {
        let noiseAmplitude = noiseMap.map { HighPassAmplitude(FFT.forward($0)) }
        // One set of full-size buffers, used in turn by the map's and the noise's amplitudes.
        var (work, amp) = HighPassAmplitude.work(for: amplitude.spectrum)

        // Mask refinement (xmipp): full-band amplitude, Gaussian σ = 4 voxels, against its 95 % noise quantile
        // (taken over the region's sample of at most ~10⁶ noise voxels, see MonoResNoise).
        var noiseSample = region.sample
        var noiseVoxels = region.count
        var kept = [Int32]()
        do {
            amplitude.amplitude(gain: AllPass(), work: &work, into: &amp)
            GaussianFilter.smoothInPlace(&amp, dims: dims, sigmaVoxels: 4)
            var nv = refinementNoise.map { amp[Int($0)] }
            let t = nv.isEmpty ? -Float.infinity : orderStatistic(&nv, 0.95)
            var dropped = 0
            mask.forEachSet { i in   // in index order
                let q = Int32(i)
                if amp[i] >= t { kept.append(q); return }
                guard noiseMap == nil else { return }
                // Dropped voxels join the noise, sampled with the region's stride.
                if dropped % region.stride == 0 { noiseSample.append(q) }
                dropped += 1; noiseVoxels += 1
            }
        }
        guard !kept.isEmpty else { throw MonoResError.emptyMask }

        var resolution = ScannedResolutions(count: kept.count)
        var state = [Int8](repeating: 1, count: kept.count)   // ≥ 1 scanning (1 + failures in a row); −1 done
        var scanned: [Double] = [], thresholds: [Double] = []
        var lastShell = -1, maxMeanS = -Double.infinity, stop = "the scan reached Nyquist"
        let zCritical = 1.6448536269514722   // Φ⁻¹(0.95), xmipp's critical value
        var k = 0
        scan: while true {
            let d = settings.lowestResolutionA - Double(k) * settings.stepA
            k += 1
            guard d > 0 else { break }
            let shell = Int((1 / (d * ds)).rounded())
            if shell == lastShell { continue }
            let f = Double(shell) * ds
            if f > nyquist + 1e-9 { break }
            let fPrev = lastShell < 0 ? max(f - tail, 0) : Double(lastShell) * ds
            lastShell = shell
            let dk = 1 / f
            let highPass = RaisedCosineHighPass(cutoffInvA: (f + fPrev) / 2, widthInvA: f - fPrev)
            let smoothing = RaisedCosineLowPass(cutoffInvA: f + tail / 2, widthInvA: tail)
            let sig: [Float], noiseValues: [Float]
            if let noiseAmplitude {
                sig = amplitude.smoothedSamples(highPass: highPass, lowPass: smoothing, topInvA: f + tail,
                                                work: &work, amplitude: &amp, at: [kept])[0]
                noiseValues = noiseAmplitude.smoothedSamples(highPass: highPass, lowPass: smoothing, topInvA: f + tail,
                                                             work: &work, amplitude: &amp, at: [noiseSample])[0]
            } else {
                let both = amplitude.smoothedSamples(highPass: highPass, lowPass: smoothing, topInvA: f + tail,
                                                     work: &work, amplitude: &amp, at: [kept, noiseSample])
                sig = both[0]; noiseValues = both[1]
            }
            var nz = noiseValues
            var sumN = 0.0, sumN2 = 0.0
            for v in nz { sumN += Double(v); sumN2 += Double(v) * Double(v) }
            let nN = Double(nz.count), meanN = sumN / nN, varN = sumN2 / nN - meanN * meanN
            let t = orderStatistic(&nz, settings.significance)
            var sumS = 0.0, sumS2 = 0.0, nS = 0.0
            for q in 0..<kept.count where state[q] >= 1 { let v = Double(sig[q]); sumS += v; sumS2 += v * v; nS += 1 }
            if nS / Double(kept.count) < 0.025 { stop = "fewer than 2.5 % of the mask voxels were still above noise"; break }
            let meanS = sumS / nS, varS = sumS2 / nS - meanS * meanS
            maxMeanS = max(maxMeanS, meanS)
            if meanS < 0.001 * maxMeanS { stop = "the signal's mean amplitude fell below 0.001 of its maximum"; break }
            scanned.append(dk); thresholds.append(Double(t))
            let current = scanned.count - 1, back = max(0, scanned.count - 3)   // xmipp: the resolution two steps back
            for q in 0..<kept.count where state[q] >= 1 {
                if sig[q] > t { state[q] = 1; resolution.set(q, scanIndex: current) } else {
                    state[q] += 1
                    if state[q] > 2 { state[q] = -1; resolution.set(q, scanIndex: back) }
                }
            }
            let z = (meanS - meanN) / (varS / nS + varN / nN).squareRoot()
            if z < zCritical { stop = String(format: "the mask's mean amplitude was no longer significantly above the noise at %.2f Å", dk); break scan }
        }
        guard !scanned.isEmpty else { throw MonoResError.badRange("no resolution between the scan's start and Nyquist") }
        return ScanResult(kept: kept, resolution: resolution, scanned: scanned, thresholds: thresholds, stop: stop,
                          noiseVoxels: noiseVoxels)
    }

    /// xmipp's post-processing: median fill outside, Gaussian σ = 3 voxels, min(smoothed, raw) in the mask.
    static func postProcess(dims: SIMD3<Int>, voxelSize: SIMD3<Double>, kept: [Int32], resolution: ScannedResolutions, nyquistA: Double,
                            scanned: [Double], thresholds: [Double], maskVoxels: Int, noiseVoxels: Int, noiseRadius: Int,
                            stop: String) -> LocalResolutionMap {
        let n = dims.x * dims.y * dims.z
        var assigned = [Int32](), values = [Float]()
        for q in 0..<kept.count {
            if let d = resolution.value(q, scanned: scanned) { assigned.append(kept[q]); values.append(d) }
        }
        var sorted = values.sorted()
        let fill = sorted.isEmpty ? Float(scanned[0]) : sorted[sorted.count / 2]
        sorted = []
        // One full-size volume: the filled map, smoothed in place, then overwritten by the result.
        var out = [Float](repeating: fill, count: n)
        for (q, i) in assigned.enumerated() { out[Int(i)] = values[q] }
        GaussianFilter.smoothInPlace(&out, dims: dims, sigmaVoxels: 3)
        var masked = [Float](repeating: 0, count: assigned.count)
        for (q, i) in assigned.enumerated() {
            let raw = values[q], s = out[Int(i)]
            masked[q] = Double(s) < nyquistA ? raw : min(s, raw)
        }
        for i in 0..<n { out[i] = .nan }
        for (q, i) in assigned.enumerated() { out[Int(i)] = masked[q] }
        return LocalResolutionMap(resolutionA: out, maskedResolutionA: masked, scannedResolutionsA: scanned,
                                  noiseThresholds: thresholds, droppedBelowNoise: maskVoxels - kept.count,
                                  maskVoxels: maskVoxels, noiseVoxels: noiseVoxels, noiseRadiusVoxels: noiseRadius,
                                  stopReason: stop)
    }

    /// xmipp's quantile: the order statistic sorted[⌊n·q⌋] (`values` is reordered).
    public static func orderStatistic(_ values: inout [Float], _ q: Double) -> Float {
        precondition(!values.isEmpty)
        return select(&values, min(values.count - 1, Int(Double(values.count) * q)))
    }

    /// The q-quantile (linear interpolation between order statistics, numpy's default) of `values`,
    /// which is reordered.
    public static func quantile(_ values: inout [Float], _ q: Double) -> Float {
        precondition(!values.isEmpty)
        let pos = q * Double(values.count - 1)
        let lo = Int(pos.rounded(.down)), hi = min(lo + 1, values.count - 1)
        let t = Float(pos - Double(lo))
        let a = select(&values, lo)
        // After the selection everything beyond `lo` is ≥ a: the next order statistic is their minimum.
        var b = a
        if hi > lo { b = values[hi]; for i in (hi + 1)..<values.count where values[i] < b { b = values[i] } }
        return a + t * (b - a)
    }

    /// The k-th smallest of `values` (0-based), the value `values.sorted()[k]` would hold, found by selection
    /// (Hoare's quickselect, median of three) in linear time; `values` is reordered so that every element
    /// before k is ≤ it and every element after is ≥ it. Values must not be NaN.
    public static func select(_ values: inout [Float], _ k: Int) -> Float {
        precondition(k >= 0 && k < values.count)
        return values.withUnsafeMutableBufferPointer { v in
            var lo = 0, hi = v.count - 1
            while hi > lo {
                let mid = lo + (hi - lo) / 2
                // Median of three as the pivot, also placed so that the scans below stay in bounds.
                if v[mid] < v[lo] { v.swapAt(mid, lo) }
                if v[hi] < v[lo] { v.swapAt(hi, lo) }
                if v[hi] < v[mid] { v.swapAt(hi, mid) }
                let pivot = v[mid]
                var i = lo, j = hi
                while i <= j {
                    while v[i] < pivot { i += 1 }
                    while pivot < v[j] { j -= 1 }
                    if i <= j { v.swapAt(i, j); i += 1; j -= 1 }
                }
                // Now v[lo...j] ≤ pivot ≤ v[i...hi], and v[j+1..<i] == pivot.
                if k <= j { hi = j } else if k >= i { lo = i } else { return v[k] }
            }
            return v[k]
        }
    }
}

/// The resolution each scanned voxel was given, in the exact form it has: the index of one of the scanned
/// resolutions (one UInt16 per voxel instead of a Float), made a Float (Å) only when read.
struct ScannedResolutions: Equatable {
    /// 0: none yet; k + 1: scanned[k].
    private var codes: [UInt16]

    init(count: Int) { codes = [UInt16](repeating: 0, count: count) }

    /// Voxel q takes the scan's k-th resolution (k < 65,535: a scan has at most one resolution per Fourier shell).
    mutating func set(_ q: Int, scanIndex k: Int) { codes[q] = UInt16(k + 1) }

    /// Voxel q's resolution (Å) as the Float the scan stores, `Float(scanned[k])`; nil when it has none.
    func value(_ q: Int, scanned: [Double]) -> Float? {
        codes[q] == 0 ? nil : Float(scanned[Int(codes[q]) - 1])
    }
}

/// Gain 1 at every frequency (the full-band monogenic amplitude).
struct AllPass: RadialGain {
    @inline(__always) func gain(_ s: Float) -> Float { 1 }
}
