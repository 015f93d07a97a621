// 4.a Similarity (informative, not scored, as in VRS): per particle, the correlation and IMED between the
// image and the CTF-modulated projection of the map at its assigned angles and origin
// (ParticleAnalysis/ParticleSimilarity.swift), within a circular mask of radius 0.45 × box, at the map's
// sampling capped at 256 pixels (ProjectionSampling.swift); particles of another sampling are resampled to it.
// The text says when the CC or IMED distribution has more than one mode (kernel density, ParticleSimilarity).
import Foundation
import ImageData
import ParticleAnalysis

public struct SimilaritySection: Section {
    public let id = "4.a"
    public let title = "Similarity between particles and reprojections"
    public let reference = "Sorzano et al. 2015 (IMED)"
    public let scored = false
    /// Particles used by default (a seeded random subset); `--max-particles` overrides it.
    public static let defaultParticles = 2000

    public init() {}

    public func run(_ context: AnalysisContext) throws -> SectionResult {
        let (p, table) = try Level4Input.withAngles(context)
        let map = context.map
        let used = p.subset(default: Self.defaultParticles)
        // Every frequency counts in the correlation and IMED: the sampling is the map's, capped in box only.
        let sampling = ProjectionSampling(map: map, limit: .none, particleBox: p.box, particlePixelA: p.pixelSizeA,
                                          interpolation: .cubic)
        let projector = sampling.projector
        let n = projector.size
        let mask = CircularMask(size: n, radiusPx: 0.45 * Double(n))
        let scores = try p.forEachParticle(id, used, table: table, at: projector) { q, img in
            let model = ParticleSimilarity.modelImage(projector, angles: q.angles!, originA: SIMD2(q.originXA, q.originYA),
                                                      ctf: q.ctf.map { CTF($0) })
            return ParticleSimilarity.scores(image: img, model: model, mask: mask)
        }
        let defoci = used.map { table.particles[$0].ctf.map { ($0.defocusUA + $0.defocusVA) / 2 } }
        let all = Array(zip(scores, defoci))
        let cc = all.map { $0.0.cc }, imed = all.map { $0.0.imed }
        let ccModes = ParticleSimilarity.modeCount(cc), imedModes = ParticleSimilarity.modeCount(imed)
        func mean(_ v: [Double]) -> Double { v.reduce(0, +) / Double(v.count) }
        var metrics: [String: JSONValue] = [
            "cc_mean": .number(mean(cc)), "imed_mean": .number(mean(imed)),
            "cc_min": .number(cc.min()!), "cc_max": .number(cc.max()!),
            "particles_used": .int(used.count), "particles_total": .int(p.totalCount),
            "cc_modes": .int(ccModes), "imed_modes": .int(imedModes), "mask_radius_px": .number(0.45 * Double(n)),
        ]
        metrics.merge(sampling.metrics) { a, _ in a }
        if ccModes > 1 || imedModes > 1 {
            metrics["multimodal_note"] = .string("the distribution of the " + (ccModes > 1 ? "correlation (\(ccModes) modes)" : "") + (ccModes > 1 && imedModes > 1 ? " and of the " : "") + (imedModes > 1 ? "IMED (\(imedModes) modes)" : "") + " has more than one mode: the particles may mix conformations, misaligned particles or contaminants (or defocus groups; see the CC against defocus)")
        }
        var figures = [
            Figure(id: "4a_cc", caption: "Correlation between each of the \(used.count) particles and the CTF-modulated reprojection at its assigned angles and origin.",
                   content: .histogram(ParticlesSection.histogram(cc, xLabel: "Correlation", yLabel: "Particles"))),
            Figure(id: "4a_imed", caption: "IMED (image Euclidean distance of the standardised images) between each particle and its reprojection; lower is more similar.",
                   content: .histogram(ParticlesSection.histogram(imed, xLabel: "IMED", yLabel: "Particles"))),
            Figure(id: "4a_cc_imed", caption: "Correlation against IMED, one point per particle: a single cloud is expected.",
                   content: .plot(LinePlot(series: [Series(label: "Particles", x: imed, y: cc, style: .points)], xLabel: "IMED", yLabel: "Correlation",
                                           yBounds: LinePlot.correlationBounds))),
        ]
        let withDefocus = all.compactMap { r in r.1.map { ($0, r.0.cc) } }
        if withDefocus.count > 1 {
            figures.append(Figure(id: "4a_cc_defocus", caption: "Correlation against defocus: lower defocus gives less contrast and lower correlation, so groups here can be defocus groups.",
                                  content: .plot(LinePlot(series: [Series(label: "Particles", x: withDefocus.map { $0.0 }, y: withDefocus.map { $0.1 }, style: .points)],
                                                          xLabel: "Defocus (Å)", yLabel: "Correlation",
                                                          yBounds: LinePlot.correlationBounds))))
        }
        return SectionResult(id: id, title: title, status: .ok, metrics: metrics, figures: figures, scored: scored)
    }
}

/// The particles and their table for a Level 4 section, or why it does not apply.
enum Level4Input {
    /// The particles with angles (the table may be absent for angle-only uses).
    static func angles(_ context: AnalysisContext) throws -> ParticleInput {
        guard let p = context.particles else {
            throw SectionError.notApplicable("no particles given (--particles PARTICLES.star)")
        }
        guard p.anglesDeg != nil else {
            throw SectionError.notApplicable("the STAR file \(p.starPath) has no angles (rlnAngleRot, rlnAngleTilt, rlnAnglePsi), so Level 4 does not apply")
        }
        return p
    }

    static func withAngles(_ context: AnalysisContext) throws -> (ParticleInput, ParticleTable) {
        let p = try angles(context)
        guard let table = p.table else { throw SectionError.notApplicable("the particles have no STAR table") }
        return (p, table)
    }
}
