// Pixel and tick tests of histograms and line plots.
import Foundation
import Testing
@testable import Rendering
import Analysis

private func renderPNG(_ content: FigureContent, dpi: Double = 144, size: (w: Double, h: Double)? = nil) throws -> Raster {
    let dir = Gallery.tempDir("plots")
    let out = try FigureRenderer.render(Figure(id: "p", caption: "", content: content), to: dir,
                                        options: RenderOptions(formats: [.png], dpi: dpi, sizeInches: size))
    return try Raster(png: out[.png]!)
}

/// x positions of the axes frame's left and right lines: the outermost columns that are dark over
/// more than 40 % of the figure height (text and ticks are much shorter).
private func frameEdges(_ r: Raster, row _: Int) -> (Int, Int)? {
    let cols = (0..<r.width).filter { x in (0..<r.height).reduce(0) { $0 + (r.grey(x, $1) < 80 ? 1 : 0) } > r.height * 2 / 5 }
    guard let a = cols.first, let b = cols.last, b > a + 10 else { return nil }
    return (a, b)
}

private func isMarkerRed(_ c: (r: Int, g: Int, b: Int)) -> Bool { c.r > 170 && c.g < 110 && c.b < 110 }

@Test func histogramMarkerLineSitsAtItsValue() throws {
    // Bins over [0, 10], marker at 7.5: the red line is 75 % of the way across the axes box.
    let edges = (0...10).map(Double.init)
    let h = Histogram(binEdges: edges, counts: Array(repeating: 0, count: 10), xLabel: "x",
                      markers: [Marker(value: 7.5, label: "")])
    let r = try renderPNG(.histogram(h))
    let y = r.height / 2
    let (x0, x1) = try #require(frameEdges(r, row: y))
    // The line is dashed (period 6.5 pt = 13 px): look over 16 rows.
    let reds = (x0...x1).filter { x in (y..<(y + 16)).contains { isMarkerRed(r.rgb(x, $0)) } }
    let first = try #require(reds.min()), last = try #require(reds.max())
    #expect(last - first <= 4, "marker line width: observed \(last - first + 1) px")
    let observed = Double(first + last) / 2
    let expected = Double(x0) + 0.75 * Double(x1 - x0)
    #expect(abs(observed - expected) < 2.5, "marker x: expected \(expected) px, observed \(observed) px, error \(observed - expected)")
}

/// A rule's limit far from the data (4.d: every particle turned by ~10⁻⁶°, the limit 5°) is drawn when it is marked
/// `keepInRange`, the data then lying flat at the bottom; an ordinary marker that far away is left out, so that it
/// does not squash the data into a corner.
@Test func ruleLimitFarFromTheDataIsDrawn() throws {
    let x = (1...300).map(Double.init)
    let y = x.map { $0 < 260 ? 0 : 1.2e-6 }
    /// Rows in which the horizontal markers' dark grey (0.35) covers over 30 % of the image's width (the
    /// frame's antialiased edges may too: compared between the two plots).
    func greyRows(keep: Bool) throws -> Set<Int> {
        let p = LinePlot(series: [Series(label: "Angle difference", x: x, y: y)], xLabel: "Particle (sorted)",
                         yLabel: "Angle difference (°)", yMarkers: [Marker(value: 5, label: "", keepInRange: keep)])
        let r = try renderPNG(.plot(p))
        func isMarkerGrey(_ c: (r: Int, g: Int, b: Int)) -> Bool {
            abs(c.r - 89) <= 12 && abs(c.g - 89) <= 12 && abs(c.b - 89) <= 12
        }
        return Set((0..<r.height).filter { row in (0..<r.width).filter { isMarkerGrey(r.rgb($0, row)) }.count * 10 > r.width * 3 })
    }
    let kept = try greyRows(keep: true), dropped = try greyRows(keep: false)
    #expect(!kept.subtracting(dropped).isEmpty, "the 5° line is drawn across the plot (rows \(kept.sorted()) against \(dropped.sorted()))")
    #expect(PlotScale.nearbyMarkers([Marker(value: 5, label: "", keepInRange: true), Marker(value: 6, label: "")],
                                    data: y, log: false) == [5])
}

