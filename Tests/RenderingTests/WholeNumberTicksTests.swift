// An axis of counts (particles per micrograph, per class) is ticked at whole numbers only.
import Analysis
import Foundation
import Testing
@testable import Rendering

@Test func countAxesAreTickedAtWholeNumbers() {
    // One bar at 36 with an empty bin each side: 34.5 … 37.5. Real-valued ticks would be 34.5, 35, 35.5, …
    let counts = AxisTicks.linear(lo: 34.5, hi: 37.5, target: 8, wholeNumbers: true).map(\.value)
    #expect(counts == [35, 36, 37], "\(counts)")
    #expect(AxisTicks.linear(lo: 34.5, hi: 37.5, target: 8).map(\.value).contains(35.5))
    // Wider spans: steps 1, 2, 5, 10, … (never 2.5).
    #expect(AxisTicks.niceStep(span: 20, target: 8, wholeNumbers: true) == 5)
    #expect(AxisTicks.niceStep(span: 20, target: 8) == 2.5)
    #expect(AxisTicks.niceStep(span: 2000, target: 8, wholeNumbers: true) == 250)
}

/// A line plot whose x counts something (3.b: particles per class, 166 or 167) is ticked at whole numbers; the
/// vector figure's text gives its tick labels back.
@Test func linePlotOfCountsHasWholeNumberTicks() throws {
    func tickText(whole: Bool) throws -> String {
        let p = LinePlot(series: [Series(label: "Classes", x: [166, 166, 167, 167, 167], y: [3.5, 3.9, 3.4, 4.0, 4.3], style: .points)],
                         xLabel: "Particles in the class", yLabel: "FRC 0.5 resolution (Å)", xWholeNumbers: whole)
        return try renderedPlotText(p, name: "count-ticks")
    }
    let whole = try tickText(whole: true), real = try tickText(whole: false)
    #expect(real.contains("166.2") || real.contains("166.5"), "the check needs real-valued ticks without the flag")
    #expect(!whole.contains("166.2") && !whole.contains("166.5") && !whole.contains("166.4"), "ticks between whole particle counts")
}
