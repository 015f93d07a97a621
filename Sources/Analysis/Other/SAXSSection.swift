// O.b SAXS: the model's theoretical scattering profile (Debye formula with FoXS-style form factors, SAXSProfile
// .swift) fitted to the measured curve; χ², the Guinier radius of gyration of the data and of the model, the
// curves with residuals and the Kratky plot. Informative: VRS has no criterion, so no warning and no score.
import Foundation
import ModelIO
import TechniqueIO

public struct SAXSSection: Section {
    public let id = "O.b"
    public let title = "Small-angle X-ray scattering"
    public let reference = "Debye formula, FoXS form factors (Schneidman-Duhovny et al. 2010)"
    public let scored = false

    public let curve: SAXSCurve
    public let path: String
    public let sha256: String

    public init(curve: SAXSCurve, path: String, sha256: String) {
        self.curve = curve; self.path = path; self.sha256 = sha256
    }

    public func run(_ context: AnalysisContext) throws -> SectionResult {
        guard let model = context.model else { throw SectionError.notApplicable("needs an atomic model (--model)") }
        let sc = SAXS.scatterers(model)
        guard sc.positions.count >= 2 else { throw SectionError.failed("the model has fewer than two heavy atoms") }
        let exposure = SAXS.exposure(sc.atoms)
        let hist = DebyeHistograms(positions: sc.positions, types: sc.types, exposure: exposure)
        let fit = SAXS.fit(histograms: hist, kinds: sc.kinds, q: curve.q, intensity: curve.intensity, sigma: curve.sigma)

        // The model's Guinier region: the fitted profile (scale, no background) on a fine grid from q = 0.005 Å⁻¹.
        let qLow = stride(from: 0.005, through: 0.15, by: 0.0025).map { $0 }
        let factors = qLow.map { qq in sc.kinds.map { e, nh in
            FormFactors.vacuum(e, q: qq) + Double(nh) * FormFactors.vacuum("H", q: qq)
                - fit.c1 * FormFactors.excluded(volume: FormFactors.volume[e]! + Double(nh) * FormFactors.volume["H"]!, q: qq)
        } }
        let lowModel = qLow.indices.map { i in
            fit.scale * SAXS.profile(hist.parts(q: qLow[i]), factors[i], c2: fit.c2, water: FormFactors.water(q: qLow[i]))
        }
        let gData = SAXS.guinier(q: curve.q, intensity: curve.intensity, sigma: curve.sigma)
        let gModel = SAXS.guinier(q: qLow, intensity: lowModel)

        var metrics: [String: JSONValue] = [
            "file": .string((path as NSString).lastPathComponent), "sha256": .string(sha256),
            "points": .int(curve.q.count), "q_min_per_A": .number(curve.q.first!), "q_max_per_A": .number(curve.q.last!),
            "q_unit_in_file": .string(curve.fileUnit == .perAngstrom ? "Å⁻¹" : "nm⁻¹"), "q_unit_reason": .string(curve.unitReason),
            "model_scatterers": .int(sc.positions.count),
            "chi2": .number(fit.chi2), "c1": .number(fit.c1), "c2": .number(fit.c2),
            "scale": .number(fit.scale), "background": .number(fit.background),
        ]
        metrics["rg_data_A"] = gData.map { .number($0.rgA) } ?? .null
        metrics["rg_model_A"] = gModel.map { .number($0.rgA) } ?? .null
        if let d = gData {
            metrics["guinier_data_points"] = .int(d.points); metrics["guinier_data_qrg_max"] = .number(d.qRgMax)
        }
        if let d = gData, let m = gModel { metrics["rg_difference_A"] = .number(m.rgA - d.rgA) }

        let q = curve.q
        let residuals = q.indices.map { (curve.intensity[$0] - fit.fitted[$0]) / curve.sigma[$0] }
        let positive = q.indices.filter { curve.intensity[$0] > 0 }
        let name = (path as NSString).lastPathComponent
        let profile = LinePlot(series: [
            Series(label: "data", x: positive.map { q[$0] }, y: positive.map { curve.intensity[$0] }, style: .points),
            Series(label: "model fit", x: q.indices.filter { fit.fitted[$0] > 0 }.map { q[$0] },
                   y: q.indices.filter { fit.fitted[$0] > 0 }.map { fit.fitted[$0] }),
        ], xLabel: "q (Å⁻¹)", yLabel: "I(q)", logY: true)
        let residualPlot = LinePlot(series: [Series(label: "(I − fit) / σ", x: q, y: residuals, style: .points)],
                                    xLabel: "q (Å⁻¹)", yLabel: "residual / σ", yMarkers: [Marker(value: 0, label: "")])
        let kratky = LinePlot(series: [
            Series(label: "data", x: q, y: q.indices.map { q[$0] * q[$0] * curve.intensity[$0] }, style: .points),
            Series(label: "model fit", x: q, y: q.indices.map { q[$0] * q[$0] * fit.fitted[$0] }),
        ], xLabel: "q (Å⁻¹)", yLabel: "q² I(q)")
        let figures = [
            Figure(id: "ob_saxs_profile", caption: "SAXS curve of \(name) (points) and the model's profile fitted with scale, constant background, excluded volume c1 and hydration c2 (line); logarithmic intensity.", content: .plot(profile)),
            Figure(id: "ob_saxs_residuals", caption: "Residuals of the fit in units of the measurement error σ: a good fit leaves them scattered around 0 within about ±3 without trends.", content: .plot(residualPlot)),
            Figure(id: "ob_saxs_kratky", caption: "Kratky plot (q² I against q) of the data and the fit: a folded, compact particle gives a bell-shaped curve.", content: .plot(kratky)),
        ]
        return SectionResult(id: id, title: title, status: .ok, metrics: metrics, figures: figures, scored: scored)
    }
}
