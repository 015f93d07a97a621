// Images (slices, projections, masks) drawn side by side: grey scale from each image's own min to max
// (docs/methods.md "Conventions"), or a colour map over a fixed/shared range with a colour bar.
//
// Conventions: pixel (u, v) of an Image2D has u to the right and v upwards, so row v = 0 is drawn at the
// bottom. Every panel of a figure is drawn at one scale (points per Å), so each keeps its physical aspect
// ratio (width·pixelSizeA[0] : height·pixelSizeA[1]) and sizes compare across panels; one scale bar in Å
// sits under the first panel. Small images are enlarged with nearest-neighbour sampling so voxels stay
// sharp. Non-finite pixels are drawn transparent (the white page shows through).
import Foundation
import CCairo
import Analysis

/// Where each panel goes, in points.
struct ImageLayout {
    struct Cell { var x: Double; var y: Double; var w: Double; var h: Double }
    var size: (w: Double, h: Double)
    /// The image rectangle of each panel (common scale; top-aligned and centred across its cell).
    var images: [Cell]
    /// The width of each panel's cell: its label may use the cell and most of the gap to the next.
    var cellWidth: Double = 0
    /// Colour-bar rectangle, if one is drawn.
    var colorbar: Cell?
    /// Points per Å, common to every panel.
    var scale: Double = 1

    static let labelFont = 9.0
    static let smallFont = 7.5
    static let margin = 6.0
    static let gap = 10.0
    /// Space above a row of images for the labels and below it for the scale bar.
    static let labelSpace = 15.0
    static let scaleSpace = 16.0
    static let colorbarSpace = 62.0

    init(_ p: ImagePanels, sizeInches: (w: Double, h: Double)?) {
        let n = max(1, p.panels.count)
        let cols = p.columns.map { max(1, min($0, n)) } ?? (n <= 4 ? n : 3)
        let rows = (n + cols - 1) / cols
        let hasBar = p.colorbarLabel != nil
        // Every figure is set \linewidth wide (17 cm, 6.7 in) in the report, so a canvas much narrower than
        // 7 in has its text enlarged there: one panel on 3.4 in printed its label and scale bar at about 18 pt,
        // two on 5 in at 12 pt. Narrow content is centred on the 7 in canvas instead.
        let width = (sizeInches?.w ?? 7.0) * 72
        let barW = hasBar ? ImageLayout.colorbarSpace : 0
        let cellW = (width - 2 * ImageLayout.margin - Double(cols - 1) * ImageLayout.gap - barW) / Double(cols)
        cellWidth = cellW
        // Every panel at one common scale (points per Å), so that sizes compare across panels; the
        // scale is the largest at which every panel fits its cell width and the height limit.
        let phys = p.panels.map { img -> (w: Double, h: Double) in
            (Double(max(1, img.width)) * ImageLayout.pixelSize(img, 0), Double(max(1, img.height)) * ImageLayout.pixelSize(img, 1))
        }
        let extra = ImageLayout.labelSpace + ImageLayout.scaleSpace
        let maxH: Double
        if let s = sizeInches {
            maxH = max(10, (s.h * 72 - 2 * ImageLayout.margin) / Double(rows) - extra)
        } else {
            maxH = 4.5 * 72
        }
        var scale = Double.infinity
        for ph in phys { scale = min(scale, cellW / ph.w, maxH / ph.h) }
        if !(scale.isFinite && scale > 0) { scale = 1 }
        self.scale = scale
        let cellH = sizeInches != nil ? maxH : max(10, phys.map { $0.h * scale }.max() ?? 10)
        let height = sizeInches.map { $0.h * 72 } ?? (2 * ImageLayout.margin + Double(rows) * (cellH + extra))
        size = (width, height)
        images = []
        for (k, ph) in phys.enumerated() {
            let col = k % cols, row = k / cols
            let cx = ImageLayout.margin + Double(col) * (cellW + ImageLayout.gap)
            let cy = ImageLayout.margin + Double(row) * (cellH + extra) + ImageLayout.labelSpace
            let w = ph.w * scale, h = ph.h * scale
            // Top-aligned under a common label line; centred across the cell.
            images.append(Cell(x: cx + (cellW - w) / 2, y: cy, w: w, h: h))
        }
        if hasBar {
            let top = images.map(\.y).min() ?? ImageLayout.margin
            let bottom = images.map { $0.y + $0.h }.max() ?? (height - ImageLayout.margin)
            // Beside the rightmost image (a lone panel narrower than its cell is centred, away from the edge).
            let right = images.map { $0.x + $0.w }.max() ?? (width - ImageLayout.margin - barW)
            colorbar = Cell(x: min(right + 18, width - ImageLayout.margin - barW + 8), y: top, w: 10, h: max(10, bottom - top))
        }
    }

