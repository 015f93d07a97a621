// Local resolution from a single map by the monogenic signal (MonoRes; Vilas et al. 2018, Structure 26:337).
//
// Bands: N raised-cosine bands with centres f_k equally spaced in frequency from 1/lowestResolution to
// 1/highestResolution (1/Å); each has half width Δf = the spacing, so neighbouring bands overlap by half.
// For each band the local amplitude A_k(x) comes from the monogenic signal (MonogenicSignal.swift); the noise
// threshold t_k is the `noiseQuantile` quantile of A_k over the noise voxels (outside the mask). Scanning the
// bands from low to high frequency, a mask voxel stays in the scan while A_k(x) > t_k, tolerating one failed
// band (as MonoRes does: two consecutive failures end it); its local resolution is 1/f of the last band it
// passed. Each band's amplitude is first low-passed at the band frequency (MonoRes). Voxels that pass no band
// get the lowest resolution scanned (counted in `unresolvedAtLowest`), voxels that pass every band the highest.
import Foundation
import MapIO

public struct MonoResSettings: Sendable, Equatable {
    /// Finest resolution scanned (Å); at least the Nyquist resolution 2·T.
    public var highestResolutionA: Double
    /// Coarsest resolution scanned (Å).
    public var lowestResolutionA: Double
    /// Number of bands (≥ 2).
    public var bandCount: Int
    /// Quantile of the noise amplitude a voxel must exceed (MonoRes's 1 − α; 0.95 by default).
    public var noiseQuantile: Double
    /// Low-pass the amplitude of each band at the band's frequency before the test (MonoRes does).
    public var smoothAmplitude: Bool

    public init(highestResolutionA: Double, lowestResolutionA: Double, bandCount: Int = 12, noiseQuantile: Double = 0.95,
                smoothAmplitude: Bool = true) {
        self.highestResolutionA = highestResolutionA; self.lowestResolutionA = lowestResolutionA
        self.bandCount = bandCount; self.noiseQuantile = noiseQuantile; self.smoothAmplitude = smoothAmplitude
    }
}

public struct LocalResolutionMap: Sendable {
    /// Local resolution (Å) per voxel of the full grid, x fastest; NaN outside the mask.
    public var resolutionA: [Float]
    /// The same values for the mask voxels only, in index order.
    public var maskedResolutionA: [Float]
    /// Band centres (1/Å) and the noise threshold of each band scanned.
    public var bandFrequenciesInvA: [Double]
    public var noiseThresholds: [Double]
    /// Band spacing (1/Å): the granularity of the estimate.
    public var stepInvA: Double
    /// Mask voxels not above noise even in the lowest band.
    public var unresolvedAtLowest: Int
}

public enum MonoResError: Error, CustomStringConvertible {
    case emptyMask, noNoiseVoxels, badRange(String)
    public var description: String {
        switch self {
        case .emptyMask: return "local resolution: the mask is empty"
        case .noNoiseVoxels: return "local resolution: no voxel outside the mask to estimate the noise from"
        case .badRange(let s): return "local resolution: \(s)"
        }
    }
}

