// 4.d Realignment (ParticleAnalysis/LocalRealignment.swift): each particle aligned again against the map's
// projections within ±15° of its orientation (5° grid, then 5/3° around the best) and ±5 Å of its origin,
// and compared with its assignment, at a pixel of at least R/3 in at most 256 pixels (ProjectionSampling.swift).
// Warnings (VRS): more than 20 % of the particles with a shift difference
// above 5 Å, or with an angle difference above 5°. VRS also re-refines with RELION and cryoSPARC: with
// `--relion` (relion_refine on the PATH) the section adds VRS's RELION comparison (ParticleAnalysis/
// RelionRealignment.swift) with the same criteria; cryoSPARC is proprietary and not used. Without `--relion`
// nothing here depends on RELION, and a failed RELION run is reported beside the local search, not instead.
import Foundation
import ImageData
import ParticleAnalysis

public struct RealignmentSection: Section {
    public let id = "4.d"
    public let title = "Realignment"
    public let reference = "VRS 4.d; local search after Xmipp's compare-angles"
    /// Particles used by default (a seeded random subset); `--max-particles` overrides it.
    public static let defaultParticles = 300

    public init() {}

    public func run(_ context: AnalysisContext) throws -> SectionResult {
        let (p, table) = try Level4Input.withAngles(context)
        let used = p.subset(default: Self.defaultParticles)
        let sampling = ProjectionSampling(map: context.map, limit: .resolution(context.resolution), particleBox: p.box,
                                          particlePixelA: p.pixelSizeA, interpolation: .trilinear)
        let projector = sampling.projector
        var configured = LocalRealignment()
        configured.symmetry = p.symmetryOrIdentity
        let search = configured
        let all = try p.forEachParticle(id, used, table: table, at: projector) { q, img in
            search.realign(image: img, angles: q.angles!, originA: SIMD2(q.originXA, q.originYA),
                           ctf: q.ctf.map { CTF($0) }, projector: projector)
        }
        let angles = all.map(\.angleDifferenceDeg).sorted(), shifts = all.map(\.shiftDifferenceA).sorted()
        var (metrics, warnings) = Self.comparison(angles: angles, shifts: shifts, by: "when realigned")
        metrics.merge([
            "particles_used": .int(used.count), "particles_total": .int(p.totalCount),
            "angle_range_deg": .number(search.rangeDeg), "angle_step_deg": .number(search.stepDeg),
            "fine_step_deg": .number(search.stepDeg / 3), "shift_range_A": .number(search.shiftRangeA),
            "symmetry": .string(p.symmetryName),
        ].merging(sampling.metrics) { a, _ in a }) { a, _ in a }
        var figures = Self.sortedCurves(angles: angles, shifts: shifts, prefix: "4d", particles: used.count, against: "the realigned")
        if let settings = p.relion {
            let (relion, relionWarnings, relionFigures) = relionComparison(context, p, table, settings)
            metrics["relion"] = .object(relion)
            warnings += relionWarnings
            figures += relionFigures
        }
        return .evaluated(self, warnings: warnings, metrics: metrics, figures: figures)
    }

    /// RELION's re-refinement of its own subset compared with the assignment (metrics under `relion`); a RELION
    /// failure is reported there (`status` "failed", `error`), without a warning: the local search stands alone.
    func relionComparison(_ context: AnalysisContext, _ p: ParticleInput, _ table: ParticleTable,
                          _ settings: RelionSettings) -> ([String: JSONValue], [String], [Figure]) {
        let used = p.subset(default: RelionRealignment.defaultParticles)
        do {
            let symmetry = try SymmetryGroup(p.symmetryName)
            let mask = try context.masks().soft.full()
            let o = try RelionRealignment.run(particles: p, table: table, used: used, map: context.map, softMask: mask,
                                              symmetry: symmetry, settings: settings)
            return Self.relionSummary(o)
        } catch {
            return (["status": .string("failed"), "error": .string("\(error)"), "particles_used": .int(used.count)], [], [])
        }
    }

    /// Below this correlation of RELION's map with the map (inside the mask) RELION did not reproduce the map.
    public static let relionMapAgreement = 0.5

