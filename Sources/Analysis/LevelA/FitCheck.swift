// Fit check (docs/methods.md "A.fit", not scored): does the model sit on its density in place?
//
// The correlation between the map and the model map inside the model mask (CC_mask) is computed at the
// model's position. If it is below 0.5, the candidate origins that explain common header mistakes are tried:
// voxel (0,0,0) at the header ORIGIN, at start index × voxel size, their negatives, at −N·Ts/2 (box centred
// on 0) and at 0. Under a candidate origin o the model is evaluated as if moved by originA − o. The best
// candidate is reported; the model is never moved for the other sections.
import Foundation
import MapIO
import ModelIO
import VolumeNumerics

public struct FitCheckSection: Section {
    public let id = "A.fit"
    public let title = "Model–map fit check"
    public let reference = "Afonine et al. 2018 (CC_mask)"
    public var scored: Bool { false }
    /// CC_mask below which the fit is called poor and candidate origins are tried.
    public static let poorFit = 0.5
    public init() {}

    public struct Candidate: Sendable, Equatable {
        public var name: String
        /// Position (Å) of voxel (0,0,0) under this candidate.
        public var originA: SIMD3<Double>
        public var ccMask: Double?
    }

    /// Candidate origins (deduplicated, the map's own origin excluded).
    public static func candidateOrigins(_ map: Volume) -> [(String, SIMD3<Double>)] {
        let start = SIMD3<Double>(Double(map.startIndex.x), Double(map.startIndex.y), Double(map.startIndex.z)) * map.voxelSize
        let centre = -SIMD3<Double>(Double(map.nx / 2), Double(map.ny / 2), Double(map.nz / 2)) * map.voxelSize
        let all: [(String, SIMD3<Double>)] = [
            ("header ORIGIN", map.headerOrigin), ("start indices × voxel size", start),
            ("−header ORIGIN", -map.headerOrigin), ("−start indices × voxel size", -start),
            ("box centred on 0", centre), ("zero", .zero)]
        var out: [(String, SIMD3<Double>)] = []
        // Candidates that coincide are merged ("start indices × voxel size = zero").
        for c in all where distance(c.1, map.originA) > 1e-6 {
            if let k = out.firstIndex(where: { distance($0.1, c.1) < 1e-6 }) { out[k].0 += " = " + c.0 }
            else { out.append(c) }
        }
        return out
    }

    public func run(_ context: AnalysisContext) throws -> SectionResult {
        let data = try LevelAData.of(context, nearBoxOptional: true)
        let inPlace = maskedCorrelation(map: context.map, modelMap: data.modelMap, indices: data.maskIndices)
        var metrics = data.modelMapMetrics
        metrics["cc_mask_in_place"] = JSONValue(inPlace)
        metrics["poor_fit_below"] = .number(Self.poorFit)
        metrics["map_origin_A"] = JSONValue(context.map.originA)
        var warnings: [String] = []
        let poor = (inPlace ?? -1) < Self.poorFit
        metrics["poor_fit"] = .bool(poor)
        var candidates: [Candidate] = []
        if poor {
            for (name, o) in Self.candidateOrigins(context.map) {
                // The whole model: under another origin, other atoms come near the box (filtered again there).
                let shifted = LevelAData.atomsNearBox(data.fullModel.shifted(by: context.map.originA - o), map: context.map)
                let sim = ModelMap.simulate(model: shifted, on: context.map, resolutionA: data.resolutionA).map
                let mask = ModelMap.mask(model: shifted, on: context.map, radiusA: data.maskRadiusA)
                var idx: [Int] = []
                for i in mask.indices where mask[i] != 0 { idx.append(i) }
                candidates.append(Candidate(name: name, originA: o,
                                            ccMask: maskedCorrelation(map: context.map, modelMap: sim, indices: idx)))
            }
            let best = candidates.filter { $0.ccMask != nil }.max { $0.ccMask! < $1.ccMask! }
            let ccText = inPlace.map { String(format: "%.3f", $0) } ?? "undefined (no model voxel in the box)"
            if let b = best, let cc = b.ccMask, cc >= Self.poorFit, cc > (inPlace ?? -1) {
                warnings.append("the model fits the map poorly in place (CC_mask \(ccText) < \(Self.poorFit)); "
                    + String(format: "with voxel (0,0,0) at %@ (%.2f, %.2f, %.2f Å) CC_mask would be %.3f: ",
                             b.name, b.originA.x, b.originA.y, b.originA.z, cc)
                    + "the map's origin is probably wrong; the model was not moved and every Level A number uses it in place")
                metrics["best_candidate"] = .string(b.name)
                metrics["best_candidate_origin_A"] = JSONValue(b.originA)
                metrics["best_candidate_cc_mask"] = .number(cc)
            } else {
                warnings.append("the model fits the map poorly in place (CC_mask \(ccText) < \(Self.poorFit)) and no "
                    + "candidate origin explains it: the model may be misplaced, or belong to another map")
                metrics["best_candidate"] = .null
            }
            metrics["candidates"] = .array(candidates.map {
                ["name": .string($0.name), "origin_A": JSONValue($0.originA), "cc_mask": JSONValue($0.ccMask)] })
        }
        return .evaluated(self, warnings: warnings, metrics: metrics)
    }
}

/// Pearson correlation of map and model map over the given voxel indices.
func maskedCorrelation(map: Volume, modelMap: Volume, indices: [Int]) -> Double? {
    let parts = chunks(indices.count, parts: Parallel.reductionParts)   // split alike on any thread count
    var partial = [CorrelationSums](repeating: CorrelationSums(), count: parts.count)
    map.data.withUnsafeBufferPointer { m in
        modelMap.data.withUnsafeBufferPointer { s in
            indices.withUnsafeBufferPointer { idx in
                partial.withUnsafeMutableBufferPointer { out in
                    Parallel.perform(iterations: parts.count) { p in
                        var sums = CorrelationSums()
                        for j in parts[p] { let i = idx[j]; sums.add(Double(m[i]), Double(s[i])) }
                        out[p] = sums
                    }
                }
            }
        }
    }
    var total = CorrelationSums()
    for p in partial { total.merge(p) }
    return total.correlation
}
