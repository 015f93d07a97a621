// A thin drawing layer over a Cairo context: colours, lines, rectangles and text with the toy font API.
//
// Conventions: every coordinate is in points (1/72 inch) with y downwards (Cairo's device space after
// the renderer's scale for PNG). Text uses DejaVu Sans (Debian fonts-dejavu-core), which covers Å, ×,
// superscript digits and Greek letters.
import CCairo

/// An RGB colour with components in [0, 1].
struct RGB: Equatable {
    var r: Double, g: Double, b: Double
    init(_ r: Double, _ g: Double, _ b: Double) { self.r = r; self.g = g; self.b = b }
    /// From a hex literal 0xRRGGBB.
    init(hex: UInt32) {
        r = Double((hex >> 16) & 0xFF) / 255; g = Double((hex >> 8) & 0xFF) / 255; b = Double(hex & 0xFF) / 255
    }
    static let black = RGB(0, 0, 0)
    static let white = RGB(1, 1, 1)
    static let axis = RGB(0.15, 0.15, 0.15)
    static let grid = RGB(0.90, 0.90, 0.90)
    static let marker = RGB(hex: 0xD62728)
    /// Matplotlib's "tab10" cycle, the colours readers of cryo-EM papers are used to.
    static let cycle: [RGB] = [0x1F77B4, 0xFF7F0E, 0x2CA02C, 0xD62728, 0x9467BD,
                               0x8C564B, 0xE377C2, 0x7F7F7F, 0xBCBD22, 0x17BECF].map { RGB(hex: $0) }
}

/// Horizontal anchor of a text run; vertical anchors are given as baseline offsets by the callers.
enum TextAnchor { case left, center, right }
enum TextVAnchor { case baseline, top, middle, bottom }

/// Owns nothing: the renderer creates and destroys the Cairo surface and context.
struct Canvas {
    let cr: OpaquePointer
    static let fontFamily = "DejaVu Sans"

    init(_ cr: OpaquePointer) {
        self.cr = cr
        FontSetup.apply(to: cr)
    }

    func setColor(_ c: RGB, alpha: Double = 1) {
        if alpha >= 1 { cairo_set_source_rgb(cr, c.r, c.g, c.b) } else { cairo_set_source_rgba(cr, c.r, c.g, c.b, alpha) }
    }

    func setLine(width: Double, dash: [Double] = []) {
        cairo_set_line_width(cr, width)
        if dash.isEmpty { cairo_set_dash(cr, nil, 0, 0) } else { dash.withUnsafeBufferPointer { cairo_set_dash(cr, $0.baseAddress, Int32($0.count), 0) } }
    }

    func line(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double) {
        cairo_move_to(cr, x0, y0); cairo_line_to(cr, x1, y1); cairo_stroke(cr)
    }

    func fillRect(_ x: Double, _ y: Double, _ w: Double, _ h: Double, _ c: RGB, alpha: Double = 1) {
        setColor(c, alpha: alpha); cairo_rectangle(cr, x, y, w, h); cairo_fill(cr)
    }

    func strokeRect(_ x: Double, _ y: Double, _ w: Double, _ h: Double) {
        cairo_rectangle(cr, x, y, w, h); cairo_stroke(cr)
    }

    func save() { cairo_save(cr) }
    func restore() { cairo_restore(cr) }

    func clip(_ x: Double, _ y: Double, _ w: Double, _ h: Double) {
        cairo_rectangle(cr, x, y, w, h); cairo_clip(cr)
    }

    // MARK: Text

    func setFont(size: Double, bold: Bool = false) {
        cairo_select_font_face(cr, Canvas.fontFamily, CAIRO_FONT_SLANT_NORMAL,
                               bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL)
        cairo_set_font_size(cr, size)
    }

    /// Advance width of `s` in the current font (points).
    func textWidth(_ s: String) -> Double {
        var ext = cairo_text_extents_t()
        cairo_text_extents(cr, s, &ext)
        return ext.x_advance
    }

    /// Ascent and descent of the current font (points).
    func fontMetrics() -> (ascent: Double, descent: Double) {
        var fe = cairo_font_extents_t()
        cairo_font_extents(cr, &fe)
        return (fe.ascent, fe.descent)
    }

    /// Draws `s` anchored at (x, y); `angle` in radians rotates about the anchor (−π/2 reads upwards).
    func text(_ s: String, _ x: Double, _ y: Double, anchor: TextAnchor = .left, vAnchor: TextVAnchor = .baseline,
              angle: Double = 0, color: RGB = .black) {
        guard !s.isEmpty else { return }
        let w = textWidth(s)
        let m = fontMetrics()
        // DejaVu's ascent includes room for accents; about 0.76 of it is the height of digits and capitals.
        let capHeight = m.ascent * 0.76
        let dx: Double = anchor == .left ? 0 : (anchor == .center ? -w / 2 : -w)
        let dy: Double
        switch vAnchor {
        case .baseline: dy = 0
        case .top: dy = capHeight
        case .middle: dy = capHeight / 2
        case .bottom: dy = -m.descent
        }
        save()
        setColor(color)
        cairo_translate(cr, x, y)
        if angle != 0 { cairo_rotate(cr, angle) }
        cairo_move_to(cr, dx, dy)
        cairo_show_text(cr, s)
        restore()
    }
}
