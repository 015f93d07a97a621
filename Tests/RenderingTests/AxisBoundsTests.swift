// An axis of a bounded quantity (a correlation, a fraction) is padded at most a little past its bounds and has
// no tick beyond them: 2.a's plot of one class at CC 0.99 had an axis up to 1.05.
import Analysis
import Foundation
import Testing
@testable import Rendering

/// The tick values the frame draws on a 200 pt axis (ticks outside the range are left out, as drawFrame does).
private func drawnTicks(_ s: PlotScale) -> [Double] {
    s.ticks(frequency: false, lengthPt: 200).map(\.value).filter { $0 >= s.lo - 1e-9 && $0 <= s.hi + 1e-9 }
}

@Test func correlationAxisStopsAtOne() {
    let r = LinePlot.correlationBounds
    // One value: the degenerate range is widened by 10 % of it each side (0.891 … 1.089).
    let lone = PlotScale.covering([0.99], log: false, pad: 0.06)
    #expect(drawnTicks(lone).contains { $0 > 1 }, "the check needs a tick past 1 without bounds: \(drawnTicks(lone))")
    let bounded = lone.limited(to: r, pad: 0.06)
    #expect(bounded.lo == lone.lo)
    #expect(bounded.hi > 1 && bounded.hi <= 1 + 0.06 * (1 - lone.lo) + 1e-12, "\(bounded.hi)")
    #expect(drawnTicks(bounded).max() == 1, "\(drawnTicks(bounded))")
    // 2.a's twelve classes (CC 0.9915 … 0.9999) and data on the bound itself: still no tick past 1.
    for values in [[0.9915, 0.9964, 0.9979, 0.9999], [0.4, 1.0], [-1.0, -0.2, 0.5, 1.0], [0.98, 0.985, 0.99]] {
        let s = PlotScale.covering(values, log: false, pad: 0.06).limited(to: r, pad: 0.06)
        #expect(drawnTicks(s).allSatisfy { r.contains($0) }, "\(values): \(drawnTicks(s))")
        #expect(s.lo <= values.min()! && s.hi >= values.max()!, "\(values): data cut off by \(s.lo) … \(s.hi)")
    }
    // A range well inside the bounds is left as it is; so is a log axis.
    let inside = PlotScale.covering([0.2, 0.5], log: false, pad: 0.06)
    #expect(inside.limited(to: r, pad: 0.06).lo == inside.lo && inside.limited(to: r, pad: 0.06).hi == inside.hi)
    let log = PlotScale.covering([0.5, 0.99], log: true, pad: 0.06)
    #expect(log.limited(to: r, pad: 0.06).hi == log.hi)
}

/// Drawn: the tick labels of the figure say so too.
@Test func boundedPlotHasNoTickLabelPastTheBound() throws {
    func text(bounded: Bool) throws -> String {
        let p = LinePlot(series: [Series(label: "Classes", x: [2.05], y: [0.99], style: .points)],
                         xLabel: "FRC 0.5 resolution (Å)", yLabel: "Correlation (CC)",
                         yBounds: bounded ? LinePlot.correlationBounds : nil)
        return try renderedPlotText(p, name: bounded ? "cc-bounded" : "cc-unbounded")
    }
    let without = try text(bounded: false), with = try text(bounded: true)
    #expect(without.contains("1.05"), "the check needs a 1.05 tick without bounds: \(without)")
    #expect(!with.contains("1.05") && !with.contains("1.02") && with.contains("1.00"), "\(with)")
}

/// A series with `breakAtXGapsOver` is drawn as separate lines across larger steps in x (missing residues);
/// the points themselves are all drawn.
@Test func seriesLineBreaksAtGapsInX() {
    let x = PlotScale(log: false, lo: 0, hi: 10, a: 0, b: 100), y = PlotScale(log: false, lo: 0, hi: 1, a: 100, b: 0)
    let joined = Series(label: "A", x: [1, 2, 7, 8], y: [0.1, 0.2, 0.3, 0.4], style: .linePoints)
    var broken = joined
    broken.breakAtXGapsOver = 1
    let pj = PlotDrawing.pagePoints(joined, x: x, y: y), pb = PlotDrawing.pagePoints(broken, x: x, y: y)
    #expect(pj.map { $0 == nil } == [false, false, false, false])
    #expect(pb.map { $0 == nil } == [false, false, true, false, false])
    #expect(pb.compactMap { $0?.0 } == [10, 20, 70, 80])
    // The footprint (what the marker labels avoid) has no segment across the gap.
    #expect(PlotDrawing.footprint(of: [broken], x: x, y: y).dataSegments.count == 2)
    #expect(PlotDrawing.footprint(of: [joined], x: x, y: y).dataSegments.count == 3)
}
