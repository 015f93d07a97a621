// Marker labels go where they hide no data: the placement geometry alone, and a rendered plot whose marker labels
// used to cover its curve (1.d's FSO crossings stacked over the FSO line).
import Foundation
import Testing
@testable import Rendering
import Analysis

@Suite struct MarkerLabelPlacementTests {
    /// Liang–Barsky against hand-drawn cases: through, beside, ending inside, along an edge, a point.
    @Test func segmentTouchesRectangle() {
        let r = PageRect(x0: 10, y0: 10, x1: 20, y1: 20)
        #expect(PlotFootprint.segment((0, 15, 30, 15), touches: r))          // straight through
        #expect(PlotFootprint.segment((0, 0, 30, 30), touches: r))           // diagonal through
        #expect(PlotFootprint.segment((15, 15, 40, 40), touches: r))         // starts inside
        #expect(!PlotFootprint.segment((0, 25, 30, 25), touches: r))         // below
        #expect(!PlotFootprint.segment((0, 12, 9, 30), touches: r))          // ends short of the left edge
        #expect(!PlotFootprint.segment((0, 40, 40, 0), touches: PageRect(x0: 0, y0: 0, x1: 10, y1: 10)))  // passes the corner at 20
        #expect(PlotFootprint.segment((10, 0, 10, 30), touches: r))          // along the left edge
        #expect(PlotFootprint.segment((12, 12, 12, 12), touches: r) && !PlotFootprint.segment((2, 2, 2, 2), touches: r))
    }

    /// A curve flat along the top of the box and three crossing lines near the right edge whose labels do not fit
    /// right of their lines: every label is placed clear of the curve and of the other labels.
    @Test func labelsAvoidTheDataAndEachOther() {
        let box = PageRect(x0: 40, y0: 10, x1: 340, y1: 210)
        var data = PlotFootprint()
        data.dataSegments = [(40, 16, 290, 16), (290, 16, 340, 200)]
        let lines = [300.0, 312, 322]
        data.markerSegments = lines.map { ($0, box.y0, $0, box.y1) }
        let placed = MarkerLabelPlacement.vertical(lines.map { ($0, 70.0) }, lineH: 12, box: box, footprint: data)
        #expect(placed.count == 3)
        for (i, p) in placed.enumerated() {
            #expect(p.rect.x0 >= box.x0 && p.rect.x1 <= box.x1 && p.rect.y0 >= box.y0 && p.rect.y1 <= box.y1, "label \(i) at \(p.rect)")
            #expect(!data.dataSegments.contains { PlotFootprint.segment($0, touches: p.rect) }, "label \(i) covers the curve: \(p.rect)")
            // Beside its own line: one edge 1.5 pt from it.
            #expect(abs(p.rect.x0 - (lines[i] + 1.5)) < 1e-9 || abs(p.rect.x1 - (lines[i] - 1.5)) < 1e-9, "label \(i) at \(p.rect)")
            for q in placed[..<i] { #expect(!p.rect.intersects(q.rect), "labels overlap: \(p.rect) \(q.rect)") }
        }
        // With nothing in the way the first choice stands: top row, right of the line.
        let free = MarkerLabelPlacement.vertical([(100, 50)], lineH: 12, box: box, footprint: PlotFootprint())
        #expect(free == [.init(rect: PageRect(x0: 101.5, y0: 12.5, x1: 154.5, y1: 23.5), cost: 0)])
    }

    /// A label that crosses another marker's line wherever it lies flat stands upright along its own line when
    /// that is clear (1.d's FSO 0.1 label lay across the 0.5 and 0.9 lines); never over another line.
    @Test func crowdedLabelStandsUprightOnlyWhereClear() {
        let box = PageRect(x0: 40, y0: 10, x1: 340, y1: 210)
        let lines = [250.0, 275, 330]
        var markers = PlotFootprint()
        markers.markerSegments = lines.map { ($0, box.y0, $0, box.y1) }
        let placed = MarkerLabelPlacement.vertical(lines.map { ($0, 70.0) }, lineH: 12, box: box, footprint: markers)
        #expect(placed.map(\.upright) == [false, true, true] && placed.allSatisfy { $0.cost == 0 }, "\(placed)")
        #expect(abs(placed[1].rect.x0 - 276.5) < 1e-9 && abs(placed[2].rect.x1 - 328.5) < 1e-9, "\(placed)")
        for p in placed where p.upright {
            #expect(p.rect.x1 - p.rect.x0 == 11 && p.rect.y1 - p.rect.y0 == 73, "upright box \(p.rect)")
            #expect(p.rect.y0 >= box.y0 && p.rect.y1 <= box.y1)
        }
        // Lines 9 pt apart with the box's edge 11 pt right of the second: an upright box (11 pt) left of it
        // touches the first line and none fits right of it, so its label stays flat across the first line.
        let narrow = PageRect(x0: 40, y0: 10, x1: 320, y1: 210)
        var close = PlotFootprint()
        close.markerSegments = [300.0, 309].map { ($0, narrow.y0, $0, narrow.y1) }
        let flat = MarkerLabelPlacement.vertical([(300, 70), (309, 70)], lineH: 12, box: narrow, footprint: close)
        #expect(flat.map(\.upright) == [false, false] && flat.map(\.cost) == [0, 1], "\(flat)")
    }

    /// A label that may be left out (its plot's legend gives it) is dropped where it would cross another marker's
    /// line, takes no room from the labels after it, and stays where it is clear; a label that may not is kept.
    @Test func droppableLabelLeftOutOnlyWhereItWouldTouch() {
        let box = PageRect(x0: 40, y0: 10, x1: 320, y1: 210)
        var close = PlotFootprint()
        close.markerSegments = [300.0, 309].map { ($0, box.y0, $0, box.y1) }
        // The second label touches the first line wherever it goes (upright too: 9 pt gap, 11 pt box).
        let placed = MarkerLabelPlacement.vertical([(300, 70), (309, 70)], droppable: [true, true], lineH: 12, box: box, footprint: close)
        #expect(placed.map(\.dropped) == [false, true] && placed[0].cost == 0, "\(placed)")
        let kept = MarkerLabelPlacement.vertical([(300, 70), (309, 70)], droppable: [true, false], lineH: 12, box: box, footprint: close)
        #expect(kept.map(\.dropped) == [false, false] && kept[1].cost == 1, "\(kept)")
        // A dropped label takes no room: a third label (line at 250) goes where it would without the dropped one,
        // not where it goes when the second label is kept across the first line.
        let third = [(px: 300.0, width: 70.0), (309, 70), (250, 70)]
        let dropping = MarkerLabelPlacement.vertical(third, droppable: [false, true, false], lineH: 12, box: box, footprint: close)
        let keeping = MarkerLabelPlacement.vertical(third, lineH: 12, box: box, footprint: close)
        let without = MarkerLabelPlacement.vertical([third[0], third[2]], lineH: 12, box: box, footprint: close)
        #expect(dropping[1].dropped && dropping[2].rect == without[1].rect && keeping[2].rect != without[1].rect,
                "\(dropping) / \(keeping) / \(without)")
    }

