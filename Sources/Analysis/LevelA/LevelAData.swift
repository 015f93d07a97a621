// Values shared by the Level A sections, computed once per AnalysisContext: the heavy atoms, residues,
// the model map at R and the model mask. Held in a small cache keyed by the context's identity (the
// context itself is not ours to extend); the entry is dropped when its context is gone.
//
// R: the user's resolution; without one, the Nyquist resolution 2·max(voxel size) is used for the model map
// and the sections say so (`model_map_resolution_A`).
import Foundation
import MapIO
import ModelIO

final class LevelAData: @unchecked Sendable {
    let model: AtomicModel
    let residues: [ResidueRef]
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

    init(context: AnalysisContext, model: AtomicModel) {
        self.model = model
        residues = model.residues
        let nyquist = 2 * max(context.map.voxelSize.x, context.map.voxelSize.y, context.map.voxelSize.z)
        resolutionA = max(context.resolution ?? nyquist, nyquist)
        resolutionIsNyquist = context.resolution == nil
        let sim = ModelMap.simulate(model: model, on: context.map, resolutionA: resolutionA)
        modelMap = sim.map; skippedAtoms = sim.skippedAtoms
        let heavy = model.atoms.filter { !$0.isHydrogen }
        meanB = heavy.isEmpty ? 0 : heavy.reduce(0.0) { $0 + max($1.bFactor, 0) } / Double(heavy.count)
        maskRadiusA = ModelMap.maskRadius(resolutionA: resolutionA, meanB: meanB)
        let mask = ModelMap.mask(model: model, on: context.map, radiusA: maskRadiusA)
        var idx: [Int] = []
        for i in mask.indices where mask[i] != 0 { idx.append(i) }
        maskIndices = idx
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

    // MARK: cache

    private static let cacheLock = NSLock()
    nonisolated(unsafe) private static var cache: [(context: Weak, data: LevelAData)] = []
    private final class Weak { weak var value: AnalysisContext?; init(_ v: AnalysisContext) { value = v } }

    /// The shared data for a context; throws notApplicable without a model.
    static func of(_ context: AnalysisContext) throws -> LevelAData {
        guard let model = context.model else { throw SectionError.notApplicable("no atomic model given") }
        guard model.atoms.contains(where: { !$0.isHydrogen }) else {
            throw SectionError.failed("model \(model.path): no non-hydrogen atoms")
        }
        cacheLock.lock()
        cache.removeAll { $0.context.value == nil }
        if let hit = cache.first(where: { $0.context.value === context }) { cacheLock.unlock(); return hit.data }
        cacheLock.unlock()
        let data = LevelAData(context: context, model: model)
        cacheLock.lock(); cache.append((Weak(context), data)); cacheLock.unlock()
        return data
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
