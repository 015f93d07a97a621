// 3D views of per-voxel local maps (0.e local resolution, 0.f local B-factor, 0.g local occupancy, 1.c local
// resolution from the halves) and of the atomic model (A.model, A.d): the map's isosurface at T, coloured by a
// local map sampled at each vertex.
//
// Conventions:
// - The surface is that of the map multiplied by the hard mask at T (as in VRS), in Å
//   from the map's voxel size and origin. It is extracted once per analysis context and shared by the sections;
//   maps above 160³ voxels are contoured on a grid of half the sampling (see `maxSurfaceGridVoxels`).
// - A local map is sampled at each vertex in Å through its own grid (voxel size and origin), so maps computed on
//   a resampled grid (0.f, 0.g at R/2 Å per voxel) land where they belong. Local maps are NaN outside the mask;
//   the trilinear interpolation uses the finite corners only (weights renormalised) and, where the enclosing cell
//   has none (the nearest-neighbour mask on a coarser grid), the nearest finite voxel within 2 voxels; a vertex
//   with neither stays NaN and is drawn grey.
// - Colour range: a fixed range when the quantity has one (occupancy 0–1), else the 2.5 and 97.5 percentiles of
//   the vertex values (values outside are clamped to the ends of the colour bar).
import Foundation
import MapIO
import VolumeNumerics

enum LocalMapSurface {
    /// Vertices farther than this (voxels of the local map's grid) from any finite value stay NaN.
    static let searchRadiusVoxels = 2

    /// The isosurface at T of the map multiplied by the hard mask, once per context: a shared value
    /// (`SharedValue.hardMaskedSurface`) of the sections that colour it (0.e, 0.f, 0.g, 1.c, A.model), released
    /// after the last of them when the sections run one at a time.
    static func hardMaskedSurface(_ context: AnalysisContext) throws -> IsosurfaceMesh {
        try context.shared(.hardMaskedSurface) {
            surface(map: context.map, threshold: context.threshold, hardMask: try context.masks().hard.voxels)
        }
    }

    /// Maps with more voxels than this are contoured on a grid twice as coarse (Fourier-resampled, mask by
    /// nearest voxel): a 256³ map gives millions of triangles, far more than the views' pixels can show, and the
    /// render time grows with them.
    static let maxSurfaceGridVoxels = 160 * 160 * 160

    /// The grid a map is contoured on for 3D views: the map itself, or, above `maxVoxels`, the map
    /// Fourier-resampled to half the sampling (same box and origin).
    static func contourGrid(_ map: Volume, maxVoxels: Int = maxSurfaceGridVoxels) -> Volume {
        guard map.count > maxVoxels else { return map }
        return FourierResample.resample(map, to: SIMD3((map.nx + 1) / 2, (map.ny + 1) / 2, (map.nz + 1) / 2))
    }

    /// The isosurface at `threshold` of `map` multiplied by `hardMask` (one flag per map voxel); on a grid of
    /// half the sampling when the map has more than `maxVoxels` voxels.
    static func surface(map: Volume, threshold: Double, hardMask: [Bool], maxVoxels: Int = maxSurfaceGridVoxels) -> IsosurfaceMesh {
        precondition(hardMask.count == map.count, "surface: \(hardMask.count) mask voxels for a map of \(map.count)")
        let grid = contourGrid(map, maxVoxels: maxVoxels)
        let mask = grid.count == map.count ? hardMask : LocalBandFits.resampleMask(hardMask, from: map.dims, to: grid.dims)
        return grid.isosurface(threshold: threshold, mask: grid.withData(mask.map { $0 ? 1 : 0 }))
    }

