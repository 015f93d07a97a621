// 4.d Realignment (ParticleAnalysis/LocalRealignment.swift): each particle aligned again against the map's
// projections within ±15° of its orientation (5° grid, then 5/3° around the best) and ±5 Å of its origin,
// and compared with its assignment. Warnings (VRS): more than 20 % of the particles with a shift difference
// above 5 Å, or with an angle difference above 5°. VRS also re-refines with RELION and cryoSPARC; we use
// neither (cryoSPARC is proprietary).
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
        let projector = FourierProjector(volume: context.map, interpolation: .trilinear)
        var configured = LocalRealignment()
        configured.symmetry = p.symmetryOrIdentity
        let search = configured
        let all = try p.forEachParticle(id, used, table: table, at: projector) { q, img in
            search.realign(image: img, angles: q.angles!, originA: SIMD2(q.originXA, q.originYA),
                           ctf: q.ctf.map { CTF($0) }, projector: projector)
        }
        let angles = all.map(\.angleDifferenceDeg).sorted(), shifts = all.map(\.shiftDifferenceA).sorted()
        func median(_ v: [Double]) -> Double { v.count % 2 == 1 ? v[v.count / 2] : (v[v.count / 2 - 1] + v[v.count / 2]) / 2 }
        func mad(_ v: [Double]) -> Double { let m = median(v); return median(v.map { abs($0 - m) }.sorted()) }
        let fa = Double(angles.filter { $0 > 5 }.count) / Double(angles.count)
        let fs = Double(shifts.filter { $0 > 5 }.count) / Double(shifts.count)
        var warnings: [String] = []
        if fs > 0.2 { warnings.append("\(NumberText.format(fs * 100)) % of the particles moved by more than 5 Å when realigned (more than 20 %)") }
        if fa > 0.2 { warnings.append("\(NumberText.format(fa * 100)) % of the particles turned by more than 5° when realigned (more than 20 %): their angles are uncertain") }
        let metrics: [String: JSONValue] = [
            "fraction_shift_outliers": .number(fs), "fraction_angle_outliers": .number(fa),
            "median_angle_difference_deg": .number(median(angles)), "median_shift_difference_A": .number(median(shifts)),
            "mad_angle_difference_deg": .number(mad(angles)), "mad_shift_difference_A": .number(mad(shifts)),
            "particles_used": .int(used.count), "particles_total": .int(p.totalCount),
            "angle_range_deg": .number(search.rangeDeg), "angle_step_deg": .number(search.stepDeg),
            "fine_step_deg": .number(search.stepDeg / 3), "shift_range_A": .number(search.shiftRangeA),
            "symmetry": .string(p.symmetryName),
        ]
        let rank = (1...angles.count).map(Double.init)
        let figures = [
            Figure(id: "4d_angle_differences", caption: "Angle between the assigned and the realigned orientation, particles sorted by it (\(used.count) particles; dashed: 5°).",
                   content: .plot(LinePlot(series: [Series(label: "Angle difference", x: rank, y: angles)], xLabel: "Particle (sorted)",
                                           yLabel: "Angle difference (°)", yMarkers: [Marker(value: 5, label: "5°")]))),
            Figure(id: "4d_shift_differences", caption: "Distance between the assigned and the realigned origin, particles sorted by it (dashed: 5 Å).",
                   content: .plot(LinePlot(series: [Series(label: "Shift difference", x: rank, y: shifts)], xLabel: "Particle (sorted)",
                                           yLabel: "Shift difference (Å)", yMarkers: [Marker(value: 5, label: "5 Å")]))),
        ]
        return .evaluated(self, warnings: warnings, metrics: metrics, figures: figures)
    }
}
