// The 3D views of the local maps (0.e, 0.f, 0.g; 1.c is checked in Level1LocalTests) and of the model (A.model,
// A.d). Truths: a linear coordinate field sampled through a resampled grid with its own origin and voxel size
// reads back the vertex coordinate; two-region phantoms of known local resolution / B-factor read back each
// region's value on the surface vertices of that region; the model views hold the model's Cα atoms.
import Foundation
import Testing
import MapIO
import ModelIO
import VolumeNumerics
@testable import Analysis

/// Vertex values (finite only) of a surface figure whose vertices' x (Å) satisfies `region`.
private func vertexValues(_ views: SurfaceViews, where region: (Float) -> Bool) -> [Float] {
    var out: [Float] = []
    for v in 0..<views.mesh.vertexCount where region(views.mesh.vertices[3 * v]) {
        if let x = views.vertexValues?[v], x.isFinite { out.append(x) }
    }
    return out
}

private func surface(_ result: SectionResult, _ id: String) throws -> (Figure, SurfaceViews) {
    let f = try #require(result.figures.first { $0.id == id }, "figure \(id) missing; have \(result.figures.map(\.id)), metrics \(result.metrics.keys.filter { $0.hasSuffix("_error") }.map { "\($0): \(result.metrics[$0]!)" })")
    guard case .surface(let views) = f.content else { Issue.record("\(id) is not a .surface figure"); throw SectionError.failed("not a surface") }
    return (f, views)
}