@Test func logAxisTicksAreDecadesEvenlySpaced() throws {
    let ticks = AxisTicks.log(lo: 1, hi: 1e4)
    let majors = ticks.filter(\.major)
    #expect(majors.map(\.value) == [1, 10, 100, 1000, 10000], "decades: observed \(majors.map(\.value))")
    #expect(majors.map(\.label) == ["1", "10", "10²", "10³", "10⁴"], "labels: observed \(majors.map(\.label))")
    #expect(ticks.filter { !$0.major }.count == 4 * 8, "minor ticks 2…9 per decade: observed \(ticks.count - majors.count)")
    var s = PlotScale(log: true, lo: 0, hi: 4); s.a = 100; s.b = 500
    for (k, v) in [1.0, 10, 100, 1000, 10000].enumerated() {
        let p = try #require(s.page(v))
        #expect(abs(p - (100 + 100 * Double(k))) < 1e-9, "page(\(v)): expected \(100 + 100 * Double(k)), observed \(p)")
    }
    #expect(s.page(0) == nil && s.page(-1) == nil, "non-positive values cannot be drawn on a log axis")
    // Many decades: labels thinned, never more than 8.
    let wide = AxisTicks.log(lo: 1e-10, hi: 1e10).filter(\.major)
    #expect(wide.count <= 8 && wide.count >= 4, "labelled decades over 20 decades: observed \(wide.count)")
    // Less than a decade: 2 and 5 are labelled too.
    let narrow = AxisTicks.log(lo: 150, hi: 900).filter(\.major).map(\.label)
    #expect(narrow == ["200", "500"], "labels in [150, 900]: observed \(narrow)")
}

@Test func renderedLogHistogramHasTicksAtDecades() throws {
    // Counts 1 … 10⁴ on a log axis: the labelled ticks 10, 10², 10³ are equally spaced in the PNG.
    let counts: [Double] = [1, 10, 100, 1000, 10000]
    let h = Histogram(binEdges: (0...5).map(Double.init), counts: counts, xLabel: "x", logY: true)
    let r = try renderPNG(.histogram(h), dpi: 144)
    // Find the frame's left edge on the middle row, then major tick marks just left of it.
    let (x0, _) = try #require(frameEdges(r, row: r.height / 2))
    let tx = x0 - 4   // inside a major tick (3.5 pt = 7 px long at 144 dpi), beyond the minor ones (≈ 3.9 px)
    // Only above the x axis (the lowest row dark across most of the width): below it, the axis's first label ("0",
    // centred on the frame's left edge) may reach this column.
    let axisRows = (0..<r.height).filter { y in (0..<r.width).reduce(0) { $0 + (r.grey($1, y) < 80 ? 1 : 0) } > r.width * 2 / 5 }
    let (top, bottom) = (0, try #require(axisRows.last, "no x axis line found"))
    var rows: [Int] = []
    var y = top
    while y <= bottom {
        if r.grey(tx, y) < 100 { let y0 = y; while y <= bottom && r.grey(tx, y) < 100 { y += 1 }; rows.append((y0 + y - 1) / 2) }
        y += 1
    }
    #expect(rows.count >= 4, "major ticks found at rows \(rows)")
    if rows.count >= 3 {
        let d = zip(rows.dropFirst(), rows).map { $0 - $1 }
        let spread = (d.max() ?? 0) - (d.min() ?? 0)
        #expect(spread <= 2, "decade spacing in px: \(d) should be equal within 2 px")
    }
}

@Test func linearTicksAreNice() {
    let t = AxisTicks.linear(lo: -0.5, hi: 1.5, target: 5)
    #expect(t.map(\.value) == [-0.5, 0, 0.5, 1, 1.5], "values: observed \(t.map(\.value))")
    #expect(t.map(\.label) == ["−0.5", "0", "0.5", "1.0", "1.5"], "labels: observed \(t.map(\.label))")
    let big = AxisTicks.linear(lo: 0, hi: 3e6, target: 3).map(\.label)
    #expect(big == ["0", "10⁶", "2×10⁶", "3×10⁶"], "large values: observed \(big)")
    let quarter = AxisTicks.linear(lo: 0, hi: 1, target: 4).map(\.label)
    #expect(quarter == ["0", "0.25", "0.50", "0.75", "1.00"], "2.5 steps: observed \(quarter)")
}

@Test func frequencyTicksAreRoundResolutions() {
    // 1/Å from 1/50 to 1/2: ticks at round resolutions in Å, labelled as such, increasing frequency.
    let t = AxisTicks.frequency(lo: 0.02, hi: 0.5, log: false, minSpacing: 0.05)
    #expect(t.last?.label == "2", "finest tick: observed \(t.last?.label ?? "none")")
    for tick in t {
        let d = 1 / tick.value
        #expect(abs(Double(tick.label)! - d) < 1e-6, "tick at \(tick.value) 1/Å labelled \(tick.label), expected \(d) Å")
    }
    let gaps = zip(t.dropFirst(), t).map { $0.value - $1.value }
    #expect(gaps.allSatisfy { $0 >= 0.05 - 1e-12 }, "spacing ≥ 0.05: observed \(gaps)")
}
