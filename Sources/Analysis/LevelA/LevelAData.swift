// Values shared by the Level A sections, computed once per AnalysisContext: the heavy atoms, residues,
// the model map at R and the model mask. Held by the context as a shared value (`SharedValue.levelA`), so it
// goes with the context.
//
// R: the user's resolution; without one, the Nyquist resolution 2·max(voxel size) is used for the model map
// and the sections say so (`model_map_resolution_A`).
import Foundation
import MapIO
import ModelIO
import VolumeNumerics

final class LevelAData: @unchecked Sendable {
    /// The model as read: the Atomic model section describes it and the fit check moves it.
    let fullModel: AtomicModel
    /// The atoms whose density can reach the map box (within their density radius, or the Q-score's
    /// 2 Å spheres, of the box); every per-atom computation uses these, so work scales with the atoms
    /// near the map, not with the model's size. Hydrogens near the box are kept (flagged, as read).
    let model: AtomicModel
    /// Atoms of `fullModel` left out of `model`.
    let atomsAwayFromBox: Int
    let residues: [ResidueRef]
    /// Whether each of `residues` belongs to a polymer chain (`AtomicModel.polymerResidues`): the per-residue
    /// plots show these only.
    let polymerResidues: [Bool]
    /// Resolution used for the model map (Å).
    let resolutionA: Double
    let resolutionIsNyquist: Bool
    let modelMap: Volume
    let skippedAtoms: Int
    let maskRadiusA: Double
    /// Mean isotropic B of the non-hydrogen atoms (Å²), for the mask radius.
    let meanB: Double
    /// Linear indices of the model-mask voxels.
    let maskIndices: [Int]

    private let lock = NSLock()
    private var memo: [String: Any] = [:]

    init(context: AnalysisContext, model full: AtomicModel) {
        let nyquist = 2 * max(context.map.voxelSize.x, context.map.voxelSize.y, context.map.voxelSize.z)
        resolutionA = max(context.resolution ?? nyquist, nyquist)
        resolutionIsNyquist = context.resolution == nil
        fullModel = full
        let model = Self.atomsNearBox(full, map: context.map)
        self.model = model
        atomsAwayFromBox = full.atoms.count - model.atoms.count
        residues = model.residues
        polymerResidues = model.polymerResidues(residues)
        let sim = ModelMap.simulate(model: model, on: context.map, resolutionA: resolutionA)
        modelMap = sim.map; skippedAtoms = sim.skippedAtoms
        // The mean B (and so the mask radius) is the whole model's: it must not change with the atoms that
        // happen to lie near the box (the fit check's candidate origins compare CC_mask with the same radius).
        let heavy = full.atoms.filter { !$0.isHydrogen }
        meanB = heavy.isEmpty ? 0 : heavy.reduce(0.0) { $0 + max($1.bFactor, 0) } / Double(heavy.count)
        maskRadiusA = ModelMap.maskRadius(resolutionA: resolutionA, meanB: meanB)
        let mask = ModelMap.mask(model: model, on: context.map, radiusA: maskRadiusA)
        var idx: [Int] = []
        for i in mask.indices where mask[i] != 0 { idx.append(i) }
        maskIndices = idx
    }

    /// The atoms of `model` within reach of `map`'s box: distance to the box at most the atom's density
    /// radius (ModelMap.densityRadiusA) and at least 2 Å (the Q-score's sphere radius).
    static func atomsNearBox(_ model: AtomicModel, map: Volume) -> AtomicModel {
        let lo = map.originA, hi = map.originA + SIMD3(Double(map.nx - 1), Double(map.ny - 1), Double(map.nz - 1)) * map.voxelSize
        var radius: [String: Double] = [:]
        let kept = model.atoms.filter { a in
            let outside = pointwiseMax(pointwiseMax(lo - a.position, a.position - hi), .zero)
            let d2 = (outside * outside).sum()
            if d2 == 0 { return true }
            let b = Int.clamped(a.bFactor, .up, to: 0...10_000)
            let key = a.element + "/" + String(b)
            let r = radius[key] ?? max(2, ModelMap.densityRadiusA(element: a.element, bFactor: Double(b), grid: map))
            radius[key] = r
            return d2 <= r * r
        }
        return AtomicModel(atoms: kept, path: model.path)
    }

    /// Computes a value once per context (per-residue tables shared by sections and the CSV).
    func memoized<T>(_ key: String, _ make: () throws -> T) rethrows -> T {
        lock.lock()
        if let v = memo[key] as? T { lock.unlock(); return v }
        lock.unlock()
        let v = try make()
        lock.lock(); memo[key] = v; lock.unlock()
        return v
    }

    /// The shared data for a context; throws notApplicable without a model, and (unless `nearBoxOptional`,
    /// for the sections that describe or move the whole model) failed when no heavy atom is near the box.
    static func of(_ context: AnalysisContext, nearBoxOptional: Bool = false) throws -> LevelAData {
        let data = try shared(context)
        if !nearBoxOptional && !data.model.atoms.contains(where: { !$0.isHydrogen }) {
            throw SectionError.failed("no non-hydrogen atom of \(data.fullModel.path) lies in or near the map box: "
                + "the model and the map do not overlap (see the fit check)")
        }
        return data
    }

    private static func shared(_ context: AnalysisContext) throws -> LevelAData {
        guard let model = context.model else { throw SectionError.notApplicable("no atomic model given") }
        guard model.atoms.contains(where: { !$0.isHydrogen }) else {
            throw SectionError.failed("model \(model.path): no non-hydrogen atoms")
        }
        return try context.shared(.levelA) { LevelAData(context: context, model: model) }
    }

    /// Metrics every Level A section repeats so that its text can state how the model map was made.
    /// The model map truncated only at the map's Nyquist frequency, for the map–model FSC and the Guinier
    /// profiles: beyond R the truncated map has no signal, and masking would fill those shells with the
    /// mask's own correlation (docs/methods.md "A.a").
    var untruncatedModelMap: Volume {
        if resolutionIsNyquist { return modelMap }
        return memoized("model_map_to_nyquist") { () -> Volume in
            ModelMap.simulate(model: model, on: modelMap, resolutionA: nyquistA).map
        }
    }

    /// 2 × the largest voxel size (Å).
    var nyquistA: Double { 2 * max(modelMap.voxelSize.x, modelMap.voxelSize.y, modelMap.voxelSize.z) }

    var modelMapMetrics: [String: JSONValue] {
        ["model_map_resolution_A": .number(resolutionA), "model_map_resolution_is_nyquist": .bool(resolutionIsNyquist),
         "model_mask_radius_A": .number(maskRadiusA), "model_mean_B_A2": .number(meanB)]
    }
}
