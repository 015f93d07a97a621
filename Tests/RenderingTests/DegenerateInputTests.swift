// Degenerate inputs render without crashing: empty data, NaN/Inf, all-equal values, one point, empty images.
import Foundation
import Testing
@testable import Rendering
import Analysis

private func renderAll(_ contents: [FigureContent]) throws {
    let dir = Gallery.tempDir("degenerate")
    for (k, c) in contents.enumerated() {
        let out = try FigureRenderer.render(Figure(id: "d\(k)", caption: "", content: c), to: dir,
                                            options: RenderOptions(formats: [.png, .pdf, .svg], dpi: 72))
        #expect(out.count == 3, "degenerate figure \(k): expected 3 files, observed \(out.count)")
    }
}

@Test func degenerateHistogramsRender() throws {
    try renderAll([
        .histogram(Histogram(binEdges: [0], counts: [], xLabel: "empty")),
        .histogram(Histogram(binEdges: [0, 1, 2], counts: [0, 0], xLabel: "zero counts", logY: true)),
        .histogram(Histogram(binEdges: [1, 1], counts: [5], xLabel: "zero-width bin", logY: true,
                             markers: [Marker(value: 1, label: "T")])),
        .histogram(Histogram(binEdges: [0, .nan, 2, .infinity], counts: [1, .nan, 3], xLabel: "NaN",
                             markers: [Marker(value: .nan, label: "nan"), Marker(value: 1e30, label: "far")])),
        .histogram(Histogram(binEdges: [-1e-30, 0, 1e-30], counts: [1e12, 3], xLabel: "tiny range", logY: true)),
    ])
}

@Test func degeneratePlotsRender() throws {
    try renderAll([
        .plot(LinePlot(series: [], xLabel: "", yLabel: "")),
        .plot(LinePlot(series: [Series(label: "empty", x: [], y: [])], xLabel: "x", yLabel: "y", logX: true, logY: true)),
        .plot(LinePlot(series: [Series(label: "one", x: [2], y: [3])], xLabel: "x", yLabel: "y")),
        .plot(LinePlot(series: [Series(label: "flat", x: [0, 1, 2], y: [5, 5, 5])], xLabel: "x", yLabel: "y", logY: true)),
        .plot(LinePlot(series: [Series(label: "nan", x: [0, 1, .nan, 3, 4], y: [1, .infinity, 2, -.infinity, .nan])],
                       xLabel: "x", yLabel: "y", xMarkers: [Marker(value: .infinity, label: "inf")])),
        .plot(LinePlot(series: [Series(label: "negative on log", x: [-1, 0], y: [-5, 0])], xLabel: "x", yLabel: "y",
                       logX: true, logY: true)),
        .plot(LinePlot(series: [Series(label: "freq", x: [0, 0.1], y: [1, 0])], xLabel: "Resolution (Å)", yLabel: "FSC",
                       xIsFrequency: true)),
        .plot(LinePlot(series: [Series(label: "freq one", x: [0.25], y: [1])], xLabel: "Resolution (Å)", yLabel: "FSC",
                       xIsFrequency: true)),
    ])
}

@Test func degenerateImagesRender() throws {
    try renderAll([
        .images(ImagePanels(panels: [])),
        .images(ImagePanels(panels: [Image2D(width: 0, height: 0, pixels: [])])),
        .images(ImagePanels(panels: [Image2D(width: 3, height: 2, pixels: [Float](repeating: 7, count: 6), label: "flat")])),
        .images(ImagePanels(panels: [Image2D(width: 2, height: 2, pixels: [.nan, .infinity, 1, 2], label: "nan",
                                             pixelSizeA: [0, .nan])])),
        .images(ImagePanels(panels: [Image2D(width: 1, height: 500, pixels: [Float](repeating: 1, count: 500))],
                            colormap: "magma", range: [1, 1], colorbarLabel: "flat")),
        .images(ImagePanels(panels: (0..<7).map { Image2D(width: 4, height: 4, pixels: [Float](repeating: Float($0), count: 16), label: "\($0)") })),
    ])
}
