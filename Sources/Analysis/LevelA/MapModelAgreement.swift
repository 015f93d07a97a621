// A.a Map–model agreement (docs/methods.md "A.a"): correlations between the map and the model map.
//
// - CC_mask: Pearson correlation over the model mask (voxels within the atom radius at R of a heavy atom,
//   ModelMap.maskRadius, phenix's radius; phenix's own CC_mask uses its bulk-solvent mask, docs/methods.md).
// - CC_box: over the whole box.
// - CC_volume: over the N voxels with the highest model-map values, N = the model mask's voxel count
//   (the definitions of Afonine et al. 2018, Acta Cryst. D74:814, phenix.map_model_cc).
// - Per-residue CC: CC_mask restricted to the voxels within the mask radius of that residue's heavy atoms.
// - Map–model FSC, unmasked and with the model mask softened (Gaussian, σ = 2 voxels), crossing 0.5 and
//   0.143 (see MapModelFSC.swift).
// Warnings: more than 10 % of residues with CC < 0.5; R < 0.8 × d_FSC(0.5, masked); no d_FSC(0.5, masked)
// (the masked FSC below 0.5 from the lowest frequencies).
import Foundation
import MapIO
import ModelIO
import VolumeNumerics

public struct MapModelAgreementSection: Section {
    public let id = "A.a"
    public let title = "Map–model agreement"
    public let reference = "Afonine et al. 2018"
    public init() {}

    public static let lowResidueCC = 0.5
    public static let maxLowFraction = 0.10

    public func run(_ context: AnalysisContext) throws -> SectionResult {
        let data = try LevelAData.of(context)
        let map = context.map
        guard !data.maskIndices.isEmpty else {
            throw SectionError.failed("the model mask is empty: no atom of the model lies inside the map box")
        }
        let ccMask = maskedCorrelation(map: map, modelMap: data.modelMap, indices: data.maskIndices)
        let ccBox = boxCorrelation(map, data.modelMap)
        let ccVolume = maskedCorrelation(map: map, modelMap: data.modelMap,
                                         indices: topIndices(data.modelMap.data, count: data.maskIndices.count))
        let perResidue = residueCorrelations(context: context, data: data)
        let defined = perResidue.compactMap { $0 }
        let low = defined.filter { $0 < Self.lowResidueCC }.count
        let lowFraction = defined.isEmpty ? 0 : Double(low) / Double(defined.count)

        var metrics = data.modelMapMetrics
        metrics["cc_mask"] = JSONValue(ccMask)
        metrics["cc_box"] = JSONValue(ccBox)
        metrics["cc_volume"] = JSONValue(ccVolume)
        metrics["mask_voxels"] = .int(data.maskIndices.count)
        metrics["residues_with_cc"] = .int(defined.count)
        metrics["residues_cc_below_0_5"] = .int(low)
        metrics["fraction_residues_cc_below_0_5"] = .number(lowFraction)
        metrics["residue_cc_median"] = JSONValue(median(defined))
        metrics["residue_cc_mean"] = JSONValue(defined.isEmpty ? nil : defined.reduce(0, +) / Double(defined.count))
        var warnings: [String] = []
        if lowFraction > Self.maxLowFraction {
            warnings.append(String(format: "%.1f %% of the residues have a correlation below 0.5 (rule: at most 10 %%)",
                                   100 * lowFraction))
        }
        var figures = residuePlots(prefix: "aa_residue_cc", residues: data.residues,
                                   polymer: data.polymerResidues, values: perResidue,
                                   yLabel: "Residue CC", what: "Per-residue correlation between the map and the model map",
                                   marker: Marker(value: Self.lowResidueCC, label: "0.5", keepInRange: true),
                                   yBounds: LinePlot.correlationBounds)

        let fsc = try MapModelFSC.compute(data: data, map: map)
        for (k, v) in fsc.metrics { metrics[k] = v }
        figures.append(fsc.figure)
        if fsc.masked05 == .belowFromStart {
            // The R < 0.8 × d_FSC rule cannot be evaluated, which is itself the finding (docs/methods.md, "A.a").
            warnings.append("no resolution: the masked map–model FSC is below 0.5 from the lowest frequencies, so the reported "
                            + "resolution cannot be checked against it (model misplaced, or not a model of this map?)")
        } else if let d05 = fsc.masked05A, let r = context.resolution, r < 0.8 * d05 {
            warnings.append(String(format: "the reported resolution %.2f Å is better than 0.8 × the masked map–model "
                                   + "FSC 0.5 resolution (%.2f Å)", r, d05))
        }
        return .evaluated(self, warnings: warnings, metrics: metrics, figures: figures)
    }

    /// Per-residue CC (nil when the residue has fewer than 2 voxels in the box), in `data.residues` order.
    static func residueCorrelations(data: LevelAData, map: Volume) -> [Double?] {
        data.memoized("residue_cc") { () -> [Double?] in
            let frame = GridFrame(map)
            var out = [Double?](repeating: nil, count: data.residues.count)
            let parts = chunks(data.residues.count, parts: levelAWorkers * 4)
            map.data.withUnsafeBufferPointer { m in
                data.modelMap.data.withUnsafeBufferPointer { s in
                    out.withUnsafeMutableBufferPointer { res in
                        Parallel.perform(iterations: parts.count) { p in
                            for r in parts[p] {
                                let pos = data.residues[r].atoms.map { data.model.atoms[$0].position }
                                var sums = CorrelationSums()
                                for i in voxelsNear(pos, frame: frame, radiusA: data.maskRadiusA) {
                                    sums.add(Double(m[i]), Double(s[i]))
                                }
                                res[r] = sums.correlation
                            }
                        }
                    }
                }
            }
            return out
        }
    }

