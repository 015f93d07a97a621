// 1.d Directional resolution (docs/methods.md "1.d"): conical FSC (3DFSC, Tan et al. 2017) and the Fourier Shell
// Occupancy (Vilas et al. 2023).
//
// Both halves are multiplied by the soft mask at T; the conical FSC is computed in 100 cones of half-angle
// 20° (3DFSC's default) around directions spread evenly over the hemisphere (ConicalFSC.swift). The
// directional resolution of a cone is its FSC-0.143 crossing (same crossing rule as 1.a, no phase
// randomisation). Spread: min, max, mean and standard deviation over directions, and max/min − 1.
// Sphericity (3DFSC): π^(1/3)(6V)^(2/3)/A of the body whose radius in each direction is the directional
// resolution frequency (1 for isotropic resolution). FSO(s): fraction of directions with FSC ≥ 0.143 in
// shell s; its crossings at 0.9, 0.5 and 0.1 give the resolution in 90 %, 50 % and 10 % of the directions,
// the 0.5 crossing being the global resolution of Vilas et al.
// A cone whose FSC is below the threshold from the lowest frequencies has no directional resolution (left out
// of the statistics and counted); an FSO below a level from the start gives no resolution at that level
// (the shared crossing rule, docs/methods.md "1.d").
// Warnings: R < 0.8 × the FSO-0.5 resolution; no FSO-0.5 resolution. Sphericity < 0.9 is stated as
// information (docs/methods.md "1.d"), not a warning.
import Foundation
import MapIO
import VolumeNumerics

public struct DirectionalResolution: Section {
    public let id = "1.d"
    public let title = "Directional resolution (conical FSC, FSO)"
    public let reference = "Tan et al. 2017; Vilas et al. 2023"
    public var directionCount = 100
    public var coneHalfAngleDeg = 20.0
    public var threshold = 0.143

    public init() {}

