// `emvalidate figures OUTDIR [--colormap NAME] [--format png|jpg|pdf|svg] [--dpi N] [--size WxH]`.
import ArgumentParser
import Foundation
import Report

struct FiguresCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "figures",
        abstract: "Redraw every figure of OUTDIR from OUTDIR/data, without reading the map.",
        discussion: """
        Writes into OUTDIR/figures; metrics.json is not changed. Run `emvalidate render OUTDIR` afterwards to \
        rebuild the PDF with the new figures. Grey-scale density slices stay grey; --colormap applies to \
        coloured images and 3D views. Colour maps: \(FigureRedraw.colormapNames.joined(separator: ", ")).

        Example:
          emvalidate figures out/emd_1234 --colormap magma --dpi 300
        """)

    @Argument(help: "A folder written by `emvalidate report`.")
    var outdir: String

    @Option(name: .long, help: "Colour map for coloured images and 3D views.")
    var colormap: String?

    @Option(name: .long, help: "One format for every figure (png, jpg, pdf or svg); default: PNG, plus PDF for plots, JPEG for 3D views.")
    var format: String?

    @Option(name: .long, help: "Resolution of PNG files, in pixels per inch (10–2400).", transform: { try NumberArgument.finite($0) })
    var dpi: Double = 150

    @Option(name: .long, help: "Figure size in inches, WxH (e.g. 6x4).")
    var size: String?

    @Flag(name: .shortAndLong, help: "No progress output on stderr.")
    var quiet = false

    func parsedSize() throws -> (w: Double, h: Double)? {
        guard let size else { return nil }
        let parts = size.lowercased().split(separator: "x")
        guard parts.count == 2, let w = Double(parts[0]), let h = Double(parts[1]), w > 0.5, h > 0.5, w < 100, h < 100 else {
            throw ValidationError("--size must be WxH in inches between 0.5 and 100, e.g. 6x4; got \(size)")
        }
        return (w, h)
    }

    func validate() throws {
        guard dpi.isFinite, dpi >= 10, dpi <= 2400 else { throw ValidationError("--dpi must be between 10 and 2400, got \(dpi)") }
        if let c = colormap, !FigureRedraw.isColormap(c) {
            throw ValidationError("--colormap \(c) is unknown; expected one of \(FigureRedraw.colormapNames.joined(separator: ", "))")
        }
        if let f = format, !FigureRedraw.formatNames.contains(f.lowercased()) {
            throw ValidationError("--format \(f) is unknown; expected one of \(FigureRedraw.formatNames.joined(separator: ", "))")
        }
        _ = try parsedSize()
    }

    func run() throws {
        let t0 = Date()
        do {
            let options = FigureRedraw.Options(colormap: colormap, formatName: format, dpi: dpi,
                                               sizeInches: try parsedSize())!
            let r = try FigureRedraw.run(outputDirectory: outdir, options: options)
            if !quiet {
                for n in r.notes { Stderr.print("note: \(n)") }
                Stderr.print(String(format: "Redrew %d files in %.2f s.", r.files.count, Date().timeIntervalSince(t0)))
            }
        } catch let failure as ReportFailure {
            Stderr.print("emvalidate: error: \(failure)")
            throw ExitCode(failure.exitCode)
        }
    }
}
