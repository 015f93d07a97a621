// OUTDIR/data round trip, and its MRC files read back by mrcfile (Python oracle).
import Analysis
import Foundation
import Testing
@testable import Report

@Suite struct FigureDataTests {
    func figures() -> [Figure] {
        var px = (0..<(5 * 3)).map { Float($0) * 0.5 - 2 }
        px[4] = .nan
        let images = Figure(id: "t_images", caption: "slices", content: .images(ImagePanels(
            panels: [Image2D(width: 5, height: 3, pixels: px, label: "X = 1", pixelSizeA: [1.5, 2]),
                     Image2D(width: 2, height: 2, pixels: [1, 2, 3, 4], label: "Y")], colormap: "viridis", range: [0, 1])))
        let plot = Figure(id: "t_plot", caption: "curve", content: .plot(LinePlot(
            series: [Series(label: "a", x: [0, 0.1, 0.2], y: [1, 0.5, 0.1])], xLabel: "f", yLabel: "FSC", xIsFrequency: true)))
        let hist = Figure(id: "t_hist", caption: "h", content: .histogram(Histogram(binEdges: [0, 1, 2], counts: [3, 4], xLabel: "v")))
        let mesh = TriangleMesh(vertices: [0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1], normals: [0, 0, 1, 0, 0, 1, 0, 0, 1, 1, 0, 0],
                                triangles: [0, 1, 2, 0, 2, 3])
        let atoms = AtomGlyphs(style: .spheres, positions: [1, 2, 3, 4, 5, 6], radii: [1.7, 1.52], chains: ["A", "B"],
                               residues: [1, 2], values: [10, 20])
        let surface = Figure(id: "t_surface", caption: "s", content: .surface(SurfaceViews(
            mesh: mesh, vertexValues: [1, 2, 3, 4], atoms: atoms, range: [1, 4], colorbarLabel: "Å")))
        return [images, plot, hist, surface]
    }

    /// Equality that treats NaN pixels as equal (bit patterns).
    func same(_ a: Figure, _ b: Figure) -> Bool {
        if case .images(let p) = a.content, case .images(let q) = b.content {
            var p2 = p, q2 = q
            for k in p2.panels.indices { p2.panels[k].pixels = p2.panels[k].pixels.map { $0.isNaN ? -999 : $0 } }
            for k in q2.panels.indices { q2.panels[k].pixels = q2.panels[k].pixels.map { $0.isNaN ? -999 : $0 } }
            return p2 == q2 && a.id == b.id && a.caption == b.caption
        }
        return a == b
    }

    @Test func everyFigureKindRoundTrips() throws {
        let dir = try temporaryDirectory()
        for f in figures() {
            try FigureData.save(f, to: dir)
            let back = try FigureData.load(id: f.id, from: dir)
            #expect(same(f, back), "\(f.id) did not round-trip")
        }
        #expect(try FigureData.ids(in: dir) == ["t_hist", "t_images", "t_plot", "t_surface"])
        // Large arrays are in MRC files, not in the JSON.
        let json = try String(contentsOf: dir.appendingPathComponent("t_surface.json"), encoding: .utf8)
        #expect(json.contains("t_surface.0.mrc") && !json.contains("1.52"), "arrays should be outside the JSON")
    }

    @Test func imageArraysReadWithMrcfile() throws {
        let dir = try temporaryDirectory()
        let f = figures()[0]
        try FigureData.save(f, to: dir)
        guard case .images(let p) = f.content else { return }
        // mrcfile gives data[z, y, x]: row v of the image is y, column u is x.
        let script = """
        import mrcfile, numpy, sys, math
        with mrcfile.open(sys.argv[1], permissive=False) as m:
            d = m.data
            print(d.shape[0], d.shape[1], d.shape[2])
            print(' '.join('nan' if math.isnan(x) else repr(float(x)) for x in d[0].ravel()))
        """
        let (status, out) = try runProcess("python3", ["-c", script, dir.appendingPathComponent("t_images.0.mrc").path], mergeStderr: true)
        #expect(status == 0, "mrcfile failed: \(out)")
        let lines = out.split(separator: "\n")
        #expect(lines.first == "1 3 5", "shape (z, y, x) expected 1 3 5, got \(lines.first ?? "")")
        let values = lines.count > 1 ? lines[1].split(separator: " ").map { Float($0) ?? .nan } : []
        let expected = p.panels[0].pixels
        #expect(values.count == expected.count)
        for (i, (o, e)) in zip(values, expected).enumerated() {
            #expect(o.isNaN == e.isNaN && (e.isNaN || o == e), "pixel \(i): expected \(e), observed \(o)")
        }
    }

    @Test func corruptArrayFileIsReportedByName() throws {
        let dir = try temporaryDirectory()
        try FigureData.save(figures()[0], to: dir)
        let bad = dir.appendingPathComponent("t_images.1.mrc")
        try Data(try Data(contentsOf: bad).prefix(1030)).write(to: bad)
        #expect(throws: FigureDataError.self) { try FigureData.load(id: "t_images", from: dir) }
        do { _ = try FigureData.load(id: "t_images", from: dir) } catch {
            #expect("\(error)".contains("t_images.1.mrc"), "\(error)")
        }
    }
}
