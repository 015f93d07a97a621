// 4.i CTF stability (ParticleAnalysis/CTFRefinement.swift): each particle's defocus U, V and astigmatism angle
// refined against the map's projection at its assigned angles and origin (at a pixel of at least R/3 in at most
// 256 pixels: ProjectionSampling.swift), by a local search around the STAR
// file's values; percentiles 2.5/50/97.5 of the defocus, the astigmatism |U − V|, their changes (refined −
// STAR), and of the phase shift, CTF B-factor and scale the STAR file carries. VRS refines with RELION's
// ctf_refine and applies interval rules (validationLevel4.py, ctfStability): the astigmatism interval within
// ±5000 Å; the defocus and astigmatism change intervals within ±5000 Å and containing 0; the B-factor within
// ±5 Å² and containing 0; the scale within ±0.1. Two departures, stated in the report and docs/methods.md:
// the scale rule is applied to the scale's deviation from 1 (RELION's scale is 1 for a perfect particle, so
// VRS's test of the scale itself always fails); the astigmatism-change rule is applied to the components of
// the astigmatism vector (U − V)(cos 2α, sin 2α), whose noise is symmetric, not to the change of |U − V|,
// which noise biases upwards (its interval excludes 0 even when the STAR's astigmatism is right).
import Foundation
import ImageData
import ParticleAnalysis

public struct CTFStabilitySection: Section {
    public let id = "4.i"
    public let title = "CTF stability"
    public let reference = "VRS 4.i (after RELION ctf_refine, Zivanov et al. 2018)"
    /// Particles used by default (a seeded random subset); `--max-particles` overrides it.
    public static let defaultParticles = 1000
    /// VRS's bounds: Å for defocus and astigmatism, Å² for the B-factor, the scale's deviation from 1.
    public static let defocusBoundA = 5000.0, bFactorBoundA2 = 5.0, scaleBound = 0.1

    public init() {}

    /// One parameter's percentiles, its source and the rule it is held to.
    struct Row {
        var key: String, name: String, unit: String, source: String
        var values: [Double]
        /// VRS's interval rule: the 95 % interval within ±bound around `centre`, and (if `containsCentre`)
        /// containing it; nil for parameters without a rule.
        var bound: Double?, centre = 0.0, containsCentre = false

        var percentiles: [Double] {
            let s = LocalValueSummary(values.map { Float($0) })
            return [2.5, 50, 97.5].map(s.percentile)
        }
    }

    /// A refined − STAR difference, Å, rounded to 0.01 Å: the search reaches its values by adding and
    /// removing steps of at least 0.625 Å, so an unchanged value comes back as U + step − step, whose
    /// difference from U is float residue (~10⁻¹⁴ Å), not a change.
    static func change(_ refinedA: Double, _ starA: Double) -> Double { NumberText.rounded(refinedA - starA, decimals: 2) }

