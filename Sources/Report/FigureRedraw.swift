// `emvalidate figures OUTDIR`: redraws every figure into OUTDIR/figures from OUTDIR/data (FigureData) with
// another colour map, format, resolution or size. The map is not read and metrics.json is not changed.
import Analysis
import Foundation
import Rendering
import VolumeNumerics

public enum FigureRedraw {
    public struct Options: Sendable {
        /// Colour map for coloured images and 3D views (grey-scale density images stay grey, docs/methods.md "Conventions").
        public var colormap: String?
        /// One format for every figure; nil writes what the report writes (PNG, plus PDF for plots and histograms).
        public var format: FigureFormat?
        /// Pixels per inch of PNG files.
        public var dpi: Double
        /// Figure size in inches.
        public var sizeInches: (w: Double, h: Double)?
        public init(colormap: String? = nil, format: FigureFormat? = nil, dpi: Double = 150,
                    sizeInches: (w: Double, h: Double)? = nil) {
            self.colormap = colormap; self.format = format; self.dpi = dpi; self.sizeInches = sizeInches
        }
        /// The same with the format by name ("png", "pdf", "svg"); nil if the name is unknown.
        public init?(colormap: String?, formatName: String?, dpi: Double, sizeInches: (w: Double, h: Double)?) {
            var f: FigureFormat?
            if let formatName {
                guard let parsed = FigureFormat(rawValue: formatName.lowercased()) else { return nil }
                f = parsed
            }
            self.init(colormap: colormap, format: f, dpi: dpi, sizeInches: sizeInches)
        }
    }

    /// Names accepted by --colormap and --format.
    public static var colormapNames: [String] { Colormap.names }
    public static var formatNames: [String] { FigureFormat.allCases.map(\.rawValue) }
    public static func isColormap(_ name: String) -> Bool { Colormap(named: name) != nil }

    /// Redraws every figure stored in OUTDIR/data; returns the files written (relative to OUTDIR) and notes.
    public static func run(outputDirectory: String, options: Options) throws -> (files: [String], notes: [String]) {
        let dir = URL(fileURLWithPath: outputDirectory).standardizedFileURL
        let dataDir = dir.appendingPathComponent(FigureData.folderName)
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dataDir.path, isDirectory: &isDir), isDir.boolValue else {
            throw ReportFailure.input("\(dataDir.path) not found: OUTDIR must be a folder written by `emvalidate report`")
        }
        if let c = options.colormap, Colormap(named: c) == nil {
            throw ReportFailure.input("unknown colour map \"\(c)\"; expected one of \(Colormap.names.joined(separator: ", "))")
        }
        let ids: [String]
        do { ids = try FigureData.ids(in: dataDir) } catch { throw ReportFailure.input("\(error)") }
        let figuresDir = dir.appendingPathComponent("figures")
        // New figure files are ours: the marker keeps listing everything, so `report` may still replace OUTDIR.
        let owned = ReportMarker.refusal(toReplace: dir) == nil
        defer { if owned { try? ReportMarker.write(in: dir, kind: "report") } }
        let files = ResultsBox<[String]>(count: ids.count)
        let failures = ResultsBox<String>(count: ids.count)
        let notes = ResultsBox<String>(count: ids.count)
        Parallel.perform(iterations: ids.count) { i in
            do {
                let figure = try FigureData.load(id: ids[i], from: dataDir)
                let kind = FigureFiles.kind(figure.content)
                var formats: [FigureFormat] = options.format.map { [$0] } ?? FigureFiles.defaultFormats(kind: kind)
                if kind == "surface", formats == [.svg] {
                    formats = [.png]
                    notes.set(i, "\(figure.id): 3D views have no SVG output; wrote PNG")
                }
                let opts = RenderOptions(formats: formats, dpi: options.dpi, colormapOverride: options.colormap,
                                         sizeInches: options.sizeInches)
                let written = try FigureRenderer.render(figure, to: figuresDir, options: opts)
                files.set(i, written.values.map { "figures/" + $0.lastPathComponent }.sorted())
            } catch {
                failures.set(i, "\(ids[i]): \(error)")
            }
        }
        let failed = failures.values.compactMap { $0 }
        if !failed.isEmpty {
            throw ReportFailure.input("\(failed.count) figure(s) could not be redrawn: " + failed.joined(separator: "; "))
        }
        return (files.values.compactMap { $0 }.flatMap { $0 }, notes.values.compactMap { $0 })
    }
}
