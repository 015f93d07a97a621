// 3.a Outlier detection: per 2D class, the fraction of its aligned particles in the class core — Mahalanobis
// distance ≤ 3 in the plane of the two leading principal components, with a robust (reweighted MCD) centre and
// scatter (ParticleAnalysis/ClassCore.swift; after Xmipp's CL2D core analysis, Sorzano et al. 2010).
// Classes with fewer than 10 particles in the subset are listed without a core fraction and left out of the
// criterion. Warning (VRS): more than 20 % of the classes have a core fraction below 0.7.
import Foundation
import ImageData
import ParticleAnalysis

public struct OutlierDetectionSection: Section {
    public let id = "3.a"
    public let title = "Outlier detection"
    public let reference = "Sorzano et al. 2010 (CL2D core analysis)"
    static let coreLimit = 0.7
    static let fractionLimit = 0.2

    /// Measures the particles against the classes, not the map.
    public var needsMapVariance: Bool { false }

    public init() {}

    public func run(_ context: AnalysisContext) throws -> SectionResult {
        defer { Level3Input.finished(id, context) }
        let a = try Level3Input.alignment(context)
        let mask = a.mask
        let k = a.classes.count
        let cores: [ClassCore?] = ReferenceFreeClassification.parallelMap(k) { c in
            a.members(of: c).count >= ClassCore.minimumParticles ? ClassCore(aligned: a.alignedMembers(of: c), mask: mask) : nil
        }
        let sizes = (0..<k).map { a.members(of: $0).count }
        let measured = cores.compactMap { $0?.coreFraction }
        guard !measured.isEmpty else {
            throw SectionError.notApplicable("no class has \(ClassCore.minimumParticles) or more of the \(a.rows.count) particles used, the fewest the core analysis needs")
        }
        let below = measured.filter { $0 < Self.coreLimit }.count
        let fraction = Double(below) / Double(measured.count)
        let perClass: [JSONValue] = (0..<k).map { c in
            .object(["index": .int(c + 1), "particles": .int(sizes[c]),
                     "core_fraction": cores[c].map { .number($0.coreFraction) } ?? .null,
                     "below_limit": .bool((cores[c]?.coreFraction ?? 1) < Self.coreLimit), "measured": .bool(cores[c] != nil)])
        }
        var metrics = Level3Input.commonMetrics(a)
        metrics["classes"] = .int(k)
        metrics["classes_measured"] = .int(measured.count)
        metrics["classes_core_below_0_7"] = .int(below)
        metrics["fraction_classes_core_below_0_7"] = .number(fraction)
        metrics["core_fraction_median"] = .number(measured.sorted()[measured.count / 2])
        metrics["per_class"] = .array(perClass)
        metrics["minimum_particles"] = .int(ClassCore.minimumParticles)
        metrics["components"] = .int(2)
        var warnings: [String] = []
        if fraction > Self.fractionLimit {
            let worst = (0..<k).filter { (cores[$0]?.coreFraction ?? 1) < Self.coreLimit }.map { String($0 + 1) }
            let one = below == 1
            warnings.append("\(below) of \(measured.count) classes (\(NumberText.format(100 * fraction)) %) \(one ? "has" : "have") fewer than 70 % of \(one ? "its" : "their") particles in the class core (\(worst.count == 1 ? "class" : "classes") \(worst.joined(separator: ", "))); at most 20 % are expected")
        }
        let coreBins = stride(from: 0.0, through: 1.0001, by: 0.05).map { $0 }
        var coreCounts = [Double](repeating: 0, count: coreBins.count - 1)
        for f in measured { coreCounts[min(coreCounts.count - 1, Int(f / 0.05))] += 1 }
        let figures = [
            Figure(id: "3a_core_fractions",
                   caption: "Fraction of each class's particles in its core (Mahalanobis distance at most 3 in the plane of the two leading principal components), \(measured.count) classes; the line marks 0.7.",
                   content: .histogram(Histogram(binEdges: coreBins, counts: coreCounts, xLabel: "Core fraction", yLabel: "Classes",
                                                 markers: [Marker(value: Self.coreLimit, label: "0.7", keepInRange: true)]))),
            Figure(id: "3a_class_sizes",
                   caption: "Number of particles per class among the \(a.rows.count) particles used.",
                   content: .histogram(Histogram(counts: sizes, xLabel: "Particles in the class", yLabel: "Classes", maxBins: 20))),
        ]
        return .evaluated(self, warnings: warnings, metrics: metrics, figures: figures)
    }
}
