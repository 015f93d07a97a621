// Draws a laid-out graph (GraphLayout from Graphviz, section W) in the report's style: boxes with the step's
// label and program, arrows for the data flowing between them. Graphviz's y axis points up; Cairo's down.
import CCairo
import Foundation
import WorkflowIO

enum GraphDrawing {
    static let margin = GraphLayout.drawingMargin

    /// The natural size of the layout (or of its window, a band of a tall graph) plus margins (points).
    static func naturalSize(_ g: GraphLayout) -> (w: Double, h: Double) {
        let h = g.window.map { $0.upperBound - $0.lowerBound } ?? g.height
        return (max(g.width, 10) + 2 * margin, max(h, 10) + 2 * margin)
    }

    /// The natural size, or the requested size.
    static func size(_ g: GraphLayout, sizeInches: (w: Double, h: Double)?) -> (w: Double, h: Double) {
        if let s = sizeInches { return (s.w * 72, s.h * 72) }
        return naturalSize(g)
    }

    static func draw(_ g: GraphLayout, size: (w: Double, h: Double), on c: Canvas) {
        let natural = naturalSize(g)
        let scale = min(size.w / natural.w, size.h / natural.h)
        c.save()
        // A band shows its window only: arrows crossing its cuts stop at the drawing's edge.
        cairo_rectangle(c.cr, 0, 0, natural.w * scale, natural.h * scale)
        cairo_clip(c.cr)
        cairo_scale(c.cr, scale, scale)
        cairo_translate(c.cr, margin, margin)
        let top = g.window?.upperBound ?? g.height
        func y(_ v: Double) -> Double { top - v }

        c.setColor(RGB(0.35, 0.35, 0.35))
        c.setLine(width: 0.8)
        for e in g.edges where !e.spline.isEmpty {
            let p = e.spline
            cairo_move_to(c.cr, p[0][0], y(p[0][1]))
            var i = 1
            while i + 2 < p.count {
                cairo_curve_to(c.cr, p[i][0], y(p[i][1]), p[i + 1][0], y(p[i + 1][1]), p[i + 2][0], y(p[i + 2][1]))
                i += 3
            }
            cairo_stroke(c.cr)
            if let tip = e.arrowTip, let last = p.last { arrowHead(from: (last[0], y(last[1])), to: (tip[0], y(tip[1])), c) }
        }

        for n in g.nodes {
            let x0 = n.x - n.width / 2, y0 = y(n.y) - n.height / 2
            c.fillRect(x0, y0, n.width, n.height, RGB(hex: 0xEAF1F8))
            c.setColor(RGB(hex: 0x1F77B4)); c.setLine(width: 0.8)
            c.strokeRect(x0, y0, n.width, n.height)
            fitText(n.title, bold: true, size: 8.5, x: n.x, y: y(n.y) - 1.5, vAnchor: .bottom, width: n.width - 4, c)
            fitText(n.subtitle, bold: false, size: 7, x: n.x, y: y(n.y) + 1.5, vAnchor: .top, width: n.width - 4, c,
                    color: RGB(0.3, 0.3, 0.3))
        }
        c.restore()
    }

    /// Text centred at x, shrunk to fit `width` (Graphviz estimated the box from its own font metrics).
    static func fitText(_ s: String, bold: Bool, size: Double, x: Double, y: Double, vAnchor: TextVAnchor,
                        width: Double, _ c: Canvas, color: RGB = .black) {
        c.setFont(size: size, bold: bold)
        let w = c.textWidth(s)
        if w > width, w > 0 { c.setFont(size: max(4, size * width / w), bold: bold) }
        c.text(s, x, y, anchor: .center, vAnchor: vAnchor, color: color)
    }

    static func arrowHead(from a: (Double, Double), to tip: (Double, Double), _ c: Canvas) {
        let dx = tip.0 - a.0, dy = tip.1 - a.1
        let len = max(hypot(dx, dy), 1e-9)
        let ux = dx / len, uy = dy / len
        let l = min(len, 7.0), w = 3.0
        cairo_move_to(c.cr, tip.0, tip.1)
        cairo_line_to(c.cr, tip.0 - l * ux + w * uy, tip.1 - l * uy - w * ux)
        cairo_line_to(c.cr, tip.0 - l * ux - w * uy, tip.1 - l * uy + w * ux)
        cairo_close_path(c.cr)
        cairo_fill(c.cr)
    }
}