@Suite struct SectionSurfaceViewsTests {
    /// The hard-masked surface is one value of the context, made once for every section that colours it, and each
    /// of those sections declares it, so that a large map's run lets it go after the last of them.
    @Test func theColouredSurfaceIsASharedValueOfItsReaders() throws {
        var map = Volume(nx: 24, ny: 24, nz: 24, voxelSize: SIMD3(repeating: 1.5))
        for z in 0..<24 { for y in 0..<24 { for x in 0..<24 {
            let d = SIMD3(Double(x), Double(y), Double(z)) - 11.5
            map[x, y, z] = Float(exp(-(d * d).sum() / 18))
        } } }
        let c = AnalysisContext(map: map, mapPath: "blob.mrc", threshold: 0.5, resolution: 4)
        let first = try LocalMapSurface.hardMaskedSurface(c)
        #expect(first.triangleCount > 50 && c.holds(.hardMaskedSurface))
        #expect(try LocalMapSurface.hardMaskedSurface(c).vertices == first.vertices)
        c.release(.hardMaskedSurface)
        #expect(!c.holds(.hardMaskedSurface))
        let readers: [any Section] = [LocalResolution(), LocalBFactor(), LocalOccupancy(), LocalResolutionFromHalves(),
                                      AtomicModelSection()]
        for s in readers { #expect(s.sharedValues.contains(.hardMaskedSurface), "\(s.id) does not declare the surface") }
    }

    /// A Gaussian blob off the box centre (1.2 Å voxels, non-zero origin), a linear field x_a (Å) on the map
    /// resampled to 2.4 Å per voxel: sampling the field at the surface vertices must give each vertex's x_a.
    @Test func resampledGridMapsToVertexPositions() throws {
        var map = Volume(nx: 40, ny: 36, nz: 32, voxelSize: SIMD3(repeating: 1.2))
        map.headerOrigin = SIMD3(10, -5, 3)
        let centre = SIMD3<Double>(17, 20, 14)   // voxels
        for z in 0..<map.nz { for y in 0..<map.ny { for x in 0..<map.nx {
            let d = (SIMD3(Double(x), Double(y), Double(z)) - centre) / SIMD3(7, 5, 4)
            map[x, y, z] = Float(exp(-(d * d).sum() / 2))
        } } }
        let hard = map.data.map { $0 >= 0.2 }
        let mesh = LocalMapSurface.surface(map: map, threshold: 0.5, hardMask: hard)
        #expect(mesh.triangleCount > 100, "surface of the blob: \(mesh.triangleCount) triangles")
        let coarse = FourierResample.resample(map, voxelSizeA: 2.4)
        let m = coarse.dims
        #expect(coarse.originA == map.originA, "resampled origin \(coarse.originA), map origin \(map.originA)")
        // Masked at the surface's own level, so vertices sit on the mask's edge and the NaN handling is exercised.
        let coarseMask = LocalBandFits.resampleMask(map.data.map { $0 >= 0.5 }, from: map.dims, to: m)
        for axis in 0..<3 {
            var field = [Float](repeating: 0, count: coarse.count), masked = field
            for z in 0..<m.z { for y in 0..<m.y { for x in 0..<m.x {
                let i = x + m.x * (y + m.y * z)
                let c = coarse.originA[axis] + Double([x, y, z][axis]) * coarse.voxelSize[axis]
                field[i] = Float(c); masked[i] = coarseMask[i] ? Float(c) : .nan
            } } }
            // Everywhere finite: trilinear interpolation of a linear field is exact.
            let full = LocalMapSurface.sample(mesh, coarse.withData(field))
            var worst = 0.0
            for v in 0..<mesh.vertexCount { worst = max(worst, abs(Double(full[v]) - Double(mesh.vertices[3 * v + axis]))) }
            print("axis \(axis): resampled \(m) at \(coarse.voxelSize.x) Å, worst |sampled − vertex| \(worst) Å over \(mesh.vertexCount) vertices")
            #expect(worst <= 2e-3, "axis \(axis): sampled field vs vertex coordinate, worst error \(worst) Å (tolerance 0.002 Å)")
            // NaN outside the (nearest-neighbour resampled) mask: finite corners only, so within a few voxels.
            let part = LocalMapSurface.sample(mesh, coarse.withData(masked))
            var errors: [Double] = []
            var nan = 0
            for v in 0..<mesh.vertexCount {
                if part[v].isNaN { nan += 1; continue }
                errors.append(abs(Double(part[v]) - Double(mesh.vertices[3 * v + axis])))
            }
            errors.sort()
            let med = errors[errors.count / 2], mx = errors.last!
            print("axis \(axis), masked: median error \(med) Å, max \(mx) Å, \(nan) NaN vertices")
            #expect(nan == 0, "axis \(axis): \(nan) vertices without a value near the mask")
            #expect(med <= 0.5 * 2.4 && mx <= 3 * 2.4, "axis \(axis): masked sampling, median error \(med) Å (≤ 1.2), max \(mx) Å (≤ 7.2)")
        }
    }

    /// Large maps are contoured on a grid of half the sampling: the blob's enclosed volume must agree with the
    /// analytic ellipsoid volume at the 0.5 level of the Gaussian, (4/3)π·abc·(2 ln 2)^{3/2} voxels × 1.2³ Å³.
    @Test func coarseSurfaceKeepsTheVolume() {
        var map = Volume(nx: 48, ny: 48, nz: 48, voxelSize: SIMD3(repeating: 1.2))
        let s = SIMD3<Double>(7, 5, 4)
        for z in 0..<48 { for y in 0..<48 { for x in 0..<48 {
            let d = (SIMD3(Double(x), Double(y), Double(z)) - 24) / s
            map[x, y, z] = Float(exp(-(d * d).sum() / 2))
        } } }
        let hard = [Bool](repeating: true, count: map.count)
        let truth = 4.0 / 3 * Double.pi * s.x * s.y * s.z * pow(2 * log(2.0), 1.5) * pow(1.2, 3)
        let fine = LocalMapSurface.surface(map: map, threshold: 0.5, hardMask: hard)
        let coarse = LocalMapSurface.surface(map: map, threshold: 0.5, hardMask: hard, maxVoxels: 1000)
        let vf = fine.enclosedVolumeA3, vc = coarse.enclosedVolumeA3
        print("blob volume: truth \(truth) Å³, fine \(vf) (\(fine.triangleCount) tri), coarse \(vc) (\(coarse.triangleCount) tri)")
        #expect(coarse.triangleCount < fine.triangleCount / 3, "coarse grid: \(coarse.triangleCount) vs \(fine.triangleCount) triangles")
        // Linear interpolation cuts chords inside a convex surface: the coarse grid (smallest semi-axis 2.4 voxels)
        // loses a few per cent.
        #expect(abs(vf / truth - 1) <= 0.02 && abs(vc / truth - 1) <= 0.06, "volumes fine \(vf), coarse \(vc), truth \(truth) Å³")
    }

    @Test func emptySurfaceIsAnErrorMetricNotAFigure() {
        let local = Volume(nx: 4, ny: 4, nz: 4, value: 1)
        let r = LocalMapSurface.figure(id: "0e_x", mesh: IsosurfaceMesh(), threshold: 9, local: local, colormap: "viridis",
                                       colorbarLabel: "x", what: "x", unit: "Å")
        var figures: [Figure] = [], metrics: [String: JSONValue] = [:]
        LocalMapSurface.append(r, id: "0e_x", figures: &figures, metrics: &metrics)
        #expect(figures.isEmpty && metrics["0e_x_error"]?.stringValue?.contains("T = 9") == true, "metrics \(metrics)")
    }

    /// 0.e on the two-resolution phantom (left 8 Å, right 4.5 Å): the surface's values span both.
    @Test func localResolutionSurfaceSpansBothResolutions() throws {
        let leftA = 8.0, rightA = 4.5
        let map = twoHalvesMap(leftA: leftA, rightA: rightA, noise: 0.01, radiusA: 18, edgeInvA: 0.03)
        let ctx = AnalysisContext(map: map, mapPath: "phantom", threshold: thresholdKeeping(map, fraction: 0.08), resolution: 4.5)
        let result = try LocalResolution().run(ctx)
        #expect(result.figures.map(\.id) == ["0e_local_resolution_histogram", "0e_local_resolution_slices", "0e_local_resolution_surface"])
        let (f, views) = try surface(result, "0e_local_resolution_surface")
        let values = try #require(views.vertexValues)
        #expect(values.count == views.mesh.vertexCount && views.mesh.triangleCount > 0)
        // One scan step around d: the largest gap between consecutive scanned resolutions near d.
        let scanned = result.metrics["scanned_resolutions_A"]!.arrayValue!.map { $0.doubleValue! }
        func step(_ d: Double) -> Double {
            zip(scanned, scanned.dropFirst()).filter { min($0, $1) - 0.5 <= d && d <= max($0, $1) + 0.5 }.map { abs($0 - $1) }.max() ?? 0
        }
        let left = LocalValueSummary(vertexValues(views) { $0 < 26 }).percentile(50)
        let right = LocalValueSummary(vertexValues(views) { $0 > 38 }).percentile(50)
        print("0.e surface: \(views.mesh.vertexCount) vertices, left median \(left) Å (truth 8), right \(right) Å (truth 4.5), range \(views.range!)")
        // The surface lies at the molecule's edge, where the amplitude falls: one step more than in the bulk.
        #expect(abs(left - leftA) <= 2 * step(leftA) + 1e-3, "left vertices: expected \(leftA) Å, observed \(left) Å")
        #expect(abs(right - rightA) <= 2 * step(rightA) + 1e-3, "right vertices: expected \(rightA) Å, observed \(right) Å")
        let range = try #require(views.range)
        #expect(range[0] < 6 && range[1] > 6.5, "colour range \(range) should span both resolutions")
        #expect(views.colorbarLabel == "Local resolution (Å)")
        #expect(f.caption.contains("T = ") && f.caption.contains("(0°, −90°, −90°)") && f.caption.contains("Å"), "\(f.caption)")
    }

    /// 0.f and 0.g on a sphere of random atoms whose left half has B = 100 Å² and right half B = 30 Å², R = 8 Å,
    /// computed on the map resampled to 1/(2·(1/8 + 4·4.8/64)) ≈ 1.18 Å (a 54³ grid): the vertices of each half read the B of the resampled voxels near them
    /// (located by the test's own index → Å mapping), and the left half the more negative. (Near the surface the
    /// local fits read more negative than the bulk B: the molecule's edge adds to the fall-off.)
    @Test func localBFactorAndOccupancySurfacesSampleTheResampledGrid() throws {
        let n = 64
        func half(_ b: Double, left: Bool, seed: UInt64) -> Volume {
            randomAtomMap(n: n, voxelA: 1, atoms: 3000, crystallographicB: b, seed: seed, weight: { p in
                (p - SIMD3(32, 32, 32)).squaredLength() < 22 * 22 && (p.x < 32) == left ? 1 : 0 })
        }
        let l = half(100, left: true, seed: 61), r = half(30, left: false, seed: 62)
        let map = l.withData(zip(l.data, r.data).map { $0 + $1 })
        let ctx = AnalysisContext(map: map, mapPath: "phantom", threshold: thresholdKeeping(map, fraction: 0.1), resolution: 8)
        let b = try LocalBFactor().run(ctx)
        #expect(b.figures.map(\.id) == ["0f_local_bfactor_histogram", "0f_local_bfactor_slices", "0f_local_bfactor_surface"])
        let (fb, vb) = try surface(b, "0f_local_bfactor_surface")
        let t = 64.0 / 54
        #expect(abs(b.metrics["resampled_voxel_A"]!.doubleValue! - t) < 1e-9, "resampled voxel \(b.metrics["resampled_voxel_A"]!)")
        #expect(b.metrics["resampled"] == .bool(true))
        let slicesCaption = try #require(b.figures.first { $0.id == "0f_local_bfactor_slices" }).caption
        #expect(slicesCaption.contains("map resampled to 1.185 Å per voxel; slice indices on that grid"), "\(slicesCaption)")
        #expect(b.figures[0].caption.contains("voxels of the map resampled to 1.185 Å per voxel"), "\(b.figures[0].caption)")
        let left = LocalValueSummary(vertexValues(vb) { $0 < 24 }).percentile(50)
        let right = LocalValueSummary(vertexValues(vb) { $0 > 40 }).percentile(50)
        // Reference: the section's own per-voxel B (resampled grid) in the same two slabs, the mask voxels nearest
        // to the vertices, located by the test's own index → Å mapping (i · t Å from the zero origin).
        let a = try LocalBandAnalysis.compute(ctx)
        let m = a.grid.dims
        var nearSurface = Set<Int>()
        for v in 0..<vb.mesh.vertexCount {
            let p = SIMD3(Double(vb.mesh.vertices[3 * v]), Double(vb.mesh.vertices[3 * v + 1]), Double(vb.mesh.vertices[3 * v + 2])) / t
            // The grid voxel nearest to the vertex (the B map changes steeply at the molecule's edge at 15–8 Å).
            let q = SIMD3(Int(p.x.rounded()), Int(p.y.rounded()), Int(p.z.rounded()))
            if q.x >= 0 && q.y >= 0 && q.z >= 0 && q.x < m.x && q.y < m.y && q.z < m.z { nearSurface.insert(q.x + m.x * (q.y + m.y * q.z)) }
        }
        var refL: [Float] = [], refR: [Float] = []
        for i in nearSurface where a.maps.bFactorA2[i].isFinite {
            let xA = Double(i % m.x) * t
            if xA < 24 { refL.append(a.maps.bFactorA2[i]) } else if xA > 40 { refR.append(a.maps.bFactorA2[i]) }
        }
        let rl = LocalValueSummary(refL).percentile(50), rr = LocalValueSummary(refR).percentile(50)
        print("0.f surface: \(vb.mesh.vertexCount) vertices, left median \(left) Å² (voxels near the surface \(rl), bulk truth −100), right \(right) Å² (near surface \(rr), bulk truth −30), range \(vb.range!)")
        #expect(abs(left - rl) <= 15 && abs(right - rr) <= 15, "surface medians \(left), \(right) Å² vs near-surface voxel medians \(rl), \(rr) Å²")
        #expect(left < right - 10, "left (B 100) must read more blurred than right (B 30): \(left) vs \(right) Å²")
        #expect(fb.caption.contains("resampled to 1.185 Å per voxel"), "\(fb.caption)")

        let o = try LocalOccupancy().run(ctx)
        let (_, vo) = try surface(o, "0g_local_occupancy_surface")
        let values = try #require(vo.vertexValues).filter(\.isFinite)
        #expect(vo.range == [0, 1] && vo.colorbarLabel == "Local occupancy")
        #expect(values.count == vo.mesh.vertexCount && values.allSatisfy { $0 >= 0 && $0 <= 1 },
                "occupancy on \(values.count) of \(vo.mesh.vertexCount) vertices, min \(values.min()!) max \(values.max()!)")
        #expect(vo.mesh == vb.mesh, "0.f and 0.g share the one surface of the context")
    }

