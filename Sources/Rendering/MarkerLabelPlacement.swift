// Where a plot's marker labels go (the threshold T, the FSC and FSO crossings, 0.143, 0.5). A label sits on a
// white box so that it reads over the grid, which means a label placed over the data hides the data: in 1.d the
// three FSO-crossing labels, stacked left of their lines, hid the FSO curve between 3.6 and 2.6 Å. Each label
// now takes the first of its candidate places (beside its own line, top rows then bottom rows, right side then
// left) that overlaps no label placed before it and no data; when every place touches data or another marker's
// line, the one touching least. When even that touches something, the label stands upright along its line (read
// upwards) if it touches nothing there, clear of neighbouring lines a label's width away: in 1.d the 0.1 crossing's
// label, too long to fit right of its line, lay across the 0.5 and 0.9 lines on its left. A marker whose label
// the plot's legend repeats is left unlabelled rather than labelled across another line: 1.d's 0.5 crossing lies
// 9–12 pt from its neighbours, narrower than a flat label, with the curves filling the gaps above and below.
// Pure geometry in page points (y grows downwards), so it is tested without Cairo.
import Foundation

/// A rectangle in page points (y grows downwards).
struct PageRect: Equatable {
    var x0: Double, y0: Double, x1: Double, y1: Double

    func intersects(_ o: PageRect, margin: Double = 0) -> Bool {
        x0 < o.x1 + margin && o.x0 < x1 + margin && y0 < o.y1 + margin && o.y0 < y1 + margin
    }
}

/// What a plot draws on the page that a label should not cover: the data (line segments and filled boxes such
/// as histogram bars and points) and the marker lines, which weigh less (hiding a stretch of another marker's
/// dashed line loses less than hiding data).
struct PlotFootprint {
    typealias Segment = (x0: Double, y0: Double, x1: Double, y1: Double)
    var dataSegments: [Segment] = []
    var dataBoxes: [PageRect] = []
    var markerSegments: [Segment] = []

    static let dataWeight = 2, markerWeight = 1

    /// The weighted number of data pieces and marker lines that `r` touches.
    func cost(_ r: PageRect) -> Int {
        var n = 0
        for b in dataBoxes where b.intersects(r) { n += Self.dataWeight }
        for s in dataSegments where Self.segment(s, touches: r) { n += Self.dataWeight }
        for s in markerSegments where Self.segment(s, touches: r) { n += Self.markerWeight }
        return n
    }

    /// Whether segment `s` passes through `r` (Liang–Barsky clipping of the segment's parameter to the rectangle).
    static func segment(_ s: Segment, touches r: PageRect) -> Bool {
        var t0 = 0.0, t1 = 1.0
        let dx = s.x1 - s.x0, dy = s.y1 - s.y0
        for (p, q) in [(-dx, s.x0 - r.x0), (dx, r.x1 - s.x0), (-dy, s.y0 - r.y0), (dy, r.y1 - s.y0)] {
            if p == 0 {
                if q < 0 { return false }   // parallel to this edge and outside it
            } else {
                let t = q / p
                if p < 0 { if t > t1 { return false }; t0 = max(t0, t) } else { if t < t0 { return false }; t1 = min(t1, t) }
            }
        }
        return t0 <= t1
    }
}

enum MarkerLabelPlacement {
    /// A placed label: the box drawn behind it and what it covers (0: nothing).
    struct Placed: Equatable {
        var rect: PageRect
        var cost: Int
        /// Drawn upright along its line, reading upwards from the box's bottom-left corner.
        var upright = false
        /// Not drawn: the label may be left out (its marker's `labelOnlyWhereClear`) and touched something.
        var dropped = false
        /// Where the text starts: its left edge and top, in page points.
        var textX: Double { rect.x0 + pad }
        var textTop: Double { rect.y0 + pad }
        /// Where upright text starts: the anchor of text rotated by −π/2 (its top towards the left edge).
        var uprightAnchor: (x: Double, y: Double) { (rect.x0 + pad, rect.y1 - pad) }
    }

    /// The box's margin around the text (pt).
    static let pad = 1.5

