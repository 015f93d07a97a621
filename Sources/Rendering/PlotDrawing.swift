// Histograms and line plots in the style of matplotlib/RELION figures: a framed axes box with outward ticks,
// tick labels, axis labels, a light grid, a legend above the axes, log axes with decades, marker lines
// with labels (e.g. the threshold T), and spatial-frequency axes labelled in Å.
//
// Conventions: data values are mapped through `PlotScale` (log10 on log axes); non-finite values and, on log
// axes, values ≤ 0 are skipped (a line is broken there). Empty data draws the axes with "no data".
import Foundation
import CCairo
import Analysis

/// One axis: data range in transformed units (log10 on log axes) and the mapping to page points.
struct PlotScale {
    var log: Bool
    /// Transformed range.
    var lo: Double
    var hi: Double
    /// Page coordinates of lo and hi.
    var a: Double = 0
    var b: Double = 1

    func t(_ v: Double) -> Double? {
        guard v.isFinite else { return nil }
        if log { return v > 0 ? log10(v) : nil }
        return v
    }

    /// Page coordinate of data value v (nil if v cannot be shown on this axis).
    func page(_ v: Double) -> Double? {
        guard let tv = t(v) else { return nil }
        return a + (tv - lo) / (hi - lo) * (b - a)
    }

    /// A scale covering the finite (positive, if log) values, padded by `pad` of the span; a degenerate
    /// range (one value, all equal, none) is widened so that it has a span.
    static func covering(_ values: [Double], log: Bool, pad: Double, includeZero: Bool = false) -> PlotScale {
        var lo = Double.infinity, hi = -Double.infinity
        for v in values where v.isFinite && (!log || v > 0) {
            let tv = log ? log10(v) : v
            lo = min(lo, tv); hi = max(hi, tv)
        }
        if includeZero && !log { lo = min(lo, 0); hi = max(hi, 0) }
        if !(lo <= hi) { return PlotScale(log: log, lo: 0, hi: 1) }
        if includeZero && !log && lo == 0 && hi == 0 { return PlotScale(log: log, lo: 0, hi: 1) }
        if hi - lo <= max(abs(hi), abs(lo)) * 1e-12 {
            let half = log ? 0.5 : (lo == 0 ? 1 : abs(lo) * 0.1)
            return PlotScale(log: log, lo: lo - half, hi: hi + half)
        }
        let span = hi - lo
        let padLo = (includeZero && !log && lo == 0) ? 0 : pad * span
        return PlotScale(log: log, lo: lo - padLo, hi: hi + pad * span)
    }

    /// This scale with its padding past `bounds` (the values the quantity can take) cut to `pad` of the span
    /// left inside them: data on a bound stay fully visible, and no tick (a multiple of a step longer than that
    /// pad) lies beyond the bound. Unchanged when `bounds` is nil, on log axes, or when nothing is left inside.
    func limited(to bounds: ClosedRange<Double>?, pad: Double) -> PlotScale {
        guard let b = bounds, !log else { return self }
        let inLo = max(lo, b.lowerBound), inHi = min(hi, b.upperBound)
        guard inLo < inHi else { return self }
        let edge = pad * (inHi - inLo)
        var s = self
        if lo < b.lowerBound { s.lo = max(lo, b.lowerBound - edge) }
        if hi > b.upperBound { s.hi = min(hi, b.upperBound + edge) }
        return s
    }

    /// The marker values worth widening the axis for: finite (positive on a log axis) and either a rule's
    /// limit (`keepInRange`) or within one data span of the data range, so that a stray marker does not squash
    /// the data into a corner.
    static func nearbyMarkers(_ markers: [Marker], data: [Double], log: Bool) -> [Double] {
        let s = covering(data, log: log, pad: 0)
        let span = s.hi - s.lo
        return markers.filter { m in
            guard m.value.isFinite, !log || m.value > 0 else { return false }
            if m.keepInRange == true { return true }
            let t = log ? log10(m.value) : m.value
            return t >= s.lo - span && t <= s.hi + span
        }.map(\.value)
    }

