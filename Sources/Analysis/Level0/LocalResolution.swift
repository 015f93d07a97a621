// 0.e Local resolution from the map alone by MonoRes (Vilas et al. 2018, Structure 26:337); SPEC 0.e;
// definition and conventions in docs/methods.md (0.e).
//
// VRS uses DeepRes (a neural network); we use MonoRes with the reference program's conventions
// (VolumeNumerics/Fourier/MonoRes.swift): high-pass tests every 0.25 Å (on Fourier shells) from max(3R, 12 Å)
// (at most a third of the box) to Nyquist, noise outside the hard mask inside the noise sphere, with the other
// density above T excluded; xmipp's mask refinement, stopping rules and post-processing. A map whose
// background is exactly 0 (a masked map) has no noise to compare with: the section does not apply.
// Applicable for 2 Å ≤ R ≤ 13 Å (VRS's limits for DeepRes).
// Reported inside the refined mask: percentiles 2.5/25/50/75/97.5, and the percentile at which R falls
// (the percentage of mask voxels whose local resolution is better than R, ties counted half).
// Figures: histogram, coloured slices, and the map surface at T coloured by the local resolution (LocalMapSurface.swift).
import Foundation
import MapIO
import VolumeNumerics

public struct LocalResolution: Section {
    public let id = "0.e"
    public var sharedValues: [SharedValue] { [.hardMaskedSurface] }
    public let title = "Local resolution (monogenic signal)"
    public let reference = "Vilas et al. 2018"
    public static let resolutionRangeA = 2.0...13.0

    public init() {}

    /// The scan's settings for a map of reported resolution `r` Å: start at max(3R, 12 Å), at most a third of
    /// the box, and coarser than 1.5 × Nyquist.
    public static func settings(for map: Volume, resolutionA r: Double) -> MonoResSettings {
        let boxA = min(Double(map.nx) * map.voxelSize.x, Double(map.ny) * map.voxelSize.y, Double(map.nz) * map.voxelSize.z)
        let nyquistA = 2 * max(map.voxelSize.x, map.voxelSize.y, map.voxelSize.z)
        return MonoResSettings(lowestResolutionA: max(min(max(3 * r, 12), boxA / 3), 1.5 * nyquistA))
    }

    /// MonoRes's metrics shared by 0.e and 1.c (keys prefixed by `prefix`).
    static func scanMetrics(_ local: LocalResolutionMap, settings: MonoResSettings, prefix p: String) -> [String: JSONValue] {
        [
            "\(p)lowest_scanned_A": .number(local.scannedResolutionsA.first!),
            "\(p)highest_scanned_A": .number(local.scannedResolutionsA.last!),
            "\(p)step_A": .number(settings.stepA),
            "\(p)n_resolutions_scanned": .int(local.scannedResolutionsA.count),
            "\(p)scanned_resolutions_A": .init(local.scannedResolutionsA),
            "\(p)significance": .number(settings.significance),
            "\(p)mask_voxels": .int(local.maskVoxels),
            "\(p)dropped_fraction": .number(Double(local.droppedBelowNoise) / Double(local.maskVoxels)),
            "\(p)noise_voxels": .int(local.noiseVoxels),
            "\(p)noise_radius_voxels": .int(local.noiseRadiusVoxels),
            "\(p)stop_reason": .string(local.stopReason),
        ]
    }

    public func run(_ context: AnalysisContext) throws -> SectionResult {
        guard let r = context.resolution else {
            throw SectionError.notApplicable("no resolution given: the local-resolution scan is set from the resolution")
        }
        guard LocalResolution.resolutionRangeA.contains(r) else {
            throw SectionError.notApplicable(String(format: "resolution %.2f Å is outside [2, 13] Å, the range where the local-resolution estimate applies", r))
        }
        let hardMask = try context.masks().hard.voxels
        let settings = LocalResolution.settings(for: context.map, resolutionA: r)
        // Other density (the raw mask, V ≥ T, outside the hard mask) is compared on the fly, not held as a mask.
        // The map goes to MonoRes as the only copy in memory (takeMap: a large map waits on disk meanwhile), so
        // the scan's three volumes of the map's size replace it rather than join it. When the map may be put
        // aside, the masks go too (the hard mask's flags are MonoRes's only copy, which it packs to bits; the masks
        // are made again from the map, the same, on their next use): 128 MiB of flags and the soft mask's crop at 512³.
        if context.mayPutMapAside { context.release(.masks) }
        let local = try LocalResolution.monoRes(map: context.takeMap(), hardMask: consume hardMask,
                                                otherDensityThreshold: context.threshold, settings: settings)
        var result = try summary(local, map: context.map, resolutionA: r, settings: settings)
        LocalResolution.addSurfaceFigure(to: &result, context: context, local: context.map.withData(local.resolutionA))
        return result
    }

