// 0.f Local B-factor (LocBFactor; Kaur et al. 2021, Nat. Commun. 12:1240); SPEC 0.f; docs/methods.md (0.f).
//
// The map is Fourier-resampled to the coarsest voxel that still holds every band to 4σ above R (left as is when
// already that coarse) and the hard mask carried over by nearest voxel. Bands between 15 Å and R with the
// reference's normalisation and noise weighting (VolumeNumerics/Fourier/LocalBandFits.swift) give per voxel the
// slope a of the weighted ln m against f², and B = 4a (SPEC 0.d convention: minus the crystallographic B; a
// blurred region gives B < 0). The reference's normalisation adds a known bias (metric normalisation_bias_A2).
// Percentiles 2.5/25/50/75/97.5 inside the mask. Warnings: median outside [−300, 0] Å²; output too
// homogeneous (2.5 % and 97.5 % percentiles within 0.01 Å²). Applies for R < 15 Å.
// Figures: histogram, coloured slices, and the map surface at T coloured by the local B-factor sampled in Å
// through the resampled grid (LocalMapSurface.swift).
import Foundation
import MapIO
import VolumeNumerics

/// The local band fits shared by 0.f and 0.g on the resampled grid (computed once per context). The resampled
/// map itself is not kept (its voxels are let go once its spectrum is taken, 168 MiB at 512³ and R = 3 Å): `grid`
/// carries its geometry and `maxVarianceSlices` its slices of largest variance (those of the slice figures).
struct LocalBandAnalysis {
    static let lowA = 15.0
    /// The resampled grid's geometry (box, voxel size, origin); its data are the B-factors.
    let grid: Volume
    let maxVarianceSlices: [Int]
    let maps: LocalBandMaps
    let resolutionA: Double
    /// False when the map's voxel was already as coarse as the bands allow, so `grid` is the map's own grid
    /// (same box, same slice indices as every other figure).
    let isResampled: Bool

    /// "map resampled to v Å per voxel", or nil when the map's own grid was used; v printed as the text
    /// prints `resampled_voxel_A`, so caption and text agree.
    var resampledNote: String? {
        isResampled ? "map resampled to \(NumberText.format(grid.voxelSize.x)) Å per voxel" : nil
    }

    /// The histogram caption's count: "n voxels", and of which grid when it is not the map's.
    func voxelCountText(_ n: Int) -> String {
        resampledNote.map { "\(n) voxels of the \($0)" } ?? "\(n) voxels"
    }

    /// The slice figure's subject: `what`, with the grid its indices are on when it is not the map's.
    func sliceSubject(_ what: String) -> String {
        resampledNote.map { "\(what) (\($0); slice indices on that grid)" } ?? what
    }

    static func compute(_ context: AnalysisContext) throws -> LocalBandAnalysis {
        guard let r = context.resolution else {
            throw SectionError.notApplicable("no resolution given: the local bands run from 15 Å to the resolution")
        }
        guard r < lowA else {
            throw SectionError.notApplicable(String(format: "resolution %.2f Å is not finer than 15 Å: no band between 15 Å and R", r))
        }
        let masks = try context.masks()
        return try context.shared(.localBands) { compute(map: context.map, hardMask: masks.hard.voxels, resolutionA: r) }
    }

    static func compute(map: Volume, hardMask: [Bool], resolutionA r: Double) -> LocalBandAnalysis {
        let (resampled, mask) = LocalBandFits.resampledForBands(map, mask: hardMask, highA: r)
        let isResampled = resampled.dims != map.dims
        let slices = Axis.allCases.map { resampled.maxVarianceIndex($0) }
        let (dims, voxelSize) = (resampled.dims, resampled.voxelSize)
        let (start, origin) = (resampled.startIndex, resampled.headerOrigin)
        let maps = LocalBandFits.compute(map: consume resampled, mask: mask, lowA: lowA, highA: r)
        let grid = Volume(nx: dims.x, ny: dims.y, nz: dims.z, data: maps.bFactorA2, voxelSize: voxelSize,
                          startIndex: start, headerOrigin: origin)
        return LocalBandAnalysis(grid: grid, maxVarianceSlices: slices, maps: maps, resolutionA: r, isResampled: isResampled)
    }