    /// The labels' font size: `labelFont`, or smaller (not below 5.5 pt) when the widest label at `labelFont`
    /// (`widest` pt) is wider than its cell and most of the gap, where neighbouring labels would run into each
    /// other (3.c's "11: user 7, 0.96" over eight columns did).
    func labelFontSize(widest: Double) -> Double {
        let room = cellWidth + ImageLayout.gap - 2
        return widest > room ? max(5.5, ImageLayout.labelFont * room / widest) : ImageLayout.labelFont
    }

    /// Pixel size along u (0) or v (1) in Å, 1 when missing or invalid.
    static func pixelSize(_ img: Image2D, _ axis: Int) -> Double {
        guard img.pixelSizeA.count > axis, img.pixelSizeA[axis].isFinite, img.pixelSizeA[axis] > 0 else { return 1 }
        return img.pixelSizeA[axis]
    }
}

enum ImagePanelsDrawing {
    static func draw(_ p: ImagePanels, layout: ImageLayout, on canvas: Canvas) {
        let cmap = Colormap(named: p.colormap) ?? .grey
        let lut = cmap.packedLUT()
        // A shared range when given, or when a colour bar needs one scale for every panel.
        var shared: (Double, Double)? = nil
        if let r = p.range, r.count == 2, r[0].isFinite, r[1].isFinite { shared = (r[0], r[1]) }
        else if p.colorbarLabel != nil { shared = finiteRange(p.panels.flatMap(\.pixels)) }
        let cr = canvas.cr
        canvas.setFont(size: ImageLayout.labelFont)
        let labelSize = layout.labelFontSize(widest: p.panels.map { canvas.textWidth($0.label) }.max() ?? 0)
        for (img, cell) in zip(p.panels, layout.images) {
            let range = shared ?? finiteRange(img.pixels)
            if img.width > 0 && img.height > 0 {
                drawImage(img, range: range, lut: lut, in: cell, cr: cr)
                drawCircles(img, in: cell, canvas: canvas)
            }
            canvas.setColor(.axis)
            canvas.setLine(width: 0.6)
            canvas.strokeRect(cell.x, cell.y, cell.w, cell.h)
            canvas.setFont(size: labelSize)
            canvas.text(img.label, cell.x + cell.w / 2, cell.y - 4.5, anchor: .center, vAnchor: .bottom)
        }
        // One scale bar (every panel has the same scale), under the first panel.
        if let first = layout.images.first, !p.panels.isEmpty, p.noScaleBar != true {
            let narrowestA = p.panels.map { Double(max(1, $0.width)) * ImageLayout.pixelSize($0, 0) }.min() ?? 1
            drawScaleBar(lengthA: roundLength(narrowestA / 4), pointsPerA: layout.scale, at: first, canvas: canvas)
        }
        if let bar = layout.colorbar {
            drawColorbar(cmap, range: shared ?? (0, 1), label: p.colorbarLabel ?? "", in: bar, canvas: canvas)
        }
    }

    /// Min and max over the finite values; (0, 1) when there are none.
    static func finiteRange(_ values: [Float]) -> (Double, Double) {
        var lo = Float.infinity, hi = -Float.infinity
        values.withUnsafeBufferPointer { p in
            for v in p where v.isFinite { if v < lo { lo = v }; if v > hi { hi = v } }
        }
        return lo <= hi ? (Double(lo), Double(hi)) : (0, 1)
    }

    /// The image's circles (v upwards, like the pixels): red when flagged, green otherwise.
    static func drawCircles(_ img: Image2D, in cell: ImageLayout.Cell, canvas: Canvas) {
        guard let circles = img.circles, !circles.isEmpty, img.width > 0, img.height > 0 else { return }
        let sx = cell.w / Double(img.width), sy = cell.h / Double(img.height)
        canvas.save()
        canvas.clip(cell.x, cell.y, cell.w, cell.h)
        canvas.setLine(width: 0.7)
        for c in circles {
            canvas.setColor(c.flagged ? RGB(hex: 0xD62728) : RGB(hex: 0x2CA02C))
            cairo_new_sub_path(canvas.cr)
            cairo_arc(canvas.cr, cell.x + (c.u + 0.5) * sx, cell.y + cell.h - (c.v + 0.5) * sy, max(0.5, c.radius * sx), 0, 2 * .pi)
            cairo_stroke(canvas.cr)
        }
        canvas.restore()
    }