    func residueCorrelations(context: AnalysisContext, data: LevelAData) -> [Double?] {
        Self.residueCorrelations(data: data, map: context.map)
    }
}

/// Pearson correlation of two volumes over the whole box (no index array: 256³ indices would take 128 MB).
func boxCorrelation(_ a: Volume, _ b: Volume) -> Double? {
    let parts = chunks(a.count, parts: Parallel.reductionParts)   // split alike on any thread count
    var partial = [CorrelationSums](repeating: CorrelationSums(), count: parts.count)
    a.data.withUnsafeBufferPointer { x in
        b.data.withUnsafeBufferPointer { y in
            partial.withUnsafeMutableBufferPointer { out in
                Parallel.perform(iterations: parts.count) { p in
                    var sums = CorrelationSums()
                    for i in parts[p] { sums.add(Double(x[i]), Double(y[i])) }
                    out[p] = sums
                }
            }
        }
    }
    var total = CorrelationSums()
    for p in partial { total.merge(p) }
    return total.correlation
}

/// Indices of the `count` largest values (ties at the cut-off broken by index order).
func topIndices(_ values: [Float], count: Int) -> [Int] {
    guard count > 0 else { return [] }
    guard count < values.count else { return Array(values.indices) }
    // Candidates above a cheap lower bound, then a sort of those only.
    var positive: [(Float, Int)] = []
    for (i, v) in values.enumerated() where v > 0 { positive.append((v, i)) }
    if positive.count < count {
        return Array(values.indices.sorted { values[$0] > values[$1] }.prefix(count))
    }
    positive.sort { $0.0 > $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
    return positive.prefix(count).map(\.1)
}

func median(_ v: [Double]) -> Double? {
    guard !v.isEmpty else { return nil }
    let s = v.sorted(), n = s.count
    return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2])
}

/// Chains plotted per section at most: a ribosome's ~80 chains would otherwise make ~240 per-residue plots.
let residuePlotChainLimit = 12

/// One line plot per chain of a per-residue value against residue number, over the chain's polymer residues
/// (`polymer`, from `AtomicModel.polymerResidues`; the others stay in per_residue.csv); a chain without any
/// polymer residue with a value has no plot. With more than `maxChains` such chains, the `maxChains` with the
/// lowest median are plotted (for CC, inclusion and Q lower is worse, so these are the ones to look at), in model
/// order. `yBounds`: the values the quantity can take.
func residuePlots(prefix: String, residues: [ResidueRef], polymer: [Bool], values: [Double?], yLabel: String,
                  what: String, marker: Marker?, yBounds: ClosedRange<Double>,
                  maxChains: Int = residuePlotChainLimit) -> [Figure] {
    var chains: [String] = []
    for r in residues where !chains.contains(r.chain) { chains.append(r.chain) }
    typealias ChainData = (index: Int, chain: String, x: [Double], y: [Double], others: Int, median: Double)
    let withValues: [ChainData] = chains.enumerated().compactMap { (k, chain) in
        var x: [Double] = [], y: [Double] = [], others = 0
        for (i, r) in residues.enumerated() where r.chain == chain {
            guard polymer[i] else { others += 1; continue }
            if let v = values[i] { x.append(Double(r.number)); y.append(v) }
        }
        guard let m = median(y) else { return nil }
        return (k, chain, x, y, others, m)
    }
    var shown = withValues
    if withValues.count > maxChains {
        shown = withValues.sorted { ($0.median, $0.index) < ($1.median, $1.index) }.prefix(maxChains)
            .sorted { $0.index < $1.index }
    }
    return shown.map { c in
        let series = Series(label: "chain \(c.chain)", x: c.x, y: c.y, style: .linePoints, breakAtXGapsOver: 1)
        var notes: [String] = []
        if c.x.indices.contains(where: series.breaksBefore) {
            notes.append("the line breaks where residue numbers skip: residues not in the model or without a value")
        }
        if c.others > 0 {
            notes.append("\(c.others) residue\(c.others == 1 ? "" : "s") outside the polymer (ligands, ions, waters) left out; "
                         + "per_residue.csv has every residue")
        }
        if shown.count < withValues.count {
            notes.append("one of the \(shown.count) chains with the lowest median of the model's \(withValues.count); "
                         + "per_residue.csv has every chain")
        }
        let safe = c.chain.lowercased().map { $0.isLetter || $0.isNumber ? String($0) : "_" }.joined()
        return Figure(id: "\(prefix)_chain_\(c.index + 1)_\(safe)",
                      caption: "\(what), chain \(c.chain) (" + (["\(c.x.count) residues"] + notes).joined(separator: "; ") + ").",
                      content: .plot(LinePlot(series: [series], xLabel: "Residue number", yLabel: yLabel,
                                              yMarkers: marker.map { [$0] } ?? [], yBounds: yBounds)))
    }
}
