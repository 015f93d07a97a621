// InputData section against phantoms with hand-computed slices, projections and statistics.
import Foundation
import Testing
@testable import Analysis
import MapIO
import VolumeNumerics
import TestSupport

/// V[x, y, z] = x + 10 y + 100 z on a 7 × 6 × 5 box with anisotropic voxels and non-zero start indices.
private func rampPhantom() -> Volume {
    let nx = 7, ny = 6, nz = 5
    var d = [Float](repeating: 0, count: nx * ny * nz)
    for z in 0..<nz { for y in 0..<ny { for x in 0..<nx { d[x + nx * (y + ny * z)] = Float(x + 10 * y + 100 * z) } } }
    return Volume(nx: nx, ny: ny, nz: nz, data: d, voxelSize: SIMD3(1.5, 2, 2.5), startIndex: SIMD3(2, 3, 4))
}

/// A Gaussian blob (σ in voxels) centred at c in an nx × ny × nz box.
private func blob(_ n: SIMD3<Int>, centre c: SIMD3<Double>, sigma: Double) -> Volume {
    var d = [Float](repeating: 0, count: n.x * n.y * n.z)
    for z in 0..<n.z { for y in 0..<n.y { for x in 0..<n.x {
        let r2 = pow(Double(x) - c.x, 2) + pow(Double(y) - c.y, 2) + pow(Double(z) - c.z, 2)
        d[x + n.x * (y + n.y * z)] = Float(exp(-r2 / (2 * sigma * sigma)))
    } } }
    return Volume(nx: n.x, ny: n.y, nz: n.z, data: d)
}

private func images(_ r: SectionResult, _ id: String) throws -> ImagePanels {
    let f = try #require(r.figures.first { $0.id == id }, "figure \(id) missing; have \(r.figures.map(\.id))")
    guard case .images(let p) = f.content else { Issue.record("\(id) is not an image figure"); throw SectionError.failed(id) }
    return p
}

private func close(_ observed: Double?, _ expected: Double, tol: Double, _ what: String) {
    guard let o = observed else { Issue.record("\(what): expected \(expected), observed nil"); return }
    #expect(abs(o - expected) <= tol, "\(what): expected \(expected), observed \(o), error \(o - expected)")
}

