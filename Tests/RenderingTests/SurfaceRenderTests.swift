// Rendering of surface figures: files written, colour bar mapping, atom views; writes example PNGs to
// $SURFACE_PNG_DIR when set (to look at them).
import Foundation
import Testing
import MapIO
import ModelIO
import Analysis
@testable import Rendering
import CCairo
import TestSupport

func outputDirectory() -> URL {
    if let d = ProcessInfo.processInfo.environment["SURFACE_PNG_DIR"] {
        let url = URL(fileURLWithPath: d)
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
    let url = TestScratch.root.appendingPathComponent("surface-tests-\(getpid())")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Two overlapping Gaussian blobs and a small ring: something with shape to look at.
func blobMap(n: Int = 48) -> Volume {
    var v = Volume(nx: n, ny: n, nz: n, voxelSize: SIMD3(1.5, 1.5, 1.5))
    let c = Double(n) / 2
    for z in 0..<n { for y in 0..<n { for x in 0..<n {
        let p = SIMD3(Double(x), Double(y), Double(z))
        func g(_ m: SIMD3<Double>, _ s: Double) -> Double { let d = p - m; return exp(-(d * d).sum() / (2 * s * s)) }
        var val = g(SIMD3(c - 6, c, c), 7) + 0.8 * g(SIMD3(c + 8, c + 4, c - 3), 5)
        // A torus around the Z axis at z = c + 9.
        let rho = ((p.x - c) * (p.x - c) + (p.y - c) * (p.y - c)).squareRoot()
        let dt = ((rho - 10) * (rho - 10) + (p.z - c - 11) * (p.z - c - 11))
        val += 0.9 * exp(-dt / (2 * 2.2 * 2.2))
        v[x, y, z] = Float(val)
    } } }
    return v
}

@Test func writesPNGAndPDF() throws {
    let views = SurfaceViews.isosurface(volume: blobMap(), threshold: 0.3)
    let dir = outputDirectory()
    var options = SurfaceRenderer.Options()
    options.viewWidth = 650; options.viewHeight = 350
    let files = try SurfaceRenderer.render(views, to: dir, id: "test_blobs", formats: [.png, .pdf], options: options)
    #expect(files.map(\.lastPathComponent) == ["test_blobs.png", "test_blobs.pdf"])
    for f in files {
        let data = try Data(contentsOf: f)
        let magic = f.pathExtension == "png" ? [UInt8]([0x89, 0x50, 0x4e, 0x47]) : Array("%PDF".utf8)
        #expect(Array(data.prefix(4)) == magic, "\(f.lastPathComponent) does not start with its format's magic bytes")
    }
    print("surface figure: \(files[0].path)")
}

@Test func colormapMapsTheRangeEndsAndClamps() {
    // Viridis (published colours): 0 → #440154, 0.5 → #21918c, 1 → #fde725; the tables are exact to 0.015.
    let range = 2.0...6.0
    func near(_ c: SIMD3<Float>, _ hex: UInt32) -> Bool {
        let d = c - SurfaceColormap.rgb(hex); return max(abs(d.x), abs(d.y), abs(d.z)) < 0.016
    }
    #expect(near(SurfaceColormap.color("viridis", value: 2, range: range), 0x440154), "low end")
    #expect(near(SurfaceColormap.color("viridis", value: 4, range: range), 0x21918c), "middle")
    #expect(near(SurfaceColormap.color("viridis", value: 6, range: range), 0xfde725), "high end")
    #expect(SurfaceColormap.color("viridis", value: -10, range: range) == SurfaceColormap.color("viridis", value: 2, range: range),
            "below the range clamps to the low end")
    #expect(SurfaceColormap.color("viridis", value: 99, range: range) == SurfaceColormap.color("viridis", value: 6, range: range),
            "above the range clamps to the high end")
    #expect(SurfaceColormap.color("no-such-map", value: 4, range: range) == SurfaceColormap.color("viridis", value: 4, range: range))
}

@Test func percentileRangeOfVertexValues() {
    // 0, 1, …, 1000: the 2.5 and 97.5 percentiles are 25 and 975 (linear interpolation, hand-computed).
    let r = SurfaceViews.percentileRangeForTests((0...1000).map { Float($0) })
    #expect(abs(r.lowerBound - 25) < 1e-9 && abs(r.upperBound - 975) < 1e-9, "expected 25…975, observed \(r)")
}