    public func run(_ context: AnalysisContext) throws -> SectionResult {
        let data = try Level1Data.of(context)
        let mask = try context.masks().soft
        let f1 = FFT.forward(data.half1, maskedBy: mask), f2 = FFT.forward(data.half2, maskedBy: mask)
        let dirs = ConicalFSC.hemisphereDirections(count: directionCount)
        let cones = ConicalFSC.compute(f1, f2, directions: dirs, coneHalfAngleDeg: coneHalfAngleDeg)
        let freqs = cones.frequencyInvA
        let dirFreq: [Double?] = (0..<dirs.count).map {
            FSCCrossings.crossing(cones.curve($0), .fixed(threshold)).frequencyInvA(freqs)
        }
        let dirResOpt = dirFreq.map { $0.map { Level1Format.resolutionA($0) } }
        let measured = dirResOpt.indices.filter { dirResOpt[$0] != nil }
        let dirRes = measured.map { dirResOpt[$0]! }
        let fso = cones.shellOccupancy(threshold: threshold)
        var fsoRes: [String: Double?] = [:]
        for level in [0.9, 0.5, 0.1] {
            let c = FSCCrossings.firstDownward(fso, thresholds: fso.map { _ in level }, frequencies: freqs)
            fsoRes[String(format: "%g", level)] = Level1Format.resolutionA(c, freqs)
        }
        let mean: Double? = dirRes.isEmpty ? nil : dirRes.reduce(0, +) / Double(dirRes.count)
        let sd = mean.map { m in (dirRes.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(max(dirRes.count - 1, 1))).squareRoot() }
        let best = dirRes.min(), worst = dirRes.max()
        let sphericity = measured.count == dirs.count
            ? ConicalFSC.sphericity(directions: dirs, radii: dirFreq.map { $0! }, coneHalfAngleDeg: coneHalfAngleDeg) : nil
        let angleFromZ = dirs.map { acos(min(1, $0.z)) * 180 / .pi }
        let azimuth = dirs.map { (atan2($0.y, $0.x) * 180 / .pi + 360).truncatingRemainder(dividingBy: 360) }

        var metrics: [String: JSONValue] = [
            "n_directions": .int(dirs.count),
            "cone_half_angle_deg": .number(coneHalfAngleDeg),
            "fsc_threshold": .number(threshold),
            "directional_resolution_min_A": Level1Format.metric(best),
            "directional_resolution_max_A": Level1Format.metric(worst),
            "directional_resolution_mean_A": Level1Format.metric(mean),
            "directional_resolution_std_A": Level1Format.metric(sd),
            "directional_spread": Level1Format.metric(best.flatMap { b in worst.map { $0 / b - 1 } }),
            "fso_09_A": Level1Format.metric(fsoRes["0.9"]!),
            "fso_05_A": Level1Format.metric(fsoRes["0.5"]!),
            "fso_01_A": Level1Format.metric(fsoRes["0.1"]!),
            "fso_05_no_resolution": .bool(fsoRes["0.5"]! == nil),
            "n_directions_without_resolution": .int(dirs.count - measured.count),
            "directions": .array(dirs.map { .array([.number($0.x), .number($0.y), .number($0.z)]) }),
            "direction_angle_from_z_deg": .array(angleFromZ.map { .number($0) }),
            "direction_azimuth_deg": .array(azimuth.map { .number($0) }),
            "directional_resolution_A": .array(dirResOpt.map { Level1Format.metric($0) }),
            "frequency_invA": .array(freqs.map { .number($0) }),
            "fso": .array(fso.map { .number($0) }),
        ]
        if let best, let worst {
            metrics["best_direction"] = .array(dirs[measured[dirRes.firstIndex(of: best)!]].toJSON())
            metrics["worst_direction"] = .array(dirs[measured[dirRes.firstIndex(of: worst)!]].toJSON())
        }
        if let sphericity {
            metrics["sphericity"] = .number(sphericity)
            metrics["strongly_anisotropic"] = .bool(sphericity < 0.9)
            if sphericity < 0.9 {
                metrics["anisotropy_note"] = .string("sphericity \(NumberText.format(sphericity)) < 0.9: the resolution is strongly anisotropic (often preferred orientation); information, not a failure")
            }
        }
        metrics["resolution_estimates_A"] = Level1Format.estimates([("FSO 0.5 (directional FSC 0.143)", fsoRes["0.5"]!)])
        var warnings: [String] = []
        if fsoRes["0.5"]! == nil {
            warnings.append(Level1Format.noResolutionWarning("Fourier shell occupancy", threshold: "0.5"))
        }
        if let w = Level1Format.overestimateWarning(reported: context.resolution, estimateA: fsoRes["0.5"]!, estimator: "FSO-0.5 (global directional)") {
            warnings.append(w)
        }

        // Figures: directional resolution against the angle from Z; FSO with the spread of conical FSCs.
        var rMarkers = [Marker]()
        if let r = context.resolution { rMarkers.append(Marker(value: r, label: "R = \(NumberText.format(r)) Å")) }
        if let d = fsoRes["0.5"]! { rMarkers.append(Marker(value: d, label: "FSO 0.5: \(NumberText.format(d)) Å")) }
        let polar = LinePlot(series: [Series(label: "Directions (cone \(NumberText.format(coneHalfAngleDeg))°)", x: measured.map { angleFromZ[$0] }, y: dirRes, style: .points)],
                             xLabel: "Angle of the direction from the Z axis (°)", yLabel: "Directional resolution, FSC 0.143 (Å)",
                             yMarkers: rMarkers)
        let x = Array(freqs.dropFirst())
        // The crossings lie close together (often ~0.1 Å apart), closer than a label is wide: the legend gives
        // their values and each line carries its level only where that covers nothing.
        let crossings = [0.9, 0.5, 0.1].map { String(format: "%g", $0) }.compactMap { l in fsoRes[l]!.map { (level: l, A: $0) } }
        let range = cones.fscRange()
        let minFSC = Array(range.low.dropFirst()), maxFSC = Array(range.high.dropFirst())
        let fsoPlot = LinePlot(series: [Series(label: "FSO (fraction of directions with FSC ≥ \(String(format: "%g", threshold)))", x: x, y: Array(fso.dropFirst()), style: .linePoints),
                                        Series(label: "Lowest conical FSC", x: x, y: minFSC, style: .dashed),
                                        Series(label: "Highest conical FSC", x: x, y: maxFSC, style: .dashed)],
                               xLabel: "Resolution (Å)", yLabel: "FSO / conical FSC",
                               xMarkers: crossings.map { Marker(value: 1 / $0.A, label: $0.level, labelOnlyWhereClear: true) },
                               yMarkers: [Marker(value: threshold, label: String(format: "%g", threshold))],
                               xIsFrequency: true,
                               markerLegend: crossings.isEmpty ? nil : "FSO crossings \(crossings.map(\.level).joined(separator: " / ")) at "
                                   + "\(crossings.map { NumberText.format($0.A) }.joined(separator: " / ")) Å")
        let figures = [
            Figure(id: "1d_directional_resolution",
                   caption: "Directional resolution (conical FSC at 0.143 in \(dirs.count) cones of \(NumberText.format(coneHalfAngleDeg))° half-angle, masked halves) against the angle of the cone axis from Z (0°: along Z, 90°: in the XY plane). " + (best.flatMap { b in worst.map { "Range \(NumberText.format(b))–\(NumberText.format($0)) Å" } } ?? "No direction has a resolution") + (measured.count < dirs.count ? " (\(dirs.count - measured.count) directions without resolution: their FSC is below the threshold from the lowest frequencies)" : "") + (sphericity.map { ", sphericity \(NumberText.format($0))." } ?? "."),
                   content: .plot(polar)),
            Figure(id: "1d_fso",
                   caption: "Fourier Shell Occupancy: per shell, the fraction of directions whose conical FSC is at least \(String(format: "%g", threshold)); dashed, the lowest and highest conical FSC. FSO crossings 0.9 / 0.5 / 0.1 at \([0.9, 0.5, 0.1].map { fsoRes[String(format: "%g", $0)]!.map { NumberText.format($0) } ?? "none" }.joined(separator: " / ")) Å (none: below the level from the lowest frequencies).",
                   content: .plot(fsoPlot)),
        ]
        return .evaluated(self, warnings: warnings, metrics: metrics, figures: figures)
    }
}

extension SIMD3 where Scalar == Double {
    func toJSON() -> [JSONValue] { [.number(x), .number(y), .number(z)] }
}
