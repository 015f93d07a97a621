// 4.e Classification without alignment (ParticleAnalysis/FixedAngleClassification.swift): two-class 3D
// classification of the particles with their angles, origins and CTFs fixed (EM over the assignment,
// cross-validated halves, started from two random halves). VRS's rule: OK only when the classification
// converges to one class; we call it one class when the larger class holds at least 90 % of the particles.
// Two populated classes are not scored (the set may be heterogeneous, which a map from all particles blurs):
// the section then shows central slices of both class maps and their difference, with a warning.
import Foundation
import ImageData
import MapIO
import ParticleAnalysis
import VolumeNumerics

public struct ClassificationWithoutAlignmentSection: Section {
    public let id = "4.e"
    public let title = "Classification without alignment"
    public let reference = "Scheres 2010 (ML 3D classification, angles fixed)"
    /// Particles used by default (a seeded random subset); `--max-particles` overrides it.
    public static let defaultParticles = 1000
    /// The larger class's share above which the set counts as one class.
    static let oneClassShare = 0.9

    public init() {}

    public func run(_ context: AnalysisContext) throws -> SectionResult {
        let (p, table) = try Level4Input.withAngles(context)
        let used = p.subset(default: Self.defaultParticles)
        guard used.count >= 20 else {
            throw SectionError.notApplicable("\(used.count) particles: at least 20 are needed for a two-class classification")
        }
        // Poses only (bytes per particle); the images are read from their stacks when an iteration needs them.
        let poses = used.map { i in
            let q = table.particles[i]
            return ClassificationPose(angles: q.angles!, originA: SIMD2(q.originXA, q.originYA), ctf: q.ctf.map { CTF($0) })
        }
        let classifier = FixedAngleClassification()
        let result = try classifier.classify(poses) { k in try p.particleImage(used[k]) }
        let shares = result.fractions
        let larger = max(shares[0], shares[1])
        let oneClass = larger >= Self.oneClassShare
        let ordered = shares[0] >= shares[1] ? [0, 1] : [1, 0]
        var metrics: [String: JSONValue] = [
            "larger_class_fraction": .number(larger), "smaller_class_fraction": .number(1 - larger),
            "one_class": .bool(oneClass), "iterations": .int(result.iterations), "converged": .bool(result.converged),
            "max_iterations": .int(classifier.maxIterations), "particles_used": .int(used.count),
            "particles_total": .int(p.totalCount), "working_pixel_A": .number(result.workingPixelA),
            "one_class_share": .number(Self.oneClassShare),
        ]
        let rounds = (1...result.fractionsPerIteration.count).map(Double.init)
        var figures = [
            Figure(id: "4e_populations",
                   caption: "Share of the \(used.count) particles in each class after each iteration (dashed: 90 %, the share above which the set counts as one class).",
                   content: .plot(LinePlot(series: ordered.enumerated().map { rank, k in
                       Series(label: rank == 0 ? "Larger class" : "Smaller class", x: rounds,
                              y: result.fractionsPerIteration.map { $0[k] }, style: .linePoints) },
                       xLabel: "Iteration", yLabel: "Share of the particles", yMarkers: [Marker(value: Self.oneClassShare, label: "90 %")]))),
        ]
        var warnings: [String] = []
        if !oneClass {
            warnings.append("the classification with fixed angles keeps two populated classes (\(NumberText.format(larger * 100)) % and \(NumberText.format((1 - larger) * 100)) %): the particles may hold more than one structure; not scored")
            if let a = result.classMaps[ordered[0]], let b = result.classMaps[ordered[1]] {
                var difference = a
                for j in 0..<difference.data.count { difference.data[j] = a.data[j] - b.data[j] }
                let z = a.nz / 2
                figures.append(Figure(id: "4e_class_slices",
                                      caption: "Central Z slices (z = \(z)) of the two class maps at \(NumberText.format(result.workingPixelA)) Å per pixel and of their difference (larger minus smaller class); each panel on its own grey scale.",
                                      content: .images(ImagePanels(panels: [
                                          Image2D(a.slice(.z, z), label: "Larger class"),
                                          Image2D(b.slice(.z, z), label: "Smaller class"),
                                          Image2D(difference.slice(.z, z), label: "Difference"),
                                      ]))))
            }
        }
        metrics["verdict"] = .string(oneClass ? "one class" : "two populated classes")
        return SectionResult(id: id, title: title, status: warnings.isEmpty ? .ok : .warnings, warnings: warnings,
                             metrics: metrics, figures: figures, scored: oneClass)
    }
}