@Test func colourBarInTheFigureShowsTheMap() throws {
    // A sphere coloured by a ramp along X over a given range: the drawn colour bar shows viridis from the
    // bottom (low) to the top (high), and the surface goes from purple on the left to yellow on the right
    // in the (0, 0, 0) view.
    var map = Volume(nx: 32, ny: 32, nz: 32), ramp = Volume(nx: 32, ny: 32, nz: 32)
    for z in 0..<32 { for y in 0..<32 { for x in 0..<32 {
        let d = SIMD3(Double(x) - 15.5, Double(y) - 15.5, Double(z) - 15.5)
        map[x, y, z] = Float(12 - (d * d).sum().squareRoot()); ramp[x, y, z] = Float(x)
    } } }
    let views = SurfaceViews.isosurface(volume: map, threshold: 0, coloredBy: ramp, range: 6...25, colorbarLabel: "X (voxels)")
    #expect(views.range == [6, 25])
    var options = SurfaceRenderer.Options()
    options.viewWidth = 400; options.viewHeight = 300; options.supersample = 2; options.aoDirections = 8
    let figure = try SurfaceRenderer.compose(views, options: options)
    let surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(figure.width), Int32(figure.height))!
    defer { cairo_surface_destroy(surface) }
    figure.draw(on: surface, scale: 1)
    cairo_surface_flush(surface)
    cairo_surface_write_to_png(surface, outputDirectory().appendingPathComponent("test_colour_bar.png").path)
    let rowBytes = Int(cairo_image_surface_get_stride(surface))
    let data = cairo_image_surface_get_data(surface)!
    func rgb(_ x: Double, _ y: Double) -> SIMD3<Float> {
        let p = data.advanced(by: Int(y) * rowBytes + Int(x) * 4).withMemoryRebound(to: UInt32.self, capacity: 1) { $0.pointee }
        return SIMD3(Float((p >> 16) & 0xff), Float((p >> 8) & 0xff), Float(p & 0xff)) / 255
    }
    let bar = figure.colorbarRect
    for f in [0.05, 0.3, 0.5, 0.8, 0.95] {
        let observed = rgb(bar.x + bar.w / 2, bar.y + bar.h * (1 - f))
        let expected = SurfaceColormap.color("viridis", at: f)
        let d = observed - expected
        let err = max(abs(d.x), abs(d.y), abs(d.z))
        #expect(err < 0.02, "colour bar at \(f) of its height: expected \(expected), observed \(observed)")
    }
    // Third view (0, 0, 0): X to the right. Left of the sphere purple-blue (blue > green), right yellow.
    let x0 = 2.0 * Double(options.viewWidth), cy = Double(options.viewHeight) / 2
    var left: SIMD3<Float>?, right: SIMD3<Float>?
    for u in stride(from: x0, to: x0 + Double(options.viewWidth), by: 1) where rgb(u, cy).min() < 0.85 {
        if left == nil { left = rgb(u + 12, cy) }
        right = rgb(u - 12, cy)
    }
    let l = try #require(left), r = try #require(right)
    #expect(l.z > l.y && r.y > r.z, "ramp along X in view (0,0,0): expected purple left and yellow right, observed \(l) and \(r)")
}

/// Two chains 30 Å apart along X, as spheres and as a trace over a transparent surface.
func twoChains() -> [Atom] {
    var atoms: [Atom] = []
    for (chain, x0) in [("A", -15.0), ("B", 15.0)] {
        for i in 0..<20 {
            let t = Double(i) * 100 * .pi / 180   // an α-helix: 1.5 Å rise, 2.3 Å radius
            let p = SIMD3(x0 + 2.3 * cos(t), 2.3 * sin(t), -14 + 1.5 * Double(i))
            atoms.append(Atom(position: p, element: "C", name: "CA", residueName: "ALA", residueNumber: i + 1,
                              chain: chain, bFactor: Double(20 + 3 * i), occupancy: 1))
        }
    }
    return atoms
}

