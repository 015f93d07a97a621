// 2.classes — the 2D classes as given (VRS "2D classes"; not scored): file, SHA-256, number, box and pixel
// size (and where it came from), and every class resampled to the map's pixel size and box, 8 per row.
import Foundation
import ImageData

public struct ClassesSection: Section {
    public let id = "2.classes"
    public let title = "2D classes"
    public var reference: String { "input" }
    public var scored: Bool { false }
    /// Classes per figure (8 per row, 6 rows: one page).
    static let perFigure = 48

    public init() {}

    public func run(_ context: AnalysisContext) throws -> SectionResult {
        guard let l2 = context.level2 else { throw SectionError.notApplicable("no 2D classes were given (--classes)") }
        let c = l2.classes
        let m = context.map
        var figures: [Figure] = []
        let groups = stride(from: 0, to: c.resampled.count, by: Self.perFigure).map { $0..<min($0 + Self.perFigure, c.resampled.count) }
        for (g, range) in groups.enumerated() {
            let panels = range.map { i in analysisImage(c.resampled[i], label: "\(i + 1)") }
            figures.append(Figure(
                id: groups.count == 1 ? "2classes_grid" : "2classes_grid_\(g + 1)",
                caption: "2D classes \(range.lowerBound + 1)–\(range.upperBound) of \(c.resampled.count), resampled to the map's "
                    + "pixel size (\(NumberText.format(m.voxelSize.x)) Å) and box (\(m.nx) pixels); each on its own grey scale.",
                content: .images(ImagePanels(panels: panels, columns: 8))))
        }
        let metrics: [String: JSONValue] = [
            "file": .string(c.fileName),
            "sha256": .string(c.sha256),
            "classes": .int(c.images.count),
            "box_px": .int(c.box),
            "pixel_size_A": .number(c.pixelSizeA),
            "pixel_size_source": .string(c.pixelSizeSource.rawValue),
            "resampled_box_px": .int(c.resampled[0].nx),
            "resampled_pixel_size_A": .number(c.resampled[0].pixelSizeA),
            "symmetry": .string(c.symmetry.name),
        ]
        return SectionResult(id: id, title: title, status: .ok, metrics: metrics, figures: figures, scored: scored)
    }
}

/// An ImageData image as a figure panel.
func analysisImage(_ img: ImageData.Image2D, label: String) -> Image2D {
    Image2D(width: img.nx, height: img.ny, pixels: img.data, label: label, pixelSizeA: [img.pixelSizeA, img.pixelSizeA])
}