    public func run(_ context: AnalysisContext) throws -> SectionResult {
        let (p, table) = try Level4Input.withAngles(context)
        let used = p.subset(default: Self.defaultParticles).filter { table.particles[$0].ctf != nil }
        guard let firstCTF = used.first.flatMap({ table.particles[$0].ctf }) else {
            throw SectionError.notApplicable("the STAR file \(p.starPath) has no defocus (rlnDefocusU): there is no CTF to refine")
        }
        let sampling = ProjectionSampling(map: context.map, limit: .resolution(context.resolution), particleBox: p.box,
                                          particlePixelA: p.pixelSizeA, interpolation: .cubic)
        let projector = sampling.projector
        let px = projector.pixelSizeA
        let nyquist = 1 / (2 * px)
        let maxFrequency = min(nyquist, context.resolution.map { 1 / $0 } ?? nyquist)
        let settings = CTFRefinementSettings(maxFrequencyInvA: maxFrequency, wavelengthA: firstCTF.wavelengthA)
        let all = try p.forEachParticle(id, used, table: table, at: projector) { q, img in
            let projection = projector.sliceSpectrum(q.angles!, shiftX: -q.originXA / px, shiftY: -q.originYA / px)
            return CTFRefinement.refine(image: FFT2D.forward(img), projection: projection, start: q.ctf!, settings: settings)
        }
        let star = used.map { table.particles[$0].ctf! }
        func mean(_ c: CTFParameters) -> Double { (c.defocusUA + c.defocusVA) / 2 }
        func astigmatism(_ c: CTFParameters) -> Double { abs(c.defocusUA - c.defocusVA) }
        /// (U − V)·(cos 2α, sin 2α): the astigmatism as a vector, α the angle of U; its length is |U − V|.
        func astigmatismVector(_ c: CTFParameters) -> SIMD2<Double> {
            let a = 2 * c.defocusAngleDeg * .pi / 180
            return (c.defocusUA - c.defocusVA) * SIMD2(cos(a), sin(a))
        }
        var rows = [
            Row(key: "defocus_A", name: "Defocus (U + V)/2", unit: "Å", source: "refined", values: all.map { mean($0.refined) }),
            Row(key: "astigmatism_A", name: "Astigmatism |U − V|", unit: "Å", source: "refined",
                values: all.map { astigmatism($0.refined) }, bound: Self.defocusBoundA),
            Row(key: "defocus_change_A", name: "Defocus change", unit: "Å", source: "refined − STAR",
                values: zip(all, star).map { Self.change(mean($0.refined), mean($1)) }, bound: Self.defocusBoundA, containsCentre: true),
            // VRS's astigmatism change, |U − V| refined minus STAR: biased upwards by noise (a magnitude estimated
            // from noisy data is positive even when the truth is 0), so its interval excludes 0 for a right
            // STAR; informative here. The rule goes to the components of the astigmatism vector instead.
            Row(key: "astigmatism_change_A", name: "Astigmatism change", unit: "Å", source: "refined − STAR",
                values: zip(all, star).map { Self.change(astigmatism($0.refined), astigmatism($1)) }),
            Row(key: "astigmatism_change_cos_A", name: "Astigmatism vector change, cos 2α", unit: "Å", source: "refined − STAR",
                values: zip(all, star).map { Self.change(astigmatismVector($0.refined).x, astigmatismVector($1).x) },
                bound: Self.defocusBoundA, containsCentre: true),
            Row(key: "astigmatism_change_sin_A", name: "Astigmatism vector change, sin 2α", unit: "Å", source: "refined − STAR",
                values: zip(all, star).map { Self.change(astigmatismVector($0.refined).y, astigmatismVector($1).y) },
                bound: Self.defocusBoundA, containsCentre: true),
        ]
        if table.table.has("rlnPhaseShift") {
            rows.append(Row(key: "phase_shift_deg", name: "Phase shift", unit: "°", source: "STAR", values: star.map(\.phaseShiftDeg)))
        }
        if table.table.has("rlnCtfBfactor") {
            rows.append(Row(key: "b_factor_A2", name: "CTF B-factor", unit: "Å²", source: "STAR", values: star.map(\.bFactorA2),
                            bound: Self.bFactorBoundA2, containsCentre: true))
        }
        if table.table.has("rlnCtfScalefactor") {
            let scale = try used.map { try table.table.double($0, "rlnCtfScalefactor") ?? 1 }
            rows.append(Row(key: "scale", name: "CTF scale", unit: "", source: "STAR", values: scale,
                            bound: Self.scaleBound, centre: 1, containsCentre: true))
        }

        var warnings: [String] = []
        var metrics: [String: JSONValue] = [
            "particles_used": .int(used.count), "particles_total": .int(p.totalCount),
            "range_A": .number(settings.rangeA), "grid_step_A": .number(settings.gridStepA),
            "final_step_A": .number(settings.finalStepA), "max_frequency_resolution_A": .number(1 / maxFrequency),
            "improved_fraction": .number(Double(all.filter { $0.score > $0.startScore }.count) / Double(all.count)),
        ]
        metrics.merge(sampling.metrics) { a, _ in a }
        var parameterRows: [JSONValue] = []
        for row in rows {
            let q = row.percentiles
            metrics[row.key] = .object(["p2_5": .number(q[0]), "p50": .number(q[1]), "p97_5": .number(q[2])])
            var entry: [String: JSONValue] = ["parameter": .string(row.name), "unit": .string(row.unit), "source": .string(row.source),
                                              "p2_5": .number(q[0]), "p50": .number(q[1]), "p97_5": .number(q[2])]
            if let b = row.bound {
                // In a sentence: "the defocus change", "the CTF scale".
                let name = row.name.hasPrefix("CTF") ? row.name : row.name.prefix(1).lowercased() + row.name.dropFirst()
                let lo = row.centre - b, hi = row.centre + b
                let interval = "[\(NumberText.format(q[0])), \(NumberText.format(q[2]))]" + (row.unit.isEmpty ? "" : " \(row.unit)")
                var pass = true
                if q[0] < lo || q[2] > hi {
                    pass = false
                    warnings.append("the 95 % interval of the \(name), \(interval), extends beyond \(NumberText.format(lo))…\(NumberText.format(hi))" + (row.unit.isEmpty ? "" : " \(row.unit)"))
                }
                if row.containsCentre, q[0] > row.centre || q[2] < row.centre {
                    pass = false
                    warnings.append("the 95 % interval of the \(name), \(interval), does not contain \(NumberText.format(row.centre))" + (row.key == "defocus_change_A" ? ": the STAR file's defoci are off by about \(NumberText.format(q[1])) Å (median)" : ""))
                }
                let range = row.centre == 0 ? "±\(NumberText.format(b))" : "\(NumberText.format(row.centre)) ± \(NumberText.format(b))"
                entry["rule"] = .string(range + (row.unit.isEmpty ? "" : " \(row.unit)") + (row.containsCentre ? ", contains \(NumberText.format(row.centre))" : ""))
                entry["pass"] = .bool(pass)
                entry["met"] = .string(pass ? "yes" : "no")
            } else {
                entry["rule"] = .string("none")
                entry["met"] = .string("")
            }
            parameterRows.append(.object(entry))
        }
        metrics["parameters"] = .array(parameterRows)

        let figures = rows.map { row in
            Figure(id: "4i_" + row.key.lowercased(),
                   caption: "\(row.name) (\(row.source)) of the \(used.count) particles.",
                   content: .histogram(ParticlesSection.histogram(row.values, xLabel: row.name + (row.unit.isEmpty ? "" : " (\(row.unit))"),
                                                                  yLabel: "Particles")))
        }
        return .evaluated(self, warnings: warnings, metrics: metrics, figures: figures)
    }
}
