// 2.a — Reprojection consistency (VRS "Level 2 analysis"): does every 2D class look like some projection of
// the map? For each class, the best projection over the orientation sphere (respecting --symmetry) with
// in-plane rotation, shift and a grey-level fit a·P + b (ImageData.ReprojectionSearch), the correlation reached
// and the residual. VRS's criterion: a warning when more than 20 % of the classes correlate below 0.7.
//
// Why a second measure: the CC after a grey-level fit is dominated by the low-resolution outline — a compact
// object of similar size reaches 0.85–0.90 against the wrong map — so each class also gets the resolution at
// which the Fourier ring correlation between the class and its fitted projection falls below 0.5. A class that
// truly is a view of the map agrees to fine detail; one that only shares its outline parts at low resolution.
// The FRC is informative (no warning is raised on it): its level also depends on how well each class is
// resolved.
import Foundation
import ImageData

public struct ReprojectionConsistency: Section {
    public let id = "2.a"
    public let title = "Reprojection consistency of the 2D classes"
    public var reference: String { "VRS; Sorzano et al. 2004" }
    /// VRS's limits: CC below 0.7 counts as poor, more than 20 % poor classes is a warning.
    static let ccLimit = 0.7
    static let fractionLimit = 0.2
    /// Classes shown as class / projection / residual images, worst first.
    static let shown = 8

    /// A class's shift, Å, rounded to 0.01 Å: the sub-pixel peak fit is not finer than that, and the
    /// residue below it printed as 10⁻⁴ Å beside 0.006 Å in the table.
    static func shiftA(_ a: Double) -> Double { NumberText.rounded(a, decimals: 2) }
    /// A class's Euler angle, degrees, rounded to 0.1°: the search's last refinement step is 0.5°
    /// (ReprojectionSearch), so the digits printed beyond 0.1° ("158.4000", "−132.03") were not measured.
    static func angleDeg(_ a: Double) -> Double { NumberText.rounded(a, decimals: 1) }

    public init() {}

    public func run(_ context: AnalysisContext) throws -> SectionResult {
        guard let l2 = context.level2 else { throw SectionError.notApplicable("no 2D classes were given (--classes)") }
        let result = try l2.search(map: context.map)
        let matches = result.matches
        let ccs = matches.map { $0.cc }
        let poor = ccs.filter { $0 < Self.ccLimit }.count
        let fraction = Double(poor) / Double(ccs.count)
        let order = matches.indices.sorted { matches[$0].cc < matches[$1].cc }
        func row(_ i: Int, key: String) -> JSONValue {
            let m = matches[i]
            var o: [String: JSONValue] = [
                key: .int(i + 1), "cc": .number(m.cc),
                "rot_deg": .number(Self.angleDeg(m.angles.rotDeg)), "tilt_deg": .number(Self.angleDeg(m.angles.tiltDeg)),
                "psi_deg": .number(Self.angleDeg(m.angles.psiDeg)),
                "shift_x_A": .number(Self.shiftA(m.shiftXA)), "shift_y_A": .number(Self.shiftA(m.shiftYA)),
            ]
            o["frc_resolution_A"] = m.frcResolutionA.map { .number($0) } ?? .null
            o["below_limit"] = .bool(m.cc < Self.ccLimit)
            return .object(o)
        }
        let frcs = matches.compactMap { $0.frcResolutionA }.sorted()
        var metrics: [String: JSONValue] = [
            "classes": .int(matches.count),
            "cc_mean": .number(ccs.reduce(0, +) / Double(ccs.count)),
            "cc_min": .number(ccs.min()!),
            "cc_max": .number(ccs.max()!),
            "fraction_cc_below_0_7": .number(fraction),
            "classes_cc_below_0_7": .int(poor),
            "per_class": .array(matches.indices.map { row($0, key: "index") }),
            "worst_first": .array(order.map { row($0, key: "class") }),
            "symmetry": .string(l2.classes.symmetry.name),
            "angular_step_deg": .number(l2.angularStepDeg),
            "directions_searched": .int(result.search.directionCount),
            "working_pixel_size_A": .number(result.search.workingPixelA),
            "working_box_px": .int(result.search.workingSize),
            "nyquist_A": .number(2 * result.search.workingPixelA),
        ]
        if !frcs.isEmpty { metrics["frc_resolution_median_A"] = .number(frcs[frcs.count / 2]) }
        metrics["classes_frc_above_nyquist"] = .int(matches.count - frcs.count)

        var warnings: [String] = []
        if fraction > Self.fractionLimit {
            warnings.append("\(poor) of \(matches.count) classes (\(NumberText.format(100 * fraction)) %) \(poor == 1 ? "correlates" : "correlate") below "
                + "\(NumberText.format(Self.ccLimit)) with \(poor == 1 ? "its" : "their") best projection of the map; at most 20 % are expected")
        }

        let bins = stride(from: 0.0, through: 1.0001, by: 0.05).map { $0 }
        var counts = [Double](repeating: 0, count: bins.count - 1)
        for c in ccs { counts[min(counts.count - 1, max(0, Int((c / 0.05).rounded(.down))))] += 1 }
        var figures = [Figure(
            id: "2a_cc_histogram",
            caption: "Correlation of each 2D class with its best projection of the map, after the grey-level fit; "
                + "the line marks VRS's limit \(NumberText.format(Self.ccLimit)).",
            content: .histogram(Histogram(binEdges: bins, counts: counts, xLabel: "Correlation (CC)", yLabel: "Classes",
                                          markers: [Marker(value: Self.ccLimit, label: "0.7", keepInRange: true)])))]
        var panels: [Image2D] = []
        for i in order.prefix(Self.shown) {
            let m = matches[i]
            panels.append(analysisImage(m.classImage, label: "Class \(i + 1)"))
            panels.append(analysisImage(m.fittedProjection, label: "Projection"))
            panels.append(analysisImage(m.residual, label: "Residual, CC \(NumberText.fixed(m.cc, 2))"))
        }
        figures.append(Figure(
            id: "2a_worst",
            caption: "The \(min(Self.shown, matches.count)) classes with the lowest correlation, worst first: the class, "
                + "its best projection after the grey-level fit, and the residual (class − fitted projection), each on its "
                + "own grey scale.",
            content: .images(ImagePanels(panels: panels, columns: 6))))
        let withFRC = matches.indices.filter { matches[$0].frcResolutionA != nil }
        if !withFRC.isEmpty {
            figures.append(Figure(
                id: "2a_cc_frc",
                caption: "Each class's correlation against the resolution at which its Fourier ring correlation with "
                    + "the fitted projection falls below 0.5 (further left: class and map agree to finer detail)"
                    + (withFRC.count == matches.count ? "." : "; \(withFRC.count) of the \(matches.count) classes: the FRC of the "
                        + "other \(matches.count - withFRC.count) stays above 0.5 up to Nyquist, so they have no point."),
                content: .plot(LinePlot(series: [Series(label: "Classes", x: withFRC.map { matches[$0].frcResolutionA! },
                                                        y: withFRC.map { matches[$0].cc }, style: .points)],
                                        xLabel: "FRC 0.5 resolution (Å)", yLabel: "Correlation (CC)",
                                        yBounds: LinePlot.correlationBounds))))
        }
        return .evaluated(self, warnings: warnings, metrics: metrics, figures: figures)
    }
}
