// Pixel tests of rendered images: orientation (v up), aspect ratio, colour map, nearest-neighbour sampling.
import Foundation
import Testing
@testable import Rendering
import Analysis

/// Renders one-panel images to PNG and returns the raster with the image rectangle in PNG pixels.
private func renderPanel(_ panels: ImagePanels, dpi: Double = 144) throws -> (Raster, ImageLayout.Cell) {
    let fig = Figure(id: "panel", caption: "", content: .images(panels))
    let dir = Gallery.tempDir("pixels")
    let out = try FigureRenderer.render(fig, to: dir, options: RenderOptions(formats: [.png], dpi: dpi))
    let raster = try Raster(png: out[.png]!)
    let cell = ImageLayout(panels, sizeInches: nil).images[0]
    let s = dpi / 72
    return (raster, ImageLayout.Cell(x: cell.x * s, y: cell.y * s, w: cell.w * s, h: cell.h * s))
}

@Test func brightQuadrantIsDrawnTopRightWithVUp() throws {
    // 40 × 20 image, bright where u ≥ 20 and v ≥ 10: the upper-right quadrant when v points up.
    let w = 40, h = 20
    var px = [Float](repeating: 0, count: w * h)
    for v in 10..<h { for u in 20..<w { px[u + w * v] = 1 } }
    let (r, c) = try renderPanel(ImagePanels(panels: [Image2D(width: w, height: h, pixels: px, label: "q")]))
    func at(_ fu: Double, _ fv: Double) -> Int { r.grey(Int(c.x + fu * c.w), Int(c.y + fv * c.h)) }  // fv from the top
    #expect(at(0.75, 0.25) > 240, "top-right quadrant: expected white (>240), observed \(at(0.75, 0.25))")
    #expect(at(0.25, 0.25) < 15, "top-left quadrant: expected black (<15), observed \(at(0.25, 0.25))")
    #expect(at(0.75, 0.75) < 15, "bottom-right quadrant: expected black (<15), observed \(at(0.75, 0.75))")
    #expect(at(0.25, 0.75) < 15, "bottom-left quadrant: expected black (<15), observed \(at(0.25, 0.75))")
}

/// Bounding box (in PNG pixels) of pixels matching `pred`.
private func bbox(_ r: Raster, _ pred: (Int, Int) -> Bool) -> (x0: Int, x1: Int, y0: Int, y1: Int) {
    var x0 = Int.max, x1 = -1, y0 = Int.max, y1 = -1
    for y in 0..<r.height { for x in 0..<r.width where pred(x, y) {
        x0 = min(x0, x); x1 = max(x1, x); y0 = min(y0, y); y1 = max(y1, y)
    } }
    return (x0, x1, y0, y1)
}

@Test func anisotropicPixelsKeepThePhysicalAspectRatio() throws {
    // 30 × 30 pixels of 1 Å × 2 Å: the image is twice as tall as wide. Mid-grey everywhere (found by its
    // colour), with a white pixel at (u, v) = (0, 0) and a black one at (1, 0) to set the grey scale.
    let w = 30, h = 30
    var px = [Float](repeating: 0.5, count: w * h)
    px[0] = 1; px[1] = 0
    let img = Image2D(width: w, height: h, pixels: px, label: "", pixelSizeA: [1, 2])
    let (r, _) = try renderPanel(ImagePanels(panels: [img]))
    // Mid-grey pixels whose neighbours 3 px away are mid-grey too (anti-aliased text has no such pixels);
    // the bounding box of those is the image shrunk by 3 px on each side.
    func isGrey(_ x: Int, _ y: Int) -> Bool { x >= 0 && y >= 0 && x < r.width && y < r.height && abs(r.grey(x, y) - 128) <= 6 }
    var b = bbox(r) { x, y in isGrey(x, y) && isGrey(x - 3, y) && isGrey(x + 3, y) && isGrey(x, y - 3) && isGrey(x, y + 3) }
    b = (b.x0 - 3, b.x1 + 3, b.y0 - 3, b.y1 + 3)
    let ratio = Double(b.y1 - b.y0 + 1) / Double(b.x1 - b.x0 + 1)
    #expect(abs(ratio - 2) < 0.03, "aspect ratio: expected 2, observed \(ratio), error \(ratio - 2)")
    // The white pixel (u = 0, v = 0) is at the bottom-left of the grey area.
    let white = bbox(r) { x, y in r.grey(x, y) > 240 && x >= b.x0 - 2 && x <= b.x1 + 2 && y >= b.y0 - 2 && y <= b.y1 + 2 }
    #expect(abs(white.x0 - b.x0) <= 2 && abs(white.y1 - b.y1) <= 2,
            "pixel (0,0) expected at the bottom-left corner (\(b.x0), \(b.y1)), observed box \(white)")
}

@Test func smallImagesAreUpsampledWithoutBlur() throws {
    // A 4 × 4 checkerboard: every displayed pixel must be pure black or white (nearest neighbour).
    var px = [Float](repeating: 0, count: 16)
    for v in 0..<4 { for u in 0..<4 where (u + v) % 2 == 0 { px[u + 4 * v] = 1 } }
    let (r, c) = try renderPanel(ImagePanels(panels: [Image2D(width: 4, height: 4, pixels: px)]))
    var mid = 0, total = 0
    for y in Int(c.y + 3)..<Int(c.y + c.h - 3) { for x in Int(c.x + 3)..<Int(c.x + c.w - 3) {
        let g = r.grey(x, y); total += 1
        if g > 20 && g < 235 { mid += 1 }
    } }
    let frac = Double(mid) / Double(total)
    #expect(frac < 0.03, "fraction of intermediate grey pixels: expected < 3 %, observed \(frac * 100) %")
    // Pixel (u=0, v=0) is white and sits at the bottom-left.
    let g00 = r.grey(Int(c.x + c.w * 0.125), Int(c.y + c.h * 0.875))
    #expect(g00 > 240, "pixel (0,0) at the bottom-left: expected white, observed \(g00)")
}