@Test func inputMetricsOfARampPhantom() throws {
    let map = rampPhantom()
    let ctx = AnalysisContext(map: map, mapPath: "/data/maps/emd_1234.map.gz", threshold: 250, resolution: nil)
    let section = InputData(hasher: { _ in "abc123" }, masksProvider: { _ in throw SectionError.failed("no masks") })
    let r = try section.run(ctx)
    #expect(r.id == "input" && r.title == "Input data" && !r.scored, "id/title/scored: \(r.id) \(r.title) \(r.scored)")
    #expect(r.status == .ok, "status: expected ok, observed \(r.status) \(r.warnings)")
    let m = r.metrics
    #expect(m["file"] == .string("emd_1234.map.gz"), "file: \(String(describing: m["file"]))")
    #expect(m["path"] == .string("/data/maps/emd_1234.map.gz"), "path: \(String(describing: m["path"]))")
    #expect(m["sha256"] == .string("abc123"), "sha256: \(String(describing: m["sha256"]))")
    #expect(m["box"] == [7, 6, 5], "box: \(String(describing: m["box"]))")
    #expect(m["voxel_size_A"] == [1.5, 2.0, 2.5], "voxel size: \(String(describing: m["voxel_size_A"]))")
    // Origin from start indices × voxel size (header ORIGIN is zero): (2·1.5, 3·2, 4·2.5).
    #expect(m["origin_A"] == [3.0, 6.0, 10.0], "origin: \(String(describing: m["origin_A"]))")
    #expect(m["threshold"] == 250.0 && m["resolution_A"] == .null, "threshold/resolution: \(String(describing: m["threshold"])) \(String(describing: m["resolution_A"]))")
    // Independent values: x, y, z uniform on their grids, so mean = 3 + 10·2.5 + 100·2 and the variance
    // is the sum of (n² − 1)/12 scaled by 1, 10², 100².
    close(m["min"]?.doubleValue, 0, tol: 0, "min")
    close(m["max"]?.doubleValue, 456, tol: 0, "max")
    close(m["mean"]?.doubleValue, 228, tol: 1e-9, "mean")
    let variance: Double = 48.0 / 12.0 + 3500.0 / 12.0 + 240_000.0 / 12.0
    close(m["std"]?.doubleValue, variance.squareRoot(), tol: 1e-9, "std")
    #expect(m["central_slices"] == [3, 3, 2], "central slices: \(String(describing: m["central_slices"]))")
    #expect(m["anisotropic_note"]?.stringValue?.contains("1.5 Å") == true, "anisotropic note: \(String(describing: m["anisotropic_note"]))")
    #expect(m["masks_error"] == "no masks", "masks_error: \(String(describing: m["masks_error"]))")
    #expect(!r.figures.contains { $0.id.contains("mask") }, "mask figures must be omitted when masks fail")

    // Central slices: X = 3 is V[3, y, z] drawn with (u, v) = (y, z).
    let central = try images(r, "input_central_slices")
    #expect(central.panels.map(\.label) == ["X = 3", "Y = 3", "Z = 2"], "labels: \(central.panels.map(\.label))")
    let sx = central.panels[0]
    #expect(sx.width == 6 && sx.height == 5 && sx.pixelSizeA == [2, 2.5], "X slice geometry: \(sx.width)×\(sx.height) \(sx.pixelSizeA)")
    close(Double(sx[4, 1]), 3 + 40 + 100, tol: 0, "X slice (u=4, v=1)")
    close(Double(central.panels[2][5, 4]), 5 + 40 + 200, tol: 0, "Z slice (u=5, v=4)")

    // Projections (sums): along X, Σx (x + 10y + 100z) = 21 + 7(10y + 100z).
    let proj = try images(r, "input_projections")
    close(Double(proj.panels[0][2, 3]), 21 + 7 * (20 + 300), tol: 1e-3, "sum along X at (y=2, z=3)")
    close(Double(proj.panels[1][4, 1]), 6 * 4 + 10 * 15 + 6 * 100, tol: 1e-3, "sum along Y at (x=4, z=1)")
    close(Double(proj.panels[2][1, 5]), 5 * 1 + 5 * 50 + 100 * 10, tol: 1e-3, "sum along Z at (x=1, y=5)")
    // SD projections: SD of x over 0…6 is 2; of 10y over 0…5 is 10·√(35/12); of 100z over 0…4 is 100·√2.
    let sd = try images(r, "input_std_projections")
    close(Double(sd.panels[0][1, 1]), 2, tol: 1e-4, "SD along X")
    close(Double(sd.panels[1][3, 2]), 10 * (35.0 / 12).squareRoot(), tol: 1e-3, "SD along Y")
    close(Double(sd.panels[2][0, 0]), 100 * 2.0.squareRoot(), tol: 1e-2, "SD along Z")

    // Histogram: every voxel counted once, from min to max, T marked, log counts.
    let hf = try #require(r.figures.first { $0.id == "input_histogram" })
    guard case .histogram(let h) = hf.content else { Issue.record("histogram content"); return }
    #expect(h.counts.reduce(0, +) == 210, "histogram total: expected 210, observed \(h.counts.reduce(0, +))")
    #expect(h.binEdges.first == 0 && h.binEdges.last == 456 && h.logY, "edges \(h.binEdges.first!)…\(h.binEdges.last!), logY \(h.logY)")
    #expect(h.markers.map(\.value) == [250] && h.markers[0].label.hasPrefix("T"), "markers: \(h.markers)")
    // Values 0…6 + 10y + 100z with 128 bins of 456/128 = 3.5625: the first bin [0, 3.5625) holds x = 0…3 at y = z = 0.
    #expect(h.counts[0] == 4, "first bin: expected 4 voxels (values 0, 1, 2, 3), observed \(h.counts[0])")

    // Figure ids unique and prefixed; captions give slice indices and the orientation once.
    let ids = r.figures.map(\.id)
    #expect(Set(ids).count == ids.count && ids.allSatisfy { $0.hasPrefix("input_") }, "ids: \(ids)")
    #expect(r.figures[0].caption.contains("X = 3, Y = 3, Z = 2"), "central caption: \(r.figures[0].caption)")
    #expect(r.figures.filter { $0.caption.contains("Orientation") }.count == 1, "orientation stated once")
}