    /// Ticks for this axis (data values) with labels.
    func ticks(frequency: Bool, lengthPt: Double, wholeNumbers: Bool = false) -> [Tick] {
        if frequency {
            let minSpacing = (hi - lo) * 30 / max(lengthPt, 1)
            let dlo = log ? pow(10, lo) : lo, dhi = log ? pow(10, hi) : hi
            return AxisTicks.frequency(lo: dlo, hi: dhi, log: log, minSpacing: minSpacing)
        }
        if log {
            let ticks = AxisTicks.log(lo: pow(10, lo), hi: pow(10, hi))
            if ticks.contains(where: \.major) { return ticks }
            // Less than one labelled tick inside the range: fall back to linear labels of the data values.
            return AxisTicks.linear(lo: pow(10, lo), hi: pow(10, hi), target: 3) + ticks
        }
        let target = max(2, min(8, Int(lengthPt / 45)))
        return AxisTicks.linear(lo: lo, hi: hi, target: target, wholeNumbers: wholeNumbers)
    }
}

enum PlotDrawing {
    static let tickFont = 8.0
    static let labelFont = 9.0
    static let tickLength = 3.5
    static let histFill = RGB(hex: 0x1F77B4)

    // MARK: Entry points

    static func draw(histogram h: Histogram, size: (w: Double, h: Double), on canvas: Canvas) {
        // Bins with finite edges and counts; counts < 0 are treated as 0.
        var bins: [(x0: Double, x1: Double, c: Double)] = []
        for i in 0..<h.counts.count {
            let x0 = h.binEdges[i], x1 = h.binEdges[i + 1], c = h.counts[i]
            if x0.isFinite && x1.isFinite && x1 >= x0 && c.isFinite { bins.append((x0, x1, max(0, c))) }
        }
        let binXs = bins.flatMap { [$0.x0, $0.x1] }
        let xs = binXs + PlotScale.nearbyMarkers(h.markers, data: binXs, log: false)
        let x = PlotScale.covering(xs, log: false, pad: bins.isEmpty ? 0.05 : 0)
        let counts = bins.map(\.c)
        var y = PlotScale.covering(counts, log: h.logY, pad: 0.05, includeZero: !h.logY)
        if h.logY, let maxC = counts.filter({ $0 > 0 }).max() {
            // From just below one voxel (so single-voxel bins show) to above the highest bin.
            let minC = counts.filter { $0 > 0 }.min() ?? 1
            y.lo = log10(min(minC, 1) * 0.5)
            y.hi = max(log10(maxC) + 0.15 * max(1, log10(maxC) - y.lo) / 3, y.lo + 1)
        }
        let hasData = counts.contains { $0 > 0 }
        drawFrame(size: size, x: x, y: y, xFrequency: false, xWholeNumbers: h.wholeNumbers == true, xLabel: h.xLabel, yLabel: h.yLabel,
                  legend: [], xMarkers: h.markers, yMarkers: [], noData: !hasData, canvas: canvas, footprint: { x, y in
            PlotFootprint(dataBoxes: bins.compactMap { bin in
                guard bin.c > 0, let px0 = x.page(bin.x0), let px1 = x.page(bin.x1), let top = y.page(bin.c) else { return nil }
                return PageRect(x0: px0, y0: min(top, y.a), x1: px1, y1: y.a)
            })
        }) { x, y, cr in
            // Filled step outline from the baseline (bottom of the axes on log y).
            let base = y.a
            cairo_new_path(cr)
            var started = false
            var lastX1: Double? = nil
            for bin in bins {
                guard let px0 = x.page(bin.x0), let px1 = x.page(bin.x1) else { continue }
                let top = y.page(bin.c).map { min(base, $0) } ?? base
                if !started { cairo_move_to(cr, px0, base); started = true }
                else if let l = lastX1, abs(l - px0) > 0.01 { cairo_line_to(cr, l, base); cairo_line_to(cr, px0, base) }
                cairo_line_to(cr, px0, top); cairo_line_to(cr, px1, top)
                lastX1 = px1
            }
            guard started, let l = lastX1 else { return }
            cairo_line_to(cr, l, base)
            cairo_close_path(cr)
            canvas.setColor(histFill, alpha: 0.55)
            cairo_fill_preserve(cr)
            canvas.setColor(histFill)
            canvas.setLine(width: 0.9)
            cairo_stroke(cr)
        }
    }

