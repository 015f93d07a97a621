// 0.c Background analysis: is the map's background (voxels outside the hard mask) zero-mean noise
// without outliers? (docs/methods.md "0.c", after VRS's background analysis.)
//
// - Mean and standard deviation σ (n − 1) of the background voxels.
// - One-sample Student t-test of mean 0: t = mean / (σ/√n), two-sided p-value from the Student-t
//   distribution with n − 1 degrees of freedom (regularized incomplete beta; equals the normal for large n).
// - Outliers: % of background voxels with |v| > 5σ; for Gaussian noise 2·Φ(−5) = 5.733·10⁻⁵ %; their ratio.
// - Warnings: p < 0.001 (background mean is not 0); ratio > 20 (significant proportion of outliers).
// - Figure: maximum-variance slices (X, Y, Z) of a volume holding the background voxels beyond 5σ
//   (all other voxels 0). The slice variances and planes follow Volume.maxVarianceIndex and Volume.slice
//   (Slices.swift) but are computed from the list of outliers, without building that mostly-zero volume.
import Foundation
import MapIO
import VolumeNumerics

public struct BackgroundAnalysis: Section {
    public let id = "0.c"
    public let title = "Background analysis"
    public let reference = "Student's t-test"
    public var isLightweight: Bool { true }

    /// Outlier bound in units of σ.
    public static let outlierSigmas = 5.0
    /// p-value below which the background mean is declared different from 0.
    public static let pValueLimit = 0.001
    /// Outlier ratio (observed / Gaussian) above which outliers are declared significant.
    public static let outlierRatioLimit = 20.0

    public init() {}

    /// % of a Gaussian's values beyond `sigmas` standard deviations: 100·2·Φ(−sigmas).
    public static func gaussianOutlierPct(sigmas: Double) -> Double {
        100 * 2 * Statistics.normalCDF(-sigmas)
    }

    public func run(_ context: AnalysisContext) throws -> SectionResult {
        let masks = try context.masks()
        let map = context.map
        let F = Level0Format.self
        guard let s = Statistics.summary(map, mask: masks.hard, inside: false) else {
            throw SectionError.failed("no background: the hard mask covers the whole box")
        }
        guard let sigma = s.std, s.count >= 2 else {
            throw SectionError.failed("only \(s.count) background voxel outside the hard mask; the test needs at least 2")
        }
        guard sigma > 0 else {
            throw SectionError.failed("the \(s.count) background voxels all equal \(F.sig(s.mean)) (σ = 0): "
                + "the map was probably masked, and the background test needs the unmasked noise")
        }
        let test = StudentT.oneSampleTest(mean: s.mean, std: sigma, count: s.count)
        let bound = BackgroundAnalysis.outlierSigmas * sigma
        let outlierList = BackgroundAnalysis.outliers(map: map, hard: masks.hard, bound: bound)
        let outliers = outlierList.count
        let outlierPct = 100 * Double(outliers) / Double(s.count)
        let gaussianPct = BackgroundAnalysis.gaussianOutlierPct(sigmas: BackgroundAnalysis.outlierSigmas)
        let ratio = outlierPct / gaussianPct

        var warnings: [String] = []
        if test.pValue < BackgroundAnalysis.pValueLimit {
            warnings.append("The background mean is not 0: the \(s.count) voxels outside the hard mask have mean "
                + "\(F.sig(s.mean)) and standard deviation \(F.sig(sigma)), so t = \(F.fixed(test.t, 2)) and "
                + "p = \(F.pValue(test.pValue, log10P: test.log10PValue)) (criterion: p ≥ \(BackgroundAnalysis.pValueLimit)). "
                + "The map may carry a constant offset or density spread outside the mask.")
        }
        if ratio > BackgroundAnalysis.outlierRatioLimit {
            warnings.append("There is a significant proportion of outliers in the background: "
                + "\(F.sig(outlierPct)) % of the background voxels (\(outliers)) lie beyond 5σ, "
                + "\(F.sig(ratio)) times the \(F.sig(gaussianPct)) % expected for Gaussian noise (criterion: at most "
                + "\(F.fixed(BackgroundAnalysis.outlierRatioLimit, 0)) times). The background may hold density "
                + "outside the mask, artefacts or unmasked neighbours.")
        }

        let metrics: [String: JSONValue] = [
            "background_voxels": JSONValue(s.count),
            "mean": JSONValue(s.mean),
            "std": JSONValue(sigma),
            "t_statistic": JSONValue(test.t),
            "degrees_of_freedom": JSONValue(test.degreesOfFreedom),
            "p_value": JSONValue(test.pValue),
            "p_value_log10": JSONValue(test.log10PValue),
            "outlier_voxels": JSONValue(outliers),
            "outlier_pct": JSONValue(outlierPct),
            "gaussian_outlier_pct": JSONValue(gaussianPct),
            "outlier_ratio": JSONValue(ratio),
            "p_value_limit": JSONValue(BackgroundAnalysis.pValueLimit),
            "outlier_ratio_limit": JSONValue(BackgroundAnalysis.outlierRatioLimit),
        ]
        let figure = outlierFigure(map: map, outliers: outlierList, bound: bound)
        return .evaluated(self, warnings: warnings, metrics: metrics, figures: [figure])
    }