public enum MonoRes {
    /// Local resolution of `map` inside `mask` (one flag per voxel, x fastest), noise from outside the mask,
    /// or, when `noise` is given (e.g. the half-map difference (h1 − h2)/2), from that map's amplitudes inside the mask.
    public static func localResolution(map: Volume, mask: [Bool], settings: MonoResSettings,
                                       noise noiseMap: Volume? = nil) throws -> LocalResolutionMap {
        precondition(mask.count == map.count, "MonoRes: mask has \(mask.count) voxels, map \(map.count)")
        var inside = [Int32](), outside = [Int32]()
        inside.reserveCapacity(map.count / 4)
        for i in 0..<mask.count { if mask[i] { inside.append(Int32(i)) } else { outside.append(Int32(i)) } }
        guard !inside.isEmpty else { throw MonoResError.emptyMask }
        let noiseSource = noiseMap == nil ? outside : inside
        guard noiseSource.count >= 100 else { throw MonoResError.noNoiseVoxels }
        // At most 200 000 noise voxels, evenly strided: enough for a 0.95 quantile.
        let stride = max(1, noiseSource.count / 200_000)
        let noise = Swift.stride(from: 0, to: noiseSource.count, by: stride).map { noiseSource[$0] }
        let noiseSpectrum = noiseMap.map { FFT.forward($0) }

        let nyquistA = 2 * max(map.voxelSize.x, map.voxelSize.y, map.voxelSize.z)
        let highA = max(settings.highestResolutionA, nyquistA)
        let lowA = settings.lowestResolutionA
        guard lowA > highA, settings.bandCount >= 2 else {
            throw MonoResError.badRange(String(format: "lowest resolution %.2f Å must be coarser than the highest %.2f Å", lowA, highA))
        }
        let fLo = 1 / lowA, fHi = 1 / highA
        let step = (fHi - fLo) / Double(settings.bandCount - 1)
        let spectrum = FFT.forward(map)
        let full = map.dims

        var resolved = [Int32](repeating: -1, count: inside.count)   // last band passed
        var failures = [UInt8](repeating: 0, count: inside.count)   // consecutive failed bands; 2 ends the scan
        var activeCount = inside.count
        var freqs = [Double](), thresholds = [Double]()
        for k in 0..<settings.bandCount {
            let f = fLo + Double(k) * step
            let band = RaisedCosineBand(centerInvA: f, halfWidthInvA: step)
            var (grid, dims) = MonogenicSignal.localAmplitudeGrid(spectrum, gain: band, maxFrequencyInvA: f + step)
            if settings.smoothAmplitude {
                (grid, dims) = smoothed(grid, dims: dims, voxelSize: map.voxelSize * SIMD3(
                    Double(full.x) / Double(dims.x), Double(full.y) / Double(dims.y), Double(full.z) / Double(dims.z)), cutoffInvA: f)
            }
            var (noiseGrid, noiseDims) = (grid, dims)
            if let ns = noiseSpectrum {
                (noiseGrid, noiseDims) = MonogenicSignal.localAmplitudeGrid(ns, gain: band, maxFrequencyInvA: f + step)
                if settings.smoothAmplitude {
                    (noiseGrid, noiseDims) = smoothed(noiseGrid, dims: noiseDims, voxelSize: map.voxelSize * SIMD3(
                        Double(full.x) / Double(noiseDims.x), Double(full.y) / Double(noiseDims.y), Double(full.z) / Double(noiseDims.z)), cutoffInvA: f)
                }
            }
            var noiseAmp = MonogenicSignal.sample(noiseGrid, dims: noiseDims, fullDims: full, at: noise)
            let t = quantile(&noiseAmp, settings.noiseQuantile)
            freqs.append(f); thresholds.append(Double(t))
            let amp = MonogenicSignal.sample(grid, dims: dims, fullDims: full, at: inside)
            for q in 0..<inside.count where failures[q] < 2 {
                if amp[q] > t {
                    resolved[q] = Int32(k); failures[q] = 0
                } else {
                    failures[q] += 1
                    if failures[q] == 2 { activeCount -= 1 }
                }
            }
            if activeCount == 0 { break }
        }
        var resolution = [Float](repeating: .nan, count: map.count)
        var masked = [Float](repeating: 0, count: inside.count)
        var unresolved = 0
        for q in 0..<inside.count {
            let k = Int(resolved[q])
            if k < 0 { unresolved += 1 }
            let r = Float(1 / (fLo + Double(max(k, 0)) * step))
            masked[q] = r
            resolution[Int(inside[q])] = r
        }
        return LocalResolutionMap(resolutionA: resolution, maskedResolutionA: masked, bandFrequenciesInvA: freqs,
                                  noiseThresholds: thresholds, stepInvA: step, unresolvedAtLowest: unresolved)
    }

    /// The amplitude low-passed at the band's frequency (raised cosine of width f/2), as MonoRes does, so that
    /// the dips of the amplitude between atoms do not end a voxel's scan early. The result is band-limited, so
    /// it is returned on the coarsest grid that holds it (dims returned; sample it with `MonogenicSignal.sample`).
    public static func smoothed(_ values: [Float], dims: SIMD3<Int>, voxelSize: SIMD3<Double>, cutoffInvA: Double)
        -> (values: [Float], dims: SIMD3<Int>) {
        let v = Volume(nx: dims.x, ny: dims.y, nz: dims.z, data: values, voxelSize: voxelSize)
        let f = FFT.forward(v).filtered(RaisedCosineLowPass(cutoffInvA: cutoffInvA, widthInvA: cutoffInvA / 2))
        let top = 1.25 * cutoffInvA
        let out = SIMD3<Int>((0..<3).map { a in
            let jmax = Int.clamped(top * Double(dims[a]) * voxelSize[a], .down, to: 0...dims[a])
            if 2 * jmax + 2 >= dims[a] { return dims[a] }
            let m = FFT.goodSize(atLeast: 2 * jmax + 2)
            return m >= dims[a] ? dims[a] : m
        })
        return (FourierResample.resampledValues(f, to: out), out)
    }

    /// The q-quantile (linear interpolation between order statistics, numpy's default) of `values`,
    /// which is reordered.
    public static func quantile(_ values: inout [Float], _ q: Double) -> Float {
        precondition(!values.isEmpty)
        values.sort()
        let pos = q * Double(values.count - 1)
        let lo = Int(pos.rounded(.down)), hi = min(lo + 1, values.count - 1)
        let t = Float(pos - Double(lo))
        return values[lo] + t * (values[hi] - values[lo])
    }
}
