// Draws a section's figure data (Sources/Analysis/Figure.swift) to PNG, PDF and SVG files with Cairo.
//
// Conventions: layout is computed in points (1/72 inch); a PNG is the same drawing scaled to `dpi`.
// Output is deterministic: the same figure gives byte-identical files (the PDF carries no creation date,
// and the SVG's image ids, which Cairo numbers per process, are renumbered per file).
import Foundation
import CCairo
import Analysis
import VolumeNumerics

public enum FigureFormat: String, CaseIterable, Sendable, Codable {
    /// `jpg`: high-quality JPEG, for shaded 3D views (a sixth of the PNG's size; embedded as is by pdflatex).
    case png, jpg, pdf, svg
}

public struct RenderOptions: Sendable {
    /// Files to write, one per format.
    public var formats: [FigureFormat]
    /// Pixels per inch of PNG files.
    public var dpi: Double
    /// Colour map used instead of the figure's own for coloured images (those whose map is not grey);
    /// grey-scale density images stay grey (docs/methods.md "Conventions").
    public var colormapOverride: String?
    /// Figure size in inches; nil chooses one from the content (7 in wide for image rows, 5 × 3.4 in plots).
    public var sizeInches: (w: Double, h: Double)?
    /// Layout and quality of 3D views (`.surface` figures, drawn by SurfaceRenderer).
    public var surface: SurfaceRenderer.Options

    public init(formats: [FigureFormat] = [.png, .pdf], dpi: Double = 150, colormapOverride: String? = nil,
                sizeInches: (w: Double, h: Double)? = nil, surface: SurfaceRenderer.Options = .init()) {
        self.formats = formats; self.dpi = dpi; self.colormapOverride = colormapOverride; self.sizeInches = sizeInches
        self.surface = surface
    }
}

public enum RenderError: Error, CustomStringConvertible, Equatable {
    /// The figure's content type has no renderer yet.
    case unsupported(figure: String, what: String)
    /// Cairo reported an error while drawing or writing a file.
    case cairo(file: String, status: String)
    /// The options are unusable (unknown colour map, bad size or dpi).
    case badOption(String)

    public var description: String {
        switch self {
        case .unsupported(let id, let what): return "figure \(id): \(what) is not supported yet by the 2D renderer"
        case .cairo(let file, let status): return "cannot write figure \(file): Cairo error \"\(status)\""
        case .badOption(let s): return "render options: \(s)"
        }
    }
}

public enum FigureRenderer {
    /// Renders `figure` to `<directory>/<figure.id>.<ext>` for each format in `options.formats`;
    /// returns the written files. Creates `directory` if needed.
    public static func render(_ figure: Figure, to directory: URL, options: RenderOptions) throws -> [FigureFormat: URL] {
        guard options.dpi.isFinite, options.dpi >= 10, options.dpi <= 2400 else {
            throw RenderError.badOption("dpi \(options.dpi) outside 10…2400")
        }
        if let name = options.colormapOverride, Colormap(named: name) == nil {
            throw RenderError.badOption("unknown colour map \"\(name)\"; expected one of \(Colormap.names.joined(separator: ", "))")
        }
        if let s = options.sizeInches, !(s.w > 0.5 && s.h > 0.5 && s.w < 100 && s.h < 100) {
            throw RenderError.badOption("figure size \(s.w)×\(s.h) in outside 0.5…100 in")
        }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        if case .surface(let views) = figure.content {
            return try renderSurface(views, id: figure.id, to: directory, options: options)
        }
        let drawer = try makeDrawer(figure, options: options)
        let size = drawer.size
        // One format per thread: each has its own Cairo surface and context.
        let formats = Array(Set(options.formats)).sorted { $0.rawValue < $1.rawValue }
        let urls = formats.map { directory.appendingPathComponent("\(figure.id).\($0.rawValue)") }
        var errors = [Error?](repeating: nil, count: formats.count)
        let lock = NSLock()
        Parallel.perform(iterations: formats.count) { k in
            do { try draw(drawer, format: formats[k], size: size, dpi: options.dpi, to: urls[k]) }
            catch { lock.lock(); errors[k] = error; lock.unlock() }
        }
        if let e = errors.compactMap({ $0 }).first { throw e }
        return Dictionary(uniqueKeysWithValues: zip(formats, urls))
    }

    /// 3D views are drawn by `SurfaceRenderer` (Rendering/Surface), as PNG and PDF.
    static func renderSurface(_ views: SurfaceViews, id: String, to directory: URL,
                              options: RenderOptions) throws -> [FigureFormat: URL] {
        if options.formats.contains(.svg) {
            throw RenderError.unsupported(figure: id, what: "SVG output of 3D surface views")
        }
        var v = views
        if let override = options.colormapOverride, v.vertexValues != nil, SurfaceColormap.isKnown(override) {
            v.colormap = override
        }
        let formats = Array(Set(options.formats)).sorted { $0.rawValue < $1.rawValue }
        let surfaceFormats = formats.map { f -> SurfaceRenderer.Format in
            switch f {
            case .png: return .png
            case .jpg: return .jpg
            default: return .pdf
            }
        }
        let urls = try SurfaceRenderer.render(v, to: directory, id: id, formats: surfaceFormats, options: options.surface)
        return Dictionary(uniqueKeysWithValues: zip(formats, urls))
    }

