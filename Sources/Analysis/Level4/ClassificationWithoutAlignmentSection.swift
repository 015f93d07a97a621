// 4.e Classification without alignment (ParticleAnalysis/FixedAngleClassification.swift): two-class 3D
// classification of the particles with their angles, origins and CTFs fixed (EM over the assignment,
// cross-validated halves, started from two random halves). VRS's rule: OK only when the classification
// converges to one class; we call it one class when the larger class holds at least 90 % of the particles.
// Two populated classes are not scored (the set may be heterogeneous, which a map from all particles blurs):
// the section then shows central slices of both class maps and their difference, with a warning. When the two
// classes follow the viewing directions (ViewSeparation ≥ 0.5: the smaller class looks from directions the
// larger hardly has), the warning says so: a set with few distinct views splits that way even for one structure.
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
    /// The view separation from which two classes are said to follow the viewing directions: halfway between
    /// membership independent of direction (0) and classes that never share a direction (1).
    static let viewSplitSeparation = 0.5

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
                       xLabel: "Iteration", yLabel: "Share of the particles", yMarkers: [Marker(value: Self.oneClassShare, label: "90 %", keepInRange: true)],
                       xWholeNumbers: true))),
        ]
        var warnings: [String] = []
        // Whether the split follows the viewing directions (most probable class of each particle).
        let smallerIndex = ordered[1]
        let separation = ViewSeparation.separation(directions: poses.map { $0.angles.projectionDirection },
                                                   inSmaller: result.assignment.map { $0 == smallerIndex })
        metrics["view_separation"] = separation.map { .number($0) } ?? .null
        metrics["view_separation_radius_deg"] = .number(ViewSeparation.radiusDeg)
        let byView = !oneClass && (separation ?? 0) >= Self.viewSplitSeparation
        if byView {
            warnings.append("the classification with fixed angles keeps two populated classes (\(NumberText.format(larger * 100)) % and \(NumberText.format((1 - larger) * 100)) %), but they follow the viewing directions (view separation \(NumberText.fixed(separation!, 2)): the smaller class looks from directions the larger hardly has), which one structure seen from few distinct directions also gives; this test cannot tell here whether the set is heterogeneous; not scored")
        } else if !oneClass {
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
        metrics["verdict"] = .string(oneClass ? "one class" : byView ? "two classes that follow the viewing directions" : "two populated classes")
        return SectionResult(id: id, title: title, status: warnings.isEmpty ? .ok : .warnings, warnings: warnings,
                             metrics: metrics, figures: figures, scored: oneClass)
    }
}
