// 4.c Alignability precision and accuracy (ParticleAnalysis/MultireferenceAlignability.swift; Vargas et al.
// 2016 and 2017, as VRS runs them through Xmipp's multireference alignability): per particle, how tightly its
// best-matching projection directions of the map cluster (precision) and how close they lie to its assigned
// direction (accuracy), each relative to a noise-free projection at the assigned angles (1) and to
// pure noise (0), clamped to [−1, 1]. Warnings (VRS): more than 30 % of the particles with accuracy < 0.5, or with
// precision < 0.5.
import Foundation
import ImageData
import ParticleAnalysis

public struct AlignabilitySection: Section {
    public let id = "4.c"
    public let title = "Alignability precision and accuracy"
    public let reference = "Vargas et al. 2016, 2017"
    /// Particles used by default (a seeded random subset); `--max-particles` overrides it.
    public static let defaultParticles = 500

    public init() {}

    public func run(_ context: AnalysisContext) throws -> SectionResult {
        let (p, table) = try Level4Input.withAngles(context)
        let used = p.subset(default: Self.defaultParticles)
        let map = context.map
        guard map.nx == map.ny, map.ny == map.nz, map.nx % 2 == 0 else {
            throw SectionError.notApplicable("the map's box \(map.nx)×\(map.ny)×\(map.nz) is not cubic with an even edge, which the projection gallery needs")
        }
        let symmetry: SymmetryGroup
        do { symmetry = try SymmetryGroup(p.symmetryName) } catch { throw SectionError.failed("\(error)") }
        // Gallery step: Crowther's d/D (radians) at the working resolution d = 8 Å and the particle's diameter
        // D, within 3°–15°. Finer steps only add neighbours that look alike, and then the K best directions
        // of any image, noise included, cluster around its best one.
        let diameter = OrientationEfficiencySection.diameterA(context)
        let step = min(15, max(3, (8 / diameter * 180 / .pi).rounded()))
        let search = MultireferenceAlignability(map: map, symmetry: symmetry, stepDeg: step)
        // The zero of both scores: white noise with the CTFs and angles of (up to) 50 of the particles.
        let probe = Array(used.prefix(50))
        let null = try search.null(ctfs: probe.map { table.particles[$0].ctf.map { CTF($0) } },
                                   angles: probe.map { table.particles[$0].angles! })
        let all = try p.perParticle(id, used) { k in
            let q = table.particles[used[k]]
            return search.scores(image: try p.particleImage(used[k]), angles: q.angles!,
                                 originA: SIMD2(q.originXA, q.originYA), ctf: q.ctf.map { CTF($0) }, null: null)
        }
        let precision = all.map(\.precision), accuracy = all.map(\.accuracy)
        func mean(_ v: [Double]) -> Double { v.reduce(0, +) / Double(v.count) }
        let lowAccuracy = Double(accuracy.filter { $0 < 0.5 }.count) / Double(all.count)
        let lowPrecision = Double(precision.filter { $0 < 0.5 }.count) / Double(all.count)
        var warnings: [String] = []
        if lowAccuracy > 0.3 {
            warnings.append("\(NumberText.format(lowAccuracy * 100)) % of the particles have an alignability accuracy below 0.5 (more than 30 %): their assigned orientations disagree with a new search against the map")
        }
        if lowPrecision > 0.3 {
            warnings.append("\(NumberText.format(lowPrecision * 100)) % of the particles have an alignability precision below 0.5 (more than 30 %): their best-matching orientations are scattered")
        }
        let metrics: [String: JSONValue] = [
            "fraction_accuracy_below_0_5": .number(lowAccuracy), "fraction_precision_below_0_5": .number(lowPrecision),
            "accuracy_mean": .number(mean(accuracy)), "precision_mean": .number(mean(precision)),
            "particles_used": .int(used.count), "particles_total": .int(p.totalCount),
            "gallery_directions": .int(search.directionCount), "gallery_step_deg": .number(search.stepDeg),
            "best_directions": .int(search.candidates), "in_plane_step_deg": .number(360 / Double(search.psiSteps)),
            "working_pixel_A": .number(search.workingPixelA), "diameter_A": .number(diameter), "working_box": .int(search.workingSize),
            "noise_spread_deg": .number(null.spreadDeg), "noise_distance_deg": .number(null.distanceDeg),
            "noise_images": .int(null.images), "symmetry": .string(p.symmetryName),
        ]
        func histogram(_ v: [Double], _ label: String) -> Histogram {
            let edges = (0...20).map { -1 + Double($0) * 0.1 }
            var counts = [Double](repeating: 0, count: 20)
            for x in v { counts[max(0, min(19, Int(((x + 1) / 0.1).rounded(.down))))] += 1 }
            return Histogram(binEdges: edges, counts: counts, xLabel: label, yLabel: "Particles",
                             markers: [Marker(value: 0.5, label: "0.5", keepInRange: true)])
        }
        let figures = [
            Figure(id: "4c_precision", caption: "Alignability precision of the \(used.count) particles (1: the best-matching directions cluster as tightly as a noise-free projection's; 0: no more than pure noise's; dashed: 0.5).",
                   content: .histogram(histogram(precision, "Precision"))),
            Figure(id: "4c_accuracy", caption: "Alignability accuracy (1: the best-matching directions lie as close to the assigned one as a noise-free projection's; 0: no closer than pure noise's; dashed: 0.5).",
                   content: .histogram(histogram(accuracy, "Accuracy"))),
            Figure(id: "4c_precision_accuracy", caption: "Precision against accuracy, one point per particle: well-aligned particles gather near (1, 1).",
                   content: .plot(LinePlot(series: [Series(label: "Particles", x: precision, y: accuracy, style: .points)],
                                           xLabel: "Precision", yLabel: "Accuracy",
                                           xBounds: LinePlot.correlationBounds, yBounds: LinePlot.correlationBounds))),
        ]
        return .evaluated(self, warnings: warnings, metrics: metrics, figures: figures)
    }
}
