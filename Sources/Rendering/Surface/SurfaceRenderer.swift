// Draws `SurfaceViews` figures: the three views rendered by the software rasteriser, side by side, with
// Cairo drawing each view's rotation label, an axis triad (where +X, +Y, +Z point in that view), a scale
// bar in Å and, for coloured surfaces or atoms, a labelled colour bar. Written as PNG and/or PDF.
//
// Conventions: rotations as in SurfaceCamera.swift (ChimeraX `turn x; turn y; turn z`); white background;
// the object is fitted into each view separately (orthographic, 4 % margin), so the scale bar is per view.
import CCairo
import Foundation
import Analysis

public enum SurfaceRenderer {
    public enum Format: String, CaseIterable, Sendable { case png, jpg, pdf }

    /// Layout of one figure, in pixels.
    public struct Options: Sendable {
        /// Size of one view, in pixels. VRS uses ChimeraX `windowsize 1300 700`; three views of 1000 × 540
        /// printed 480 pt wide are 450 pixels per inch, more than print needs, at 58 % of the pixels.
        public var viewWidth = 1000
        public var viewHeight = 540
        /// Samples per pixel along each axis (antialiasing); 2 × 2 is smooth at this pixel density.
        public var supersample = 2
        /// Ambient occlusion (per vertex, from `aoDirections` shadow directions); 0 turns it off.
        public var aoDirections = 32
        /// PDF page width in points (the raster views are embedded, labels stay vector).
        public var pdfWidthPt = 480.0
        public init() {}
    }

    /// Renders the views and writes `<id>.png` / `<id>.pdf` into `directory`; returns the files written.
    public static func render(_ views: SurfaceViews, to directory: URL, id: String, formats: [Format] = [.png],
                              options: Options = Options()) throws -> [URL] {
        let figure = try compose(views, options: options)
        var written: [URL] = []
        for format in formats {
            let url = directory.appendingPathComponent("\(id).\(format.rawValue)")
            try figure.write(to: url, format: format, pdfWidthPt: options.pdfWidthPt)
            written.append(url)
        }
        return written
    }

    /// The rendered views before decoration (for tests and for callers that lay out their own figure).
    static func renderViews(_ views: SurfaceViews, options: Options) throws -> [(image: RasterImage, camera: ViewCamera)] {
        let scene = try SurfaceSceneBuilder.build(views, aoDirections: options.aoDirections)
        let s = max(1, options.supersample)
        var out: [(RasterImage, ViewCamera)] = []
        for rot in views.rotationsDeg {
            guard rot.count == 3 else {
                throw SurfaceRenderError("surface figure: rotation \(rot) has \(rot.count) angles, expected 3 (X, Y, Z degrees)")
            }
            let R = Rotation3.about(x: rot[0], y: rot[1], z: rot[2])
            let cam = ViewCamera.fit(rotation: R, points: scene.fitPoints, radii: scene.fitRadii,
                                     width: options.viewWidth * s, height: options.viewHeight * s)
            let img = SurfaceRasterizer.render(scene.scene, camera: cam, width: options.viewWidth,
                                               height: options.viewHeight, supersample: s)
            out.append((img, cam))
        }
        return out
    }

    /// The decorated figure, ready to write.
    static func compose(_ views: SurfaceViews, options: Options) throws -> ComposedFigure {
        let rendered = try renderViews(views, options: options)
        return ComposedFigure(views: views, rendered: rendered, options: options)
    }
}

public struct SurfaceRenderError: Error, CustomStringConvertible {
    public let description: String
    init(_ message: String) { description = message }
}

/// The three views plus decorations, drawn with Cairo onto a PNG or PDF surface.
struct ComposedFigure {
    let views: SurfaceViews
    let rendered: [(image: RasterImage, camera: ViewCamera)]
    let options: SurfaceRenderer.Options

    var labelHeight: Double { Double(options.viewHeight) * 0.24 }
    var fontSize: Double { Double(options.viewHeight) * 0.075 }
    var hasColorbar: Bool { views.vertexValues != nil || views.atoms?.values != nil }
    var colorbarWidth: Double { hasColorbar ? Double(options.viewHeight) * 0.5 : 0 }
    var width: Double { Double(options.viewWidth * rendered.count) + colorbarWidth }
    var height: Double { Double(options.viewHeight) + labelHeight }

    /// Colour-bar rectangle (x, y, w, h) in figure pixels; the top is the range's upper end.
    var colorbarRect: (x: Double, y: Double, w: Double, h: Double) {
        let h = Double(options.viewHeight) * 0.7
        return (Double(options.viewWidth * rendered.count) + colorbarWidth * 0.08, (Double(options.viewHeight) - h) / 2,
                colorbarWidth * 0.13, h)
    }