    /// Values of `local` (NaN outside its mask) at the mesh vertices, in Å through `local`'s own grid.
    static func sample(_ mesh: IsosurfaceMesh, _ local: Volume) -> [Float] {
        let origin = local.originA, vs = local.voxelSize
        let (nx, ny, nz) = (local.nx, local.ny, local.nz)
        let hi = SIMD3<Double>(Double(nx - 1), Double(ny - 1), Double(nz - 1))
        var out = [Float](repeating: .nan, count: mesh.vertexCount)
        local.data.withUnsafeBufferPointer { d in
            mesh.vertices.withUnsafeBufferPointer { p in
                for v in 0..<mesh.vertexCount {
                    var g = (SIMD3(Double(p[3 * v]), Double(p[3 * v + 1]), Double(p[3 * v + 2])) - origin) / vs
                    g = pointwiseMax(pointwiseMin(g, hi), .zero)
                    let i0 = SIMD3<Int>(Int(g.x), Int(g.y), Int(g.z))
                    let w = g - SIMD3<Double>(Double(i0.x), Double(i0.y), Double(i0.z))
                    var sum = 0.0, weight = 0.0
                    for c in 0..<8 {
                        let (dx, dy, dz) = (c & 1, (c >> 1) & 1, (c >> 2) & 1)
                        let x = min(i0.x + dx, nx - 1), y = min(i0.y + dy, ny - 1), z = min(i0.z + dz, nz - 1)
                        let value = d[x + nx * (y + ny * z)]
                        guard value.isFinite else { continue }
                        let wc = (dx == 1 ? w.x : 1 - w.x) * (dy == 1 ? w.y : 1 - w.y) * (dz == 1 ? w.z : 1 - w.z)
                        sum += wc * Double(value); weight += wc
                    }
                    if weight > 1e-9 { out[v] = Float(sum / weight); continue }
                    // No finite corner with weight: the nearest finite voxel (Euclidean, in voxels) nearby.
                    let r = searchRadiusVoxels
                    var best = Double.infinity
                    for z in max(i0.z - r, 0)...min(i0.z + r + 1, nz - 1) {
                        for y in max(i0.y - r, 0)...min(i0.y + r + 1, ny - 1) {
                            for x in max(i0.x - r, 0)...min(i0.x + r + 1, nx - 1) {
                                let value = d[x + nx * (y + ny * z)]
                                guard value.isFinite else { continue }
                                let e = SIMD3<Double>(Double(x), Double(y), Double(z)) - g
                                let d2 = (e * e).sum()
                                if d2 < best { best = d2; out[v] = value }
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// The coloured surface figure, or the reason it cannot be drawn.
    /// - Parameters:
    ///   - local: the local map (NaN outside the mask) on its own grid.
    ///   - fixedRange: the colour range when the quantity has one; nil: the 2.5–97.5 percentiles of the vertex values.
    ///   - what: the quantity with its unit for the caption, e.g. "local resolution (Å)".
    ///   - grid: how the local map was computed, for the caption (e.g. "computed on the map resampled to 1.6 Å per voxel").
    static func figure(id: String, mesh: IsosurfaceMesh, threshold: Double, local: Volume,
                       fixedRange: ClosedRange<Double>? = nil, colormap: String, colorbarLabel: String,
                       what: String, unit: String, grid: String? = nil) -> Result<Figure, FigureUnavailable> {
        let t = NumberText.format(threshold)
        guard mesh.triangleCount > 0 else {
            return .failure(FigureUnavailable("no isosurface of the map multiplied by the hard mask at T = \(t)"))
        }
        let values = sample(mesh, local)
        let finite = values.filter(\.isFinite).count
        guard finite > 0 else {
            return .failure(FigureUnavailable("no \(what) value within \(searchRadiusVoxels) voxels of the isosurface at T = \(t)"))
        }
        let range = fixedRange ?? SurfaceViews.percentileRange(values, 2.5, 97.5)
        let u = unit.isEmpty ? "" : " \(unit)"
        let rangeText = fixedRange == nil
            ? "from \(NumberText.format(range.lowerBound)) to \(NumberText.format(range.upperBound))\(u) (the 2.5 and 97.5 percentiles of the vertex values; values beyond are drawn in the end colours)"
            : "from \(NumberText.format(range.lowerBound)) to \(NumberText.format(range.upperBound))\(u)"
        let grey = finite < values.count
            ? " \(values.count - finite) of \(values.count) vertices have no value within \(searchRadiusVoxels) voxels and are grey."
            : ""
        let caption = "Isosurface of the map multiplied by the hard mask at T = \(t), coloured by the \(what) sampled "
            + "at each vertex (trilinear interpolation\(grid.map { "; \($0)" } ?? "")); the colours (\(colormap)) run "
            + "\(rangeText).\(grey) " + SurfaceViews.standardViewsCaption
        let views = SurfaceViews(mesh: TriangleMesh(mesh), vertexValues: values, colormap: colormap,
                                 range: [range.lowerBound, range.upperBound], colorbarLabel: colorbarLabel)
        return .success(Figure(id: id, caption: caption, content: .surface(views)))
    }

    /// Appends the figure, or records `<id>_error` in the metrics when it cannot be built.
    static func append(_ result: Result<Figure, FigureUnavailable>, id: String, figures: inout [Figure],
                       metrics: inout [String: JSONValue]) {
        switch result {
        case .success(let f): figures.append(f)
        case .failure(let e): metrics["\(id)_error"] = .string(e.reason)
        }
    }
}

/// Why a figure was left out (recorded as the metric `<figure id>_error`; the section still runs).
struct FigureUnavailable: Error, Equatable {
    let reason: String
    init(_ reason: String) { self.reason = reason }
}
