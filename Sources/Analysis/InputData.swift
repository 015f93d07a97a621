// Input data (report section 1, not scored): what was analysed — file, SHA-256, box, voxel size, origin,
// threshold T, resolution R, map statistics — and how the map looks: central and maximum-variance slices,
// projections (sums), standard-deviation projections (as in EMDB's validation report), the density
// histogram with T marked, and maximum-variance slices of the hard and soft masks (SPEC "Input data").
//
// Conventions (SPEC "Conventions"): slice i along X is V[i, :, :]; the central slice is N/2 (integer
// division); images are drawn with u to the right and v upwards: along X (Y, Z), along Y (X, Z), along
// Z (X, Y). Grey scale from each image's min (black) to max (white). `std` is the population standard
// deviation (n) over the finite voxels; min/max/mean/std ignore non-finite voxels, which are counted.
import Foundation
import MapIO
import VolumeNumerics

public struct InputData: Section {
    public let id = "input"
    public let title = "Input data"
    public let reference = ""
    public var scored: Bool { false }

    /// SHA-256 of a file (hex); injectable so tests need no real file.
    public var hasher: @Sendable (String) throws -> String
    /// The hard and soft masks as volumes on the map's grid; injectable for tests.
    public var masksProvider: @Sendable (AnalysisContext) throws -> (hard: Volume, soft: Volume)

    /// Number of histogram bins between the map's minimum and maximum.
    public static let histogramBins = 128

    public init(hasher: @escaping @Sendable (String) throws -> String = { try FileHash.sha256(path: $0) },
                masksProvider: @escaping @Sendable (AnalysisContext) throws -> (hard: Volume, soft: Volume) = InputData.contextMasks) {
        self.hasher = hasher; self.masksProvider = masksProvider
    }

