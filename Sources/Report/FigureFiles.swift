// Draws one figure into figures/ and describes the files written: PNG for images and 3D views, PNG and
// PDF (vector, for print) for plots and histograms. A figure that cannot be drawn is recorded with its
// error in the caption instead of stopping the report.
import Analysis
import Foundation
import Rendering

enum FigureFiles {
    static func kind(_ c: FigureContent) -> String {
        switch c {
        case .images: return "images"
        case .histogram: return "histogram"
        case .plot: return "plot"
        case .surface: return "surface"
        case .graph: return "graph"
        }
    }

    static func draw(_ figure: Figure, into dir: URL) -> ReportDocument.FigureRecord {
        let k = kind(figure.content)
        let formats: [FigureFormat] = (k == "plot" || k == "histogram" || k == "graph") ? [.png, .pdf] : [.png]
        do {
            let written = try FigureRenderer.render(figure, to: dir, options: RenderOptions(formats: formats))
            var files: [String: String] = [:]
            for (format, url) in written { files[format.rawValue] = "figures/" + url.lastPathComponent }
            return .init(id: figure.id, caption: figure.caption, files: files, kind: k)
        } catch {
            return .init(id: figure.id, caption: figure.caption + " (This figure could not be drawn: \(error).)",
                         files: [:], kind: k)
        }
    }
}
