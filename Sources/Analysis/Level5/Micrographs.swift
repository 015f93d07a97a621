// 5.micrographs — the micrographs and particle coordinates (not scored): how many, pixel size and size, the first
// two micrographs binned to about 800 pixels (block averages: a low-pass) with a circle of the particle box at each
// coordinate, and the number of particles per micrograph.
import Foundation
import MicrographIO

/// The Level 5 inputs, parsed before the report starts (MicrographIO); micrographs are read when needed.
public struct MicrographInputs: Sendable {
    public var list: MicrographList
    public var coordinates: CoordinateTable?
    /// Particle box in micrograph pixels (--particle-box, else the coordinates' rlnImageSize).
    public var boxPixels: Int?
    public var pixelSizeFlagA: Double?
    public init(list: MicrographList, coordinates: CoordinateTable?, boxPixels: Int?, pixelSizeFlagA: Double?) {
        self.list = list; self.coordinates = coordinates; self.boxPixels = boxPixels; self.pixelSizeFlagA = pixelSizeFlagA
    }

    public func read(_ k: Int) throws -> Micrograph {
        try Micrograph.read(path: list.paths[k], pixelSizeFlagA: pixelSizeFlagA, starPixelSizeA: list.starPixelSizeA)
    }

    /// A micrograph binned to at most `target` pixels on its long side, with circles at its coordinates.
    func panel(_ m: Micrograph, target: Int, label: String, flags: [Bool]? = nil) -> Image2D {
        let bin = max(1, Int((Double(max(m.width, m.height)) / Double(target)).rounded(.up)))
        let (p, w, h) = MicrographScreening.binned(m.pixels, width: m.width, height: m.height, by: bin)
        var image = Image2D(width: w, height: h, pixels: p, label: label, pixelSizeA: [m.pixelSizeA * Double(bin), m.pixelSizeA * Double(bin)])
        if let c = coordinates, let box = boxPixels {
            let points = c.points(for: m.path)
            image.circles = points.enumerated().map { k, pt in
                ImageCircle(u: pt.x / Double(bin) - 0.5, v: pt.y / Double(bin) - 0.5, radius: Double(box) / 2 / Double(bin),
                            flagged: flags?[k] ?? false)
            }
        }
        return image
    }
}

public struct MicrographsSection: Section {
    public let id = "5.micrographs"
    public let title = "Micrographs and coordinates"
    public let scored = false
    public let inputs: MicrographInputs
    public init(inputs: MicrographInputs) { self.inputs = inputs }

    public func run(_ context: AnalysisContext) throws -> SectionResult {
        let list = inputs.list
        var panels: [Image2D] = []
        var first: Micrograph?
        for k in 0..<min(2, list.paths.count) {
            let m = try inputs.read(k)
            if first == nil { first = m }
            panels.append(inputs.panel(m, target: 800, label: (m.path as NSString).lastPathComponent))
        }
        let m0 = first!
        var metrics: [String: JSONValue] = [
            "source": .string((list.source as NSString).lastPathComponent), "micrographs": .int(list.paths.count),
            "pixel_size_A": .number(m0.pixelSizeA), "width_px": .int(m0.width), "height_px": .int(m0.height),
            "width_A": .number(Double(m0.width) * m0.pixelSizeA), "height_A": .number(Double(m0.height) * m0.pixelSizeA),
            "pixel_size_source": .string(inputs.pixelSizeFlagA != nil ? "--micrographs-pixel-size"
                                         : list.starPixelSizeA != nil ? "the STAR file" : "the MRC header"),
        ]
        if let box = inputs.boxPixels { metrics["box_px"] = .int(box); metrics["box_A"] = .number(Double(box) * m0.pixelSizeA) }
        var figures: [Figure] = []
        let circleText = inputs.coordinates != nil && inputs.boxPixels != nil ? ", with a circle of the particle box at each coordinate" : ""
        figures.append(Figure(id: "5micrographs_first", caption: "The first \(panels.count == 1 ? "micrograph" : "two micrographs"), binned to at most 800 pixels by block averages (a low-pass)\(circleText); grey scale from each image's minimum to maximum, row 0 at the bottom.", content: .images(ImagePanels(panels: panels))))
        if let c = inputs.coordinates {
            let counts = list.paths.map { c.points(for: $0).count }
            let matched = counts.reduce(0, +)
            metrics["coordinates"] = .int(c.count)
            metrics["coordinates_on_listed_micrographs"] = .int(matched)
            metrics["particles_per_micrograph_mean"] = .number(Double(matched) / Double(counts.count))
            metrics["particles_per_micrograph_min"] = .int(counts.min() ?? 0)
            metrics["particles_per_micrograph_max"] = .int(counts.max() ?? 0)
            figures.append(Figure(id: "5micrographs_particles_per_micrograph", caption: "Number of particles per micrograph.",
                                  content: .histogram(Histogram(counts: counts, xLabel: "Particles per micrograph", yLabel: "Micrographs"))))
        }
        return SectionResult(id: id, title: title, status: .ok, metrics: metrics, figures: figures, scored: scored)
    }
}