@Test func colormapEndpointsMatchThePublishedViridis() throws {
    // Published viridis end colours (sRGB): #440154 and #FDE725.
    let cm = try #require(Colormap(named: "viridis"))
    let lo = cm.color(0), hi = cm.color(1)
    let expLo = (68.0 / 255, 1.0 / 255, 84.0 / 255), expHi = (253.0 / 255, 231.0 / 255, 37.0 / 255)
    for (o, e, n) in [(lo.r, expLo.0, "lo.r"), (lo.g, expLo.1, "lo.g"), (lo.b, expLo.2, "lo.b"),
                      (hi.r, expHi.0, "hi.r"), (hi.g, expHi.1, "hi.g"), (hi.b, expHi.2, "hi.b")] {
        #expect(abs(o - e) < 0.006, "viridis \(n): expected \(e), observed \(o), error \(o - e)")
    }
    let grey = Colormap.grey.color(0.5)
    #expect(abs(grey.r - 0.5) < 1e-9 && grey.r == grey.g && grey.g == grey.b, "grey(0.5): observed \(grey)")
    // Rendered: left half at the range's low end, right half at its high end, with a colour bar.
    let w = 8, h = 4
    let px = (0..<(w * h)).map { Float($0 % w < 4 ? -5 : 5) }
    let panels = ImagePanels(panels: [Image2D(width: w, height: h, pixels: px)], colormap: "viridis",
                             range: [-5, 5], colorbarLabel: "value")
    let (r, c) = try renderPanel(panels)
    let left = r.rgb(Int(c.x + c.w * 0.25), Int(c.y + c.h / 2)), right = r.rgb(Int(c.x + c.w * 0.75), Int(c.y + c.h / 2))
    #expect(abs(left.r - 68) <= 2 && abs(left.g - 1) <= 2 && abs(left.b - 84) <= 2, "low end: expected (68,1,84), observed \(left)")
    #expect(abs(right.r - 253) <= 2 && abs(right.g - 231) <= 2 && abs(right.b - 37) <= 2, "high end: expected (253,231,37), observed \(right)")
    // The colour bar's top is the high end (yellow), its bottom the low end (purple).
    let bar = try #require(ImageLayout(panels, sizeInches: nil).colorbar)
    let s = 2.0
    let top = r.rgb(Int((bar.x + bar.w / 2) * s), Int((bar.y + 2) * s))
    let bottom = r.rgb(Int((bar.x + bar.w / 2) * s), Int((bar.y + bar.h - 2) * s))
    #expect(top.r > 200 && top.g > 200 && top.b < 80, "colour bar top: expected yellow, observed \(top)")
    #expect(bottom.r < 90 && bottom.g < 30 && bottom.b > 60, "colour bar bottom: expected purple, observed \(bottom)")
}

@Test func colormapOverrideAppliesToColouredImagesOnly() throws {
    let img = Image2D(width: 2, height: 1, pixels: [0, 1])
    let dir = Gallery.tempDir("override")
    let coloured = Figure(id: "c", caption: "", content: .images(ImagePanels(panels: [img], colormap: "viridis", colorbarLabel: "x")))
    let opts = RenderOptions(formats: [.png], dpi: 72, colormapOverride: "magma")
    let d = try FigureRenderer.makeDrawer(coloured, options: opts)
    #expect(d.size.w > 0)
    #expect(throws: RenderError.self) {
        try FigureRenderer.render(coloured, to: dir, options: RenderOptions(formats: [.png], colormapOverride: "rainbow-unknown"))
    }
}

/// Eight panels in a row with labels wider than their cells (3.c's "11: user 7, 0.96"): the labels shrink until
/// a white column separates each from the next over the label band (they used to run into each other).
@Test func longPanelLabelsDoNotRunTogether() throws {
    let n = 64
    let panels = ImagePanels(panels: (0..<8).map { k in
        Image2D(width: n, height: n, pixels: (0..<(n * n)).map { Float(($0 * (k + 3)) % 17) }, label: "1\(k): user \(k + 2), 0.96")
    }, columns: 8)
    let dpi = 144.0, s = dpi / 72
    let layout = ImageLayout(panels, sizeInches: nil)
    #expect(layout.labelFontSize(widest: 1000) == 5.5 && layout.labelFontSize(widest: 1) == ImageLayout.labelFont)
    let dir = Gallery.tempDir("labels")
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = try FigureRenderer.render(Figure(id: "labels", caption: "", content: .images(panels)), to: dir,
                                        options: RenderOptions(formats: [.png], dpi: dpi))
    let r = try Raster(png: out[.png]!)
    let cells = layout.images
    let band = Int((cells[0].y - ImageLayout.labelSpace) * s)...Int((cells[0].y - 1.5) * s)
    #expect(band.contains { y in (0..<r.width).contains { r.grey($0, y) < 128 } }, "no label text found in rows \(band)")
    for k in 0..<(cells.count - 1) {
        let gap = Int(((cells[k].x + cells[k].w) * s).rounded(.up))...Int((cells[k + 1].x * s).rounded(.down))
        let clear = gap.filter { x in band.allSatisfy { r.grey(x, $0) > 235 } }
        #expect(!clear.isEmpty, "labels \(k + 1) and \(k + 2) touch: no white column in \(gap) over rows \(band)")
    }
}
