// The text of a line plot drawn as PDF (tick labels, axis labels, legend), read back with pdftotext.
import Analysis
import Foundation
@testable import Rendering

func renderedPlotText(_ plot: LinePlot, name: String) throws -> String {
    let dir = Gallery.tempDir(name)
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = try FigureRenderer.render(Figure(id: name, caption: "", content: .plot(plot)), to: dir,
                                        options: RenderOptions(formats: [.pdf]))
    let text = Pipe(), run = Process()
    run.executableURL = URL(fileURLWithPath: "/usr/bin/pdftotext")
    run.arguments = [out[.pdf]!.path, "-"]
    run.standardOutput = text
    try run.run()
    let data = text.fileHandleForReading.readDataToEndOfFile()
    run.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
}