    static func draw(plot p: LinePlot, size: (w: Double, h: Double), on canvas: Canvas) {
        let dataX = p.series.flatMap(\.x), dataY = p.series.flatMap(\.y)
        let xs = dataX + PlotScale.nearbyMarkers(p.xMarkers, data: dataX, log: p.logX)
        let ys = dataY + PlotScale.nearbyMarkers(p.yMarkers, data: dataY, log: p.logY)
        let x = PlotScale.covering(xs, log: p.logX, pad: 0.02).limited(to: p.xBounds, pad: 0.02)
        let y = PlotScale.covering(ys, log: p.logY, pad: 0.06).limited(to: p.yBounds, pad: 0.06)
        let hasData = p.series.contains { s in zip(s.x, s.y).contains { x.t($0.0) != nil && y.t($0.1) != nil } }
        var legend = p.series.enumerated().filter { !$0.element.label.isEmpty }
            .map { (label: $0.element.label, color: RGB.cycle[$0.offset % RGB.cycle.count], style: $0.element.style) }
        if let m = p.markerLegend { legend.append((label: m, color: .marker, style: .dashed)) }
        drawFrame(size: size, x: x, y: y, xFrequency: p.xIsFrequency, xWholeNumbers: p.xWholeNumbers == true,
                  xLabel: p.xLabel, yLabel: p.yLabel, legend: legend, xMarkers: p.xMarkers, yMarkers: p.yMarkers, noData: !hasData, canvas: canvas,
                  footprint: { x, y in footprint(of: p.series, x: x, y: y) }) { x, y, cr in
            for (k, s) in p.series.enumerated() {
                let color = RGB.cycle[k % RGB.cycle.count]
                let pts = pagePoints(s, x: x, y: y)
                let (drawLine, drawPoints) = shows(s, pts)
                canvas.setColor(color)
                if drawLine {
                    canvas.setLine(width: 1.5, dash: s.style == .dashed ? [5, 3] : [])
                    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND)
                    var pen = false
                    for pt in pts {
                        guard let (px, py) = pt else { pen = false; continue }
                        if pen { cairo_line_to(cr, px, py) } else { cairo_move_to(cr, px, py); pen = true }
                    }
                    cairo_stroke(cr)
                }
                if drawPoints {
                    let r = s.style == .linePoints ? 1.8 : 2.2
                    for case let (px, py)? in pts {
                        cairo_new_sub_path(cr)
                        cairo_arc(cr, px, py, r, 0, 2 * Double.pi)
                    }
                    cairo_fill(cr)
                }
            }
        }
    }

    /// A series' points on the page (nil where a value cannot be shown, and between two points further apart in
    /// x than the series' `breakAtXGapsOver`: the line breaks there).
    static func pagePoints(_ s: Series, x: PlotScale, y: PlotScale) -> [(Double, Double)?] {
        var pts: [(Double, Double)?] = []
        pts.reserveCapacity(s.x.count)
        for i in s.x.indices {
            if s.breaksBefore(i) { pts.append(nil) }
            if let px = x.page(s.x[i]), let py = y.page(s.y[i]) { pts.append((px, py)) } else { pts.append(nil) }
        }
        return pts
    }

    /// Whether a series is drawn as a line, as points, or both (a lone finite point is always a point).
    static func shows(_ s: Series, _ pts: [(Double, Double)?]) -> (line: Bool, points: Bool) {
        let finiteCount = pts.reduce(0) { $0 + ($1 == nil ? 0 : 1) }
        return (s.style != .points && finiteCount > 1, s.style == .points || s.style == .linePoints || finiteCount == 1)
    }

    /// The segments and point discs (as their bounding squares) the series draw.
    static func footprint(of series: [Series], x: PlotScale, y: PlotScale) -> PlotFootprint {
        var f = PlotFootprint()
        for s in series {
            let pts = pagePoints(s, x: x, y: y)
            let (line, points) = shows(s, pts)
            if line {
                for (a, b) in zip(pts, pts.dropFirst()) {
                    if let (x0, y0) = a, let (x1, y1) = b { f.dataSegments.append((x0, y0, x1, y1)) }
                }
            }
            if points {
                for case let (px, py)? in pts { f.dataBoxes.append(PageRect(x0: px - 2.2, y0: py - 2.2, x1: px + 2.2, y1: py + 2.2)) }
            }
        }
        return f
    }

    // MARK: Frame, ticks, labels, legend, markers

    typealias LegendItem = (label: String, color: RGB, style: Series.Style)

    /// Lays out the axes box in `size`, draws grid, data (through `body`, clipped), frame, ticks, labels,
    /// marker lines and legend; `footprint` gives what the data cover on the page, for the marker labels.
    static func drawFrame(size: (w: Double, h: Double), x xIn: PlotScale, y yIn: PlotScale, xFrequency: Bool, xWholeNumbers: Bool = false,
                          xLabel: String, yLabel: String, legend: [LegendItem], xMarkers: [Marker], yMarkers: [Marker],
                          noData: Bool, canvas: Canvas, footprint: (PlotScale, PlotScale) -> PlotFootprint,
                          body: (PlotScale, PlotScale, OpaquePointer) -> Void) {
        let cr = canvas.cr
        var x = xIn, y = yIn
        // Vertical layout first (independent of label widths), then y ticks, then the left margin.
        canvas.setFont(size: tickFont)
        let tickH = canvas.fontMetrics().ascent
        canvas.setFont(size: labelFont)
        let labelH = canvas.fontMetrics().ascent
        let legendRows = legendLayout(legend, width: size.w - 60, canvas: canvas)
        let top = 8 + (legendRows.isEmpty ? 0 : Double(legendRows.count) * 13 + 4)
        let bottom = size.h - (6 + labelH + 5 + tickH + tickLength + 4 + (xLabel.isEmpty ? -labelH : 0))
        y.a = max(top + 10, bottom); y.b = top
        let yTicks = y.ticks(frequency: false, lengthPt: y.a - y.b).filter { y.t($0.value).map { $0 >= y.lo - 1e-9 && $0 <= y.hi + 1e-9 } ?? false }
        canvas.setFont(size: tickFont)
        let yTickW = yTicks.filter(\.major).map { canvas.textWidth($0.label) }.max() ?? 0
        let left = 6 + (yLabel.isEmpty ? 0 : labelH + 6) + yTickW + tickLength + 3
        let right = size.w - 14
        x.a = left; x.b = max(left + 10, right)
        let xTicks = x.ticks(frequency: xFrequency, lengthPt: x.b - x.a, wholeNumbers: xWholeNumbers).filter { x.t($0.value).map { $0 >= x.lo - 1e-9 && $0 <= x.hi + 1e-9 } ?? false }
        // Swap y so that page(y.lo) is the bottom: PlotScale maps lo→a, hi→b.
        let box = (x0: x.a, x1: x.b, y0: y.b, y1: y.a)

        // Grid at major ticks.
        canvas.setColor(.grid)
        canvas.setLine(width: 0.5)
        for t in xTicks where t.major { if let px = x.page(t.value) { canvas.line(px, box.y0, px, box.y1) } }
        for t in yTicks where t.major { if let py = y.page(t.value) { canvas.line(box.x0, py, box.x1, py) } }

        // Data, clipped to the axes box.
        canvas.save()
        canvas.clip(box.x0, box.y0, box.x1 - box.x0, box.y1 - box.y0)
        body(x, y, cr)
        canvas.restore()
        canvas.setLine(width: 1)

        // Marker lines with labels placed where they hide no data (the footprint only when a label needs it).
        let labelled = (xMarkers + yMarkers).contains { !$0.label.isEmpty }
        drawMarkers(xMarkers: xMarkers, yMarkers: yMarkers, x: x, y: y, box: box,
                    data: labelled ? footprint(x, y) : PlotFootprint(), canvas: canvas)

        // Frame and ticks.
        canvas.setColor(.axis)
        canvas.setLine(width: 0.8)
        canvas.strokeRect(box.x0, box.y0, box.x1 - box.x0, box.y1 - box.y0)
        canvas.setFont(size: tickFont)
        for t in xTicks {
            guard let px = x.page(t.value) else { continue }
            let len = t.major ? tickLength : tickLength * 0.55
            canvas.setLine(width: t.major ? 0.8 : 0.6)
            canvas.line(px, box.y1, px, box.y1 + len)
            if t.major { canvas.text(t.label, px, box.y1 + tickLength + 3, anchor: .center, vAnchor: .top, color: .axis) }
        }
        for t in yTicks {
            guard let py = y.page(t.value) else { continue }
            let len = t.major ? tickLength : tickLength * 0.55
            canvas.setLine(width: t.major ? 0.8 : 0.6)
            canvas.line(box.x0 - len, py, box.x0, py)
            if t.major { canvas.text(t.label, box.x0 - tickLength - 3, py, anchor: .right, vAnchor: .middle, color: .axis) }
        }
        canvas.setFont(size: labelFont)
        canvas.text(xLabel, (box.x0 + box.x1) / 2, size.h - 6, anchor: .center, vAnchor: .bottom)
        canvas.text(yLabel, 6, (box.y0 + box.y1) / 2, anchor: .center, vAnchor: .top, angle: -Double.pi / 2)
        if noData {
            canvas.setFont(size: labelFont)
            canvas.text("no data", (box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2, anchor: .center, vAnchor: .middle,
                        color: RGB(0.45, 0.45, 0.45))
        }
        drawLegend(legendRows, x0: box.x0, y0: 8, canvas: canvas)
    }

    /// Marker lines, then their labels where they hide the least (MarkerLabelPlacement.swift): `data` is what the
    /// plot drew inside the box.
    static func drawMarkers(xMarkers: [Marker], yMarkers: [Marker], x: PlotScale, y: PlotScale,
                            box: (x0: Double, x1: Double, y0: Double, y1: Double), data: PlotFootprint, canvas: Canvas) {
        canvas.setFont(size: tickFont)
        let lineH = canvas.fontMetrics().ascent + 4
        let xLines = xMarkers.compactMap { m -> (Marker, Double)? in
            guard let px = x.page(m.value), px >= box.x0 - 0.5, px <= box.x1 + 0.5 else { return nil }
            return (m, px)
        }
        let yLines = yMarkers.compactMap { m -> (Marker, Double)? in
            guard let py = y.page(m.value), py >= box.y0 - 0.5, py <= box.y1 + 0.5 else { return nil }
            return (m, py)
        }
        var footprint = data
        footprint.markerSegments = xLines.map { ($0.1, box.y0, $0.1, box.y1) } + yLines.map { (box.x0, $0.1, box.x1, $0.1) }
        for (_, px) in xLines {
            canvas.setColor(.marker)
            canvas.setLine(width: 1.2, dash: [4, 2.5])
            canvas.line(px, box.y0, px, box.y1)
        }
        for (_, py) in yLines {
            canvas.setColor(RGB(0.35, 0.35, 0.35))
            canvas.setLine(width: 1.0, dash: [4, 2.5])
            canvas.line(box.x0, py, box.x1, py)
        }
        canvas.setLine(width: 1)
        let area = PageRect(x0: box.x0, y0: box.y0, x1: box.x1, y1: box.y1)
        let xLabelled = xLines.filter { !$0.0.label.isEmpty }, yLabelled = yLines.filter { !$0.0.label.isEmpty }
        let xPlaced = MarkerLabelPlacement.vertical(xLabelled.map { ($0.1, canvas.textWidth($0.0.label)) },
                                                    droppable: xLabelled.map { $0.0.labelOnlyWhereClear == true }, lineH: lineH,
                                                    box: area, footprint: footprint)
        let yPlaced = MarkerLabelPlacement.horizontal(yLabelled.map { ($0.1, canvas.textWidth($0.0.label)) }, lineH: lineH,
                                                      box: area, footprint: footprint, placed: xPlaced.filter { !$0.dropped }.map(\.rect))
        for ((m, _), p) in zip(xLabelled, xPlaced) where !p.dropped { drawLabel(m.label, p, color: .marker, canvas: canvas) }
        for ((m, _), p) in zip(yLabelled, yPlaced) { drawLabel(m.label, p, color: RGB(0.3, 0.3, 0.3), canvas: canvas) }
    }

    /// A marker label on its white box; a box that must cover data is lighter, so that the data show through.
    static func drawLabel(_ text: String, _ p: MarkerLabelPlacement.Placed, color: RGB, canvas: Canvas) {
        canvas.fillRect(p.rect.x0, p.rect.y0, p.rect.x1 - p.rect.x0, p.rect.y1 - p.rect.y0, .white,
                        alpha: p.cost >= PlotFootprint.dataWeight ? 0.55 : 0.85)
        if p.upright {
            canvas.text(text, p.uprightAnchor.x, p.uprightAnchor.y, anchor: .left, vAnchor: .top, angle: -Double.pi / 2, color: color)
        } else {
            canvas.text(text, p.textX, p.textTop, anchor: .left, vAnchor: .top, color: color)
        }
    }

    /// Legend items grouped in rows that fit `width`.
    static func legendLayout(_ items: [LegendItem], width: Double, canvas: Canvas) -> [[(LegendItem, Double)]] {
        guard !items.isEmpty else { return [] }
        canvas.setFont(size: tickFont)
        var rows: [[(LegendItem, Double)]] = [[]]
        var used = 0.0
        for item in items {
            let w = 22 + canvas.textWidth(item.label) + 12
            if used + w > width && !rows[rows.count - 1].isEmpty { rows.append([]); used = 0 }
            rows[rows.count - 1].append((item, w)); used += w
        }
        return rows
    }

    static func drawLegend(_ rows: [[(LegendItem, Double)]], x0: Double, y0: Double, canvas: Canvas) {
        let cr = canvas.cr
        canvas.setFont(size: tickFont)
        for (r, row) in rows.enumerated() {
            var x = x0
            let yc = y0 + Double(r) * 13 + 5
            for (item, w) in row {
                canvas.setColor(item.color)
                if item.style != .points {
                    canvas.setLine(width: 1.5, dash: item.style == .dashed ? [5, 3] : [])
                    canvas.line(x, yc, x + 18, yc)
                    canvas.setLine(width: 1)
                }
                if item.style == .points || item.style == .linePoints {
                    cairo_new_sub_path(cr); cairo_arc(cr, x + 9, yc, 2.2, 0, 2 * Double.pi); cairo_fill(cr)
                }
                canvas.text(item.label, x + 22, yc, anchor: .left, vAnchor: .middle, color: .axis)
                x += w
            }
        }
    }
}
