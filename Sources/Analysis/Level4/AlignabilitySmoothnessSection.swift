// 4.b Alignability smoothness (ParticleAnalysis/AlignabilitySmoothness.swift; after Méndez et al. 2021):
// per particle, the correlation landscape over orientations within 36° of its assignment (6° grid, origin
// fixed), smoothed by a Gaussian of σ = 6°, and the angle from the assignment to the smoothed maximum; at a
// pixel of at least 3.2 Å, 0.4 × the 8 Å low-pass (ProjectionSampling.swift), so no frequency it uses is lost.
// Warning (SPEC): more than 30 % of the particles farther than 10°. VRS lists this section as "not in
// Scipion"; the method and its parameters are ours (docs/methods.md).
import Foundation
import ImageData
import ParticleAnalysis

public struct AlignabilitySmoothnessSection: Section {
    public let id = "4.b"
    public let title = "Alignability smoothness"
    public let reference = "Méndez et al. 2021"
    /// Particles used by default (a seeded random subset); `--max-particles` overrides it.
    public static let defaultParticles = 1000
    /// The distance (degrees) beyond which a particle counts as misplaced, and the tolerated fraction.
    static let limitDeg = 10.0, tolerated = 0.3

    public init() {}

    public func run(_ context: AnalysisContext) throws -> SectionResult {
        let (p, table) = try Level4Input.withAngles(context)
        let used = p.subset(default: Self.defaultParticles)
        // The landscape uses frequencies up to 1/8 Å⁻¹: the working pixel keeps them all (4.c's rule).
        let lowPassA = AlignabilitySmoothness.defaultLowPassA
        let sampling = ProjectionSampling(map: context.map, limit: .lowPass(lowPassA), particleBox: p.box,
                                          particlePixelA: p.pixelSizeA, interpolation: .trilinear)
        let projector = sampling.projector
        var configured = AlignabilitySmoothness(lowPassA: max(lowPassA, 2 * projector.pixelSizeA))
        configured.symmetry = p.symmetryOrIdentity
        let search = configured
        let all = try p.forEachParticle(id, used, table: table, at: projector) { q, img in
            search.analyse(search.landscape(image: img, angles: q.angles!, originA: SIMD2(q.originXA, q.originYA),
                                            ctf: q.ctf.map { CTF($0) }, projector: projector), angles: q.angles!)
        }
        let distances = all.map(\.distanceDeg)
        let sorted = distances.sorted()
        let median = sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
        let beyond = Double(distances.filter { $0 > Self.limitDeg }.count) / Double(distances.count)
        var warnings: [String] = []
        if beyond > Self.tolerated {
            warnings.append("\(NumberText.format(beyond * 100)) % of the particles lie more than 10° from the maximum of their smoothed correlation landscape (more than 30 %): their orientations are poorly determined or wrong")
        }
        var metrics: [String: JSONValue] = [
            "fraction_beyond_10_deg": .number(beyond), "median_distance_deg": .number(median),
            "fraction_at_edge": .number(Double(all.filter(\.atEdge).count) / Double(all.count)),
            "particles_used": .int(used.count), "particles_total": .int(p.totalCount),
            "orientations": .int(search.orientationCount), "range_deg": .number(search.rangeDeg),
            "step_deg": .number(search.stepDeg), "smoothing_sigma_deg": .number(search.smoothingSigmaDeg),
            "low_pass_A": .number(search.lowPassA), "symmetry": .string(p.symmetryName),
        ]
        metrics.merge(sampling.metrics) { a, _ in a }
        let edges = stride(from: 0.0, through: search.rangeDeg + search.stepDeg, by: 2).map { $0 }
        var counts = [Double](repeating: 0, count: edges.count - 1)
        for d in distances { counts[min(counts.count - 1, Int(d / 2))] += 1 }
        let figure = Figure(id: "4b_distances",
                            caption: "Angle between each particle's assigned orientation and the maximum of its smoothed correlation landscape (\(used.count) particles, 2° bins; dashed: 10°).",
                            content: .histogram(Histogram(binEdges: edges, counts: counts, xLabel: "Distance to the smoothed maximum (°)",
                                                          yLabel: "Particles", markers: [Marker(value: Self.limitDeg, label: "10°", keepInRange: true)])))
        return .evaluated(self, warnings: warnings, metrics: metrics, figures: [figure])
    }
}
