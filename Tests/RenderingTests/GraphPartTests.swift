// A part of a tall workflow graph (a layout with a window) is drawn at the window's height, with the boxes
// inside the window where the layout puts them and nothing from outside it.
import Foundation
import Testing
@testable import Rendering
import Analysis
@testable import WorkflowIO

@Suite struct GraphPartTests {
    /// Three boxes 100 × 40 pt, centres at y = 300, 180 and 60 (y up), in a 200 × 340 pt layout.
    static let layout = GraphLayout(width: 200, height: 340, nodes: [
        .init(id: "a", title: "1. a", subtitle: "A", x: 100, y: 300, width: 100, height: 40),
        .init(id: "b", title: "2. b", subtitle: "B", x: 100, y: 180, width: 100, height: 40),
        .init(id: "c", title: "3. c", subtitle: "C", x: 100, y: 60, width: 100, height: 40),
    ], edges: [])

    static func render(_ g: GraphLayout) throws -> Raster {
        let dir = Gallery.tempDir("graph-parts")
        let out = try FigureRenderer.render(Figure(id: "g", caption: "", content: .graph(g)), to: dir,
                                            options: RenderOptions(formats: [.png], dpi: 72))
        return try Raster(png: out[.png]!)
    }

    /// Box fill (0xEAF1F8) at pixel (x, y)?
    static func isBoxFill(_ r: Raster, _ x: Int, _ y: Int) -> Bool {
        let c = r.rgb(x, y)
        return abs(c.r - 0xEA) < 6 && abs(c.g - 0xF1) < 6 && abs(c.b - 0xF8) < 6
    }

    @Test func aPartIsTheWindowsHeightAndShowsItsBoxesOnly() throws {
        let m = Int(GraphLayout.drawingMargin)
        let whole = try Self.render(Self.layout)
        #expect(whole.width == 200 + 2 * m && whole.height == 340 + 2 * m)
        // The window from y = 120 to 240 holds box b only (its centre 60 pt below the window's top).
        let part = try Self.render(Self.layout.windowed(120...240))
        #expect(part.width == 200 + 2 * m && part.height == 120 + 2 * m)
        // Box b's fill a few points left of its centre line (the text is centred), at its centre height.
        #expect(Self.isBoxFill(part, m + 60, m + 60))
        // Above and below box b within the part: page white, not another box.
        for y in [m + 10, m + 110] { #expect(part.rgb(m + 60, y) == (255, 255, 255), "row \(y)") }
        // In the whole drawing the same box sits 160 pt from the top.
        #expect(Self.isBoxFill(whole, m + 60, m + 160))
    }
}