    /// Fills a Cairo image with the colour-mapped pixels (row 0 = top = v at its largest) and paints it into `cell`.
    static func drawImage(_ img: Image2D, range: (Double, Double), lut: [UInt32], in cell: ImageLayout.Cell, cr: OpaquePointer) {
        let w = img.width, h = img.height
        guard let surf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, Int32(w), Int32(h)) else { return }
        defer { cairo_surface_destroy(surf) }
        guard cairo_surface_status(surf) == CAIRO_STATUS_SUCCESS, let base = cairo_image_surface_get_data(surf) else { return }
        cairo_surface_flush(surf)
        let stride = Int(cairo_image_surface_get_stride(surf))
        let (lo, hi) = range
        // All-equal (or empty) range: mid grey rather than a division by zero.
        let scale = hi > lo ? 255 / (hi - lo) : 0
        let flat = !(hi > lo)
        img.pixels.withUnsafeBufferPointer { px in
            lut.withUnsafeBufferPointer { table in
                for row in 0..<h {
                    let v = h - 1 - row
                    let dst = UnsafeMutableRawPointer(base + row * stride).assumingMemoryBound(to: UInt32.self)
                    for u in 0..<w {
                        let val = px[u + w * v]
                        if !val.isFinite { dst[u] = 0; continue }
                        let k = flat ? 128 : Int(((Double(val) - lo) * scale).rounded())
                        dst[u] = table[min(255, max(0, k))]
                    }
                }
            }
        }
        cairo_surface_mark_dirty(surf)
        cairo_save(cr)
        cairo_rectangle(cr, cell.x, cell.y, cell.w, cell.h)
        cairo_clip(cr)
        cairo_translate(cr, cell.x, cell.y)
        cairo_scale(cr, cell.w / Double(w), cell.h / Double(h))
        cairo_set_source_surface(cr, surf, 0, 0)
        // Nearest neighbour when enlarging (sharp voxels); a smoothing filter when shrinking (no aliasing).
        // The check uses the points scale; PNGs at ≥ 72 dpi only enlarge further.
        let enlarging = cell.w / Double(w) >= 0.999 || cell.h / Double(h) >= 0.999
        cairo_pattern_set_filter(cairo_get_source(cr), enlarging ? CAIRO_FILTER_NEAREST : CAIRO_FILTER_GOOD)
        cairo_pattern_set_extend(cairo_get_source(cr), CAIRO_EXTEND_PAD)
        cairo_paint(cr)
        cairo_restore(cr)
    }

    /// A bar of `lengthA` Å under the left corner of `cell`, labelled.
    static func drawScaleBar(lengthA: Double, pointsPerA: Double, at cell: ImageLayout.Cell, canvas: Canvas) {
        let lengthPt = lengthA * pointsPerA
        guard lengthPt > 2, lengthPt.isFinite else { return }
        let y = cell.y + cell.h + 6
        canvas.setColor(.black)
        canvas.setLine(width: 2.2)
        canvas.line(cell.x, y, cell.x + lengthPt, y)
        canvas.setFont(size: ImageLayout.smallFont)
        canvas.text("\(AxisTicks.formatResolution(lengthA)) Å", cell.x + lengthPt + 4, y, anchor: .left, vAnchor: .middle)
    }

    /// The largest of 1, 2, 5 × 10^k not above `x`.
    static func roundLength(_ x: Double) -> Double {
        guard x > 0, x.isFinite else { return 1 }
        let mag = pow(10, floor(log10(x)))
        for m in [5.0, 2.0, 1.0] where m * mag <= x * 1.0001 { return m * mag }
        return mag
    }

    static func drawColorbar(_ cmap: Colormap, range: (Double, Double), label: String, in bar: ImageLayout.Cell, canvas: Canvas) {
        let cr = canvas.cr
        let steps = 128
        for k in 0..<steps {
            let c = cmap.color((Double(k) + 0.5) / Double(steps))
            let y0 = bar.y + bar.h * (1 - Double(k + 1) / Double(steps))
            canvas.setColor(RGB(c.r, c.g, c.b))
            // Slight overlap hides hairline seams between the strips.
            cairo_rectangle(cr, bar.x, y0, bar.w, bar.h / Double(steps) + 0.3)
            cairo_fill(cr)
        }
        canvas.setColor(.axis)
        canvas.setLine(width: 0.6)
        canvas.strokeRect(bar.x, bar.y, bar.w, bar.h)
        let (lo, hi) = range
        canvas.setFont(size: ImageLayout.smallFont)
        var labelX = bar.x + bar.w + 4
        if hi > lo {
            let ticks = AxisTicks.linear(lo: lo, hi: hi, target: 5)
            for t in ticks {
                let y = bar.y + bar.h * (1 - (t.value - lo) / (hi - lo))
                canvas.line(bar.x + bar.w, y, bar.x + bar.w + 2.5, y)
                canvas.text(t.label, bar.x + bar.w + 4, y, anchor: .left, vAnchor: .middle)
                labelX = max(labelX, bar.x + bar.w + 4 + canvas.textWidth(t.label))
            }
        } else {
            let s = AxisTicks.formatLinear(lo, step: max(abs(lo) / 100, 1e-12), magnitude: abs(lo))
            canvas.text(s, bar.x + bar.w + 4, bar.y + bar.h / 2, anchor: .left, vAnchor: .middle)
            labelX = bar.x + bar.w + 4 + canvas.textWidth(s)
        }
        canvas.setFont(size: ImageLayout.labelFont - 0.5)
        canvas.text(label, labelX + 5, bar.y + bar.h / 2, anchor: .center, vAnchor: .top, angle: -Double.pi / 2)
    }
}
