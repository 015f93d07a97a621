// 1.a Global resolution from two half maps (docs/methods.md "1.a").
//
// FSC between the halves (Fourier shells one sampling step wide, FSC.swift), unmasked and with the soft mask
// at T; the masked curve is corrected by phase randomisation (Chen et al. 2013, Ultramicroscopy 135:24):
// phases beyond the first shell where the unmasked FSC drops below 0.8 are randomised in both halves, the
// randomised halves are masked, and FSC_true = (FSC_t − FSC_n)/(1 − FSC_n) from two shells beyond that
// shell on (RELION's rule). Crossings at 0.143, 0.5, half-bit and one-bit (van Heel & Schatz 2005, with
// the number of Fourier voxels per shell), interpolated linearly between the bracketing shells, ignoring a
// crossing in the first two shells (FSCThresholds.swift). DPR (Frank et al. 1981) crossings at 45° (the
// usual criterion) and 103.9° (the residual of random phases); SSNR = 2·FSC/(1 − FSC) of the corrected
// masked curve, with its crossing at 1 (FSC = 1/3). A curve below its threshold from the lowest frequencies
// gives no resolution (null, a flag and a warning; never the Nyquist value): docs/methods.md, "1.a".
import Foundation
import MapIO
import VolumeNumerics

/// The FSC curves of 1.a and their crossings.
public struct GlobalFSCResult: Sendable {
    public var unmasked: FSCCurve
    public var masked: FSCCurve
    /// Masked FSC of the phase-randomised halves (nil when the unmasked FSC never drops below 0.8).
    public var randomizedMasked: FSCCurve?
    /// The corrected masked FSC (the masked FSC itself when no randomisation was possible).
    public var corrected: FSCCurve
    /// First randomised shell (nil: none).
    public var randomizedFromShell: Int?
    /// DPR per shell (degrees).
    public var dprDegrees: [Double]
}

public enum GlobalFSC {
    /// Threshold of the unmasked FSC below which phases are randomised (RELION's randomize_fsc_at).
    public static let randomizeBelowFSC = 0.8

    /// Computes every curve of 1.a. `mask`: soft mask in [0, 1] on the halves' box.
    public static func compute(half1: Volume, half2: Volume, spectrum1: FourierVolume, spectrum2: FourierVolume,
                               unmasked: FSCCurve, mask: CroppedVolume, seed: UInt64 = 20131) -> GlobalFSCResult {
        let masked = FSC.curve(half1, half2, mask: mask)
        var randomized: FSCCurve? = nil
        var corrected = masked
        let shell = FSC.firstShellBelow(unmasked, randomizeBelowFSC)
        if let shell {
            // One randomised half at a time, inverted, masked and transformed again in its own storage: two
            // masked spectra at the peak, and no fresh full-size array beyond the randomised copy.
            func randomizedMaskedSpectrum(_ spectrum: FourierVolume, _ seed: UInt64) -> FourierVolume {
                var randomized = PhaseRandomization.randomized(spectrum, fromShell: shell, seed: seed)
                return FFT.remasked(taking: &randomized, by: mask)
            }
            let rm = FSC.curve(randomizedMaskedSpectrum(spectrum1, seed), randomizedMaskedSpectrum(spectrum2, seed &+ 7919))
            randomized = rm
            corrected = FSC.phaseRandomizationCorrected(masked: masked, randomizedMasked: rm, randomizedFromShell: shell)
        }
        let dpr = FSC.differentialPhaseResidual(spectrum1, spectrum2)
        return GlobalFSCResult(unmasked: unmasked, masked: masked, randomizedMasked: randomized, corrected: corrected,
                               randomizedFromShell: shell, dprDegrees: dpr)
    }
}

public struct GlobalResolution: Section {
    public let id = "1.a"
    public let title = "Global resolution (FSC)"
    public let reference = "Rosenthal & Henderson 2003; van Heel & Schatz 2005; Chen et al. 2013"
    public var sharedValues: [SharedValue] { [.halfSpectra] }

    public init() {}

    static let thresholds: [(FSCThreshold, String)] = [(.fixed(0.143), "0143"), (.fixed(0.5), "05"),
                                                       (.halfBit, "half_bit"), (.oneBit, "one_bit")]