    public func run(_ context: AnalysisContext) throws -> SectionResult {
        let map = context.map
        var metrics: [String: JSONValue] = [:]
        var warnings: [String] = []
        metrics["file"] = .string(URL(fileURLWithPath: context.mapPath).lastPathComponent)
        metrics["path"] = .string(context.mapPath)
        do {
            metrics["sha256"] = .string(try hasher(context.mapPath))
        } catch {
            metrics["sha256"] = .null
            metrics["sha256_error"] = .string("\(error)")
            warnings.append("could not compute the SHA-256 of \(context.mapPath): \(error)")
        }
        metrics["box"] = JSONValue(map.dims)
        metrics["voxel_size_A"] = JSONValue(map.voxelSize)
        metrics["origin_A"] = JSONValue(map.originA)
        metrics["threshold"] = .number(context.threshold)
        metrics["resolution_A"] = JSONValue(context.resolution)

        let stats = InputData.statistics(map.data)
        metrics["min"] = JSONValue(stats.min)
        metrics["max"] = JSONValue(stats.max)
        metrics["mean"] = JSONValue(stats.mean)
        metrics["std"] = JSONValue(stats.std)
        metrics["non_finite_voxels"] = .int(stats.nonFinite)
        if stats.nonFinite > 0 {
            warnings.append("the map has \(stats.nonFinite) non-finite voxels (NaN or ±Inf)")
        }

        let central = Axis.allCases.map { map.centralIndex($0) }
        let maxVar = InputData.maxVarianceIndices(map)
        metrics["central_slices"] = JSONValue(SIMD3(central[0], central[1], central[2]))
        metrics["max_variance_slices"] = JSONValue(SIMD3(maxVar[0], maxVar[1], maxVar[2]))

        var figures: [Figure] = []
        let orientation = "Orientation used in every image of this report: a slice or projection along X is drawn "
            + "with Y to the right and Z upwards, along Y with X to the right and Z upwards, along Z with X to the "
            + "right and Y upwards; grey scale from each image's minimum (black) to maximum (white)."
        figures.append(Figure(
            id: "input_central_slices",
            caption: "Central slices of the map: X = \(central[0]), Y = \(central[1]), Z = \(central[2]) "
                + "(voxel indices from 0). " + orientation,
            content: .images(ImagePanels(panels: Axis.allCases.map {
                Image2D(map.slice($0, central[$0.rawValue]), label: "\($0.name) = \(central[$0.rawValue])")
            }))))
        figures.append(Figure(
            id: "input_max_variance_slices",
            caption: "Slices of largest variance along each axis: X = \(maxVar[0]), Y = \(maxVar[1]), Z = \(maxVar[2]).",
            content: .images(ImagePanels(panels: Axis.allCases.map {
                Image2D(map.slice($0, maxVar[$0.rawValue]), label: "\($0.name) = \(maxVar[$0.rawValue])")
            }))))
        let planes = InputData.projections(map)
        figures.append(Figure(
            id: "input_projections",
            caption: "Projections of the map (sums of the voxel values) along X, Y and Z.",
            content: .images(ImagePanels(panels: Axis.allCases.map {
                Image2D(planes.sum[$0.rawValue], label: "Sum along \($0.name)")
            }))))
        figures.append(Figure(
            id: "input_std_projections",
            caption: "Standard-deviation projections: the standard deviation of the voxel values on each line "
                + "parallel to X, Y and Z.",
            content: .images(ImagePanels(panels: Axis.allCases.map {
                Image2D(planes.std[$0.rawValue], label: "SD along \($0.name)")
            }))))
        let hist = InputData.histogram(map.data, min: stats.min, max: stats.max, bins: InputData.histogramBins)
        figures.append(Figure(
            id: "input_histogram",
            caption: "Histogram of the map values (\(hist.counts.count) bins from the minimum to the maximum, "
                + "logarithmic count axis) with the threshold T = \(InputData.format(context.threshold)) marked.",
            content: .histogram(Histogram(binEdges: hist.edges, counts: hist.counts, xLabel: "Map value",
                                          yLabel: "Voxels", logY: true,
                                          markers: [Marker(value: context.threshold,
                                                           label: "T = \(InputData.format(context.threshold))")]))))

        do {
            let masks = try masksProvider(context)
            let hardIdx = InputData.maxVarianceIndices(masks.hard)
            let softIdx = InputData.maxVarianceIndices(masks.soft)
            metrics["hard_mask_max_variance_slices"] = JSONValue(SIMD3(hardIdx[0], hardIdx[1], hardIdx[2]))
            metrics["soft_mask_max_variance_slices"] = JSONValue(SIMD3(softIdx[0], softIdx[1], softIdx[2]))
            for (name, vol, idx, what) in [("hard", masks.hard, hardIdx, "hard mask (largest connected component at T, dilated)"),
                                           ("soft", masks.soft, softIdx, "soft mask (hard mask smoothed by a Gaussian of σ = 2 voxels)")] {
                figures.append(Figure(
                    id: "input_\(name)_mask_max_variance_slices",
                    caption: "Slices of largest variance of the \(what): X = \(idx[0]), Y = \(idx[1]), Z = \(idx[2]).",
                    content: .images(ImagePanels(panels: Axis.allCases.map {
                        Image2D(vol.slice($0, idx[$0.rawValue]), label: "\($0.name) = \(idx[$0.rawValue])")
                    }, range: [0, 1]))))
            }
        } catch {
            metrics["masks_error"] = .string("\(error)")
        }
        return .evaluated(self, warnings: warnings, metrics: metrics, figures: figures)
    }

    // MARK: Pure helpers

    /// Min, max, mean and population standard deviation of the finite values (two passes); nil without any.
    public static func statistics(_ data: [Float]) -> (min: Double?, max: Double?, mean: Double?, std: Double?, nonFinite: Int) {
        var lo = Float.infinity, hi = -Float.infinity, sum = 0.0, n = 0
        data.withUnsafeBufferPointer { p in
            for v in p where v.isFinite {
                if v < lo { lo = v }
                if v > hi { hi = v }
                sum += Double(v); n += 1
            }
        }
        guard n > 0 else { return (nil, nil, nil, nil, data.count) }
        let mean = sum / Double(n)
        var ss = 0.0
        data.withUnsafeBufferPointer { p in
            for v in p where v.isFinite { let d = Double(v) - mean; ss += d * d }
        }
        return (Double(lo), Double(hi), mean, (ss / Double(n)).squareRoot(), data.count - n)
    }