    static let surfaceFigureId = "0e_local_resolution_surface"

    /// The map surface at T coloured by the local resolution (omitted, with `<id>_error`, when it cannot be built).
    static func addSurfaceFigure(to result: inout SectionResult, context: AnalysisContext, local: Volume) {
        let figure: Result<Figure, FigureUnavailable>
        do {
            figure = LocalMapSurface.figure(
                id: surfaceFigureId, mesh: try LocalMapSurface.hardMaskedSurface(context), threshold: context.threshold,
                local: local, colormap: "viridis", colorbarLabel: "Local resolution (Å)",
                what: "local resolution", unit: "Å")
        } catch {
            figure = .failure(FigureUnavailable("no hard mask: \(error)"))
        }
        LocalMapSurface.append(figure, id: surfaceFigureId, figures: &result.figures, metrics: &result.metrics)
    }

    /// The section's result and the per-voxel local resolution map. `otherDensityThreshold`: T; voxels at or
    /// above it outside the hard mask (other density) are excluded from the noise.
    func evaluate(map: Volume, hardMask: [Bool], otherDensityThreshold: Double? = nil, resolutionA r: Double) throws
        -> (result: SectionResult, local: LocalResolutionMap) {
        let settings = LocalResolution.settings(for: map, resolutionA: r)
        let local = try LocalResolution.monoRes(map: map, hardMask: hardMask, otherDensityThreshold: otherDensityThreshold,
                                                settings: settings)
        return (try summary(local, map: map, resolutionA: r, settings: settings), local)
    }

    /// MonoRes on `map` (consumed: let go once its spectrum is taken), its errors as the section's.
    static func monoRes(map: consuming Volume, hardMask: consuming [Bool], otherDensityThreshold: Double?,
                        settings: MonoResSettings) throws -> LocalResolutionMap {
        do {
            return try MonoRes.localResolution(map: consume map, mask: consume hardMask, otherDensityThreshold: otherDensityThreshold,
                                               settings: settings)
        } catch let e as MonoResError {
            if case .zeroBackground = e { throw SectionError.notApplicable("MonoRes needs noise around the molecule: \(e.description)") }
            throw SectionError.failed(e.description)
        }
    }

    /// Metrics, warnings and figures from the local resolutions of `map`.
    func summary(_ local: LocalResolutionMap, map: Volume, resolutionA r: Double, settings: MonoResSettings) throws -> SectionResult {
        guard !local.maskedResolutionA.isEmpty else { throw SectionError.failed("no mask voxel is above the noise") }
        let summary = LocalValueSummary(local.maskedResolutionA)
        let p = summary.percentiles
        let below = local.maskedResolutionA.reduce(into: (0.0, 0.0)) { acc, v in
            if Double(v) < r - 1e-6 { acc.0 += 1 } else if abs(Double(v) - r) <= 1e-6 { acc.1 += 1 }
        }
        let percentileOfR = 100 * (below.0 + 0.5 * below.1) / Double(local.maskedResolutionA.count)
        let p01 = summary.percentile(0.1)

        var warnings: [String] = []
        if r < p01 {
            warnings.append(String(format: "the reported resolution %.2f Å is better than the 0.1 percentile of the local resolutions (%.2f Å): almost no voxel reaches it", r, p01))
        }
        if p[4] - p[0] < 0.01 {
            warnings.append("the local resolutions are too homogeneous (2.5 % and 97.5 % percentiles within 0.01 Å): the estimate probably failed")
        }
        var metrics: [String: JSONValue] = summary.metrics(unitSuffix: "A")
        metrics["resolution_percentile"] = .number(percentileOfR)
        metrics["p0_1_A"] = .number(p01)
        for (k, v) in LocalResolution.scanMetrics(local, settings: settings, prefix: "") { metrics[k] = v }
        metrics["method"] = .string("MonoRes (Vilas et al. 2018) on the map alone, noise outside the hard mask")

        let figures = [
            LocalMapFigures.histogram(
                id: "0e_local_resolution_histogram", values: local.maskedResolutionA,
                xLabel: "Local resolution (Å)", markers: [Marker(value: r, label: String(format: "R = %.2f Å", r))],
                caption: String(format: "Histogram of the local resolution inside the refined mask (%d voxels); the vertical line is the reported resolution R = %.2f Å, at the %.1f percentile.", local.maskedResolutionA.count, r, percentileOfR)),
            LocalMapFigures.slices(
                id: "0e_local_resolution_slices", map: map, values: local.resolutionA, colormap: "viridis",
                range: [Double(summary.sorted.first!), Double(summary.sorted.last!)], colorbarLabel: "Local resolution (Å)",
                what: "local resolution"),
        ]
        return .evaluated(self, warnings: warnings, metrics: metrics, figures: figures)
    }
}

