// Draws one figure into figures/ and describes the files written: PNG for images, JPEG for 3D views, PNG
// and PDF (vector, for print) for plots and histograms. A figure that cannot be drawn is recorded with its
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

    /// What the report writes for each kind: PNG and vector PDF for plots, histograms and graphs, high-quality JPEG
    /// for shaded 3D views (a sixth of the PNG's size, no visible loss in print), PNG for images.
    static func defaultFormats(kind: String) -> [FigureFormat] {
        if vectorKinds.contains(kind) { return [.png, .pdf] }
        return kind == "surface" ? [.jpg] : [.png]
    }

    /// Kinds drawn as vector PDF as well, which the report includes in preference to the PNG.
    static let vectorKinds: Set<String> = ["plot", "histogram", "graph"]

    static func draw(_ figure: Figure, into dir: URL) -> ReportDocument.FigureRecord {
        let k = kind(figure.content)
        let formats = defaultFormats(kind: k)
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