    /// The metrics, warnings and figures of a RELION run's comparison.
    static func relionSummary(_ o: RelionRealignment.Outcome) -> ([String: JSONValue], [String], [Figure]) {
        let angles = o.angleDifferencesDeg.sorted(), shifts = o.shiftDifferencesA.sorted()
        var (metrics, warnings) = Self.comparison(angles: angles, shifts: shifts, by: "in RELION's refinement")
        metrics.merge([
            "status": .string("ok"), "particles_used": .int(angles.count),
            "working_pixel_A": .number(o.workingPixelA), "working_box": .int(o.workingBox),
            "iterations": .int(o.relion.iterations),
            "seconds": .number(o.relion.seconds), "command": .string(o.commandLine), "converged": .bool(o.relion.converged),
        ]) { a, _ in a }
        if let r = o.relion.resolutionA { metrics["resolution_A"] = .number(r) }
        if let c = o.mapCorrelation {
            metrics["map_correlation"] = .number(c)
            // Two refinements of the same particles agree far better than this (0.99 on our simulations): RELION
            // went elsewhere (a box too small for it, too few views) or the particles do not support the map.
            // Its differences then describe that disagreement, not single particles: said so beside them.
            if c < relionMapAgreement {
                metrics["map_disagrees"] = .bool(true)
                warnings.append("its map correlates only \(NumberText.format(c)) with the map inside the mask (below \(NumberText.format(relionMapAgreement))): RELION did not reproduce the map from these particles, so its angle and shift differences describe that disagreement rather than single particles")
            }
        }
        let figures = Self.sortedCurves(angles: angles, shifts: shifts, prefix: "4d_relion", particles: angles.count,
                                        against: "RELION's")
        return (metrics, warnings.map { "RELION: " + $0 }, figures)
    }

    /// Medians, MADs and VRS's outlier fractions of sorted angle (°) and shift (Å) differences, with the
    /// warnings of more than 20 % above 5° or 5 Å; `by` ends the warnings' sentences.
    static func comparison(angles: [Double], shifts: [Double], by: String) -> ([String: JSONValue], [String]) {
        func median(_ v: [Double]) -> Double { v.count % 2 == 1 ? v[v.count / 2] : (v[v.count / 2 - 1] + v[v.count / 2]) / 2 }
        func mad(_ v: [Double]) -> Double { let m = median(v); return median(v.map { abs($0 - m) }.sorted()) }
        let fa = Double(angles.filter { $0 > 5 }.count) / Double(angles.count)
        let fs = Double(shifts.filter { $0 > 5 }.count) / Double(shifts.count)
        var warnings: [String] = []
        if fs > 0.2 { warnings.append("\(NumberText.format(fs * 100)) % of the particles moved by more than 5 Å \(by) (more than 20 %)") }
        if fa > 0.2 { warnings.append("\(NumberText.format(fa * 100)) % of the particles turned by more than 5° \(by) (more than 20 %): their angles are uncertain") }
        return ([
            "fraction_shift_outliers": .number(fs), "fraction_angle_outliers": .number(fa),
            "median_angle_difference_deg": .number(median(angles)), "median_shift_difference_A": .number(median(shifts)),
            "mad_angle_difference_deg": .number(mad(angles)), "mad_shift_difference_A": .number(mad(shifts)),
        ], warnings)
    }

    /// The two sorted-difference curves (angle, shift) with the 5° and 5 Å lines.
    static func sortedCurves(angles: [Double], shifts: [Double], prefix: String, particles: Int, against: String) -> [Figure] {
        let rank = angles.indices.map { Double($0 + 1) }
        return [
            Figure(id: "\(prefix)_angle_differences", caption: "Angle between the assigned and \(against) orientation, particles sorted by it (\(particles) particles; dashed: 5°).",
                   content: .plot(LinePlot(series: [Series(label: "Angle difference", x: rank, y: angles)], xLabel: "Particle (sorted)",
                                           yLabel: "Angle difference (°)", yMarkers: [Marker(value: 5, label: "5°", keepInRange: true)]))),
            Figure(id: "\(prefix)_shift_differences", caption: "Distance between the assigned and \(against) origin, particles sorted by it (dashed: 5 Å).",
                   content: .plot(LinePlot(series: [Series(label: "Shift difference", x: rank, y: shifts)], xLabel: "Particle (sorted)",
                                           yLabel: "Shift difference (Å)", yMarkers: [Marker(value: 5, label: "5 Å", keepInRange: true)]))),
        ]
    }
}
