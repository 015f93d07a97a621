// Figures as data. A section describes what to draw (images, histograms, curves); the Rendering module
// draws it with Cairo. Keeping figures as plain Codable values lets the report redraw them without
// recomputing the analysis.
import VolumeNumerics
import WorkflowIO

/// A 2D image. Pixel (u, v) is `pixels[u + width * v]`; u runs to the right and v upwards (v = 0 is the
/// bottom row), so a slice V[i, :, :] along X is drawn with Y to the right and Z upwards.
public struct Image2D: Codable, Sendable, Equatable {
    public var width: Int
    public var height: Int
    public var pixels: [Float]
    /// Panel label drawn above the image, e.g. "X = 64".
    public var label: String
    /// Pixel size in Å along u and v (for the aspect ratio and scale bar).
    public var pixelSizeA: [Double]
    /// Circles drawn over the image (particle boxes on a micrograph), in pixels of this image.
    public var circles: [ImageCircle]? = nil

    public init(width: Int, height: Int, pixels: [Float], label: String = "", pixelSizeA: [Double] = [1, 1]) {
        precondition(pixels.count == width * height, "Image2D: \(pixels.count) pixels for \(width)×\(height)")
        self.width = width; self.height = height; self.pixels = pixels
        self.label = label; self.pixelSizeA = pixelSizeA
    }

    @inline(__always) public subscript(u: Int, v: Int) -> Float { pixels[u + width * v] }
}

/// A circle over an image: centre (u, v) and radius in the image's pixels; flagged circles are drawn in red,
/// the others in green.
public struct ImageCircle: Codable, Sendable, Equatable {
    public var u: Double, v: Double, radius: Double
    public var flagged: Bool
    public init(u: Double, v: Double, radius: Double, flagged: Bool = false) {
        self.u = u; self.v = v; self.radius = radius; self.flagged = flagged
    }
}

/// One or more images drawn side by side with a shared style.
public struct ImagePanels: Codable, Sendable, Equatable {
    public var panels: [Image2D]
    /// Colour map name: "grey" (default) or a perceptual map ("viridis", …) for coloured values.
    public var colormap: String
    /// Fixed value range [lo, hi]; nil means each panel from its own min to max (the grey scale of docs/methods.md "Conventions").
    public var range: [Double]?
    /// Colour-bar label when a colour bar is drawn (nil: no colour bar).
    public var colorbarLabel: String?
    /// Panels per row (nil: the renderer's default, up to 4 in one row, else 3 per row).
    public var columns: Int?
    /// True for images whose axes are not lengths (an orientation map in degrees): no scale bar in Å.
    public var noScaleBar: Bool?

    public init(panels: [Image2D], colormap: String = "grey", range: [Double]? = nil, colorbarLabel: String? = nil,
                columns: Int? = nil) {
        self.panels = panels; self.colormap = colormap; self.range = range; self.colorbarLabel = colorbarLabel
        self.columns = columns
    }
}

/// A vertical (or horizontal) marker line with a label, e.g. the threshold T.
public struct Marker: Codable, Sendable, Equatable {
    public var value: Double
    public var label: String
    /// A rule's limit that the axis always reaches, however far the data lie from it (e.g. 4.d's 5°: particles
    /// that all moved by 10⁻⁶° must read as far below it, not as a curve filling the plot). nil: shown only
    /// when near the data.
    public var keepInRange: Bool?
    /// The label is drawn only where it covers no data and no other marker's line, and left out otherwise: the
    /// plot's legend (`LinePlot.markerLegend`) gives what it says. For lines that can lie closer together than a
    /// label is wide (1.d's three FSO crossings, ~0.1 Å apart). nil: always drawn.
    public var labelOnlyWhereClear: Bool?

    public init(value: Double, label: String, keepInRange: Bool = false, labelOnlyWhereClear: Bool = false) {
        self.value = value; self.label = label; self.keepInRange = keepInRange ? true : nil
        self.labelOnlyWhereClear = labelOnlyWhereClear ? true : nil
    }
}

/// A histogram: `counts[i]` falls in [binEdges[i], binEdges[i+1]).
public struct Histogram: Codable, Sendable, Equatable {
    public var binEdges: [Double]
    public var counts: [Double]
    public var xLabel: String
    public var yLabel: String
    public var logY: Bool
    public var markers: [Marker]
    /// The x values are whole numbers (counts): ticks only at integers. Absent (nil) means false.
    public var wholeNumbers: Bool?

    public init(binEdges: [Double], counts: [Double], xLabel: String, yLabel: String = "Voxels",
                logY: Bool = false, markers: [Marker] = []) {
        precondition(binEdges.count == counts.count + 1, "Histogram: \(binEdges.count) edges for \(counts.count) bins")
        self.binEdges = binEdges; self.counts = counts; self.xLabel = xLabel; self.yLabel = yLabel
        self.logY = logY; self.markers = markers
    }

