// 0.b Mask analysis: the connected components of the raw mask V >= T, the hard mask, and the mass
// enclosed at a series of thresholds (docs/methods.md "0.b", after VRS's mask analysis).
//
// - Raw mask labelled with 26-connectivity; components listed by decreasing size (voxels, volume Å³,
//   % and cumulative % of the raw mask) until the cumulative reaches 95 % (at most 100 rows). The number
//   of components needed to reach 95 % may exceed the rows listed.
// - "Remaining" components are those not needed to reach 95 %; their mean size is their total voxel
//   count divided by their number (VRS reports Ts³ whatever the blobs, and counts the background label
//   among them; we do neither), with the largest and smallest.
// - Hard mask size and overlap = |raw ∧ hard| / |raw|.
// - Sweep: t_k = k·max(V)/25, k = 1…24; voxels with V >= t_k; mass = voxels·v / (1.207·1000) kDa
//   (protein's specific volume ≈ 1.207 Å³/Da) and residues = voxels·v / (110·1.207) (110 Da per residue),
//   with v the voxel volume in Å³ (product of the voxel sizes).
// - Warnings: more than 5 components to reach 95 %; mean remaining volume > 5 Å³; overlap < 0.75.
import MapIO
import VolumeNumerics

public struct MaskAnalysis: Section {
    public let id = "0.b"
    public let title = "Mask analysis"
    public var isLightweight: Bool { true }

    /// Protein specific volume, Å³ per Da.
    public static let proteinA3PerDa = 1.207
    /// Mean mass of an amino-acid residue, Da.
    public static let residueDa = 110.0
    /// Cumulative share of the raw mask that the listed components reach, %.
    public static let cumulativeTargetPct = 95.0
    /// Most component rows listed.
    public static let maxRows = 100
    /// Criteria.
    public static let maxComponentsTo95 = 5
    public static let maxRemainingMeanVolumeA3 = 5.0
    public static let minOverlap = 0.75
    /// Number of thresholds in the sweep is sweepDivisions − 1.
    public static let sweepDivisions = 25

    public init() {}

    /// The sweep thresholds t_k = k·max/25, k = 1…24.
    public static func sweepThresholds(maxValue: Double) -> [Double] {
        (1..<sweepDivisions).map { Double($0) * maxValue / Double(sweepDivisions) }
    }

    /// Mass in kDa of `voxels` voxels of `voxelVolumeA3` Å³ each.
    public static func massKDa(voxels: Int, voxelVolumeA3: Double) -> Double {
        Double(voxels) * voxelVolumeA3 / (proteinA3PerDa * 1000)
    }

    /// Number of amino-acid residues of that volume.
    public static func residues(voxels: Int, voxelVolumeA3: Double) -> Double {
        Double(voxels) * voxelVolumeA3 / (residueDa * proteinA3PerDa)
    }