    /// A horizontal marker's label moves to the left of the box when the data run along its line on the right.
    @Test func horizontalLabelLeavesTheCurve() {
        let box = PageRect(x0: 40, y0: 10, x1: 340, y1: 210)
        var data = PlotFootprint()
        data.dataSegments = [(200, 100, 340, 100), (200, 94, 340, 94), (200, 106, 340, 106)]
        let placed = MarkerLabelPlacement.horizontal([(100, 30)], lineH: 12, box: box, footprint: data, placed: [])
        #expect(placed.count == 1 && placed[0].cost == 0 && placed[0].rect.x0 < 100, "\(placed)")
    }

    /// When the data run along the line at both ends, the label goes where they leave a gap (A.d's per-residue
    /// Q-score around the expected value, broken at a chain break), not over them at the right edge.
    @Test func horizontalLabelFindsAGapAlongTheLine() {
        let box = PageRect(x0: 40, y0: 10, x1: 340, y1: 210)
        var data = PlotFootprint()
        for y in [94.0, 100, 106] { data.dataSegments += [(40, y, 170, y), (230, y, 340, y)] }
        let placed = MarkerLabelPlacement.horizontal([(100, 30)], lineH: 12, box: box, footprint: data, placed: [])
        #expect(placed.count == 1 && placed[0].cost == 0 && placed[0].rect.x0 >= 170 && placed[0].rect.x1 <= 230, "\(placed)")
        // With no gap the edges are kept (lowest cost, right first): the search does not wander for nothing.
        var full = PlotFootprint()
        full.dataSegments = [(40, 100, 340, 100)]
        let edge = MarkerLabelPlacement.horizontal([(100, 30)], lineH: 12, box: box, footprint: full, placed: [])
        #expect(edge[0].rect.x1 > 300, "\(edge)")
    }

    /// Rendered: the FSO-like curve is flat at 1 up to x = 7; the three crossing labels (x = 8, 8.6, 9.2, too long
    /// to fit on their right) used to be stacked left of their lines over it. Every column of the flat part keeps
    /// the curve's blue (the labels' white boxes turned it pale).
    @Test func renderedCurveIsNotHiddenByMarkerLabels() throws {
        let xs = (0...50).map { Double($0) / 5 }
        let ys = xs.map { $0 <= 7 ? 1.0 : max(0, 1 - ($0 - 7) / 2) }
        let plot = LinePlot(series: [Series(label: "FSO", x: xs, y: ys)], xLabel: "x", yLabel: "y",
                            xMarkers: [Marker(value: 8, label: "FSO 0.9: 2.511 Å"), Marker(value: 8.6, label: "FSO 0.5: 2.39 Å"),
                                       Marker(value: 9.2, label: "FSO 0.1: 2.313 Å")])
        let dir = Gallery.tempDir("marker-labels")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = try FigureRenderer.render(Figure(id: "p", caption: "", content: .plot(plot)), to: dir,
                                            options: RenderOptions(formats: [.png], dpi: 144))
        let r = try Raster(png: out[.png]!)
        func blue(_ x: Int, _ y: Int) -> Bool { let c = r.rgb(x, y); return c.b > 140 && c.r < 110 && c.g < 170 }
        // The curve's row: the row with the most blue pixels.
        let row = try #require((0..<r.height).max { a, b in
            (0..<r.width).filter { blue($0, a) }.count < (0..<r.width).filter { blue($0, b) }.count })
        // x = 0 is the curve's left end in that row; x = 10 the right end of the blue anywhere below the legend
        // (the curve's last stretch at 0). The labels lie over the flat part's row if anywhere: all of x = 0…7,
        // less the line's rounded ends, must keep the blue.
        let first = try #require((0..<r.width).first { x in (row - 2...row + 2).contains { blue(x, $0) } })
        let right = try #require((0..<r.width).last { x in (row + 1..<r.height).contains { blue(x, $0) } })
        #expect(right - first > r.width / 2, "curve from column \(first) to \(right) of \(r.width)")
        let flatEnd = first + Int(0.7 * Double(right - first))
        let missing = (first + 3...flatEnd - 3).filter { x in !(row - 2...row + 2).contains { blue(x, $0) } }
        #expect(missing.isEmpty, "the curve is hidden in \(missing.count) columns between \(first) and \(flatEnd): \(missing.prefix(10))…")
    }
}
