// A.c Map–model Guinier analysis (docs/methods.md "A.c"): do the map's and the model map's amplitudes fall off
// alike with resolution? ln|F| (F the mean amplitude of a Fourier shell, shells as in VolumeNumerics/Fourier)
// of both maps against 1/d²; the Pearson correlation over the shells with 15 Å ≥ d ≥ R (R limited to Nyquist).
// The map's profile is shifted to the model's mean over those shells for the plot (the correlation does not
// depend on the shift). Warning: correlation < 0.5. Not applicable without R or with fewer than 3 shells.
import Foundation
import MapIO
import VolumeNumerics

public struct MapModelGuinierSection: Section {
    public let id = "A.c"
    public let title = "Map–model Guinier analysis"
    public let reference = "Rosenthal & Henderson 2003"
    public static let lowA = 15.0
    public static let minCorrelation = 0.5
    public init() {}

    public func run(_ context: AnalysisContext) throws -> SectionResult {
        let data = try LevelAData.of(context)
        guard let r = context.resolution else {
            throw SectionError.notApplicable("no resolution given: the profiles are compared from 15 Å to the resolution")
        }
        let u = MapModelFSC.unmasked(data: data, map: context.map)
        let freq = u.mapProfile.frequencyInvA
        let last = min(u.mapProfile.nyquistShell, freq.count - 1)
        let highA = max(r, 1 / freq[last])
        var x: [Double] = [], lnMap: [Double] = [], lnModel: [Double] = [], inFit: [Bool] = []
        for s in 1...last {
            let a = u.mapProfile.meanAmplitude[s], b = u.modelProfile.meanAmplitude[s]
            guard a > 0, b > 0 else { continue }
            let d = 1 / freq[s]
            x.append(freq[s] * freq[s]); lnMap.append(log(a)); lnModel.append(log(b))
            inFit.append(d <= Self.lowA + 1e-9 && d >= highA - 1e-9)
        }
        let fitIdx = inFit.indices.filter { inFit[$0] }
        guard fitIdx.count >= 3 else {
            throw SectionError.notApplicable(String(format: "fewer than 3 Fourier shells between 15 Å and %.2f Å", highA))
        }
        let cc = pearson(fitIdx.map { lnMap[$0] }, fitIdx.map { lnModel[$0] })
        let shift = fitIdx.map { lnModel[$0] - lnMap[$0] }.reduce(0, +) / Double(fitIdx.count)
        var metrics = data.modelMapMetrics
        metrics["guinier_correlation"] = JSONValue(cc)
        metrics["fit_low_A"] = .number(Self.lowA)
        metrics["fit_high_A"] = .number(highA)
        metrics["n_shells"] = .int(fitIdx.count)
        metrics["map_shift_ln"] = .number(shift)
        metrics["min_correlation"] = .number(Self.minCorrelation)
        var warnings: [String] = []
        if let c = cc, c < Self.minCorrelation {
            warnings.append(String(format: "the map's and the model's Guinier profiles correlate poorly (%.3f < 0.5) "
                                   + "between 15 Å and %.2f Å", c, highA))
        } else if cc == nil {
            throw SectionError.failed("the Guinier profiles are constant over the fitted shells: correlation undefined")
        }
        let figure = Figure(
            id: "ac_guinier_map_model",
            caption: String(format: "ln|F| against 1/d² for the map (shifted by %.3f to the model's mean) and the model map; "
                            + "vertical lines at 15 Å and %.2f Å bound the shells correlated.", shift, highA),
            content: .plot(LinePlot(series: [Series(label: "Map (shifted)", x: x, y: lnMap.map { $0 + shift }),
                                             Series(label: "Model map", x: x, y: lnModel, style: .dashed)],
                                    xLabel: "1/d² (1/Å²)", yLabel: "ln |F|",
                                    xMarkers: [Marker(value: 1 / (Self.lowA * Self.lowA), label: "15 Å"),
                                               Marker(value: 1 / (highA * highA), label: String(format: "%.2f Å", highA))])))
        return .evaluated(self, warnings: warnings, metrics: metrics, figures: [figure])
    }
}