    /// A histogram of counts (particles per class, per micrograph; non-empty): bins a whole number of units wide,
    /// centred on the integers, at most `maxBins` of them, so that 166 and 167 particles are two bars at 166 and 167
    /// and ten micrographs of 200 one bar at 200 (equal-width real bins drew them as slivers at the axis's left
    /// end). An empty bin on each side keeps a lone bar from filling the axes or sitting on its edge.
    public init(counts values: [Int], xLabel: String, yLabel: String, maxBins: Int = 30) {
        let lo = values.min()!, hi = values.max()!
        let width = (hi - lo + maxBins) / maxBins   // ⌈(hi − lo + 1) / maxBins⌉
        let bins = (hi - lo) / width + 1
        var counts = [Double](repeating: 0, count: bins + 2)
        for v in values { counts[1 + (v - lo) / width] += 1 }
        self.init(binEdges: (-1...bins + 1).map { Double(lo) - 0.5 + Double($0 * width) }, counts: counts,
                  xLabel: xLabel, yLabel: yLabel)
        wholeNumbers = true
    }
}

/// One curve of a line plot.
public struct Series: Codable, Sendable, Equatable {
    public enum Style: String, Codable, Sendable { case line, dashed, points, linePoints }
    public var label: String
    public var x: [Double]
    public var y: [Double]
    public var style: Style
    /// Consecutive points whose x differ by more than this are not joined: a per-residue line breaks where
    /// residues are missing from the model instead of bridging them as if they had values. nil: always joined.
    public var breakAtXGapsOver: Double?

    public init(label: String, x: [Double], y: [Double], style: Style = .line, breakAtXGapsOver: Double? = nil) {
        precondition(x.count == y.count, "Series \(label): \(x.count) x for \(y.count) y")
        self.label = label; self.x = x; self.y = y; self.style = style; self.breakAtXGapsOver = breakAtXGapsOver
    }

    /// Whether the line breaks between points i − 1 and i (x further apart than `breakAtXGapsOver`).
    public func breaksBefore(_ i: Int) -> Bool {
        guard let gap = breakAtXGapsOver, i > 0 else { return false }
        return abs(x[i] - x[i - 1]) > gap
    }
}

/// A line plot with optional log axes and marker lines.
public struct LinePlot: Codable, Sendable, Equatable {
    public var series: [Series]
    public var xLabel: String
    public var yLabel: String
    public var logX: Bool
    public var logY: Bool
    /// Vertical lines at x = value.
    public var xMarkers: [Marker]
    /// Horizontal lines at y = value.
    public var yMarkers: [Marker]
    /// If set, x is a spatial frequency in 1/Å and ticks are labelled as resolutions in Å (1/x).
    public var xIsFrequency: Bool
    /// x counts something (particles, iterations): ticks at whole numbers only. nil: any ticks.
    public var xWholeNumbers: Bool?
    /// A legend entry drawn in the vertical markers' style, saying what the lines are and their values (needed
    /// when their labels are `labelOnlyWhereClear`). nil: no entry.
    public var markerLegend: String?
    /// The values the quantity on x (y) can take, e.g. −1…1 for a correlation: the axis is padded at most a
    /// little past them, so that it has no tick beyond them (one class at CC 0.99 drew an axis to 1.05).
    /// nil: unbounded.
    public var xBounds: ClosedRange<Double>?
    public var yBounds: ClosedRange<Double>?

    /// A correlation's range, for `xBounds` and `yBounds`.
    public static let correlationBounds: ClosedRange<Double> = -1...1

    public init(series: [Series], xLabel: String, yLabel: String, logX: Bool = false, logY: Bool = false,
                xMarkers: [Marker] = [], yMarkers: [Marker] = [], xIsFrequency: Bool = false, xWholeNumbers: Bool = false,
                markerLegend: String? = nil, xBounds: ClosedRange<Double>? = nil, yBounds: ClosedRange<Double>? = nil) {
        self.series = series; self.xLabel = xLabel; self.yLabel = yLabel; self.logX = logX; self.logY = logY
        self.xMarkers = xMarkers; self.yMarkers = yMarkers; self.xIsFrequency = xIsFrequency
        self.xWholeNumbers = xWholeNumbers ? true : nil
        self.markerLegend = markerLegend
        self.xBounds = xBounds; self.yBounds = yBounds
    }
}

public enum FigureContent: Codable, Sendable, Equatable {
    case images(ImagePanels)
    case histogram(Histogram)
    case plot(LinePlot)
    case surface(SurfaceViews)
    /// A directed graph laid out by Graphviz (section W), drawn as boxes and arrows.
    case graph(GraphLayout)
}

/// A figure of a section: `id` is unique in the report and names the file (figures/<id>.png|pdf).
public struct Figure: Codable, Sendable, Equatable {
    public var id: String
    /// Caption as plain text (the report escapes it for LaTeX).
    public var caption: String
    public var content: FigureContent

    public init(id: String, caption: String, content: FigureContent) {
        self.id = id; self.caption = caption; self.content = content
    }
}

extension Image2D {
    /// An image from a plane cut from a volume.
    public init(_ plane: Plane, label: String = "") {
        self.init(width: plane.width, height: plane.height, pixels: plane.values, label: label,
                  pixelSizeA: [plane.pixelSizeA.x, plane.pixelSizeA.y])
    }
}