    public func run(_ context: AnalysisContext) throws -> SectionResult {
        let masks = try context.masks()
        let map = context.map
        let v3 = map.voxelVolumeA3
        let F = Level0Format.self
        let T = context.threshold

        // Components by decreasing size.
        let comps = masks.rawComponents
        let sizes = comps.labelsBySizeDescending().map { comps.sizes[$0 - 1] }
        let rawVoxels = comps.totalVoxels
        var rows: [JSONValue] = []
        var cumulative = 0
        var to95 = sizes.count
        for (k, s) in sizes.enumerated() {
            cumulative += s
            let cumPct = 100 * Double(cumulative) / Double(rawVoxels)
            if rows.count < MaskAnalysis.maxRows {
                rows.append(["voxels": JSONValue(s), "volume_A3": JSONValue(Double(s) * v3),
                             "pct": JSONValue(100 * Double(s) / Double(rawVoxels)), "cum_pct": JSONValue(cumPct)])
            }
            // Integer comparison: cumulative/raw ≥ 95 % exactly.
            if cumulative * 100 >= rawVoxels * Int(MaskAnalysis.cumulativeTargetPct) { to95 = k + 1; break }
        }
        let remaining = Array(sizes.dropFirst(to95))
        let remainingMean: Double? = remaining.isEmpty ? nil : Double(remaining.reduce(0, +)) / Double(remaining.count)

        let hardVoxels = masks.hard.trueCount
        let overlap = Double(masks.rawHardOverlapCount) / Double(rawVoxels)

        // Threshold sweep.
        let maxV = Double(Statistics.extremes(map.data)?.max ?? 0)
        let thresholds = MaskAnalysis.sweepThresholds(maxValue: maxV)
        let counts = Statistics.countAtOrAbove(map.data, thresholds: thresholds)
        let sweep: [JSONValue] = zip(thresholds, counts).map { t, c in
            ["threshold": JSONValue(t), "voxels": JSONValue(c),
             "mass_kDa": JSONValue(MaskAnalysis.massKDa(voxels: c, voxelVolumeA3: v3)),
             "residues": JSONValue(MaskAnalysis.residues(voxels: c, voxelVolumeA3: v3))]
        }

        var warnings: [String] = []
        if to95 > MaskAnalysis.maxComponentsTo95 {
            warnings.append("The mask at the threshold T = \(F.sig(T)) is fragmented: \(to95) connected components "
                + "are needed to hold 95 % of the voxels above the threshold (criterion: at most "
                + "\(MaskAnalysis.maxComponentsTo95)). The threshold may be too low or the map noisy.")
        }
        if let mean = remainingMean, mean * v3 > MaskAnalysis.maxRemainingMeanVolumeA3 {
            warnings.append("The \(remaining.count) small components outside the 95 % list have a mean volume of "
                + "\(F.sig(mean * v3)) Å³ (\(F.sig(mean)) voxels; criterion: at most "
                + "\(F.fixed(MaskAnalysis.maxRemainingMeanVolumeA3, 0)) Å³): the mask at T contains blobs "
                + "of noise or disconnected density.")
        }
        if overlap < MaskAnalysis.minOverlap {
            warnings.append("Only \(F.fixed(100 * overlap, 1)) % of the voxels above the threshold lie in the "
                + "constructed (hard) mask (overlap \(F.fixed(overlap, 3)), criterion: at least "
                + "\(F.fixed(MaskAnalysis.minOverlap, 2))): much of the density above T lies outside the largest "
                + "connected component.")
        }

        var metrics: [String: JSONValue] = [
            "n_components": JSONValue(comps.count),
            "raw_voxels": JSONValue(rawVoxels),
            "raw_volume_A3": JSONValue(Double(rawVoxels) * v3),
            "raw_mass_kDa": JSONValue(MaskAnalysis.massKDa(voxels: rawVoxels, voxelVolumeA3: v3)),
            "components": .array(rows),
            "components_to_95pct": JSONValue(to95),
            "remaining_count": JSONValue(remaining.count),
            "remaining_mean_voxels": JSONValue(remainingMean),
            "remaining_mean_volume_A3": JSONValue(remainingMean.map { $0 * v3 }),
            "remaining_largest_voxels": remaining.first.map { JSONValue($0) } ?? .null,
            "remaining_largest_volume_A3": JSONValue(remaining.first.map { Double($0) * v3 }),
            "remaining_smallest_voxels": remaining.last.map { JSONValue($0) } ?? .null,
            "remaining_smallest_volume_A3": JSONValue(remaining.last.map { Double($0) * v3 }),
            "remaining_mean_definition": "total voxels of the components outside the 95 % list divided by their number",
            "hard_mask_voxels": JSONValue(hardVoxels),
            "hard_mask_volume_A3": JSONValue(Double(hardVoxels) * v3),
            "hard_mask_dilation_vox": JSONValue(masks.dilationRadiusVoxels),
            "overlap": JSONValue(overlap),
            "sweep": .array(sweep),
            "map_max": JSONValue(maxV),
        ]
        if map.isAnisotropic {
            metrics["dilation_note"] = .string("Voxel sizes differ between axes; the dilation radius uses the X size "
                + "(\(F.sig(map.voxelSize.x)) Å).")
        }

        // Mass against threshold; a log axis cannot show 0, so thresholds with no voxel are left out of the plot.
        let plotted = zip(thresholds, counts).filter { $0.1 > 0 }
        let plot = LinePlot(
            series: [Series(label: "Mass above threshold", x: plotted.map { $0.0 },
                            y: plotted.map { MaskAnalysis.massKDa(voxels: $0.1, voxelVolumeA3: v3) },
                            style: .linePoints)],
            xLabel: "Threshold (map units)", yLabel: "Mass (kDa)", logY: true,
            xMarkers: [Marker(value: T, label: "T = \(F.sig(T))")])
        let figure = Figure(
            id: "0b_mass_vs_threshold",
            caption: "Mass enclosed by the voxels at or above each threshold tₖ = k·max(V)/25 (k = 1…24), "
                + "assuming 1.207 Å³ per Da; the vertical line marks the contour threshold T = \(F.sig(T))."
                + (plotted.count < thresholds.count ? " Thresholds with no voxel above them are not drawn." : ""),
            content: .plot(plot))
        return .evaluated(self, warnings: warnings, metrics: metrics, figures: [figure])
    }
}