@Test func maxVarianceSlicesOfMapAndMasks() throws {
    let map = blob(SIMD3(16, 12, 10), centre: SIMD3(9, 4, 6), sigma: 1.5)
    // Hard mask: a ball of radius 3 at (5, 6, 4); soft mask: a blob at (10, 3, 7).
    var hard = Volume(nx: 16, ny: 12, nz: 10, value: 0)
    for z in 0..<10 { for y in 0..<12 { for x in 0..<16 where (x - 5) * (x - 5) + (y - 6) * (y - 6) + (z - 4) * (z - 4) <= 9 {
        hard[x, y, z] = 1
    } } }
    let soft = blob(SIMD3(16, 12, 10), centre: SIMD3(10, 3, 7), sigma: 2)
    let ctx = AnalysisContext(map: map, mapPath: "blob.mrc", threshold: 0.5, resolution: 4.2)
    let hardMask = hard
    let r = try InputData(hasher: { _ in "h" }, masksProvider: { _ in (BinaryMask(volume: hardMask, threshold: 0.5), CroppedVolume(full: soft)) }).run(ctx)
    #expect(r.metrics["max_variance_slices"] == [9, 4, 6], "map: \(String(describing: r.metrics["max_variance_slices"]))")
    #expect(r.metrics["hard_mask_max_variance_slices"] == [5, 6, 4], "hard: \(String(describing: r.metrics["hard_mask_max_variance_slices"]))")
    #expect(r.metrics["soft_mask_max_variance_slices"] == [10, 3, 7], "soft: \(String(describing: r.metrics["soft_mask_max_variance_slices"]))")
    #expect(r.metrics["resolution_A"] == 4.2 && r.metrics["masks_error"] == nil, "resolution / masks_error")
    let mv = try images(r, "input_max_variance_slices")
    #expect(mv.panels.map(\.label) == ["X = 9", "Y = 4", "Z = 6"], "labels: \(mv.panels.map(\.label))")
    // The max-variance X slice shows the blob's peak at (u, v) = (y, z) = (4, 6).
    let px = mv.panels[0]
    let argmax = px.pixels.indices.max { px.pixels[$0] < px.pixels[$1] }!
    #expect(argmax % px.width == 4 && argmax / px.width == 6, "peak at (\(argmax % px.width), \(argmax / px.width)), expected (4, 6)")
    let hardFig = try images(r, "input_hard_mask_slices")
    #expect(hardFig.panels.map(\.label) == ["X = 5", "Y = 6", "Z = 4"] && hardFig.range == [0, 1], "hard panels: \(hardFig.panels.map(\.label))")
    _ = try images(r, "input_soft_mask_slices")
}

@Test func failuresBecomeMetricsNotCrashes() throws {
    var map = blob(SIMD3(8, 8, 8), centre: SIMD3(4, 4, 4), sigma: 1)
    map[0, 0, 0] = .nan
    // Threshold above the maximum: the context's masks cannot be built (SPEC: "threshold too high").
    let ctx = AnalysisContext(map: map, mapPath: "relative/name.mrc", threshold: 5, resolution: nil)
    struct NoFile: Error, CustomStringConvertible { var description: String { "no such file" } }
    let r = try InputData(hasher: { _ in throw NoFile() }).run(ctx)
    #expect(r.metrics["sha256"] == .null && r.metrics["sha256_error"] == "no such file", "sha256: \(String(describing: r.metrics["sha256"]))")
    #expect(r.metrics["masks_error"] != nil, "masks_error expected when T is above the maximum")
    #expect(r.metrics["non_finite_voxels"] == 1, "non-finite voxels: \(String(describing: r.metrics["non_finite_voxels"]))")
    close(r.metrics["max"]?.doubleValue, 1, tol: 1e-6, "max ignores NaN")
    #expect(r.status == .warnings && r.figures.count == 5, "status \(r.status), figures \(r.figures.map(\.id))")
    #expect(r.metrics["isosurface_error"] != nil && !r.figures.contains { $0.id == "input_isosurface_views" },
            "no isosurface above the maximum")
}

@Test func histogramEdgeCases() {
    let flat = InputData.histogram([2, 2, 2], min: 2, max: 2, bins: 10)
    #expect(flat.edges == [1.5, 2.5] && flat.counts == [3], "all-equal: \(flat)")
    let h = InputData.histogram([0, 1, 2, 3, 4], min: 0, max: 4, bins: 4)
    #expect(h.edges == [0, 1, 2, 3, 4] && h.counts == [1, 1, 1, 2], "max falls in the last bin: \(h)")
    let none = InputData.statistics([.nan])
    #expect(none.min == nil && none.std == nil && none.nonFinite == 1, "all non-finite: \(none)")
}

@Test func fusedPlaneSummaryMatchesSlicesFunctions() {
    // Pseudo-random values on boxes of every shape class, against VolumeNumerics' one-pass-per-plane functions.
    for dims in [SIMD3(9, 7, 5), SIMD3(4, 6, 2), SIMD3(3, 3, 1), SIMD3(1, 5, 8)] {
        var seed: UInt64 = 99
        let data = (0..<(dims.x * dims.y * dims.z)).map { _ -> Float in
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Float(seed >> 40) / Float(1 << 24) * 10 - 3
        }
        let v = Volume(nx: dims.x, ny: dims.y, nz: dims.z, data: data, voxelSize: SIMD3(1, 2, 3))
        let s = InputData.planeSummary(v)
        for axis in Axis.allCases {
            let a = axis.rawValue
            #expect(s.maxVariance[a] == v.maxVarianceIndex(axis), "\(dims) \(axis.name): max-variance \(s.maxVariance[a]) vs \(v.maxVarianceIndex(axis))")
            let p = v.projection(axis), q = v.stdProjection(axis)
            #expect(s.sum[a].width == p.width && s.sum[a].height == p.height && s.sum[a].pixelSizeA == p.pixelSizeA,
                    "\(dims) \(axis.name): geometry")
            let e1 = zip(s.sum[a].values, p.values).map { abs($0 - $1) }.max() ?? 0
            let e2 = zip(s.std[a].values, q.values).map { abs($0 - $1) }.max() ?? 0
            #expect(e1 < 1e-4 && e2 < 1e-4, "\(dims) \(axis.name): max error sum \(e1), SD \(e2)")
        }
    }
}

