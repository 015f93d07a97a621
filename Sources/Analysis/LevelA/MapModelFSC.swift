// Map–model FSC (docs/methods.md "A.a"): Fourier shell correlation between the map and the model map (atoms
// with their own B, not truncated at R but at Nyquist: the truncated map has no signal beyond R, where the mask
// would fill the shells with its own correlation; phenix's fsc_model_vs_map stops its curve at R), unmasked and with
// a soft mask: voxels within (model-mask radius + 3 Å) of a heavy atom, smoothed by a Gaussian of σ = 3 Å and
// clipped to [0, 1]. (VRS does not define this mask; a wider, softer mask than the model mask keeps the
// mask's own spectrum from inflating the FSC beyond the true resolution.) Shells and
// sums come from VolumeNumerics/Fourier (shell = round(|s|/Δs), Δs = 1/longest box edge). A crossing of a
// threshold (0.5, 0.143) is the first shell beyond the first two where the FSC drops below it, located by
// linear interpolation between that shell and the one before (the shared rule, FSCThresholds.swift); a curve
// that stays above the threshold up to Nyquist reports the Nyquist resolution, flagged; a curve below the
// threshold from the lowest frequencies (a misplaced or unrelated model) gives no resolution: null and
// flagged, never the Nyquist value (docs/methods.md, "A.a").
import Foundation
import MapIO
import VolumeNumerics

enum MapModelFSC {
    /// The FSC mask: the model mask widened by this much (Å) ...
    static let fscMaskExtraA = 3.0
    /// ... with a Gaussian edge of this σ (Å, converted with the X voxel size).
    static let fscMaskSigmaA = 3.0
    struct Result {
        var metrics: [String: JSONValue]
        var figure: Figure
        /// Where the masked FSC crosses 0.5.
        var masked05: FSCCrossing
        /// Its resolution in Å (the Nyquist resolution when not crossed before it; nil: no resolution).
        var masked05A: Double?
    }

    /// Unmasked spectra of map and model map, reduced to shell sums and the two rotational profiles.
    struct Unmasked { var sums: ShellSums; var mapProfile: ShellProfile; var modelProfile: ShellProfile }

    static func unmasked(data: LevelAData, map: Volume) -> Unmasked {
        data.memoized("fourier_unmasked") { () -> Unmasked in
            let f1 = FFT.forward(map)
            let f2 = FFT.forward(data.untruncatedModelMap)
            return Unmasked(sums: FourierShells.sums(f1, f2), mapProfile: FourierShells.profile(f1),
                            modelProfile: FourierShells.profile(f2))
        }
    }

    /// Where `fsc` first drops below `threshold` after shell 2, shells 0 … Nyquist (a missing value counts as 0).
    static func crossing(_ fsc: [Double?], frequencies: [Double], nyquistShell: Int, threshold: Double) -> FSCCrossing {
        // The shared search (VolumeNumerics/Fourier/FSCThresholds.swift), so Level 1 and Level A agree.
        let last = min(nyquistShell, fsc.count - 1)
        guard last >= 0 else { return .belowFromStart }
        let values = (0...last).map { fsc[$0] ?? 0 }
        return FSCCrossings.firstDownward(values, thresholds: values.map { _ in threshold },
                                          frequencies: Array(frequencies[0...last]))
    }

    static func compute(data: LevelAData, map: Volume) throws -> Result {
        let u = unmasked(data: data, map: map)
        // Soft model mask and the masked FSC.
        // A tight mask convolves both spectra with the same kernel and correlates shells beyond the true
        // resolution (a 4 Å low-passed phantom read 3.4 Å with the 2 Å model mask, 3.7 Å with this one).
        let binary = ModelMap.mask(model: data.model, on: map, radiusA: data.maskRadiusA + fscMaskExtraA).map { Float($0) }
        let soft = GaussianFilter.smooth(map.withData(binary), sigmaVoxels: fscMaskSigmaA / map.voxelSize.x)
        var mMap = map.data, mModel = data.untruncatedModelMap.data
        for i in 0..<map.count {
            let w = min(1, max(0, soft.data[i]))
            mMap[i] *= w; mModel[i] *= w
        }
        let masked = FourierShells.sums(FFT.forward(map.withData(mMap)), FFT.forward(map.withData(mModel)))
        let freq = u.sums.frequencyInvA
        let ny = u.sums.nyquistShell
        let nyquistA = 1 / freq[ny]
        let fscU = u.sums.correlation, fscM = masked.correlation
        var metrics: [String: JSONValue] = [:]
        var masked05 = FSCCrossing.belowFromStart
        var anyAtNyquist = false, anyNoResolution = false
        for (name, curve) in [("unmasked", fscU), ("masked", fscM)] {
            for (label, thr) in [("0_5", 0.5), ("0_143", 0.143)] {
                let c = crossing(curve, frequencies: freq, nyquistShell: ny, threshold: thr)
                metrics["fsc_\(name)_\(label)_A"] = JSONValue(c.resolutionA(Array(freq[0...ny])))
                metrics["fsc_\(name)_\(label)_at_nyquist"] = .bool(c == .notBeforeNyquist)
                metrics["fsc_\(name)_\(label)_no_resolution"] = .bool(c == .belowFromStart)
                anyAtNyquist = anyAtNyquist || c == .notBeforeNyquist
                anyNoResolution = anyNoResolution || c == .belowFromStart
                if name == "masked" && label == "0_5" { masked05 = c }
            }
        }
        metrics["fsc_any_at_nyquist"] = .bool(anyAtNyquist)
        metrics["fsc_any_no_resolution"] = .bool(anyNoResolution)
        metrics["fsc_nyquist_A"] = .number(nyquistA)
        metrics["fsc_mask_radius_A"] = .number(data.maskRadiusA + fscMaskExtraA)
        metrics["fsc_mask_sigma_A"] = .number(fscMaskSigmaA)
        let range = 1...ny
        let xs = range.map { freq[$0] }
        metrics["fsc_frequency_invA"] = JSONValue(xs)
        metrics["fsc_unmasked"] = .array(range.map { JSONValue(fscU[$0]) })
        metrics["fsc_masked"] = .array(range.map { JSONValue(fscM[$0]) })
        func series(_ label: String, _ c: [Double?], _ style: Series.Style) -> Series {
            var x: [Double] = [], y: [Double] = []
            for s in range { if let v = c[s] { x.append(freq[s]); y.append(v) } }
            return Series(label: label, x: x, y: y, style: style)
        }
        let figure = Figure(
            id: "aa_map_model_fsc",
            caption: "Map–model FSC without mask and with a soft mask (atoms dilated by the model-mask radius + 3 Å, Gaussian edge σ = 3 Å); "
                + "horizontal lines at 0.5 and 0.143.",
            content: .plot(LinePlot(series: [series("Masked", fscM, .line), series("Unmasked", fscU, .dashed)],
                                    xLabel: "Resolution (Å)", yLabel: "FSC",
                                    yMarkers: [Marker(value: 0.5, label: "0.5"), Marker(value: 0.143, label: "0.143")],
                                    xIsFrequency: true)))
        return Result(metrics: metrics, figure: figure, masked05: masked05,
                      masked05A: masked05.resolutionA(Array(freq[0...ny])))
    }
}
