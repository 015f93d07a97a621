// `emvalidate report MAP --threshold T [--resolution R] … -o OUTDIR`
import Analysis
import ArgumentParser
import Foundation
import Report
import TechniqueIO

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Analyse a map and write OUTDIR/report.pdf, report.tex, figures/ and metrics.json.",
        discussion: """
        The output folder is written atomically: it appears only when the report is complete. An existing \
        folder is replaced only if it holds an earlier report.

        Example:
          emvalidate report emd_1234.map --threshold 0.02 --resolution 3.2 --emdb-id EMD-1234 -o out/emd_1234
        """)

    @Argument(help: "The map (MRC/CCP4, optionally .gz or .bz2).")
    var map: String

    @Option(name: .long, help: "Contour threshold T, in map units (the recommended contour level).")
    var threshold: Double

    @Option(name: .long, help: "Reported resolution R, in Å.")
    var resolution: Double?

    @Option(name: .long, help: "First half map (Level 1); needs --half2.")
    var half1: String?

    @Option(name: .long, help: "Second half map (Level 1); needs --half1.")
    var half2: String?

    @Option(name: .long, help: "Atomic model fitted to the map, PDB or mmCIF, optionally gzipped (Level A).")
    var model: String?

    @Option(name: .long, help: "Processing workflow (section W): a Scipion workflow export (JSON) or RELION's default_pipeline.star.")
    var workflow: String?

    @Option(name: .long, help: "Cross-links (section O.a, needs --model): CSV with protein and residue columns of both ends (IMP/PMI, xiNET, XlinkAnalyzer layouts).")
    var crosslinks: String?

    @Option(name: .customLong("crosslink-max-distance"), help: "Largest solvent-accessible surface distance of a satisfied cross-link, in Å (default 33, BS3/DSS).")
    var crosslinkMaxDistance: Double = CrossLinkSection.defaultMaxDistanceA

    @Option(name: .customLong("crosslink-chains"), help: "Model chain of each protein named in the cross-links, e.g. Rpb1=A,Rpb2=B (default: the names are chain ids).")
    var crosslinkChains: String?

    @Option(name: .long, help: "SAXS curve (section O.b, needs --model): columns q, I, σ.")
    var saxs: String?

    @Option(name: .customLong("saxs-q-unit"), help: "Unit of q in the SAXS file: A (Å⁻¹) or nm (nm⁻¹); default: detected.")
    var saxsQUnit: String?

    @Option(name: .long, help: "Micrographs (Level 5): a quoted glob pattern of MRC files ('Micrographs/*.mrc') or a STAR file with rlnMicrographName.")
    var micrographs: String?

    @Option(name: .customLong("micrographs-pixel-size"), help: "Pixel size of the micrographs in Å (default: the STAR file's, else the MRC header's).")
    var micrographsPixelSize: Double?

    @Option(name: .long, help: "Particle coordinates (section 5.a): a STAR file with rlnMicrographName, rlnCoordinateX, rlnCoordinateY (e.g. a particles STAR).")
    var coordinates: String?

    @Option(name: .customLong("particle-box"), help: "Particle box size in micrograph pixels (default: rlnImageSize of the coordinates file).")
    var particleBox: Int?

    @Option(name: .long, help: "Title on the front page.")
    var title: String?

    @Option(name: .customLong("emdb-id"), help: "EMDB entry id, e.g. EMD-1234.")
    var emdbID: String?

    @Option(name: .customLong("pdb-id"), help: "PDB id of the fitted model, e.g. 1ABC.")
    var pdbID: String?

    @Option(name: .long, help: "Authors, as printed on the front page.")
    var authors: String?

    @Option(name: .shortAndLong, help: "Output folder.")
    var output: String

    @Option(name: .long, help: "Folder of templates overriding the defaults file by file (see `emvalidate templates export`).")
    var templates: String?

    @Flag(name: .customLong("no-pdf"), help: "Write report.tex, figures and metrics.json but do not run LaTeX.")
    var noPDF = false

    @Option(name: .customLong("latex-timeout"), help: "Time limit for LaTeX, in seconds.")
    var latexTimeout: Int = 300

    @Flag(name: .shortAndLong, help: "No progress output on stderr.")
    var quiet = false

    func validate() throws {
        guard threshold.isFinite else { throw ValidationError("--threshold must be a finite number, got \(threshold)") }
        if let r = resolution {
            guard r.isFinite, r > 0, r < 1000 else {
                throw ValidationError("--resolution must be a resolution in Å between 0 and 1000, got \(r)")
            }
        }
        guard (half1 == nil) == (half2 == nil) else {
            throw ValidationError("--half1 and --half2 go together: give both half maps or neither")
        }
        if crosslinks != nil || saxs != nil {
            guard model != nil else { throw ValidationError("--crosslinks and --saxs compare the atomic model with other data: give --model as well") }
        }
        guard crosslinkMaxDistance.isFinite, crosslinkMaxDistance > 0, crosslinkMaxDistance < 1000 else {
            throw ValidationError("--crosslink-max-distance must be a distance in Å between 0 and 1000, got \(crosslinkMaxDistance)")
        }
        if let c = crosslinkChains {
            do { _ = try ChainMapping.parse(c) } catch { throw ValidationError("\(error)") }
        }
        if let u = saxsQUnit, QUnit(rawValue: u) == nil {
            throw ValidationError("--saxs-q-unit must be A (Å⁻¹) or nm (nm⁻¹), got \"\(u)\"")
        }
        if coordinates != nil || micrographsPixelSize != nil || particleBox != nil {
            guard micrographs != nil else { throw ValidationError("--coordinates, --micrographs-pixel-size and --particle-box describe micrographs: give --micrographs as well") }
        }
        if let p = micrographsPixelSize, !(p.isFinite && p > 0 && p < 100) {
            throw ValidationError("--micrographs-pixel-size must be a pixel size in Å between 0 and 100, got \(p)")
        }
        if let b = particleBox, !(b > 0 && b < 100_000) {
            throw ValidationError("--particle-box must be a box size in pixels between 1 and 100000, got \(b)")
        }
        guard latexTimeout > 0 else { throw ValidationError("--latex-timeout must be positive") }
    }

    func run() throws {
        var request = ReportRequest(
            mapPath: map, threshold: threshold, resolution: resolution, half1Path: half1, half2Path: half2,
            modelPath: model, title: title, emdbID: emdbID,
            pdbID: pdbID, authors: authors, outputDirectory: output, templatesDirectory: templates,
            makePDF: !noPDF, commandLine: CommandLine.arguments, latexTimeoutSeconds: latexTimeout)
        request.supplementary = SupplementaryInputs(
            workflowPath: workflow, crossLinksPath: crosslinks,
            crossLinkChains: (try? crosslinkChains.map { try ChainMapping.parse($0) }) ?? ChainMapping(),
            crossLinkMaxDistanceA: crosslinkMaxDistance, saxsPath: saxs, saxsQUnit: saxsQUnit.flatMap(QUnit.init(rawValue:)))
        request.supplementary.micrographs = micrographs
        request.supplementary.coordinatesPath = coordinates
        request.supplementary.particleBoxPixels = particleBox
        request.supplementary.micrographsPixelSizeA = micrographsPixelSize
        let quiet = self.quiet
        do {
            let outcome = try ReportPipeline.run(request,
                                                 progress: { if !quiet { Stderr.print($0) } })
            let s = outcome.document.score
            if !quiet {
                Stderr.print("Score: \(s.passed) out of \(s.evaluable) evaluable items. Report: \(outcome.pdf?.path ?? outcome.outputDirectory.path)")
            }
        } catch let failure as ReportFailure {
            Stderr.print("emvalidate: error: \(failure)")
            throw ExitCode(failure.exitCode)
        }
    }
}

enum Stderr {
    static func print(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