    /// Histogram of the finite values with `bins` equal bins over [min, max] (the maximum falls in the last
    /// bin); one bin of width 1 centred on the value when all values are equal; no bins without values.
    public static func histogram(_ data: [Float], min lo: Double?, max hi: Double?, bins: Int) -> (edges: [Double], counts: [Double]) {
        guard let lo, let hi, bins > 0 else { return ([0, 1], [0]) }
        if !(hi > lo) {
            return ([lo - 0.5, lo + 0.5], [Double(data.reduce(0) { $0 + ($1.isFinite ? 1 : 0) })])
        }
        let width = (hi - lo) / Double(bins)
        var counts = [Int](repeating: 0, count: bins)
        let scale = Double(bins) / (hi - lo)
        data.withUnsafeBufferPointer { p in
            counts.withUnsafeMutableBufferPointer { c in
                for v in p where v.isFinite {
                    let k = Int((Double(v) - lo) * scale)
                    c[Swift.min(bins - 1, Swift.max(0, k))] += 1
                }
            }
        }
        let edges = (0...bins).map { $0 == bins ? hi : lo + Double($0) * width }
        return (edges, counts.map(Double.init))
    }

    /// The maximum-variance slice index along X, Y and Z.
    public static func maxVarianceIndices(_ v: Volume) -> [Int] {
        var out = [0, 0, 0]
        DispatchQueue.concurrentPerform(iterations: 3) { k in
            let idx = v.maxVarianceIndex(Axis(rawValue: k)!)
            InputData.lock.lock(); out[k] = idx; InputData.lock.unlock()
        }
        return out
    }

    /// Sum and standard-deviation projections along X, Y and Z (computed in parallel per axis).
    static func projections(_ v: Volume) -> (sum: [Plane], std: [Plane]) {
        let empty = Plane(width: 0, height: 0, values: [], pixelSizeA: .zero)
        var sum = [Plane](repeating: empty, count: 3), std = sum
        DispatchQueue.concurrentPerform(iterations: 6) { k in
            let axis = Axis(rawValue: k % 3)!
            let plane = k < 3 ? v.projection(axis) : v.stdProjection(axis)
            InputData.lock.lock()
            if k < 3 { sum[k] = plane } else { std[k - 3] = plane }
            InputData.lock.unlock()
        }
        return (sum, std)
    }

    private static let lock = NSLock()

    /// A number for a caption or label: up to 4 significant digits, no trailing zeros.
    static func format(_ x: Double) -> String {
        guard x.isFinite else { return "\(x)" }
        return String(format: "%.4g", x)
    }

    // MARK: Masks from the shared context

    /// The context's hard and soft masks as volumes on the map's grid.
    public static let contextMasks: @Sendable (AnalysisContext) throws -> (hard: Volume, soft: Volume) = { context in
        let masks = try context.masks()
        guard let hard = maskVolume(masks, named: "hard", like: context.map),
              let soft = maskVolume(masks, named: "soft", like: context.map) else {
            throw SectionError.failed("masks: no hard/soft mask volume found in Masks")
        }
        return (hard, soft)
    }

    /// Finds the mask called `name` in `masks` (a Volume, or voxel values as [Float], [Bool] or [UInt8] on the
    /// map's grid). Reflection keeps this section independent of how Masks stores its volumes.
    static func maskVolume(_ masks: Masks, named name: String, like map: Volume) -> Volume? {
        for child in Mirror(reflecting: masks).children where child.label == name {
            switch child.value {
            case let v as Volume: return v
            case let a as [Float] where a.count == map.count: return map.withData(a)
            case let a as [Bool] where a.count == map.count: return map.withData(a.map { $0 ? 1 : 0 })
            case let a as [UInt8] where a.count == map.count: return map.withData(a.map { Float($0) })
            default: continue
            }
        }
        return nil
    }
}
