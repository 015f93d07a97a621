// 1.c Local resolution from the half maps (SPEC 1.c); definitions and conventions in docs/methods.md (1.c).
//
// Two estimates inside the hard mask:
// - Local FSC with BlocRes's conventions (Cardone et al. 2013; LocalFSC.swift): FSC threshold 0.5 by default
//   (`threshold` = 0.143 as the option); a cubic window of W = max(20, 5·R/T) voxels (even, at most half the box)
//   so that R falls at the window's fifth Fourier shell or beyond, with a spherical raised-cosine taper; windows
//   on a grid every W/4 voxels near the mask, interpolated trilinearly to every mask voxel.
// - MonoRes (Vilas et al. 2018; MonoRes.swift, as in 0.e) on the mean of the halves, with the noise amplitude
//   from the half difference (h1 − h2)/2 over the noise sphere (xmipp's default with half maps); the scan starts
//   at max(3R, 12 Å) as in 0.e, R being the reported resolution or, without one, the unmasked FSC-0.143 resolution.
// For each: percentiles 2.5/25/50/75/97.5, histogram, coloured slices, the percentile where R falls; one 3D view
// (the map surface at T coloured by the local FSC resolution).
// Warnings (each method): R better than the 0.1 percentile; 2.5 % and 97.5 % percentiles within 0.01 Å.
import Foundation
import MapIO
import VolumeNumerics

public struct LocalResolutionFromHalves: Section {
    public let id = "1.c"
    public var sharedValues: [SharedValue] { [.hardMaskedSurface] }
    public let title = "Local resolution from the half maps"
    public let reference = "Cardone et al. 2013; Vilas et al. 2018"
    /// Local-FSC threshold: 0.5 (BlocRes's default) or 0.143.
    public var threshold = 0.5

    /// BlocRes-style window for resolution `r` Å at `t` Å per voxel: max(20, 5r/t) voxels, even, at most half the box.
    public static func window(resolutionA r: Double, voxelA t: Double, box: Int) -> Int {
        let w = max(20, Int((5 * r / t).rounded(.up)))
        return min(w + w % 2, 2 * (box / 4))
    }

    public init() {}

    public func run(_ context: AnalysisContext) throws -> SectionResult {
        let data = try Level1Data.of(context)
        let hard = try context.masks().hard.voxels
        let (h1, h2) = (data.half1, data.half2)
        let r = context.resolution
        var metrics: [String: JSONValue] = [:]
        var warnings: [String] = []
        var figures: [Figure] = []

        // Local FSC (BlocRes conventions).
        let fscR = r ?? Level1Format.resolutionA(FSCCrossings.crossing(data.unmaskedFSC, .fixed(0.143)),
                                                 data.unmaskedFSC.frequencyInvA)
        // Without R and without an FSC-0.143 crossing (a curve below 0.143 from the lowest frequencies gives
        // none), the window and the scan are set from four times Nyquist.
        let scanR = fscR.flatMap { $0.isFinite ? $0 : nil } ?? 4 * max(h1.voxelSize.x, h1.voxelSize.y, h1.voxelSize.z)
        let w = LocalResolutionFromHalves.window(resolutionA: scanR, voxelA: max(h1.voxelSize.x, h1.voxelSize.y, h1.voxelSize.z),
                                                 box: min(h1.nx, h1.ny, h1.nz))
        let settings = LocalFSCSettings(window: w, step: max(2, w / 4), threshold: threshold)
        // In a block of its own: the local FSC map (a volume of the map's size) goes before MonoRes starts.
        do {
            let local = LocalFSC.compute(h1, h2, mask: hard, settings: settings)
            guard !local.maskedResolutionA.isEmpty else { throw SectionError.failed("the hard mask is empty") }
            metrics["local_fsc_window_A"] = .number(Double(settings.window) * h1.voxelSize.x)
            metrics["local_fsc_window_voxels"] = .int(settings.window)
            metrics["local_fsc_step_voxels"] = .int(settings.step)
            metrics["local_fsc_threshold"] = .number(settings.threshold)
            metrics["local_fsc_windows"] = .int(local.windowCount)
            metrics["local_fsc_finest_A"] = .number(local.finestA)
            metrics["local_fsc_coarsest_A"] = .number(local.coarsestA)
            evaluate(local.maskedResolutionA, full: local.resolutionA, name: "local FSC", key: "local_fsc", reported: r,
                     map: context.map, metrics: &metrics, warnings: &warnings, figures: &figures)
            // One 3D view per section: the surface coloured by the local FSC resolution.
            let surfaceId = "1c_local_fsc_surface"
            let surface: Result<Figure, FigureUnavailable>
            do {
                surface = LocalMapSurface.figure(
                    id: surfaceId, mesh: try LocalMapSurface.hardMaskedSurface(context), threshold: context.threshold,
                    local: context.map.withData(local.resolutionA), colormap: "viridis",
                    colorbarLabel: "Local resolution (Å)", what: "local FSC resolution from the half maps", unit: "Å")
            } catch {
                surface = .failure(FigureUnavailable("no hard mask: \(error)"))
            }
            LocalMapSurface.append(surface, id: surfaceId, figures: &figures, metrics: &metrics)
        }

        // MonoRes on the halves. It does not read the map, so a large map waits on disk meanwhile (as in 0.e;
        // read back for the figures): with the halves, their mean and difference and MonoRes's spectra, the map
        // made this section the report's peak at 512³.
        _ = context.takeMap()
        let mean = h1.withData(zip(h1.data, h2.data).map { ($0 + $1) / 2 })
        let noise = h1.withData(zip(h1.data, h2.data).map { ($0 - $1) / 2 })
        let mono = LocalResolution.settings(for: mean, resolutionA: scanR)
        do {
            let m = try MonoRes.localResolution(map: mean, mask: hard, settings: mono, noise: noise)
            guard !m.maskedResolutionA.isEmpty else { throw MonoResError.emptyMask }
            for (k, v) in LocalResolution.scanMetrics(m, settings: mono, prefix: "monores_") { metrics[k] = v }
            metrics["monores_scan_reference_A"] = .number(scanR)
            evaluate(m.maskedResolutionA, full: m.resolutionA, name: "MonoRes", key: "monores", reported: r,
                     map: context.map, metrics: &metrics, warnings: &warnings, figures: &figures)
        } catch let e as MonoResError {
            metrics["monores_error"] = .string(e.description)
            warnings.append("MonoRes on the half maps could not run: \(e.description)")
        }
        return .evaluated(self, warnings: warnings, metrics: metrics, figures: figures)
    }