    public func run(_ context: AnalysisContext) throws -> SectionResult {
        let spectra = try Level1Data.spectra(context), data = try Level1Data.of(context)
        let masks = try context.masks()
        let g = GlobalFSC.compute(half1: data.half1, half2: data.half2, spectrum1: spectra.spectrum1,
                                  spectrum2: spectra.spectrum2, unmasked: data.unmaskedFSC, mask: masks.soft)
        let freqs = g.unmasked.frequencyInvA
        let nyquistA = Level1Format.resolutionA(freqs.last ?? 0)
        var metrics: [String: JSONValue] = [:]
        var crossingRows: [JSONValue] = []
        var resolutions: [String: Double?] = [:]   // "corrected_0143" → Å, nil: no resolution
        var atNyquist = false, noResolution = false
        for (curveName, curve) in [("unmasked", g.unmasked), ("masked", g.masked), ("corrected", g.corrected)] {
            for (thr, key) in GlobalResolution.thresholds {
                let c = FSCCrossings.crossing(curve, thr)
                let d = Level1Format.resolutionA(c, freqs)
                resolutions["\(curveName)_\(key)"] = d
                metrics["resolution_\(curveName)_\(key)_A"] = Level1Format.metric(d)
                metrics["no_resolution_\(curveName)_\(key)"] = .bool(c == .belowFromStart)
                atNyquist = atNyquist || c == .notBeforeNyquist
                noResolution = noResolution || c == .belowFromStart
                crossingRows.append(.object([
                    "curve": .string(curveName), "threshold": .string(thr.name), "resolution_A": Level1Format.metric(d),
                    "frequency_invA": Level1Format.metric(c.frequencyInvA(freqs)), "reached_nyquist": .bool(c == .notBeforeNyquist),
                    "no_resolution": .bool(c == .belowFromStart),
                ]))
            }
        }
        metrics["crossings"] = .array(crossingRows)
        let dpr45 = FSCCrossings.firstUpward(g.dprDegrees, through: 45, frequencies: freqs)
        let dprRandom = FSCCrossings.firstUpward(g.dprDegrees, through: 103.9, frequencies: freqs)
        let ssnr = g.corrected.ssnr
        let ssnr1 = FSCCrossings.firstDownward(ssnr, thresholds: ssnr.map { _ in 1 }, frequencies: freqs)
        for (key, c) in [("dpr_45", dpr45), ("dpr_103_9", dprRandom), ("ssnr_1", ssnr1)] {
            metrics["\(key)_A"] = Level1Format.metric(Level1Format.resolutionA(c, freqs))
            metrics["no_resolution_\(key)"] = .bool(c == .belowFromStart)
            atNyquist = atNyquist || c == .notBeforeNyquist
            noResolution = noResolution || c == .belowFromStart
        }
        metrics["any_no_resolution"] = .bool(noResolution)
        // The Nyquist resolution is printed only to explain values that reach it.
        metrics["any_at_nyquist"] = .bool(atNyquist)
        metrics["nyquist_A"] = .number(nyquistA)
        metrics["n_shells"] = .int(freqs.count)
        metrics["phase_randomization_applied"] = .bool(g.randomizedFromShell != nil)
        if let s = g.randomizedFromShell {
            metrics["randomized_from_shell"] = .int(s)
            metrics["randomized_from_A"] = .number(Level1Format.resolutionA(freqs[s]))
        }
        // Curves, so the report can redraw or tabulate them.
        metrics["frequency_invA"] = .array(freqs.map { .number($0) })
        metrics["fsc_unmasked"] = .array(g.unmasked.fsc.map { .number($0) })
        metrics["fsc_masked"] = .array(g.masked.fsc.map { .number($0) })
        metrics["fsc_corrected"] = .array(g.corrected.fsc.map { .number($0) })
        if let r = g.randomizedMasked { metrics["fsc_randomized_masked"] = .array(r.fsc.map { .number($0) }) }
        metrics["voxels_per_shell"] = .array(g.unmasked.voxelCount.map { .number($0) })
        metrics["dpr_deg"] = .array(g.dprDegrees.map { .number($0) })
        metrics["ssnr"] = .array(ssnr.map { .number($0) })

        // Front-page summary and warnings (R < 0.8 × each estimate; no resolution).
        let estimates: [(name: String, key: String, curve: String, threshold: String)] = [
            ("FSC 0.143 (masked, corrected)", "corrected_0143", "masked, corrected FSC", "0.143"),
            ("FSC 0.143 (unmasked)", "unmasked_0143", "unmasked FSC", "0.143"),
            ("FSC half-bit (masked, corrected)", "corrected_half_bit", "masked, corrected FSC", "the half-bit curve"),
            ("FSC one-bit (masked, corrected)", "corrected_one_bit", "masked, corrected FSC", "the one-bit curve")]
        metrics["resolution_estimates_A"] = Level1Format.estimates(estimates.map { ($0.name, resolutions[$0.key]!) })
        var warnings: [String] = []
        for e in estimates {
            guard let d = resolutions[e.key]! else {
                warnings.append(Level1Format.noResolutionWarning(e.curve, threshold: e.threshold))
                continue
            }
            if let w = Level1Format.overestimateWarning(reported: context.resolution, estimateA: d, estimator: e.name) {
                warnings.append(w)
            }
        }
        if g.randomizedFromShell == nil {
            warnings.append("the unmasked FSC stays above 0.8 up to Nyquist: the masked FSC could not be corrected by phase randomisation (halves nearly identical?)")
        }

        let figures = GlobalResolution.figures(g, resolutions: resolutions, reported: context.resolution,
                                               dpr: metrics["dpr_103_9_A"]!.doubleValue)
        return .evaluated(self, warnings: warnings, metrics: metrics, figures: figures)
    }