    /// A.model and A.d on the DAQ model's own density at 3 Å.
    @Test func modelViews() throws {
        let model = try phantomModel()
        let map = phantomMap(model, resolution: 3.0)
        let ctx = AnalysisContext(map: map, mapPath: "phantom", threshold: 0.1 * Double(map.data.max()!), resolution: 3.0, model: model)
        let a = try AtomicModelSection().run(ctx)
        let (fa, va) = try surface(a, "amodel_views")
        let atoms = try #require(va.atoms)
        // Cα count from the PDB text itself (columns 13–16 " CA ").
        let text = try String(contentsOfFile: daqModelPath, encoding: .utf8)
        let caLines = text.split(separator: "\n").filter {
            ($0.hasPrefix("ATOM") || $0.hasPrefix("HETATM")) && $0.count > 16 && String(Array($0)[12..<16]) == " CA "
        }.count
        #expect(atoms.style == .trace && atoms.count == caLines && atoms.values == nil,
                "trace of \(atoms.count) atoms, PDB has \(caLines) CA lines")
        #expect(va.mesh.triangleCount > 0 && va.meshOpacity < 1, "transparent map surface: \(va.mesh.triangleCount) triangles, opacity \(va.meshOpacity)")
        #expect(fa.caption.contains("coloured by chain (\(model.atoms[0].chain): blue)"), "\(fa.caption)")

        let d = try QScoreSection().run(ctx)
        let (_, vd) = try surface(d, "ad_q_views")
        let q = try #require(vd.atoms?.values)
        let heavy = model.atoms.filter { !$0.isHydrogen }.count
        let med = LocalValueSummary(q).percentile(50)
        print("A.d views: \(q.count) atoms of \(heavy), median Q \(med), expected at 3 Å \(QScore.expected(resolutionA: 3))")
        #expect(vd.atoms?.style == .spheres && q.count == heavy && vd.range == [0, 1] && vd.colorbarLabel == "Q-score")
        #expect(q.allSatisfy { $0 >= -1 && $0 <= 1 }, "Q outside [−1, 1]")
        #expect(med > QScore.expected(resolutionA: 3), "median Q on the model's own density \(med) should exceed the 3 Å expectation")
    }
}