    /// The map surface at T coloured by `values` (one per voxel of the resampled grid, NaN outside the mask),
    /// sampled in Å through the resampled grid; omitted, with `<id>_error`, when it cannot be built.
    func addSurfaceFigure(to result: inout SectionResult, context: AnalysisContext, id: String, values: [Float],
                          fixedRange: ClosedRange<Double>? = nil, colormap: String, colorbarLabel: String,
                          what: String, unit: String) {
        let figure: Result<Figure, FigureUnavailable>
        do {
            let note = resampledNote.map { "the \(what) is computed on the \($0) and sampled there at the vertex positions in Å" }
            figure = LocalMapSurface.figure(
                id: id, mesh: try LocalMapSurface.hardMaskedSurface(context), threshold: context.threshold,
                local: grid.withData(values), fixedRange: fixedRange, colormap: colormap,
                colorbarLabel: colorbarLabel, what: what, unit: unit, grid: note)
        } catch {
            figure = .failure(FigureUnavailable("no hard mask: \(error)"))
        }
        LocalMapSurface.append(figure, id: id, figures: &result.figures, metrics: &result.metrics)
    }
}

public struct LocalBFactor: Section {
    public let id = "0.f"
    public let title = "Local B-factor"
    public let reference = "Kaur et al. 2021"
    public static let okRangeA2 = -300.0...0.0
    public var sharedValues: [SharedValue] { [.localBands, .hardMaskedSurface] }

    public init() {}

    public func run(_ context: AnalysisContext) throws -> SectionResult {
        let a = try LocalBandAnalysis.compute(context)
        var result = evaluate(a)
        guard result.status != .failed else { return result }
        a.addSurfaceFigure(to: &result, context: context, id: "0f_local_bfactor_surface", values: a.maps.bFactorA2,
                           colormap: "coolwarm", colorbarLabel: "Local B-factor (Å²)", what: "local B-factor", unit: "Å²")
        return result
    }

    func evaluate(_ a: LocalBandAnalysis) -> SectionResult {
        let values = a.maps.maskedBFactorA2
        guard !values.isEmpty else {
            return SectionResult(id: id, title: title, status: .failed, reason: "the hard mask is empty on the resampled grid", scored: scored)
        }
        let summary = LocalValueSummary(values)
        let p = summary.percentiles
        var warnings: [String] = []
        if !LocalBFactor.okRangeA2.contains(p[2]) {
            warnings.append(String(format: "the median local B-factor %.1f Å² is outside [−300, 0] Å²", p[2]))
        }
        if p[4] - p[0] < 0.01 {
            warnings.append("the local B-factors are too homogeneous (2.5 % and 97.5 % percentiles within 0.01 Å²): the estimate probably failed")
        }
        var metrics = summary.metrics(unitSuffix: "A2")
        metrics["fit_low_A"] = .number(LocalBandAnalysis.lowA)
        metrics["fit_high_A"] = .number(a.resolutionA)
        metrics["n_bands"] = .int(a.maps.bandFrequenciesInvA.count)
        metrics["band_sigma_invA"] = .number(a.maps.bandSigmaInvA)
        metrics["band_sigma_bins"] = .number(LocalBandFits.sigmaBins)
        metrics["noise_quantile"] = .number(a.maps.noiseQuantile)
        metrics["normalisation_bias_A2"] = .number(LocalBandFits.guinierBiasA2(centres: a.maps.bandFrequenciesInvA))
        metrics["band_resolutions_A"] = .init(a.maps.bandFrequenciesInvA.map { 1 / $0 })
        metrics["resampled_voxel_A"] = .number(a.grid.voxelSize.x)
        metrics["resampled_box"] = .init(a.grid.dims)
        metrics["resampled"] = .bool(a.isResampled)
        metrics["ok_range_A2"] = .array([.number(LocalBFactor.okRangeA2.lowerBound), .number(LocalBFactor.okRangeA2.upperBound)])
        metrics["convention"] = .string("B = 4 × slope of ln A against 1/d² per voxel (as in 0.d: minus the crystallographic B-factor; blurred regions give B < 0)")
        let lo = max(p[0], -2000), hi = min(p[4], 500)
        let figures = [
            LocalMapFigures.histogram(
                id: "0f_local_bfactor_histogram", values: values, xLabel: "Local B-factor (Å²)",
                markers: [Marker(value: p[2], label: String(format: "median %.0f Å²", p[2]))],
                caption: "Histogram of the local B-factor inside the hard mask (\(a.voxelCountText(values.count))), fitted between 15 Å and \(String(format: "%.2f", a.resolutionA)) Å."),
            LocalMapFigures.slices(
                id: "0f_local_bfactor_slices", map: a.grid, slices: a.maxVarianceSlices, values: a.maps.bFactorA2, colormap: "coolwarm",
                range: [lo, max(hi, lo + 1)], colorbarLabel: "Local B-factor (Å²)",
                what: a.sliceSubject("local B-factor")),
        ]
        return .evaluated(self, warnings: warnings, metrics: metrics, figures: figures)
    }
}