    /// Percentiles, R's percentile, warnings and figures of one local-resolution map.
    func evaluate(_ masked: [Float], full: [Float], name: String, key: String, reported r: Double?, map: Volume,
                  metrics: inout [String: JSONValue], warnings: inout [String], figures: inout [Figure],
                  centres: [Double]? = nil) {
        let summary = LocalValueSummary(masked)
        for (k, v) in summary.metrics(unitSuffix: "A") { metrics["\(key)_\(k)"] = v }
        let p = summary.percentiles
        let p01 = summary.percentile(0.1)
        metrics["\(key)_p0_1_A"] = .number(p01)
        var markers: [Marker] = []
        var rText = ""
        if let r {
            let below = masked.reduce(into: (0.0, 0.0)) { acc, v in
                if Double(v) < r - 1e-6 { acc.0 += 1 } else if abs(Double(v) - r) <= 1e-6 { acc.1 += 1 }
            }
            let pct = 100 * (below.0 + 0.5 * below.1) / Double(masked.count)
            metrics["\(key)_resolution_percentile"] = .number(pct)
            markers.append(Marker(value: r, label: "R = \(NumberText.format(r)) Å"))
            rText = "; the vertical line is the reported resolution R = \(NumberText.format(r)) Å, at the \(NumberText.fixed(pct, 1)) percentile"
            if r < p01 {
                warnings.append("\(name): the reported resolution \(NumberText.format(r)) Å is better than the 0.1 percentile of the local resolutions (\(NumberText.format(p01)) Å): almost no voxel reaches it")
            }
        }
        if p[4] - p[0] < 0.01 {
            warnings.append("\(name): the local resolutions are too homogeneous (2.5 % and 97.5 % percentiles within 0.01 Å): the estimate probably failed")
        }
        let prefix = key == "local_fsc" ? "1c_local_fsc" : "1c_monores"
        figures.append(LocalMapFigures.histogram(
            id: "\(prefix)_histogram", values: masked, centres: centres, xLabel: "Local resolution (Å)", markers: markers,
            caption: "Histogram of the \(name) local resolution from the half maps inside the hard mask (\(masked.count) voxels)\(rText)."))
        figures.append(LocalMapFigures.slices(
            id: "\(prefix)_slices", map: map, values: full, colormap: "viridis",
            range: [Double(summary.sorted.first!), Double(summary.sorted.last!)], colorbarLabel: "Local resolution (Å)",
            what: "\(name) local resolution from the half maps"))
    }
}