    func write(to url: URL, format: SurfaceRenderer.Format, pdfWidthPt: Double) throws {
        switch format {
        case .png, .jpg:
            guard let surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(width), Int32(height)) else {
                throw SurfaceRenderError("surface figure \(url.lastPathComponent): Cairo could not create a \(Int(width))×\(Int(height)) image")
            }
            defer { cairo_surface_destroy(surface) }
            draw(on: surface, scale: 1)
            if format == .jpg {
                try JPEGFile.write(surface, to: url)
                return
            }
            let status = cairo_surface_write_to_png(surface, url.path)
            if status != CAIRO_STATUS_SUCCESS {
                throw SurfaceRenderError("surface figure: could not write \(url.path): \(String(cString: cairo_status_to_string(status)))")
            }
        case .pdf:
            let k = pdfWidthPt / width
            guard let surface = cairo_pdf_surface_create(url.path, width * k, height * k) else {
                throw SurfaceRenderError("surface figure: Cairo could not create \(url.path)")
            }
            draw(on: surface, scale: k)
            cairo_surface_finish(surface)
            let status = cairo_surface_status(surface)
            cairo_surface_destroy(surface)
            if status != CAIRO_STATUS_SUCCESS {
                throw SurfaceRenderError("surface figure: could not write \(url.path): \(String(cString: cairo_status_to_string(status)))")
            }
        }
    }

    /// Draws the figure in pixel units (scaled by `scale` for the PDF's points).
    func draw(on surface: OpaquePointer, scale: Double) {
        let cr = cairo_create(surface)!
        defer { cairo_destroy(cr) }
        cairo_scale(cr, scale, scale)
        cairo_set_source_rgb(cr, 1, 1, 1)
        cairo_paint(cr)
        FontSetup.apply(to: cr)
        cairo_set_font_size(cr, fontSize)
        let vw = Double(options.viewWidth), vh = Double(options.viewHeight)
        for (i, r) in rendered.enumerated() {
            let x0 = Double(i) * vw
            var pixels = r.image.pixels
            pixels.withUnsafeMutableBytes { raw in
                let img = cairo_image_surface_create_for_data(raw.baseAddress!.assumingMemoryBound(to: UInt8.self),
                                                              CAIRO_FORMAT_RGB24, Int32(r.image.width),
                                                              Int32(r.image.height), Int32(r.image.width * 4))
                cairo_set_source_surface(cr, img, x0, 0)
                cairo_paint(cr)
                cairo_surface_destroy(img)
            }
            let rot = views.rotationsDeg[i]
            let label = "X \(deg(rot[0]))°, Y \(deg(rot[1]))°, Z \(deg(rot[2]))°"
            // Below the view, so nothing covers the object: scale bar, rotation, axis triad.
            text(cr, label, x: x0 + vw / 2, y: vh + labelHeight * 0.55, align: 0.5)
            drawTriad(cr, rotation: r.camera.rotation, x: x0 + vw - vh * 0.2, y: vh + labelHeight * 0.5, length: vh * 0.07)
            drawScaleBar(cr, samplesPerA: r.camera.scale / Double(max(1, options.supersample)), x: x0 + vh * 0.06,
                         y: vh + labelHeight * 0.7, maxLength: vw * 0.16)
            if i > 0 {   // thin separator between views
                cairo_set_source_rgb(cr, 0.85, 0.85, 0.85)
                cairo_set_line_width(cr, 2)
                cairo_move_to(cr, x0, vh * 0.05); cairo_line_to(cr, x0, vh * 0.95); cairo_stroke(cr)
            }
        }
        if hasColorbar { drawColorbar(cr) }
    }

    private func deg(_ a: Double) -> String {
        let r = a.rounded()
        let s = abs(a - r) < 1e-9 ? String(Int(r)) : String(format: "%.1f", a)
        return s.replacingOccurrences(of: "-", with: "−")
    }

    private func text(_ cr: OpaquePointer, _ s: String, x: Double, y: Double, align: Double) {
        var ext = cairo_text_extents_t()
        cairo_text_extents(cr, s, &ext)
        cairo_set_source_rgb(cr, 0, 0, 0)
        cairo_move_to(cr, x - align * ext.x_advance, y)
        cairo_show_text(cr, s)
    }

    /// Where +X, +Y, +Z point in this view: arrows in red, green, blue; an axis towards the viewer is a
    /// dot in a circle, away from the viewer a cross in a circle.
    private func drawTriad(_ cr: OpaquePointer, rotation R: Rotation3, x: Double, y: Double, length: Double) {
        let axes: [(String, SIMD3<Double>, (Double, Double, Double))] = [
            ("X", SIMD3(1, 0, 0), (0.80, 0.10, 0.10)), ("Y", SIMD3(0, 1, 0), (0.10, 0.55, 0.10)),
            ("Z", SIMD3(0, 0, 1), (0.10, 0.25, 0.85))]
        let saved = fontSize
        cairo_set_font_size(cr, saved * 0.7)
        cairo_set_line_width(cr, length * 0.06)
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND)
        for (name, a, c) in axes {
            let q = R.apply(a)
            cairo_set_source_rgb(cr, c.0, c.1, c.2)
            let ex = x + q.x * length, ey = y - q.y * length
            if abs(q.z) > 0.9 {
                let r = length * 0.16
                cairo_new_path(cr)
                cairo_arc(cr, x, y, r, 0, 2 * .pi); cairo_stroke(cr)
                if q.z > 0 { cairo_arc(cr, x, y, r * 0.3, 0, 2 * .pi); cairo_fill(cr) }
                else {
                    cairo_move_to(cr, x - r * 0.6, y - r * 0.6); cairo_line_to(cr, x + r * 0.6, y + r * 0.6)
                    cairo_move_to(cr, x - r * 0.6, y + r * 0.6); cairo_line_to(cr, x + r * 0.6, y - r * 0.6)
                    cairo_stroke(cr)
                }
                var ext = cairo_text_extents_t(); cairo_text_extents(cr, name, &ext)
                cairo_move_to(cr, x - r - ext.x_advance - length * 0.05, y - r * 0.9)
                cairo_show_text(cr, name)
                continue
            }
            cairo_move_to(cr, x, y); cairo_line_to(cr, ex, ey); cairo_stroke(cr)
            // Arrow head.
            let dx = ex - x, dy = ey - y, l = max((dx * dx + dy * dy).squareRoot(), 1e-9)
            let (ux, uy) = (dx / l, dy / l), h = length * 0.22
            cairo_move_to(cr, ex + ux * h * 0.3, ey + uy * h * 0.3)
            cairo_line_to(cr, ex - ux * h + uy * h * 0.5, ey - uy * h - ux * h * 0.5)
            cairo_line_to(cr, ex - ux * h - uy * h * 0.5, ey - uy * h + ux * h * 0.5)
            cairo_close_path(cr); cairo_fill(cr)
            var ext = cairo_text_extents_t(); cairo_text_extents(cr, name, &ext)
            let lx = x + q.x * length * 1.45 - ext.x_advance / 2, ly = y - q.y * length * 1.45 + ext.height / 2
            cairo_move_to(cr, lx, ly); cairo_show_text(cr, name)
        }
        cairo_set_font_size(cr, saved)
    }

    /// A bar of a round length in Å (1, 2 or 5 × 10ⁿ) no longer than `maxLength` pixels.
    private func drawScaleBar(_ cr: OpaquePointer, samplesPerA: Double, x: Double, y: Double, maxLength: Double) {
        guard samplesPerA > 0, samplesPerA.isFinite else { return }
        let maxA = maxLength / samplesPerA
        var lenA = pow(10, floor(log10(maxA)))
        for m in [5.0, 2.0] where lenA * m <= maxA { lenA *= m; break }
        let px = lenA * samplesPerA
        cairo_set_source_rgb(cr, 0, 0, 0)
        cairo_rectangle(cr, x, y - fontSize * 0.18, px, fontSize * 0.18)
        cairo_fill(cr)
        let label = lenA >= 1 ? "\(Int(lenA)) Å" : String(format: "%.1f Å", lenA)
        text(cr, label, x: x + px / 2, y: y - fontSize * 0.45, align: 0.5)
    }

    /// Vertical colour bar: the range's lower end at the bottom, 5 ticks, the label rotated along the bar.
    private func drawColorbar(_ cr: OpaquePointer) {
        let range = SurfaceSceneBuilder.valueRange(views)
        let r = colorbarRect
        // The maps are linear in sRGB between their stops, so a gradient through the stops is exact.
        let gradient = cairo_pattern_create_linear(0, r.y + r.h, 0, r.y)!
        let stops = SurfaceColormap.stops(views.colormap)
        for (i, c) in stops.enumerated() {
            cairo_pattern_add_color_stop_rgb(gradient, Double(i) / Double(stops.count - 1), Double(c.x), Double(c.y), Double(c.z))
        }
        cairo_set_source(cr, gradient)
        cairo_rectangle(cr, r.x, r.y, r.w, r.h)
        cairo_fill(cr)
        cairo_pattern_destroy(gradient)
        cairo_set_source_rgb(cr, 0, 0, 0)
        cairo_set_line_width(cr, 2)
        cairo_rectangle(cr, r.x, r.y, r.w, r.h); cairo_stroke(cr)
        let saved = fontSize
        cairo_set_font_size(cr, saved * 0.8)
        for k in 0...4 {
            let f = Double(k) / 4
            let v = range.lowerBound + f * (range.upperBound - range.lowerBound)
            let y = r.y + r.h * (1 - f)
            cairo_move_to(cr, r.x + r.w, y); cairo_line_to(cr, r.x + r.w + r.w * 0.3, y); cairo_stroke(cr)
            text(cr, SurfaceSceneBuilder.tickLabel(v, range: range), x: r.x + r.w * 1.45, y: y + saved * 0.28, align: 0)
        }
        if let label = views.colorbarLabel {
            cairo_save(cr)
            var ext = cairo_text_extents_t(); cairo_text_extents(cr, label, &ext)
            // Rotated along the right edge of the figure, reading upwards.
            cairo_move_to(cr, Double(options.viewWidth * rendered.count) + colorbarWidth - saved * 0.3,
                          r.y + r.h / 2 + ext.x_advance / 2)
            cairo_rotate(cr, -.pi / 2)
            cairo_set_source_rgb(cr, 0, 0, 0)
            cairo_show_text(cr, label)
            cairo_restore(cr)
        }
        cairo_set_font_size(cr, saved)
    }
}
