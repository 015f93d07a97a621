// Input data (report section 1, not scored): what was analysed — file, SHA-256, box, voxel size, origin,
// threshold T, resolution R, map statistics — and how the map looks: central and maximum-variance slices,
// projections (sums), standard-deviation projections (as in EMDB's validation report), the density
// histogram with T marked, and maximum-variance slices of the hard and soft masks (docs/methods.md "input").
//
// Conventions (docs/methods.md "Conventions"): slice i along X is V[i, :, :]; the central slice is N/2 (integer
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

    /// SHA-256 of a file (hex); injectable so tests need no real file. Nil: the context's digest of the map file
    /// (`AnalysisContext.mapSHA256()`, computed once per run, beside the reading when the pipeline starts it).
    public var hasher: (@Sendable (String) throws -> String)?
    /// The hard mask and the soft mask (as its non-zero box) on the map's grid; injectable for tests.
    public var masksProvider: @Sendable (AnalysisContext) throws -> (hard: BinaryMask, soft: CroppedVolume)

    /// Number of histogram bins between the map's minimum and maximum.
    public static let histogramBins = 128

    public init(hasher: (@Sendable (String) throws -> String)? = nil,
                masksProvider: @escaping @Sendable (AnalysisContext) throws -> (hard: BinaryMask, soft: CroppedVolume) = InputData.contextMasks) {
        self.hasher = hasher; self.masksProvider = masksProvider
    }

    public func run(_ context: AnalysisContext) throws -> SectionResult {
        let map = context.map
        var metrics: [String: JSONValue] = [:]
        var warnings: [String] = []
        metrics["file"] = .string(URL(fileURLWithPath: context.mapPath).lastPathComponent)
        metrics["path"] = .string(context.mapPath)
        do {
            metrics["sha256"] = .string(try hasher.map { try $0(context.mapPath) } ?? context.mapSHA256())
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
        if map.isAnisotropic {
            metrics["anisotropic_note"] = .string("The voxel sizes differ between axes; lengths along an axis use "
                + "that axis's voxel size, and where one voxel size is needed (mask dilation, Fourier resampling) "
                + "the X size, \(NumberText.format(map.voxelSize.x)) Å, is used.")
        }

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
        let planes = InputData.planeSummary(map)
        let maxVar = planes.maxVariance
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
        // Above 160³ voxels the views contour the map at half the sampling: millions of triangles more would
        // not show at the views' pixel size, and would cost time and memory (a 512³ map).
        let grid = LocalMapSurface.contourGrid(map)
        let surface = SurfaceViews.isosurface(volume: grid, threshold: context.threshold)
        if surface.mesh.triangleCount > 0 {
            figures.append(Figure(
                id: "input_isosurface_views",
                caption: "Isosurface of the map at T = \(NumberText.format(context.threshold)) seen from three "
                    + "directions (rotations about X, Y, Z of (0, −90, −90), (−90, 0, −90) and (0, 0, 0) degrees): "
                    + "from +X with Y to the right and Z up; from −Y with Z to the right and −X up; from +Z with "
                    + "X to the right and Y up."
                    + (grid.count == map.count ? "" : " Contoured on the map Fourier-resampled to half the sampling "
                        + "(\(grid.nx)×\(grid.ny)×\(grid.nz) voxels)."),
                content: .surface(surface)))
        } else {
            metrics["isosurface_error"] = .string("no isosurface at T = \(NumberText.format(context.threshold)): "
                + "the threshold is outside the map's range")
        }
        let hist = InputData.histogram(map.data, min: stats.min, max: stats.max, bins: InputData.histogramBins)
        figures.append(Figure(
            id: "input_histogram",
            caption: "Histogram of the map values (\(hist.counts.count) bins from the minimum to the maximum, "
                + "logarithmic count axis) with the threshold T = \(NumberText.format(context.threshold)) marked.",
            content: .histogram(Histogram(binEdges: hist.edges, counts: hist.counts, xLabel: "Map value",
                                          yLabel: "Voxels", logY: true,
                                          markers: [Marker(value: context.threshold,
                                                           label: "T = \(NumberText.format(context.threshold))")]))))

        do {
            let masks = try masksProvider(context)
            // From the masks as stored (one byte per voxel, the soft mask's non-zero box): no full float copy.
            let hardIdx = Axis.allCases.map { masks.hard.maxVarianceIndex($0) }
            let softIdx = Axis.allCases.map { masks.soft.maxVarianceIndex($0) }
            metrics["hard_mask_max_variance_slices"] = JSONValue(SIMD3(hardIdx[0], hardIdx[1], hardIdx[2]))
            metrics["soft_mask_max_variance_slices"] = JSONValue(SIMD3(softIdx[0], softIdx[1], softIdx[2]))
            metrics["dilation_voxels"] = .int(Masks.dilationRadius(voxelSizeA: map.voxelSize.x))
            let slices: [(String, (Axis, Int) -> Plane, [Int], String)] = [
                ("hard", { masks.hard.slice($0, $1, voxelSize: map.voxelSize) }, hardIdx,
                 "hard mask (largest connected component at T, dilated)"),
                ("soft", { masks.soft.slice($0, $1) }, softIdx, "soft mask (hard mask smoothed by a Gaussian of σ = 2 voxels)")]
            for (name, slice, idx, what) in slices {
                figures.append(Figure(
                    id: "input_\(name)_mask_slices",
                    caption: "Slices of largest variance of the \(what): X = \(idx[0]), Y = \(idx[1]), Z = \(idx[2]).",
                    content: .images(ImagePanels(panels: Axis.allCases.map {
                        Image2D(slice($0, idx[$0.rawValue]), label: "\($0.name) = \(idx[$0.rawValue])")
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

    /// Sum and standard-deviation projections along X, Y and Z, and the max-variance slice indices, from
    /// one pass over the volume (the same values as `Volume.projection`, `.stdProjection`,
    /// `.maxVarianceIndex`, which take one pass each).
    static func planeSummary(_ v: Volume) -> (sum: [Plane], std: [Plane], maxVariance: [Int]) {
        let acc = PlaneSums.accumulate(v, projections: true)
        var sum: [Plane] = [], std: [Plane] = []
        let n = [v.nx, v.ny, v.nz]
        for a in 0..<3 {
            let (u, w) = Volume.planeAxes(Axis(rawValue: a)!)
            let px = SIMD2(v.voxelSize[u.rawValue], v.voxelSize[w.rawValue])
            let width = n[u.rawValue], height = n[w.rawValue]
            let s = acc.proj[a], s2 = acc.proj2[a]
            let count = Double(n[a])
            sum.append(Plane(width: width, height: height, values: s.map { Float($0) }, pixelSizeA: px))
            std.append(Plane(width: width, height: height, values: (0..<s.count).map { i in
                let m = s[i] / count
                return Float(max(0, s2[i] / count - m * m).squareRoot())
            }, pixelSizeA: px))
        }
        return (sum, std, (0..<3).map { acc.maxVarianceIndex(axis: $0, volume: v) })
    }

    /// Per-slice sums (for slice variances) and per-line sums (for projections) along the three axes,
    /// accumulated in Double over z-slabs in parallel.
    struct PlaneSums {
        /// Slice sums and sums of squares along X, Y, Z (index = slice).
        var slice: [[Double]]
        var slice2: [[Double]]
        /// Projections along X (index y + ny·z), Y (x + nx·z), Z (x + nx·y): sums and sums of squares.
        var proj: [[Double]]
        var proj2: [[Double]]

        init(_ v: Volume, projections: Bool) {
            slice = [v.nx, v.ny, v.nz].map { [Double](repeating: 0, count: $0) }
            slice2 = slice
            proj = projections ? [v.ny * v.nz, v.nx * v.nz, v.nx * v.ny].map { [Double](repeating: 0, count: $0) } : [[], [], []]
            proj2 = proj
        }

        mutating func add(_ o: PlaneSums) {
            for a in 0..<3 {
                for i in slice[a].indices { slice[a][i] += o.slice[a][i]; slice2[a][i] += o.slice2[a][i] }
                for i in proj[a].indices { proj[a][i] += o.proj[a][i]; proj2[a][i] += o.proj2[a][i] }
            }
        }

        func maxVarianceIndex(axis a: Int, volume v: Volume) -> Int {
            SliceVariance.largest(SliceVariance.variances(sums: slice[a], sumsOfSquares: slice2[a],
                                                          valuesPerSlice: Double(v.count / [v.nx, v.ny, v.nz][a])))
        }

        static func accumulate(_ v: Volume, projections: Bool) -> PlaneSums {
            let nx = v.nx, ny = v.ny, nz = v.nz
            let slabs = min(nz, 4)
            var parts = [PlaneSums?](repeating: nil, count: slabs)
            let lock = NSLock()
            v.data.withUnsafeBufferPointer { data in
                Parallel.perform(iterations: slabs) { s in
                    var acc = PlaneSums(v, projections: projections)
                    let z0 = s * nz / slabs, z1 = (s + 1) * nz / slabs
                    var sx = [Double](repeating: 0, count: nx), sx2 = sx
                    var pz = [Double](repeating: 0, count: projections ? nx * ny : 0), pz2 = pz
                    var py = [Double](repeating: 0, count: projections ? nx * nz : 0), py2 = py
                    var pxs = [Double](repeating: 0, count: projections ? ny * nz : 0), pxs2 = pxs
                    var sy = [Double](repeating: 0, count: ny), sy2 = sy
                    var szs = [Double](repeating: 0, count: nz), sz2 = szs
                    for z in z0..<z1 {
                        for y in 0..<ny {
                            let row = data.baseAddress! + nx * (y + ny * z)
                            var rs = 0.0, rs2 = 0.0
                            if projections {
                                let pzRow = y * nx, pyRow = z * nx
                                for x in 0..<nx {
                                    let d = Double(row[x]), d2 = d * d
                                    rs += d; rs2 += d2
                                    sx[x] += d; sx2[x] += d2
                                    pz[pzRow + x] += d; pz2[pzRow + x] += d2
                                    py[pyRow + x] += d; py2[pyRow + x] += d2
                                }
                                pxs[y + ny * z] = rs; pxs2[y + ny * z] = rs2
                            } else {
                                for x in 0..<nx {
                                    let d = Double(row[x]), d2 = d * d
                                    rs += d; rs2 += d2
                                    sx[x] += d; sx2[x] += d2
                                }
                            }
                            sy[y] += rs; sy2[y] += rs2
                            szs[z] += rs; sz2[z] += rs2
                        }
                    }
                    acc.slice = [sx, sy, szs]; acc.slice2 = [sx2, sy2, sz2]
                    if projections { acc.proj = [pxs, py, pz]; acc.proj2 = [pxs2, py2, pz2] }
                    lock.lock(); parts[s] = acc; lock.unlock()
                }
            }
            // Merge in slab order so that the sums do not depend on thread timing.
            var total = parts[0]!
            for p in parts.dropFirst() { total.add(p!) }
            return total
        }
    }

    // MARK: Masks from the shared context

    /// The context's hard mask and soft mask (its non-zero box).
    public static let contextMasks: @Sendable (AnalysisContext) throws -> (hard: BinaryMask, soft: CroppedVolume) = { context in
        let masks = try context.masks()
        return (masks.hard, masks.soft)
    }
}