    /// The drawing of one figure: its size in points and a function drawing it on a canvas of that size.
    struct Drawer {
        var size: (w: Double, h: Double)
        var draw: (Canvas) -> Void
    }

    static func makeDrawer(_ figure: Figure, options: RenderOptions) throws -> Drawer {
        switch figure.content {
        case .images(let panels):
            var p = panels
            if let override = options.colormapOverride, Colormap(named: p.colormap)?.name != "grey" {
                p.colormap = override
            }
            guard Colormap(named: p.colormap) != nil else {
                throw RenderError.badOption("figure \(figure.id): unknown colour map \"\(p.colormap)\"")
            }
            let layout = ImageLayout(p, sizeInches: options.sizeInches)
            return Drawer(size: layout.size) { ImagePanelsDrawing.draw(p, layout: layout, on: $0) }
        case .histogram(let h):
            let size = plotSize(options)
            return Drawer(size: size) { PlotDrawing.draw(histogram: h, size: size, on: $0) }
        case .plot(let plot):
            let size = plotSize(options)
            return Drawer(size: size) { PlotDrawing.draw(plot: plot, size: size, on: $0) }
        case .surface:
            throw RenderError.unsupported(figure: figure.id, what: "3D surface content in a 2D drawing")
        case .graph(let g):
            let size = GraphDrawing.size(g, sizeInches: options.sizeInches)
            return Drawer(size: size) { GraphDrawing.draw(g, size: size, on: $0) }
        }
    }

    static func plotSize(_ options: RenderOptions) -> (w: Double, h: Double) {
        let s = options.sizeInches ?? (w: 5.0, h: 3.4)
        return (s.w * 72, s.h * 72)
    }

    /// Creates the surface for `format`, draws, and writes the file.
    static func draw(_ drawer: Drawer, format: FigureFormat, size: (w: Double, h: Double), dpi: Double, to url: URL) throws {
        let path = url.path
        let surface: OpaquePointer
        switch format {
        case .png, .jpg:
            let scale = dpi / 72
            let pw = max(1, Int((size.w * scale).rounded())), ph = max(1, Int((size.h * scale).rounded()))
            // Opaque RGB: the page is painted white first, and the PNG needs no alpha channel.
            surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, Int32(pw), Int32(ph))
        case .pdf:
            surface = cairo_pdf_surface_create(path, size.w, size.h)
            // No creation date, so that the same figure gives the same bytes.
            cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, "")
            cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "emvalidate")
        case .svg:
            surface = cairo_svg_surface_create(path, size.w, size.h)
        }
        defer { cairo_surface_destroy(surface) }
        try check(cairo_surface_status(surface), path)
        guard let cr = cairo_create(surface) else { throw RenderError.cairo(file: path, status: "no context") }
        if format == .png || format == .jpg { cairo_scale(cr, dpi / 72, dpi / 72) }
        // White background in every format (PDF/SVG would otherwise be transparent).
        cairo_set_source_rgb(cr, 1, 1, 1)
        cairo_paint(cr)
        drawer.draw(Canvas(cr))
        let drawStatus = cairo_status(cr)
        cairo_destroy(cr)
        try check(drawStatus, path)
        if format == .png {
            cairo_surface_flush(surface)
            try check(cairo_surface_write_to_png(surface, path), path)
        } else if format == .jpg {
            try JPEGFile.write(surface, to: url)
        } else {
            cairo_surface_finish(surface)
            try check(cairo_surface_status(surface), path)
        }
        if format == .svg { try renumberSVGIds(at: url) }
    }

    static func check(_ status: cairo_status_t, _ path: String) throws {
        guard status == CAIRO_STATUS_SUCCESS else {
            throw RenderError.cairo(file: path, status: String(cString: cairo_status_to_string(status)))
        }
    }

    /// Cairo names embedded images "image<N>" (and some patterns "surface<N>") with process-wide counters,
    /// so two renders of one figure differ; renumber each such id by order of first appearance.
    static func renumberSVGIds(at url: URL) throws {
        guard var text = try? String(contentsOf: url, encoding: .utf8) else { return }
        for prefix in ["image", "surface", "source"] {
            text = renumber(text, prefix: prefix)
        }
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    /// Replaces every `prefix<digits>` token that is an id or an id reference ("…" or #…) by prefix + rank.
    static func renumber(_ text: String, prefix: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        var map: [Substring: Int] = [:]
        var i = text.startIndex
        while let r = text.range(of: prefix, range: i..<text.endIndex) {
            out += text[i..<r.lowerBound]
            let before = r.lowerBound > text.startIndex ? text[text.index(before: r.lowerBound)] : " "
            var j = r.upperBound
            while j < text.endIndex, text[j].isASCII, text[j].isNumber { j = text.index(after: j) }
            if (before == "\"" || before == "#") && j > r.upperBound {
                let num = text[r.upperBound..<j]
                let k = map[num] ?? { let n = map.count + 1; map[num] = n; return n }()
                out += prefix + String(k)
            } else {
                out += text[r.lowerBound..<j]
            }
            i = j
        }
        out += text[i...]
        return out
    }
}