    /// A background voxel beyond the outlier bound: its position (voxels) and value.
    struct Outlier: Equatable { var position: SIMD3<Int>; var value: Float }

    /// The voxels outside `hard` with |v| > bound, in storage order.
    static func outliers(map: Volume, hard: BinaryMask, bound: Double) -> [Outlier] {
        let nx = map.nx, ny = map.ny, plane = nx * ny
        // Each Z plane on its own worker, joined in storage order. Values are screened eight at a time against
        // a Float a little below the bound (every Float v with |v| > bound passes, NaN does not), and only those
        // that pass are compared with the bound exactly and looked up in the mask: outliers are rare.
        let screen = SIMD8<Float>(repeating: Float(bound).nextDown)
        var byPlane = [[Outlier]](repeating: [], count: map.nz)
        map.data.withUnsafeBufferPointer { v in
            hard.voxels.withUnsafeBufferPointer { m in
                byPlane.withUnsafeMutableBufferPointer { out in
                    let raw = UnsafeRawPointer(v.baseAddress!)
                    Parallel.perform(iterations: map.nz) { z in
                        var found: [Outlier] = []
                        func check(_ i: Int) {
                            if !m[i] && abs(Double(v[i])) > bound {
                                found.append(Outlier(position: SIMD3(i % nx, (i / nx) % ny, z), value: v[i]))
                            }
                        }
                        let start = z * plane, end = start + plane
                        var i = start
                        while i + 8 <= end {
                            let x = raw.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self)
                            if any((x .> screen) .| (x .< -screen)) { for j in i..<(i + 8) { check(j) } }
                            i += 8
                        }
                        while i < end { check(i); i += 1 }
                        out[z] = found
                    }
                }
            }
        }
        return Array(byPlane.joined())
    }

    /// `Volume.maxVarianceIndex` (population variance of each slice, the first on ties) for a volume that is 0
    /// except at `outliers`: only the outliers contribute to the slice sums, so the full volume is never built.
    static func maxVarianceIndex(_ outliers: [Outlier], dims: SIMD3<Int>, axis: Axis) -> Int {
        let a = axis.rawValue, n = dims[a]
        var sum = [Double](repeating: 0, count: n), sum2 = sum
        for o in outliers {
            let d = Double(o.value)
            sum[o.position[a]] += d; sum2[o.position[a]] += d * d
        }
        let m = Double(dims.x * dims.y * dims.z / n)
        var best = 0, bestVar = -1.0
        for k in 0..<n {
            let v = max(0, sum2[k] / m - (sum[k] / m) * (sum[k] / m))
            if v > bestVar { best = k; bestVar = v }
        }
        return best
    }

    /// `Volume.slice(axis, k)` of the volume that is 0 except at `outliers`.
    static func slice(_ outliers: [Outlier], map: Volume, axis: Axis, index k: Int) -> Plane {
        let (u, v) = Volume.planeAxes(axis)
        let w = map.size(along: u), h = map.size(along: v)
        var values = [Float](repeating: 0, count: w * h)
        for o in outliers where o.position[axis.rawValue] == k {
            values[o.position[u.rawValue] + w * o.position[v.rawValue]] = o.value
        }
        return Plane(width: w, height: h, values: values,
                     pixelSizeA: SIMD2(map.voxelSize[u.rawValue], map.voxelSize[v.rawValue]))
    }

    /// Max-variance slices of the background voxels beyond ±bound (others 0).
    func outlierFigure(map: Volume, outliers: [Outlier], bound: Double) -> Figure {
        var panels: [Image2D] = []
        var where_: [String] = []
        for axis in Axis.allCases {
            let k = BackgroundAnalysis.maxVarianceIndex(outliers, dims: map.dims, axis: axis)
            let plane = BackgroundAnalysis.slice(outliers, map: map, axis: axis, index: k)
            panels.append(Image2D(plane, label: "\(axis.name) = \(k)"))
            where_.append("\(axis.name) = \(k)")
        }
        let F = Level0Format.self
        let caption = "Background voxels (outside the hard mask) beyond 5σ (|v| > \(F.sig(bound))); every other "
            + "voxel is set to 0. Slices of maximum variance: " + where_.joined(separator: ", ") + "."
            + (outliers.isEmpty ? " No background voxel lies beyond 5σ, so the slices are empty." : "")
        return Figure(id: "0c_background_outliers", caption: caption, content: .images(ImagePanels(panels: panels)))
    }
}