@Test func atomsAreColouredByChainWhereTheyAre() throws {
    let views = SurfaceViews.model(atoms: twoChains())
    var options = SurfaceRenderer.Options()
    options.viewWidth = 400; options.viewHeight = 300; options.supersample = 2
    let rendered = try SurfaceRenderer.renderViews(views, options: options)
    let img = rendered[2].image   // (0, 0, 0): X to the right, chain A on the left
    var leftHit: UInt32?, rightHit: UInt32?
    let v = img.height / 2
    for u in 0..<img.width {
        let p = img.pixels[u + img.width * v]
        let (r, b) = (Int((p >> 16) & 0xff), Int(p & 0xff))
        if abs(r - b) < 40 { continue }   // background, outline or grey
        if leftHit == nil { leftHit = p }
        rightHit = p
    }
    let l = try #require(leftHit), r = try #require(rightHit)
    // Chain A: Okabe–Ito blue #0072b2 (blue > red); chain B: orange #e69f00 (red > blue).
    #expect(l & 0xff > (l >> 16) & 0xff, "left atoms: expected chain A blue, observed \(String(l, radix: 16))")
    #expect((r >> 16) & 0xff > r & 0xff, "right atoms: expected chain B orange, observed \(String(r, radix: 16))")
    let dir = outputDirectory()
    _ = try SurfaceRenderer.render(views, to: dir, id: "test_atoms_chains", options: options)
    // Trace coloured by B over a transparent map of the same atoms.
    var map = Volume(nx: 40, ny: 24, nz: 40, voxelSize: SIMD3(1, 1, 1))
    map.headerOrigin = SIMD3(-20, -12, -20)
    for z in 0..<40 { for y in 0..<24 { for x in 0..<40 {
        let p = SIMD3(Double(x) - 20, Double(y) - 12, Double(z) - 20)
        var s = 0.0
        for a in twoChains() { let d = p - a.position; s += exp(-(d * d).sum() / 8) }
        map[x, y, z] = Float(s)
    } } }
    let surface = TriangleMesh(map.isosurface(threshold: 0.5))
    let trace = SurfaceViews.model(atoms: twoChains(), values: twoChains().map(\.bFactor), style: .trace,
                                   mapSurface: surface, colorbarLabel: "B-factor (Å²)")
    let files = try SurfaceRenderer.render(trace, to: dir, id: "test_atoms_trace", options: options)
    print("atom figures: \(files[0].path)")
}

@Test func inputDataFigureNamesThresholdAndAngles() throws {
    let (map, _) = lPhantom()
    let fig = Figure.isosurfaceViews(id: "input_isosurface_views", volume: map, threshold: 0.5)
    #expect(fig.caption.contains("T = 0.5") && fig.caption.contains("(0°, −90°, −90°)") && fig.caption.contains("(−90°, 0°, −90°)"),
            "caption: \(fig.caption)")
    guard case .surface(let views) = fig.content else { Issue.record("content is not .surface"); return }
    #expect(views.mesh.triangleCount > 0 && views.rotationsDeg == SurfaceViews.standardRotationsDeg)
}

@Test func emptyFigureIsAClearError() {
    #expect(throws: SurfaceRenderError.self) {
        _ = try SurfaceRenderer.render(SurfaceViews(mesh: TriangleMesh()), to: outputDirectory(), id: "empty")
    }
}

/// The bundled fixture (EMD-2566 crop around 3J6B chain 9): map at T = 0.2, and the model as a Cα trace
/// coloured by B over the transparent map. Written as example figures.
@Test func fixtureMapAndModelViews() throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let mapPath = root.appendingPathComponent("Fixtures/daq/2566_3J6B_9.mrc").path
    let modelPath = root.appendingPathComponent("Fixtures/daq/3J6B_9.pdb").path
    let map = try MRCReader.read(path: mapPath).volume
    let dir = outputDirectory()
    let fig = Figure.isosurfaceViews(id: "example_fixture_isosurface", volume: map, threshold: 0.2)
    guard case .surface(let views) = fig.content else { return }
    let files = try SurfaceRenderer.render(views, to: dir, id: fig.id, formats: [.png, .pdf])
    let atoms = try ModelReader.read(path: modelPath).atoms
    let trace = SurfaceViews.model(atoms: atoms, values: atoms.map(\.bFactor), style: .trace, mapSurface: views.mesh,
                                   colorbarLabel: "B-factor (Å²)")
    let traceFiles = try SurfaceRenderer.render(trace, to: dir, id: "example_fixture_model_trace")
    let spheres = SurfaceViews.model(atoms: atoms)
    let sphereFiles = try SurfaceRenderer.render(spheres, to: dir, id: "example_fixture_model_spheres")
    print("example figures: \(files[0].path) \(traceFiles[0].path) \(sphereFiles[0].path); \(views.mesh.triangleCount) triangles")
    #expect(views.mesh.triangleCount > 0)
}
