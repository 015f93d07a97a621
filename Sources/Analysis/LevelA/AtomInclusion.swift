// A.b Atom inclusion (docs/methods.md "A.b"; the EMDB validation report's atom inclusion, Lagerstedt et al. 2013).
//
// The map is interpolated trilinearly at each non-hydrogen atom; an atom is included at contour t when that
// value is ≥ t. Atoms outside the box count as not included. Backbone atoms: N, CA, C, O of amino acids and
// P, OP1, OP2, O5', C5', C4', C3', O3' of nucleotides. The curve uses 128 contour levels evenly spaced from
// min(T, map mean) to the map maximum. Warning (docs/methods.md "A.b"): inclusion of all atoms at T below 0.7.
import Foundation
import MapIO
import ModelIO

public struct AtomInclusionSection: Section {
    public let id = "A.b"
    public let title = "Atom inclusion"
    public let reference = "Lagerstedt et al. 2013"
    public init() {}

    public static let minInclusion = 0.7
    public static let levels = 128
    static let backboneNames: Set<String> = ["N", "CA", "C", "O", "P", "OP1", "OP2", "O5'", "C5'", "C4'", "C3'", "O3'"]

    public func run(_ context: AnalysisContext) throws -> SectionResult {
        let data = try LevelAData.of(context)
        let values = Self.atomValues(data: data, map: context.map)
        let heavy = data.model.atoms.indices.filter { !data.model.atoms[$0].isHydrogen }
        let backbone = heavy.filter { Self.backboneNames.contains(data.model.atoms[$0].name) }
        let t = context.threshold
        func fraction(_ idx: [Int], _ level: Double) -> Double? {
            guard !idx.isEmpty else { return nil }
            return Double(idx.filter { (values[$0] ?? -.infinity) >= level }.count) / Double(idx.count)
        }
        let all = fraction(heavy, t) ?? 0
        let bb = fraction(backbone, t)

        // Curve over 128 levels.
        var mean = 0.0, hi = -Double.infinity
        for v in context.map.data { mean += Double(v); hi = max(hi, Double(v)) }
        mean /= Double(context.map.count)
        let lo = min(t, mean)
        let levels = (0..<Self.levels).map { lo + (hi - lo) * Double($0) / Double(Self.levels - 1) }
        let sortedAll = heavy.map { values[$0] ?? -.infinity }.sorted()
        let sortedBB = backbone.map { values[$0] ?? -.infinity }.sorted()
        func curve(_ s: [Double]) -> [Double] {
            levels.map { level in
                guard !s.isEmpty else { return 0 }
                // count of values ≥ level via binary search
                var a = 0, b = s.count
                while a < b { let m = (a + b) / 2; if s[m] < level { a = m + 1 } else { b = m } }
                return Double(s.count - a) / Double(s.count)
            }
        }
        let perResidue = Self.residueInclusion(data: data, map: context.map, threshold: t)
        var metrics = data.modelMapMetrics
        metrics["threshold"] = .number(t)
        metrics["atom_inclusion"] = .number(all)
        metrics["backbone_inclusion"] = JSONValue(bb)
        metrics["atoms"] = .int(heavy.count)
        metrics["backbone_atoms"] = .int(backbone.count)
        metrics["atoms_outside_box"] = .int(heavy.filter { values[$0] == nil }.count)
        metrics["min_inclusion"] = .number(Self.minInclusion)
        metrics["curve_levels"] = JSONValue(levels)
        metrics["curve_atom_inclusion"] = JSONValue(curve(sortedAll))
        metrics["curve_backbone_inclusion"] = JSONValue(curve(sortedBB))
        let definedResidues = perResidue.compactMap { $0 }
        metrics["residue_inclusion_median"] = JSONValue(median(definedResidues))
        var warnings: [String] = []
        if all < Self.minInclusion {
            warnings.append("only \(NumberText.fixed(100 * all, 1)) % of the non-hydrogen atoms lie inside the contour "
                            + "at T = \(NumberText.format(t)) (rule: at least 70 %)")
        }
        var series = [Series(label: "all atoms", x: levels, y: curve(sortedAll))]
        if !backbone.isEmpty { series.append(Series(label: "backbone", x: levels, y: curve(sortedBB), style: .dashed)) }
        var figures = [Figure(id: "ab_inclusion_vs_contour",
                              caption: "Fraction of non-hydrogen atoms (and of backbone atoms) inside the contour, over "
                                + "\(Self.levels) contour levels; the vertical line marks T.",
                              content: .plot(LinePlot(series: series, xLabel: "Contour level", yLabel: "Atom inclusion",
                                                      xMarkers: [Marker(value: t, label: "T")], yBounds: 0...1)))]
        figures += residuePlots(prefix: "ab_residue_inclusion", residues: data.residues,
                                polymer: data.polymerResidues, values: perResidue,
                                yLabel: "Atom inclusion", what: "Per-residue atom inclusion at T", marker: nil, yBounds: 0...1)
        return .evaluated(self, warnings: warnings, metrics: metrics, figures: figures)
    }

    /// Interpolated map value at every atom (nil for hydrogens and atoms outside the box), model order.
    static func atomValues(data: LevelAData, map: Volume) -> [Double?] {
        data.memoized("atom_values") { () -> [Double?] in
            let frame = GridFrame(map)
            return map.data.withUnsafeBufferPointer { m in
                data.model.atoms.map { $0.isHydrogen ? nil : interpolate(m, frame, at: $0.position) }
            }
        }
    }

    /// Fraction of each residue's heavy atoms with a map value ≥ T.
    static func residueInclusion(data: LevelAData, map: Volume, threshold: Double) -> [Double?] {
        let values = atomValues(data: data, map: map)
        return data.residues.map { r in
            guard !r.atoms.isEmpty else { return nil }
            return Double(r.atoms.filter { (values[$0] ?? -.infinity) >= threshold }.count) / Double(r.atoms.count)
        }
    }
}
