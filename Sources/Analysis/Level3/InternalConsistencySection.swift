// 3.b Classification internal consistency (informative, not scored, as in VRS): per 2D class, the FRC between the
// averages of two random halves of its aligned particles and the resolution at FRC 0.5
// (ParticleAnalysis/HalfSetFRC.swift; the project's crossing rule: no resolution for unrelated halves, never
// Nyquist). Classes with fewer than 10 particles in the subset are listed without a resolution.
import Foundation
import ImageData
import ParticleAnalysis
import VolumeNumerics

public struct InternalConsistencySection: Section {
    public let id = "3.b"
    public let title = "Classification internal consistency"
    public let reference = "FRC of half-set class averages"
    public let scored = false

    public init() {}

    public func run(_ context: AnalysisContext) throws -> SectionResult {
        defer { Level3Input.finished(id, context) }
        let a = try Level3Input.alignment(context)
        let k = a.classes.count
        let frcs: [HalfSetFRC?] = ReferenceFreeClassification.parallelMap(k) { c in
            a.members(of: c).count >= ClassCore.minimumParticles ? HalfSetFRC(aligned: a.alignedMembers(of: c), seed: 20170101 &+ UInt64(c)) : nil
        }
        let sizes = (0..<k).map { a.members(of: $0).count }
        guard let lastRing = frcs.compactMap({ $0?.frequencyInvA.last }).first else {
            throw SectionError.notApplicable("no class has \(ClassCore.minimumParticles) or more of the \(a.rows.count) particles used")
        }
        let perClass: [JSONValue] = (0..<k).map { c in
            var o: [String: JSONValue] = ["index": .int(c + 1), "particles": .int(sizes[c])]
            if let f = frcs[c] {
                o["resolution_A"] = f.resolutionA.map { .number($0) } ?? .null
                o["no_resolution"] = .bool(f.crossing == .belowFromStart)
                o["at_limit"] = .bool(f.crossing == .notBeforeNyquist)
                o["measured"] = .bool(true)
            } else {
                o["resolution_A"] = .null; o["no_resolution"] = .bool(false); o["at_limit"] = .bool(false)
                o["measured"] = .bool(false)
            }
            return .object(o)
        }
        let measured = frcs.compactMap { $0 }
        let resolved = (0..<k).compactMap { c in frcs[c]?.resolutionA.map { (c, $0) } }
        var metrics = Level3Input.commonMetrics(a)
        metrics["classes"] = .int(k)
        metrics["classes_measured"] = .int(measured.count)
        metrics["classes_without_resolution"] = .int(measured.filter { $0.crossing == .belowFromStart }.count)
        metrics["classes_at_limit"] = .int(measured.filter { $0.crossing == .notBeforeNyquist }.count)
        metrics["limit_A"] = .number(1 / lastRing)
        metrics["per_class"] = .array(perClass)
        metrics["minimum_particles"] = .int(ClassCore.minimumParticles)
        if !resolved.isEmpty { metrics["resolution_median_A"] = .number(resolved.map(\.1).sorted()[resolved.count / 2]) }
        var figures: [Figure] = []
        if !resolved.isEmpty {
            figures.append(Figure(id: "3b_resolutions",
                caption: "Resolution at which the FRC between the averages of two random halves of each class falls below 0.5 (\(resolved.count) classes with a resolution).",
                content: .histogram(ParticlesSection.histogram(resolved.map(\.1), xLabel: "FRC 0.5 resolution (Å)", yLabel: "Classes", bins: 20))))
            figures.append(Figure(id: "3b_size_resolution",
                caption: "Number of particles in each class against its half-set FRC 0.5 resolution: larger classes of the same particle are expected to reach finer resolution.",
                content: .plot(LinePlot(series: [Series(label: "Classes", x: resolved.map { Double(sizes[$0.0]) }, y: resolved.map(\.1), style: .points)],
                                        xLabel: "Particles in the class", yLabel: "FRC 0.5 resolution (Å)", xWholeNumbers: true))))
        }
        return SectionResult(id: id, title: title, status: .ok, metrics: metrics, figures: figures, scored: scored)
    }
}
