// 0.g Local occupancy (LocOccupancy; Kaur et al. 2021, Nat. Commun. 12:1240); SPEC 0.g; docs/methods.md (0.g).
//
// From the same resampled map as 0.f (LocalBFactor.swift), the reference's estimator
// (VolumeNumerics/Fourier/LocalBandFits.swift): one Gaussian band per Fourier bin between 15 Å and R; in each, a
// voxel counts 1 when its local amplitude is at or above the 0.25 quantile of the amplitudes inside the mask;
// occupancy = the fraction of bands in which it counts. A rank measure relative to this map's own mask.
// OK when the median > 0.5; warning when the output is too homogeneous (2.5 % and 97.5 % within 0.01).
// Figures: histogram, coloured slices, and the map surface at T coloured by the occupancy (fixed range 0–1).
import Foundation
import MapIO
import VolumeNumerics

public struct LocalOccupancy: Section {
    public let id = "0.g"
    public let title = "Local occupancy"
    public let reference = "Kaur et al. 2021"
    public var sharedValues: [SharedValue] { [.localBands, .hardMaskedSurface] }

    public init() {}

    public func run(_ context: AnalysisContext) throws -> SectionResult {
        let a = try LocalBandAnalysis.compute(context)
        var result = evaluate(a)
        guard result.status != .failed else { return result }
        a.addSurfaceFigure(to: &result, context: context, id: "0g_local_occupancy_surface", values: a.maps.occupancy,
                           fixedRange: 0...1, colormap: "magma", colorbarLabel: "Local occupancy",
                           what: "local occupancy", unit: "")
        return result
    }

    func evaluate(_ a: LocalBandAnalysis) -> SectionResult {
        let values = a.maps.maskedOccupancy
        guard !values.isEmpty else {
            return SectionResult(id: id, title: title, status: .failed, reason: "the hard mask is empty on the resampled grid", scored: scored)
        }
        let summary = LocalValueSummary(values)
        let p = summary.percentiles
        var warnings: [String] = []
        if !(p[2] > 0.5) {
            warnings.append(String(format: "the median local occupancy %.2f is not above 0.5", p[2]))
        }
        if p[4] - p[0] < 0.01 {
            warnings.append("the local occupancies are too homogeneous (2.5 % and 97.5 % percentiles within 0.01): the estimate probably failed")
        }
        var metrics = summary.metrics(unitSuffix: "")
        metrics["resampled_voxel_A"] = .number(a.grid.voxelSize.x)
        metrics["resampled"] = .bool(a.isResampled)
        metrics["n_bands"] = .int(a.maps.occupancyBandFrequenciesInvA.count)
        metrics["band_low_A"] = .number(1 / a.maps.occupancyBandFrequenciesInvA.first!)
        metrics["band_high_A"] = .number(1 / a.maps.occupancyBandFrequenciesInvA.last!)
        metrics["band_sigma_bins"] = .number(LocalBandFits.sigmaBins)
        metrics["mask_quantile"] = .number(a.maps.occupancyQuantile)
        metrics["definition"] = .string("fraction of the bands between 15 Å and R in which the local amplitude is at or above the 0.25 quantile of the amplitudes inside the mask (Kaur et al. 2021)")
        let figures = [
            LocalMapFigures.histogram(
                id: "0g_local_occupancy_histogram", values: values, xLabel: "Local occupancy",
                markers: [Marker(value: 0.5, label: "0.5")],
                caption: "Histogram of the local occupancy inside the hard mask (\(a.voxelCountText(values.count)))."),
            LocalMapFigures.slices(
                id: "0g_local_occupancy_slices", map: a.grid, slices: a.maxVarianceSlices, values: a.maps.occupancy, colormap: "magma",
                range: [0, 1], colorbarLabel: "Local occupancy",
                what: a.sliceSubject("local occupancy")),
        ]
        return .evaluated(self, warnings: warnings, metrics: metrics, figures: figures)
    }
}
