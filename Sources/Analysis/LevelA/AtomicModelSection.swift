// "Atomic model" section (not scored): what was read from the model file and where it lies relative to
// the map box, and three views of the Cα trace coloured by chain inside the transparent map surface at T.
// Hydrogens are counted but never used for density (docs/methods.md "A.model").
import Foundation
import MapIO
import ModelIO
import VolumeNumerics

public struct AtomicModelSection: Section {
    public let id = "A.model"
    public var sharedValues: [SharedValue] { [.hardMaskedSurface] }
    public let title = "Atomic model"
    public let reference = "gemmi (Wojdyr 2022)"
    public var scored: Bool { false }
    public init() {}

    public func run(_ context: AnalysisContext) throws -> SectionResult {
        let data = try LevelAData.of(context, nearBoxOptional: true)
        let model = data.fullModel
        let residues = model.residues
        let frame = GridFrame(context.map)
        let heavy = model.atoms.filter { !$0.isHydrogen }
        let inside = heavy.filter { frame.contains($0.position) }.count
        var elements: [String: JSONValue] = [:]
        for a in model.atoms { elements[a.element] = .int((elements[a.element]?.intValue ?? 0) + 1) }
        var chains: [String] = []
        for r in residues where chains.last != r.chain && !chains.contains(r.chain) { chains.append(r.chain) }
        let residuesPerChain = JSONValue.object(Dictionary(uniqueKeysWithValues: chains.map { c in
            (c, JSONValue.int(residues.filter { $0.chain == c }.count)) }))
        let bs = heavy.map(\.bFactor)
        var lo = SIMD3(repeating: Double.infinity), hi = SIMD3(repeating: -Double.infinity)
        for a in heavy { lo = pointwiseMin(lo, a.position); hi = pointwiseMax(hi, a.position) }
        let fractionInside = Double(inside) / Double(heavy.count)
        var warnings: [String] = []
        if inside == 0 {
            warnings.append("no non-hydrogen atom lies inside the map box: the model and the map do not overlap")
        } else if fractionInside < 0.95 {
            warnings.append(String(format: "%.1f %% of the non-hydrogen atoms lie outside the map box", 100 * (1 - fractionInside))
                + (data.atomsAwayFromBox > 0 ? "; the \(data.atomsAwayFromBox) \(data.atomsAwayFromBox == 1 ? "atom farther from the box than its density reaches is" : "atoms farther from the box than their density reaches are") left out of the Level A computations" : ""))
        }
        if data.skippedAtoms > 0 {
            let one = data.skippedAtoms == 1
            warnings.append("\(data.skippedAtoms) \(one ? "atom has" : "atoms have") an element without electron scattering factors and \(one ? "is" : "are") left out of the model map")
        }
        var metrics: [String: JSONValue] = [
            "file": .string(model.path), "reader": .string(CGemmiInfo.version),
            "atoms": .int(model.atoms.count), "hydrogen_atoms": .int(model.atoms.count - heavy.count),
            "non_hydrogen_atoms": .int(heavy.count), "elements": .object(elements),
            "chains": .array(chains.map { .string($0) }), "chain_count": .int(chains.count),
            "residues": .int(residues.count), "residues_per_chain": residuesPerChain,
            "zero_occupancy_atoms": .int(model.atoms.filter { $0.occupancy == 0 }.count),
            "b_factor_min_A2": .number(bs.min()!), "b_factor_max_A2": .number(bs.max()!),
            "b_factor_mean_A2": .number(bs.reduce(0, +) / Double(bs.count)),
            "extent_min_A": JSONValue(lo), "extent_max_A": JSONValue(hi),
            "atoms_inside_box": .int(inside), "fraction_inside_box": .number(fractionInside),
            "atoms_away_from_box": .int(data.atomsAwayFromBox),
            "unknown_element_atoms": .int(data.skippedAtoms),
        ]
        let bHist = histogram(bs, bins: 30)
        let fig = Figure(id: "amodel_b_factor_histogram", caption: "B-factors of the non-hydrogen atoms (Å²).",
                         content: .histogram(Histogram(binEdges: bHist.edges, counts: bHist.counts,
                                                       xLabel: "B-factor (Å²)", yLabel: "Atoms")))
        var figures = [fig]
        // The views draw the atoms near the map box (a model far larger than the map would otherwise shrink the
        // map to a dot and cost minutes of drawing); atoms left out are counted in the metrics above.
        LocalMapSurface.append(Self.modelViews(atoms: data.model.atoms.isEmpty ? model.atoms : data.model.atoms, context: context),
                               id: Self.viewsFigureId, figures: &figures, metrics: &metrics)
        return .evaluated(self, warnings: warnings, metrics: metrics, figures: figures)
    }

