// 0.a Mass analysis (centering): how far the molecule is from the box edges and from the box centre
// (docs/methods.md "0.a", after VRS's mass analysis).
//
// - With the hard mask, per axis the first and last index holding mask voxels: space on the left
//   = Ts·first, on the right = Ts·(N − 1 − last) (Å), decentering = |right − left| / (Ts·N) · 100 %.
// - Centre of mass of the map values V (not of the mask), in voxels (0-based, voxel centres at integers);
//   its decentering = |c − N/2| / N · 100 %.
// - Warnings: decentering > 20 %; centre-of-mass decentering > 20 %; space on a side < 20 Å. The seed
//   report's text says "20 % of the map dimension" for the space rule but VRS's code tests 20 Å; we test
//   20 Å and print that criterion.
// Per-axis voxel sizes (Ts along X, Y, Z) are used throughout.
import Dispatch
import MapIO
import VolumeNumerics

public struct MassCentering: Section {
    public let id = "0.a"
    public let title = "Mass analysis"
    public var isLightweight: Bool { true }

    /// Largest decentering (mask or centre of mass) without a warning, in % of the box.
    public static let decenteringLimitPct = 20.0
    /// Smallest free space between the mask and a box edge without a warning, in Å.
    public static let spaceLimitA = 20.0

    public init() {}

    public func run(_ context: AnalysisContext) throws -> SectionResult {
        let masks = try context.masks()
        let map = context.map
        guard let box = masks.hardBox else {
            throw SectionError.failed("the hard mask is empty")
        }
        let dims = map.dims
        let ts = map.voxelSize
        var left = SIMD3<Double>(), right = SIMD3<Double>(), decentering = SIMD3<Double>()
        for a in 0..<3 {
            left[a] = ts[a] * Double(box.first[a])
            right[a] = ts[a] * Double(dims[a] - 1 - box.last[a])
            decentering[a] = abs(right[a] - left[a]) / (ts[a] * Double(dims[a])) * 100
        }
        let com = MassCentering.centerOfMass(map)
        var comDecentering: SIMD3<Double>? = nil
        if let c = com {
            var d = SIMD3<Double>()
            for a in 0..<3 { d[a] = abs(c[a] - Double(dims[a]) / 2) / Double(dims[a]) * 100 }
            comDecentering = d
        }

        var warnings: [String] = []
        let limit = MassCentering.decenteringLimitPct, spaceLimit = MassCentering.spaceLimitA
        let F = Level0Format.self
        for a in 0..<3 where decentering[a] > limit {
            warnings.append("The map might be significantly decentered in \(F.axisNames[a]): "
                + "\(F.fixed(decentering[a], 1)) % of the box (criterion: \(F.fixed(limit, 0)) %); "
                + "the mask leaves \(F.fixed(left[a], 1)) Å on the left and \(F.fixed(right[a], 1)) Å on the right. "
                + "This is expected for local or focused reconstructions.")
        }
        if let c = com, let d = comDecentering {
            for a in 0..<3 where d[a] > limit {
                warnings.append("The centre of mass of the density is decentered in \(F.axisNames[a]): "
                    + "it lies at voxel \(F.fixed(c[a], 1)), \(F.fixed(d[a], 1)) % of the box from the centre "
                    + "(\(dims[a] / 2)) (criterion: \(F.fixed(limit, 0)) %).")
            }
        }
        for a in 0..<3 {
            var sides: [String] = []
            if left[a] < spaceLimit { sides.append("\(F.fixed(left[a], 1)) Å of free space on the left") }
            if right[a] < spaceLimit {
                sides.append("\(F.fixed(right[a], 1)) Å" + (sides.isEmpty ? " of free space" : "") + " on the right")
            }
            if sides.isEmpty { continue }
            warnings.append("The mask comes close to the box edge in \(F.axisNames[a]): only "
                + sides.joined(separator: " and ") + " (criterion: at least "
                + "\(F.fixed(spaceLimit, 0)) Å on each side). The box may be too small to hold the molecule "
                + "and its surrounding noise; this is expected for local or focused reconstructions.")
        }

        var metrics: [String: JSONValue] = [
            "space_left_A": JSONValue(left),
            "space_right_A": JSONValue(right),
            "decentering_pct": JSONValue(decentering),
            "center_of_mass_vox": com.map { JSONValue($0) } ?? .null,
            "com_decentering_pct": comDecentering.map { JSONValue($0) } ?? .null,
            "mask_first_index_vox": JSONValue(box.first),
            "mask_last_index_vox": JSONValue(box.last),
            "decentering_limit_pct": JSONValue(limit),
            "space_limit_A": JSONValue(spaceLimit),
        ]
        if com == nil {
            metrics["center_of_mass_note"] = "The map values sum to zero or less, so the centre of mass of the density is undefined."
        }
        return .evaluated(self, warnings: warnings, metrics: metrics)
    }

    /// Centre of mass of the voxel values, Σ V·(x, y, z) / Σ V, in voxels (0-based). Nil when Σ V ≤ 0 or is
    /// not finite (a map normalised to mean 0 has no meaningful centre of mass). NaN voxels are skipped.
    public static func centerOfMass(_ map: Volume) -> SIMD3<Double>? {
        let nx = map.nx, ny = map.ny, nz = map.nz
        // Per plane z: Σ v, Σ v·x, Σ v·y (Double). Each row eight voxels at a time, in Double lanes: the
        // scalar loop waited on its two sums' additions (about 4 cycles a voxel).
        var planeSums = [SIMD4<Double>](repeating: .zero, count: nz)
        let lanes = SIMD4<Double>(0, 1, 2, 3)
        map.data.withUnsafeBufferPointer { p in
            planeSums.withUnsafeMutableBufferPointer { out in
                Parallel.perform(iterations: nz) { z in
                    let raw = UnsafeRawPointer(p.baseAddress!)
                    var s = 0.0, sx = 0.0, sy = 0.0
                    for y in 0..<ny {
                        let row = nx * (y + ny * z)
                        var sA = SIMD4<Double>(), sB = SIMD4<Double>(), xA = SIMD4<Double>(), xB = SIMD4<Double>()
                        var x = 0
                        while x + 8 <= nx {
                            var v = raw.loadUnaligned(fromByteOffset: 4 * (row + x), as: SIMD8<Float>.self)
                            v.replace(with: 0, where: v .!= v)   // NaN voxels are skipped
                            let a = v.lowHalf.widened, b = v.highHalf.widened
                            let xa = lanes + Double(x)
                            sA += a; sB += b
                            xA += a * xa; xB += b * (xa + 4)
                            x += 8
                        }
                        var rs = (sA + sB).sum(), rsx = (xA + xB).sum()
                        while x < nx {
                            let v = Double(p[row + x])
                            if !v.isNaN { rs += v; rsx += v * Double(x) }
                            x += 1
                        }
                        s += rs; sx += rsx; sy += rs * Double(y)
                    }
                    out[z] = SIMD4(s, sx, sy, s * Double(z))
                }
            }
        }
        let total = planeSums.reduce(SIMD4<Double>.zero, +)
        guard total[0] > 0, total[0].isFinite else { return nil }
        return SIMD3(total[1] / total[0], total[2] / total[0], total[3] / total[0])
    }
}
