// Half maps (docs/methods.md "1.halves", not scored): file names, SHA-256 of the files as given, the halves' statistics and
// their real-space correlation, and maximum-variance slices of each half and of their difference (the
// difference should show noise only, no structure).
import Foundation
import MapIO
import VolumeNumerics

public struct HalfMaps: Section {
    public let id = "1.halves"
    public let title = "Half maps"
    public let scored = false

    public init() {}

    public func run(_ context: AnalysisContext) throws -> SectionResult {
        guard let (h1, h2) = context.halves else { throw SectionError.notApplicable("no half maps given") }
        guard h1.dims == h2.dims else {
            throw SectionError.failed("half maps: box \(h1.dims) of half 1 differs from box \(h2.dims) of half 2")
        }
        var metrics: [String: JSONValue] = [
            "box_voxels": .array([.int(h1.nx), .int(h1.ny), .int(h1.nz)]),
            "voxel_size_A": .array([.number(h1.voxelSize.x), .number(h1.voxelSize.y), .number(h1.voxelSize.z)]),
        ]
        var warnings: [String] = []
        if let (p1, p2) = context.halfPaths {
            metrics["half1_file"] = .string((p1 as NSString).lastPathComponent)
            metrics["half2_file"] = .string((p2 as NSString).lastPathComponent)
            for (key, path) in [("half1_sha256", p1), ("half2_sha256", p2)] {
                do { metrics[key] = .string(try FileHash.sha256(path: path)) } catch {
                    warnings.append("could not hash \(path): \(error)")
                }
            }
            if metrics["half1_sha256"] != nil && metrics["half1_sha256"] == metrics["half2_sha256"] {
                warnings.append("the two half-map files are identical (same SHA-256): the FSC is meaningless")
            }
        }
        if warnings.isEmpty, let problem = Level1Data.identityProblem(h1, h2, map: context.map) {
            warnings.append(problem + "; the Level 1 sections are not evaluated")
        }
        let difference = h1.withData(zip(h1.data, h2.data).map { $0 - $1 })
        for (key, v) in [("half1", h1), ("half2", h2), ("difference", difference)] {
            if let s = Statistics.summary(v.data) {
                metrics["\(key)_mean"] = .number(s.mean)
                metrics["\(key)_std"] = .number(s.std ?? 0)
                metrics["\(key)_min"] = .number(s.min)
                metrics["\(key)_max"] = .number(s.max)
            }
        }
        metrics["correlation"] = .number(HalfMaps.correlation(h1.data, h2.data))

        let figures = [
            Figure(id: "1halves_half1_slices", caption: "Half map 1: maximum-variance slices (indices in the panel labels).",
                   content: .images(ImagePanels(panels: Level1Format.maxVarianceSlices(h1)))),
            Figure(id: "1halves_half2_slices", caption: "Half map 2: maximum-variance slices (indices in the panel labels).",
                   content: .images(ImagePanels(panels: Level1Format.maxVarianceSlices(h2)))),
            Figure(id: "1halves_difference_slices",
                   caption: "Difference half 1 − half 2: maximum-variance slices (indices in the panel labels). It should show noise only, no structure.",
                   content: .images(ImagePanels(panels: Level1Format.maxVarianceSlices(difference)))),
        ]
        return SectionResult(id: id, title: title, status: warnings.isEmpty ? .ok : .warnings, warnings: warnings,
                             metrics: metrics, figures: figures, scored: scored)
    }

    /// Pearson correlation of two equally long arrays.
    static func correlation(_ a: [Float], _ b: [Float]) -> Double {
        let n = Double(a.count)
        var sa = 0.0, sb = 0.0, saa = 0.0, sbb = 0.0, sab = 0.0
        for i in 0..<a.count {
            let x = Double(a[i]), y = Double(b[i])
            sa += x; sb += y; saa += x * x; sbb += y * y; sab += x * y
        }
        let va = saa - sa * sa / n, vb = sbb - sb * sb / n
        return va > 0 && vb > 0 ? (sab - sa * sb / n) / (va * vb).squareRoot() : 0
    }
}
