// 1.b FSC permutation test (docs/methods.md "1.b"; Beckers & Sachse 2020, IUCrJ 7:1099).
//
// Per Fourier shell, the significance of the unmasked half-map FSC against the permutation distribution of
// the coefficients (exact permutation mean and variance, PermutationTest.swift), with false-discovery-rate
// control across shells (Benjamini–Yekutieli, α = 0.01). The resolution is the first shell (from shell 3 on)
// that is no longer significant after a significant one; when no shell from the second on is significant the
// test gives no resolution (the shared crossing rule, docs/methods.md "1.b"). The test needs no mask, as in
// the paper.
import Foundation
import MapIO
import VolumeNumerics

public struct FSCPermutation: Section {
    public let id = "1.b"
    public let title = "FSC permutation test"
    public let reference = "Beckers & Sachse 2020"
    public var alpha = 0.01
    public var sharedValues: [SharedValue] { [.halfSpectra] }

    public init() {}

    public func run(_ context: AnalysisContext) throws -> SectionResult {
        let spectra = try Level1Data.spectra(context)
        let t = FSCPermutationTest.run(spectra.spectrum1, spectra.spectrum2, alpha: alpha)
        let nSignificant = t.significant.filter { $0 }.count
        // No significant shell at all: the halves share no detectable signal, so there is no resolution to
        // report (the first non-significant shell would be shell 3 by construction, not a measurement).
        let resolutionA = nSignificant == 0 ? nil : t.resolutionFrequencyInvA.map { Level1Format.resolutionA($0) }
        let lastSignificant = t.firstNonSignificantShell.map { $0 - 1 }
        var metrics: [String: JSONValue] = [
            "resolution_A": Level1Format.metric(resolutionA),
            "fdr_alpha": .number(alpha),
            "fdr_method": .string("Benjamini–Yekutieli"),
            "reached_nyquist": .bool(t.crossing == .notBeforeNyquist),
            "no_resolution": .bool(resolutionA == nil && t.crossing != .notBeforeNyquist),
            "n_significant_shells": .int(nSignificant),
            "n_shells": .int(t.fsc.count - 1),
            "frequency_invA": .array(t.frequencyInvA.map { .number($0) }),
            "fsc": .array(t.fsc.map { .number($0) }),
            "z_score": .array(t.zScore.map { .number($0) }),
            "p_value": .array(t.pValue.map { .number($0) }),
            "significant": .array(t.significant.map { .bool($0) }),
        ]
        if let s = t.firstNonSignificantShell { metrics["first_non_significant_shell"] = .int(s) }
        if let s = lastSignificant, s >= 1, t.significant[s] {
            metrics["last_significant_A"] = .number(Level1Format.resolutionA(t.frequencyInvA[s]))
        }
        let name = "FSC permutation test (FDR \(String(format: "%g", alpha)))"
        metrics["resolution_estimates_A"] = Level1Format.estimates([(name, resolutionA)])
        var warnings: [String] = []
        if resolutionA == nil {
            warnings.append("no resolution: no Fourier shell from the second on has a significant correlation between the half maps (unrelated or misaligned half maps?)")
        }
        if let w = Level1Format.overestimateWarning(reported: context.resolution, estimateA: resolutionA, estimator: "permutation-test") {
            warnings.append(w)
        }

        // FSC with significant shells marked, and −log10 p.
        let x = Array(t.frequencyInvA.dropFirst())
        let fsc = Array(t.fsc.dropFirst())
        let sigX = zip(x, t.significant.dropFirst()).filter { $0.1 }.map(\.0)
        let sigY = zip(fsc, t.significant.dropFirst()).filter { $0.1 }.map(\.0)
        var markers = resolutionA.map { [Marker(value: 1 / $0, label: "\(NumberText.format($0)) Å")] } ?? []
        if let r = context.resolution, r > 0 { markers.append(Marker(value: 1 / r, label: "R = \(NumberText.format(r)) Å")) }
        var series = [Series(label: "FSC (unmasked)", x: x, y: fsc)]
        if !sigX.isEmpty { series.append(Series(label: "Significant after FDR control", x: sigX, y: sigY, style: .points)) }
        let plot = LinePlot(series: series,
                            xLabel: "Resolution (Å)", yLabel: "FSC", xMarkers: markers, xIsFrequency: true)
        // −log10 p on a log axis: clamped to [10⁻³, 300] so that p = 1 and p < 10⁻³⁰⁰ stay drawable.
        let logP = t.pValue.dropFirst().map { min(max(-log10(max($0, 1e-300)), 1e-3), 300) }
        let pPlot = LinePlot(series: [Series(label: "−log10 p", x: x, y: logP, style: .linePoints)],
                             xLabel: "Resolution (Å)", yLabel: "−log10 p (permutation test)", logY: true,
                             xMarkers: markers, xIsFrequency: true)
        let figures = [
            Figure(id: "1b_permutation_fsc",
                   caption: "Unmasked FSC between the half maps; points: shells whose correlation is significant against permuted Fourier coefficients with the false discovery rate controlled at \(String(format: "%g", alpha)) (Benjamini–Yekutieli). " + (resolutionA.map { "First non-significant shell: \(NumberText.format($0)) Å." } ?? "No shell from the second on is significant: no resolution."),
                   content: .plot(plot)),
            Figure(id: "1b_permutation_p",
                   caption: "Per-shell p-value of the permutation test (−log10 p, log scale, drawn between 10⁻³ and 300).",
                   content: .plot(pPlot)),
        ]
        return .evaluated(self, warnings: warnings, metrics: metrics, figures: figures)
    }
}
