// `emvalidate report MAP --threshold T [--resolution R] … -o OUTDIR`
import Analysis
import ArgumentParser
import Foundation
import ImageData
import Report

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

    @Option(name: .long, help: "Particles with their angles and CTFs, a RELION STAR file (Levels 3–4).")
    var particles: String?

    @Option(name: .customLong("particles-dir"), help: "Folder the STAR file's image paths are relative to (default: the STAR file's folder).")
    var particlesDir: String?

    @Option(name: .customLong("max-particles"), help: "Particles used by the per-particle sections: N, or `all` (default: each section's documented random subset).")
    var maxParticles: String?
    @Option(name: .long, help: "2D class averages, an MRC stack (.mrcs, or .mrc with ispg 0) (Level 2).")
    var classes: String?

    @Option(name: .customLong("classes-pixel-size"), help: "Pixel size of the 2D classes in Å, when their header lacks it.")
    var classesPixelSize: Double?

    @Option(name: .long, help: "Symmetry of the map for the Level 2 orientation search and Level 4 (SCF, efficiency, realignment): C1 (default), Cn, Dn, T, O or I.")
    var symmetry: String = "C1"

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
        guard latexTimeout > 0 else { throw ValidationError("--latex-timeout must be positive") }
        if let m = maxParticles, m != "all", (Int(m) ?? 0) < 1 {
            throw ValidationError("--max-particles must be a positive number of particles or `all`, got \(m)")
        }
        if particles == nil, particlesDir != nil || maxParticles != nil {
            throw ValidationError("--particles-dir and --max-particles need --particles")
        }
        if let p = classesPixelSize, !(p.isFinite && p > 0) {
            throw ValidationError("--classes-pixel-size must be a positive pixel size in Å, got \(p)")
        }
        if classesPixelSize != nil && classes == nil { throw ValidationError("--classes-pixel-size needs --classes") }
        do { _ = try SymmetryGroup(symmetry) } catch { throw ValidationError("--symmetry: \(error)") }
    }

    func run() throws {
        var request = ReportRequest(
            mapPath: map, threshold: threshold, resolution: resolution, half1Path: half1, half2Path: half2,
            modelPath: model, title: title, emdbID: emdbID,
            pdbID: pdbID, authors: authors, outputDirectory: output, templatesDirectory: templates,
            makePDF: !noPDF, commandLine: CommandLine.arguments, latexTimeoutSeconds: latexTimeout)
        request.particles = particles.map {
            ParticleRequest(starPath: $0, particlesDirectory: particlesDir,
                            maxParticles: maxParticles.map { $0 == "all" ? Int.max : Int($0)! })
        }
        request.classesPath = classes
        request.classesPixelSizeA = classesPixelSize
        request.symmetry = symmetry
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