/// Percentiles of a set of per-voxel values (numpy's default linear interpolation).
struct LocalValueSummary {
    static let levels = [2.5, 25, 50, 75, 97.5]
    let sorted: [Float]

    init(_ values: [Float]) { sorted = values.filter { $0.isFinite }.sorted() }

    /// The p-th percentile (p in 0…100).
    func percentile(_ p: Double) -> Double {
        guard !sorted.isEmpty else { return .nan }
        let pos = p / 100 * Double(sorted.count - 1)
        let lo = Int(pos.rounded(.down)), hi = min(lo + 1, sorted.count - 1)
        return Double(sorted[lo]) + (pos - Double(lo)) * Double(sorted[hi] - sorted[lo])
    }

    var percentiles: [Double] { LocalValueSummary.levels.map(percentile) }
    var mean: Double { sorted.isEmpty ? .nan : sorted.reduce(0.0) { $0 + Double($1) } / Double(sorted.count) }

    /// p2_5_<unit>, p25_…, p50_…, p75_…, p97_5_…, mean_…, n_voxels.
    func metrics(unitSuffix u: String) -> [String: JSONValue] {
        let sfx = u.isEmpty ? "" : "_\(u)"
        var m: [String: JSONValue] = ["n_voxels": .int(sorted.count), "mean\(sfx)": .number(mean)]
        for (name, v) in zip(["p2_5", "p25", "p50", "p75", "p97_5"], percentiles) { m["\(name)\(sfx)"] = .number(v) }
        return m
    }
}

/// Figures shared by the local maps (0.e, 0.f, 0.g).
enum LocalMapFigures {
    /// A histogram of `values`; with `centres` (discrete levels) one bin per level, else 40 equal bins.
    static func histogram(id: String, values: [Float], centres: [Double]? = nil, xLabel: String, markers: [Marker],
                          caption: String) -> Figure {
        let finite = values.filter { $0.isFinite }
        var edges: [Double]
        if let c = centres?.sorted(), c.count >= 2 {
            edges = [c[0] - (c[1] - c[0]) / 2]
            for i in 0..<(c.count - 1) { edges.append((c[i] + c[i + 1]) / 2) }
            edges.append(c[c.count - 1] + (c[c.count - 1] - c[c.count - 2]) / 2)
        } else {
            let lo = Double(finite.min() ?? 0), hi = Double(finite.max() ?? 1)
            let w = hi > lo ? (hi - lo) / 40 : 1
            edges = (0...40).map { lo + Double($0) * w }
            if !(hi > lo) { edges = (0...40).map { lo - 0.5 + Double($0) / 40 } }
        }
        var counts = [Double](repeating: 0, count: edges.count - 1)
        for v in finite {
            let x = Double(v)
            // Binary search for the bin; values on the last edge go in the last bin.
            var lo = 0, hi = edges.count - 1
            if x < edges[0] || x > edges[hi] { continue }
            while hi - lo > 1 { let mid = (lo + hi) / 2; if x >= edges[mid] { lo = mid } else { hi = mid } }
            counts[lo] += 1
        }
        return Figure(id: id, caption: caption,
                      content: .histogram(Histogram(binEdges: edges, counts: counts, xLabel: xLabel, markers: markers)))
    }

    /// Coloured slices of a per-voxel map (NaN outside the mask, drawn transparent) through the map's
    /// maximum-variance slices along X, Y and Z.
    /// `slices`: the map's maximum-variance slice indices along X, Y, Z when already known (then only the map's
    /// geometry is read).
    static func slices(id: String, map: Volume, slices known: [Int]? = nil, values: [Float], colormap: String,
                       range: [Double], colorbarLabel: String, what: String) -> Figure {
        let v = map.withData(values)
        var panels: [Image2D] = []
        var labels: [String] = []
        for axis in Axis.allCases {
            let i = known?[axis.rawValue] ?? map.maxVarianceIndex(axis)
            panels.append(Image2D(v.slice(axis, i), label: "\(axis.name) = \(i)"))
            labels.append("\(axis.name) = \(i)")
        }
        let r = range[1] > range[0] ? range : [range[0] - 0.5, range[0] + 0.5]
        return Figure(id: id,
                      caption: "The \(what) inside the hard mask on the map's maximum-variance slices (\(labels.joined(separator: ", "))); outside the mask is blank.",
                      content: .images(ImagePanels(panels: panels, colormap: colormap, range: r, colorbarLabel: colorbarLabel)))
    }
}
