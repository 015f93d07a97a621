// The text of a line plot drawn as PDF (tick labels, axis labels, legend), read back with pdftotext.
import Analysis
import Foundation
import TestSupport
@testable import Rendering

func renderedPlotText(_ plot: LinePlot, name: String) throws -> String {
    let dir = Gallery.tempDir(name)
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = try FigureRenderer.render(Figure(id: name, caption: "", content: .plot(plot)), to: dir,
                                        options: RenderOptions(formats: [.pdf]))
    return try pdfText(out[.pdf]!)
}