    static let viewsFigureId = "amodel_views"

    /// The Cα trace coloured by chain inside the transparent map surface at T (hard-masked, as in the other 3D
    /// views); the trace alone when the surface is empty.
    static func modelViews(atoms: [Atom], context: AnalysisContext) -> Result<Figure, FigureUnavailable> {
        let ca = atoms.filter { $0.name == "CA" && !$0.isHydrogen }
        let caCount = ca.count
        // The renderer colours chains in the order they first appear among the drawn (Cα) atoms.
        var traceChains: [String] = []
        for a in ca where !traceChains.contains(a.chain) { traceChains.append(a.chain) }
        guard caCount > 0 else { return .failure(FigureUnavailable("the model has no Cα atom (atom name CA) to trace")) }
        let mesh = (try? LocalMapSurface.hardMaskedSurface(context)) ?? IsosurfaceMesh()
        let surfaceOpacity = 0.3
        let views = SurfaceViews.model(atoms: atoms, style: .trace,
                                       mapSurface: mesh.triangleCount > 0 ? TriangleMesh(mesh) : nil,
                                       surfaceOpacity: surfaceOpacity)
        let surfaceText = mesh.triangleCount > 0
            ? "inside the isosurface of the map multiplied by the hard mask at T = \(NumberText.format(context.threshold)), drawn grey and \(Int(100 * surfaceOpacity)) % opaque"
            : "(no map surface: nothing of the map multiplied by the hard mask reaches T = \(NumberText.format(context.threshold)))"
        let caption = "The model's Cα trace (\(caCount) Cα atoms; tubes of 0.6 Å radius joining consecutive residues "
            + "of a chain whose Cα atoms are at most 4.5 Å apart) coloured by chain (\(chainColorText(traceChains))), "
            + "\(surfaceText). " + SurfaceViews.standardViewsCaption
        return .success(Figure(id: viewsFigureId, caption: caption, content: .surface(views)))
    }

    /// Colour names of Rendering's chain palette (SurfaceColormap.chainPalette, Okabe & Ito 2008), in the
    /// order chains first appear; the renderer assigns them in that order ("A: blue, B: orange, …").
    static let chainColorNames = ["blue", "orange", "green", "pink", "sky blue", "vermilion", "yellow", "grey",
                                  "dark blue", "brown", "dark green", "purple"]

    static func chainColorText(_ chains: [String]) -> String {
        let shown = chains.prefix(chainColorNames.count).enumerated().map { "\($0.element): \(chainColorNames[$0.offset])" }
        let list = shown.joined(separator: ", ")
        return chains.count > chainColorNames.count ? list + ", then the colours repeat" : list
    }
}

/// A histogram with `bins` equal bins from min to max of the values.
func histogram(_ values: [Double], bins: Int) -> (edges: [Double], counts: [Double]) {
    let finite = values.filter(\.isFinite)
    guard let lo0 = finite.min(), let hi0 = finite.max() else {
        return ((0...bins).map(Double.init), [Double](repeating: 0, count: bins))
    }
    let lo = lo0, hi = hi0 > lo0 ? hi0 : lo0 + 1
    let w = (hi - lo) / Double(bins)
    var counts = [Double](repeating: 0, count: bins)
    for v in finite { counts[min(bins - 1, max(0, Int((v - lo) / w)))] += 1 }
    return ((0...bins).map { lo + Double($0) * w }, counts)
}