@Test func maskSlicesFromTheContextMasks() throws {
    // A ball of radius 6 voxels at (12, 16, 18) in a 32 × 30 × 34 box, T = 0.5: the hard mask is the ball
    // dilated by 2 voxels and the soft mask its smoothed copy, both centred on the ball, so their
    // max-variance slices pass through its centre.
    let n = SIMD3(32, 30, 34)
    var map = Volume(nx: n.x, ny: n.y, nz: n.z, value: 0)
    for z in 0..<n.z { for y in 0..<n.y { for x in 0..<n.x where (x - 12) * (x - 12) + (y - 16) * (y - 16) + (z - 18) * (z - 18) <= 36 {
        map[x, y, z] = 1
    } } }
    let ctx = AnalysisContext(map: map, mapPath: "ball.mrc", threshold: 0.5, resolution: nil)
    let r = try InputData(hasher: { _ in "h" }).run(ctx)
    #expect(r.metrics["masks_error"] == nil, "masks_error: \(String(describing: r.metrics["masks_error"]))")
    #expect(r.metrics["hard_mask_max_variance_slices"] == [12, 16, 18], "hard: \(String(describing: r.metrics["hard_mask_max_variance_slices"]))")
    #expect(r.metrics["soft_mask_max_variance_slices"] == [12, 16, 18], "soft: \(String(describing: r.metrics["soft_mask_max_variance_slices"]))")
    #expect(r.metrics["dilation_voxels"] == 2, "dilation: ceil(2 Å / 1 Å) = 2, observed \(String(describing: r.metrics["dilation_voxels"]))")
    #expect(r.metrics["anisotropic_note"] == nil, "isotropic voxels need no note")
    #expect(r.figures.map(\.id) == ["input_central_slices", "input_max_variance_slices", "input_projections",
                                    "input_std_projections", "input_isosurface_views", "input_histogram",
                                    "input_hard_mask_slices", "input_soft_mask_slices"], "figures: \(r.figures.map(\.id))")
    let iso = try #require(r.figures.first { $0.id == "input_isosurface_views" })
    guard case .surface(let views) = iso.content else { Issue.record("isosurface content"); return }
    // The mesh of a ball of radius ≈ 6.5 voxels at (12, 16, 18) Å: vertices within 1 Å of that sphere.
    var worst = 0.0
    for i in stride(from: 0, to: views.mesh.vertices.count, by: 3) {
        let d = (pow(Double(views.mesh.vertices[i]) - 12, 2) + pow(Double(views.mesh.vertices[i + 1]) - 16, 2)
                 + pow(Double(views.mesh.vertices[i + 2]) - 18, 2)).squareRoot()
        worst = max(worst, abs(d - 6.5))
    }
    // Marching tetrahedra on a 0/1 ball: staircase errors up to about one voxel.
    #expect(views.mesh.triangleCount > 100 && worst < 1.5, "isosurface: \(views.mesh.triangleCount) triangles, worst radius error \(worst) Å")
}

/// The map file is hashed once per run: Input data takes the context's digest (which the pipeline computes beside
/// the reading) and, without one, the context hashes the file itself (SHA-256 of "abc", FIPS 180-2's example).
@Test func theMapDigestComesFromTheContext() throws {
    let map = blob(SIMD3(8, 8, 8), centre: SIMD3(4, 4, 4), sigma: 1)
    let given = AnalysisContext(map: map, mapPath: "never/read.mrc", threshold: 0.5, resolution: nil)
    given.mapDigest = BackgroundTask { "0123abcd" }
    #expect(try InputData().run(given).metrics["sha256"] == "0123abcd")

    let dir = try TestScratch.directory("digest")
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = dir.appendingPathComponent("abc.mrc")
    try Data("abc".utf8).write(to: file)
    let own = AnalysisContext(map: map, mapPath: file.path, threshold: 0.5, resolution: nil)
    let abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    #expect(try InputData().run(own).metrics["sha256"] == .string(abc))
    #expect(try own.mapSHA256() == abc)
}
