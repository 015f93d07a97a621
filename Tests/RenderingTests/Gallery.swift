// Sample figures used by several tests and for looking at the output by eye.
import Foundation
@testable import Rendering
import Analysis
import TestSupport

enum Gallery {
    static func tempDir(_ name: String) -> URL {
        let d = TestScratch.root.appendingPathComponent("emvalidate-render-tests/\(name)-\(UUID().uuidString.prefix(8))")
        try? FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }

    /// A 2D Gaussian blob image (w × h) centred at (cu, cv) pixels.
    static func blob(_ w: Int, _ h: Int, cu: Double, cv: Double, sigma: Double, label: String, px: [Double] = [1, 1]) -> Image2D {
        var p = [Float](repeating: 0, count: w * h)
        for v in 0..<h { for u in 0..<w {
            let d2 = (Double(u) - cu) * (Double(u) - cu) + (Double(v) - cv) * (Double(v) - cv)
            p[u + w * v] = Float(exp(-d2 / (2 * sigma * sigma)))
        } }
        return Image2D(width: w, height: h, pixels: p, label: label, pixelSizeA: px)
    }

    static var figures: [Figure] {
        let slices = ImagePanels(panels: [
            blob(64, 64, cu: 20, cv: 44, sigma: 6, label: "X = 32", px: [1.2, 1.2]),
            blob(64, 48, cu: 32, cv: 10, sigma: 4, label: "Y = 32", px: [1.2, 1.2]),
            blob(16, 16, cu: 4, cv: 4, sigma: 2, label: "Z = 8 (small)", px: [4.8, 4.8]),
        ])
        let colored = ImagePanels(panels: [
            blob(48, 48, cu: 24, cv: 24, sigma: 10, label: "Local resolution X", px: [1, 1]),
            blob(48, 48, cu: 10, cv: 30, sigma: 8, label: "Local resolution Y", px: [1, 1]),
        ], colormap: "viridis", range: [0, 1], colorbarLabel: "Resolution (Å)")
        var edges: [Double] = [], counts: [Double] = []
        for i in 0...100 { edges.append(-0.5 + Double(i) * 0.02) }
        for i in 0..<100 { let x = -0.5 + (Double(i) + 0.5) * 0.02; counts.append((1e6 * exp(-x * x / 0.005) + 30 * exp(-(x - 0.7) * (x - 0.7) / 0.02)).rounded()) }
        let hist = Histogram(binEdges: edges, counts: counts, xLabel: "Map value", yLabel: "Voxels", logY: true,
                             markers: [Marker(value: 0.2, label: "T = 0.2")])
        let f = (1...60).map { Double($0) / 120 }
        let fsc = f.map { 1 / (1 + exp(($0 - 0.28) * 40)) }
        let fscMasked = f.map { 1 / (1 + exp(($0 - 0.31) * 35)) }
        let plot = LinePlot(series: [Series(label: "Unmasked", x: f, y: fsc), Series(label: "Masked", x: f, y: fscMasked, style: .dashed)],
                            xLabel: "Resolution (Å)", yLabel: "FSC",
                            yMarkers: [Marker(value: 0.143, label: "0.143"), Marker(value: 0.5, label: "0.5")], xIsFrequency: true)
        let th = (1...24).map { Double($0) * 0.05 }
        let sweep = LinePlot(series: [Series(label: "", x: th, y: th.map { 1e5 * exp(-$0 * 6) }, style: .linePoints)],
                             xLabel: "Threshold", yLabel: "Mass (kDa)", logY: true, xMarkers: [Marker(value: 0.2, label: "T")])
        return [
            Figure(id: "g_slices", caption: "", content: .images(slices)),
            Figure(id: "g_colored", caption: "", content: .images(colored)),
            Figure(id: "g_hist", caption: "", content: .histogram(hist)),
            Figure(id: "g_fsc", caption: "", content: .plot(plot)),
            Figure(id: "g_sweep", caption: "", content: .plot(sweep)),
        ]
    }
}