    static func figures(_ g: GlobalFSCResult, resolutions: [String: Double?], reported: Double?, dpr: Double?) -> [Figure] {
        let f = g.unmasked.frequencyInvA
        // Shells 1 … Nyquist (shell 0 is the mean).
        let x = Array(f.dropFirst())
        func tail(_ a: [Double]) -> [Double] { Array(a.dropFirst()) }
        func text(_ key: String) -> String { resolutions[key]!.map { "\(NumberText.format($0)) Å" } ?? "none (below the threshold from the lowest frequencies)" }
        var series = [Series(label: "Unmasked", x: x, y: tail(g.unmasked.fsc)),
                      Series(label: "Masked", x: x, y: tail(g.masked.fsc))]
        if let r = g.randomizedMasked {
            series.append(Series(label: "Phase-randomised, masked", x: x, y: tail(r.fsc), style: .dashed))
        }
        series.append(Series(label: "Masked, corrected", x: x, y: tail(g.corrected.fsc), style: .linePoints))
        series.append(Series(label: "Half-bit", x: x, y: tail(FSCThreshold.halfBit.values(g.unmasked)), style: .dashed))
        series.append(Series(label: "One-bit", x: x, y: tail(FSCThreshold.oneBit.values(g.unmasked)), style: .dashed))
        var xMarkers: [Marker] = []
        for (key, label) in [("corrected_0143", "0.143"), ("corrected_05", "0.5")] {
            if let d = resolutions[key]! { xMarkers.append(Marker(value: 1 / d, label: "\(NumberText.format(d)) Å (\(label))")) }
        }
        if let r = reported, r > 0 { xMarkers.append(Marker(value: 1 / r, label: "R = \(NumberText.format(r)) Å")) }
        let plot = LinePlot(series: series, xLabel: "Resolution (Å)", yLabel: "FSC",
                            xMarkers: xMarkers,
                            yMarkers: [Marker(value: 0.143, label: "0.143"), Marker(value: 0.5, label: "0.5")],
                            xIsFrequency: true)
        let caption = "Fourier shell correlation between the half maps: unmasked, with the soft mask, and the masked curve corrected by phase randomisation"
            + (g.randomizedFromShell.map { " (phases randomised beyond \(NumberText.format(1 / f[$0])) Å)" } ?? "")
            + ". Thresholds 0.143 and 0.5 (horizontal lines), half-bit and one-bit (dashed). Corrected masked resolution: \(text("corrected_0143")) at 0.143, \(text("corrected_05")) at 0.5, \(text("corrected_half_bit")) at half-bit, \(text("corrected_one_bit")) at one-bit; unmasked \(text("unmasked_0143")) at 0.143."
        let dprPlot = LinePlot(series: [Series(label: "DPR", x: x, y: tail(g.dprDegrees))],
                               xLabel: "Resolution (Å)", yLabel: "Differential phase residual (°)",
                               xMarkers: dpr.map { [Marker(value: 1 / $0, label: "\(NumberText.format($0)) Å")] } ?? [],
                               yMarkers: [Marker(value: 45, label: "45°"), Marker(value: 103.9, label: "103.9° (random)")],
                               xIsFrequency: true)
        let ssnr = tail(g.corrected.ssnr).map { max($0, 1e-4) }
        let ssnrPlot = LinePlot(series: [Series(label: "SSNR (from the corrected masked FSC)", x: x, y: ssnr)],
                                xLabel: "Resolution (Å)", yLabel: "SSNR = 2·FSC/(1 − FSC)", logY: true,
                                yMarkers: [Marker(value: 1, label: "SSNR = 1")], xIsFrequency: true)
        let dprText = dpr.map { "crossing at \(NumberText.format($0)) Å" } ?? "above 103.9° from the lowest frequencies: no resolution"
        return [
            Figure(id: "1a_fsc", caption: caption, content: .plot(plot)),
            Figure(id: "1a_dpr", caption: "Differential phase residual between the half maps per Fourier shell (amplitude-weighted); 45° is the usual criterion, 103.9° the residual of random phases (\(dprText)).", content: .plot(dprPlot)),
            Figure(id: "1a_ssnr", caption: "Spectral signal-to-noise ratio of the full map, 2·FSC/(1 − FSC) from the corrected masked FSC (log scale).", content: .plot(ssnrPlot)),
        ]
    }
}