    /// Labels of vertical marker lines: `labels[i]` is the line's page x and the text width (pt); rows are `lineH`
    /// high, counted from the box's top or bottom edge. A label that fits nowhere beside its line inside the box
    /// (a line at the very edge with a long label) goes in the first free top row, as before this placement.
    /// A label with `droppable[i]` that touches something wherever it goes is `dropped` and takes no room.
    static func vertical(_ labels: [(px: Double, width: Double)], droppable: [Bool] = [], lineH: Double, box: PageRect,
                         footprint: PlotFootprint, placed already: [PageRect] = []) -> [Placed] {
        var taken = already, result: [Placed] = []
        let rows = max(1, Int(((box.y1 - box.y0) / 2 - 4) / lineH))
        for (i, (px, w)) in labels.enumerated() {
            /// The label's box with its text starting at page x `tx` on the row whose text top is `y0`.
            func rect(_ tx: Double, _ y0: Double) -> PageRect {
                PageRect(x0: tx - pad, y0: y0 - pad, x1: tx + w + pad, y1: y0 + lineH - 1 - pad)
            }
            var candidates: [PageRect] = []
            for row in 0..<rows {
                for top in [true, false] {
                    let y0 = top ? box.y0 + 4 + Double(row) * lineH : box.y1 - 4 - Double(row + 1) * lineH
                    for tx in [px + 3, px - 3 - w] where tx >= box.x0 + 1 && tx + w <= box.x1 - 1 {
                        candidates.append(rect(tx, y0))
                    }
                }
            }
            var choice = best(candidates, taken: taken, footprint: footprint) ?? {
                let tx = px + 3 + w + 2 <= box.x1 ? px + 3 : px - 3 - w
                func topRow(_ row: Int) -> PageRect { rect(tx, box.y0 + 4 + Double(row) * lineH) }
                var row = 0
                while taken.contains(where: { $0.intersects(topRow(row), margin: 1.5) }) { row += 1 }
                return Placed(rect: topRow(row), cost: footprint.cost(topRow(row)))
            }()
            // Upright only where it touches nothing: a narrow upright box over another marker's line reads as
            // that line's label.
            if choice.cost > 0, var upright = best(uprightCandidates(px: px, width: w, lineH: lineH, box: box),
                                                   taken: taken, footprint: footprint), upright.cost == 0 {
                upright.upright = true
                choice = upright
            }
            if choice.cost > 0, i < droppable.count, droppable[i] {
                choice.dropped = true
            } else {
                taken.append(choice.rect)
            }
            result.append(choice)
        }
        return result
    }

    /// Upright boxes beside the line at page x `px` for a label `width` long: right then left of the line, at the
    /// top then the bottom of the box.
    static func uprightCandidates(px: Double, width w: Double, lineH: Double, box: PageRect) -> [PageRect] {
        let thick = lineH - 1, long = w + 2 * pad
        guard long <= box.y1 - box.y0 - 5 else { return [] }
        var candidates: [PageRect] = []
        for (y0, y1) in [(box.y0 + 2.5, box.y0 + 2.5 + long), (box.y1 - 2.5 - long, box.y1 - 2.5)] {
            for x0 in [px + 1.5, px - 1.5 - thick] where x0 >= box.x0 + 1 && x0 + thick <= box.x1 - 1 {
                candidates.append(PageRect(x0: x0, y0: y0, x1: x0 + thick, y1: y1))
            }
        }
        return candidates
    }

    /// Labels of horizontal marker lines: `labels[i]` is the line's page y and the text width; each goes above or
    /// below its line, at the box's right edge or, when both are taken or covered, its left edge; when those are
    /// covered too, anywhere along the line (right to left, half a label apart) where it covers nothing, e.g.
    /// A.d's "expected" over a per-residue line that spans the plot but for a chain break.
    static func horizontal(_ labels: [(py: Double, width: Double)], lineH: Double, box: PageRect,
                           footprint: PlotFootprint, placed already: [PageRect]) -> [Placed] {
        var taken = already, result: [Placed] = []
        let h = lineH - 1.5
        for (py, w) in labels {
            // The box 1 pt above or below the line; text from its top-left corner plus the padding.
            func rect(_ tx: Double, above: Bool) -> PageRect {
                let y0 = above ? py - 1 - h : py + 1
                return PageRect(x0: tx - pad, y0: y0, x1: tx + w + pad, y1: y0 + h)
            }
            var candidates: [PageRect] = []
            let step = max(w / 2, 4), along = stride(from: box.x1 - 4 - w - step, to: box.x0 + 4, by: -step)
            for tx in [box.x1 - 4 - w, box.x0 + 4] + Array(along) {
                for above in [true, false] {
                    let r = rect(tx, above: above)
                    if r.y0 >= box.y0 && r.y1 <= box.y1 { candidates.append(r) }
                }
            }
            let fallback = rect(box.x1 - 4 - w, above: py - box.y0 > lineH + 2)
            let choice = best(candidates, taken: taken, footprint: footprint)
                ?? Placed(rect: fallback, cost: footprint.cost(fallback))
            taken.append(choice.rect)
            result.append(choice)
        }
        return result
    }

    /// The first candidate clear of the labels already placed with the lowest cost (nil if all collide).
    static func best(_ candidates: [PageRect], taken: [PageRect], footprint: PlotFootprint) -> Placed? {
        var choice: Placed?
        for r in candidates where !taken.contains(where: { $0.intersects(r, margin: 1.5) }) {
            let c = footprint.cost(r)
            if choice == nil || c < choice!.cost { choice = Placed(rect: r, cost: c) }
            if c == 0 { break }
        }
        return choice
    }
}
