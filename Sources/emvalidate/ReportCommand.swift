// `emvalidate report MAP --threshold T [--resolution R] … -o OUTDIR`
import Analysis
import ArgumentParser
import EntryMetadata
import Foundation
import ImageData
import Report
import VolumeNumerics
import TechniqueIO

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Analyse a map and write OUTDIR/report.pdf, report.tex, figures/ and metrics.json.",
        discussion: """
        The output folder is written atomically: it appears only when the report is complete. An existing \
        folder is replaced only if it is empty or an earlier report (marked by .emvalidate-report) to which \
        nothing was added. If LaTeX fails, the folder is left as it was and the attempt is kept in \
        OUTDIR.latex-failed.

        With --emdb EMD-NNNN instead of MAP, the map, half maps, first fitted model, contour level, resolution, \
        title and authors come from the EMDB and PDB archives (cached: a second report downloads nothing); \
        --threshold, --resolution, --half1/--half2, --model, --title and --authors override them.

        Examples:
          emvalidate report --emdb EMD-1009 -o out/emd-1009
          emvalidate report emd_1234.map --threshold 0.02 --resolution 3.2 --emdb-id EMD-1234 -o out/emd_1234
        """)

    @Argument(help: "The map (MRC/CCP4, optionally .gz or .bz2); not with --emdb.")
    var map: String?

    // Value options take the next argument whatever it looks like, so that `--threshold -0.1` and
    // `--title "-ish"` work (a normalised map's contour level is often negative).
    @Option(name: .long, parsing: .unconditional,
            help: "Contour threshold T, in map units (the recommended contour level; may be negative); with --emdb, default the entry's.",
            transform: { try NumberArgument.finite($0) })
    var threshold: Double?

    @OptionGroup var publicData: PublicDataOptions

    @Option(name: .long, parsing: .unconditional,
            help: "Reported resolution R, in Å (between 2 × the voxel size and 1000 Å).",
            transform: { try NumberArgument.finite($0) })
    var resolution: Double?

    @Option(name: .long, parsing: .unconditional, help: "First half map (Level 1); needs --half2.")
    var half1: String?

    @Option(name: .long, parsing: .unconditional, help: "Second half map (Level 1); needs --half1.")
    var half2: String?

    @Option(name: .long, parsing: .unconditional, help: "Atomic model fitted to the map, PDB or mmCIF, optionally gzipped (Level A).")
    var model: String?

    @Option(name: .long, parsing: .unconditional, help: "Particles with their angles and CTFs, a RELION STAR file (Levels 3–4).")
    var particles: String?

    @Option(name: .customLong("particles-dir"), parsing: .unconditional, help: "Folder the STAR file's image paths are relative to (default: the STAR file's folder).")
    var particlesDir: String?

    @Option(name: .customLong("max-particles"), parsing: .unconditional, help: "Particles used by the per-particle sections: N, or `all` (default: each section's documented random subset).")
    var maxParticles: String?

    @Flag(name: .long, help: "4.d also re-refines a subset of the particles with RELION's auto-refinement from the map (relion_refine_mpi and mpirun on the PATH), as VRS does, and compares RELION's angles and origins with the STAR file's.")
    var relion = false

    @Option(name: .customLong("chunk-dir"), parsing: .unconditional,
            help: "Folder of the per-particle sections' partial results (4.a–4.d, 4.i): with --particle-chunk this run writes its slice there; alone, the report is built from every slice there.")
    var chunkDir: String?

    @Option(name: .customLong("particle-chunk"), parsing: .unconditional,
            help: ArgumentHelp("Compute only slice I of K of the per-particle loops and write it into --chunk-dir; no report is written.", valueName: "I/K"))
    var particleChunk: String?

    @Flag(name: .long, help: "Write Slurm scripts instead of running: an array job of --chunks tasks (one slice each) and a merge job that writes the report, in --chunk-dir (default OUTDIR.particle-chunks); needs --particles.")
    var slurm = false

    @Option(name: .long, help: "Slices of the per-particle loops with --slurm (array tasks).")
    var chunks: Int = 4

    @Option(name: .customLong("slurm-cpus"), help: "CPUs per Slurm task with --slurm.")
    var slurmCPUs: Int = 2

    // CTF optics for a STAR file that lacks them; where the STAR has the column, the STAR's value is used.
    @Option(name: .long, parsing: .unconditional, help: "Acceleration voltage in kV, only for a particles STAR file without rlnVoltage.",
            transform: { try NumberArgument.finite($0) })
    var voltage: Double?

    @Option(name: .long, parsing: .unconditional, help: "Spherical aberration Cs in mm, only for a particles STAR file without rlnSphericalAberration.",
            transform: { try NumberArgument.finite($0) })
    var cs: Double?

    @Option(name: .customLong("amplitude-contrast"), parsing: .unconditional,
            help: "Amplitude contrast (fraction, 0–1), only for a particles STAR file without rlnAmplitudeContrast.",
            transform: { try NumberArgument.finite($0) })
    var amplitudeContrast: Double?

    @Option(name: .long, parsing: .unconditional, help: "2D class averages, an MRC stack (.mrcs, or .mrc with ispg 0) (Level 2).")
    var classes: String?

    @Option(name: .customLong("classes-pixel-size"), parsing: .unconditional, help: "Pixel size of the 2D classes in Å, when their header lacks it.")
    var classesPixelSize: Double?

    @Option(name: .long, parsing: .unconditional, help: "Symmetry of the map for the Level 2 orientation search and Level 4 (SCF, efficiency, realignment): C1, Cn, Dn, T, O or I.")
    var symmetry: String = "C1"

    @Option(name: .long, parsing: .unconditional, help: "Processing workflow (section W): a Scipion workflow export (JSON) or RELION's default_pipeline.star.")
    var workflow: String?

    @Option(name: .long, parsing: .unconditional, help: "Cross-links (section O.a, needs --model): CSV with protein and residue columns of both ends (IMP/PMI, xiNET, XlinkAnalyzer layouts).")
    var crosslinks: String?

    @Option(name: .customLong("crosslink-max-distance"), parsing: .unconditional, help: "Largest solvent-accessible surface distance of a satisfied cross-link, in Å (33 Å suits BS3 and DSS).")
    var crosslinkMaxDistance: Double = CrossLinkSection.defaultMaxDistanceA

    @Option(name: .customLong("crosslink-chains"), parsing: .unconditional, help: "Model chain of each protein named in the cross-links, e.g. Rpb1=A,Rpb2=B (default: the names are chain ids).")
    var crosslinkChains: String?

    @Option(name: .long, parsing: .unconditional, help: "SAXS curve (section O.b, needs --model): columns q, I, σ.")
    var saxs: String?

    @Option(name: .customLong("saxs-q-unit"), parsing: .unconditional, help: "Unit of q in the SAXS file: A (Å⁻¹) or nm (nm⁻¹); default: detected.")
    var saxsQUnit: String?

    @Option(name: .long, parsing: .unconditional, help: "Micrographs (Level 5): a quoted glob pattern of MRC files ('Micrographs/*.mrc') or a STAR file with rlnMicrographName.")
    var micrographs: String?

    @Option(name: .customLong("micrographs-pixel-size"), parsing: .unconditional, help: "Pixel size of the micrographs in Å (default: the STAR file's, else the MRC header's).")
    var micrographsPixelSize: Double?

    @Option(name: .long, parsing: .unconditional, help: "Particle coordinates (section 5.a): a STAR file with rlnMicrographName, rlnCoordinateX, rlnCoordinateY (e.g. a particles STAR).")
    var coordinates: String?

    @Option(name: .customLong("particle-box"), parsing: .unconditional, help: "Particle box size in micrograph pixels (default: rlnImageSize of the coordinates file).")
    var particleBox: Int?

    @Option(name: .long, parsing: .unconditional, help: "Title on the front page.")
    var title: String?

    @Option(name: .customLong("emdb-id"), parsing: .unconditional, help: "EMDB entry id, e.g. EMD-1234.")
    var emdbID: String?

    @Option(name: .customLong("pdb-id"), parsing: .unconditional, help: "PDB id of the fitted model, e.g. 1ABC.")
    var pdbID: String?

    @Option(name: .long, parsing: .unconditional, help: "Authors, as printed on the front page.")
    var authors: String?

    @Option(name: .shortAndLong, parsing: .unconditional, help: "Output folder.")
    var output: String

    @Option(name: .long, parsing: .unconditional, help: "Folder of templates overriding the defaults file by file (see `emvalidate templates export`).")
    var templates: String?

    @Flag(name: .customLong("no-pdf"), help: "Write report.tex, figures and metrics.json but do not run LaTeX.")
    var noPDF = false

    @Option(name: .customLong("latex-timeout"), help: "Time limit for LaTeX, in seconds.")
    var latexTimeout: Int = 300

    @Flag(name: .shortAndLong, help: "No progress output on stderr.")
    var quiet = false

    @Option(name: .long, help: ArgumentHelp(
        "Run only these sections: comma-separated section ids (0.a,1.c) or level ids (0, 1, A).",
        valueName: "IDS"))
    var sections: String?

    @Option(name: .long, help: ArgumentHelp("Leave out these sections or levels (comma-separated ids).", valueName: "IDS"))
    var skip: String?

    @Option(name: .long, help: ArgumentHelp(
        "Threads for the analysis and the figures (default: the CPUs available to this process, honouring cgroup limits and SLURM_CPUS_PER_TASK).",
        valueName: "N"))
    var threads: Int?

    func validate() throws {
        if let threshold, !threshold.isFinite { throw ValidationError("--threshold must be a finite number, got \(threshold)") }
        if publicData.emdb != nil {
            guard map == nil else { throw ValidationError("give either MAP or --emdb, not both") }
        } else {
            guard map != nil else { throw ValidationError("missing MAP (or --emdb EMD-NNNN for an entry of the EMDB archive)") }
            guard threshold != nil else { throw ValidationError("missing --threshold T (the contour level, in map units)") }
        }
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
        if let t = threads, t < 1 || t > 4096 { throw ValidationError("--threads must be between 1 and 4096, got \(t)") }
        _ = try sectionSelection()
        if let m = maxParticles, m != "all", (Int(m) ?? 0) < 1 {
            throw ValidationError("--max-particles must be a positive number of particles or `all`, got \(m)")
        }
        if particles == nil, particlesDir != nil || maxParticles != nil || relion {
            throw ValidationError("--particles-dir, --max-particles and --relion need --particles")
        }
        if relion, let missing = ParticleRequest.missingRelionProgram() {
            throw ValidationError(ParticleRequest.missingRelionMessage(missing))
        }
        if particles == nil, slurm || chunkDir != nil || particleChunk != nil {
            throw ValidationError("--slurm, --chunk-dir and --particle-chunk split the per-particle sections: give --particles as well")
        }
        if particleChunk != nil {
            _ = try chunkIndex()
            guard chunkDir != nil else { throw ValidationError("--particle-chunk I/K needs --chunk-dir DIR (where the slice is written)") }
            guard !slurm else { throw ValidationError("--slurm writes the scripts that run --particle-chunk: give one or the other") }
        }
        guard (1...10_000).contains(chunks) else { throw ValidationError("--chunks must be between 1 and 10000, got \(chunks)") }
        guard (1...4096).contains(slurmCPUs) else { throw ValidationError("--slurm-cpus must be between 1 and 4096, got \(slurmCPUs)") }
        if particles == nil, voltage != nil || cs != nil || amplitudeContrast != nil {
            throw ValidationError("--voltage, --cs and --amplitude-contrast describe the particles' CTF: give --particles as well")
        }
        if let v = voltage, !(v >= 10 && v <= 3000) { throw ValidationError("--voltage must be an acceleration voltage in kV between 10 and 3000, got \(v)") }
        if let c = cs, !(c >= 0 && c <= 20) { throw ValidationError("--cs must be a spherical aberration in mm between 0 and 20, got \(c)") }
        if let q = amplitudeContrast, !(q >= 0 && q < 1) {
            throw ValidationError("--amplitude-contrast must be a fraction between 0 and 1 (exclusive), got \(q)")
        }
        if let p = classesPixelSize, !(p.isFinite && p > 0) {
            throw ValidationError("--classes-pixel-size must be a positive pixel size in Å, got \(p)")
        }
        if classesPixelSize != nil && classes == nil { throw ValidationError("--classes-pixel-size needs --classes") }
        do { _ = try SymmetryGroup(symmetry) } catch { throw ValidationError("--symmetry: \(error)") }
    }

    /// `--particle-chunk I/K` as (I, K), 1 ≤ I ≤ K.
    func chunkIndex() throws -> (index: Int, count: Int)? {
        guard let s = particleChunk else { return nil }
        let parts = s.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let i = Int(parts[0]), let k = Int(parts[1]), k >= 1, k <= 10_000, i >= 1, i <= k else {
            throw ValidationError("--particle-chunk must be I/K with 1 ≤ I ≤ K ≤ 10000 (slice I of K), got \"\(s)\"")
        }
        return (i, k)
    }

    /// `--slurm`: writes the chunk and merge scripts and prints how to submit them; nothing is analysed.
    func writeSlurmScripts() throws {
        let dir = URL(fileURLWithPath: chunkDir ?? URL(fileURLWithPath: output).standardizedFileURL.path + ".particle-chunks")
        do {
            let scripts = try ParticleSlurmScripts.write(executable: BatchRunner.currentExecutable,
                                                         arguments: Array(CommandLine.arguments.dropFirst()), directory: dir,
                                                         chunks: chunks, cpusPerTask: slurmCPUs,
                                                         workingDirectory: FileManager.default.currentDirectoryPath)
            if !quiet {
                Stderr.print("\(chunks) chunk tasks and a merge job written. Submit with:")
                Stderr.print("  " + ParticleSlurmScripts.submitCommand(scripts))
            }
            print(scripts.chunks.path)
            print(scripts.merge.path)
        } catch {
            Stderr.print("emvalidate: error: cannot write the Slurm scripts in \(dir.path): \(error.localizedDescription)")
            throw ExitCode(73)
        }
    }

    /// `--sections` / `--skip` checked against every section id the report knows, and against the sections
    /// these inputs allow (something must be left to run).
    func sectionSelection() throws -> SectionSelection {
        do {
            let selection = try SectionSelection.parse(sections: sections, skip: skip,
                                                       knownIDs: SectionRegistry.allSections().map(\.id) + SectionRegistry.inputSectionIDs)
            // With --emdb the archive may bring half maps and a model.
            try selection.check(leavesSomethingOf: SectionRegistry.reportSections(halfMaps: half1 != nil || publicData.emdb != nil,
                                                                                  model: model != nil || publicData.emdb != nil,
                                                                                  classes: classes != nil,
                                                                                  particles: particles != nil).map(\.id)
                + (workflow != nil ? ["W"] : []) + (crosslinks != nil ? ["O.a"] : []) + (saxs != nil ? ["O.b"] : [])
                + (micrographs != nil ? ["5.micrographs", "5.a"] : []))
            return selection
        } catch let e as SectionSelection.SelectionError {
            throw ValidationError(e.description)
        }
    }

    func run() throws {
        if slurm { return try writeSlurmScripts() }
        var request = ReportRequest(
            mapPath: map ?? "", threshold: threshold ?? 0, resolution: resolution, half1Path: half1, half2Path: half2,
            modelPath: model, title: title, emdbID: emdbID,
            pdbID: pdbID, authors: authors, outputDirectory: output, templatesDirectory: templates,
            makePDF: !noPDF, commandLine: CommandLine.arguments, latexTimeoutSeconds: latexTimeout)
        request.selection = try sectionSelection()
        if let threads { Parallel.workers = threads }
        request.particles = particles.map {
            ParticleRequest(starPath: $0, particlesDirectory: particlesDir,
                            maxParticles: maxParticles.map { $0 == "all" ? Int.max : Int($0)! },
                            ctfFlags: CTFFlags(voltageKV: voltage, sphericalAberrationMM: cs, amplitudeContrast: amplitudeContrast),
                            relion: relion)
        }
        let chunk = try chunkIndex()
        if let chunkDir {
            request.particles?.chunks = ParticleChunkRequest(directory: chunkDir, slice: chunk)
        }
        request.classesPath = classes
        request.classesPixelSizeA = classesPixelSize
        request.symmetry = symmetry
        request.supplementary = SupplementaryInputs(
            workflowPath: workflow, crossLinksPath: crosslinks,
            crossLinkChains: (try? crosslinkChains.map { try ChainMapping.parse($0) }) ?? ChainMapping(),
            crossLinkMaxDistanceA: crosslinkMaxDistance, saxsPath: saxs, saxsQUnit: saxsQUnit.flatMap(QUnit.init(rawValue:)))
        request.supplementary.micrographs = micrographs
        request.supplementary.coordinatesPath = coordinates
        request.supplementary.particleBoxPixels = particleBox
        request.supplementary.micrographsPixelSizeA = micrographsPixelSize
        let quiet = self.quiet
        Interruption.install()
        if let id = publicData.emdb.flatMap(EMDBID.init) {
            let user = UserInputs(threshold: threshold, resolution: resolution, half1: half1, half2: half2, model: model,
                                  title: title, pdbID: pdbID, authors: authors)
            do {
                request = try PublicData.resolve(publicData, id: id, user: user, base: request,
                                                 progress: { if !quiet { Stderr.print($0) } }).request
            } catch let failure as PublicDataFailure {
                Stderr.print("emvalidate: error: \(failure)")
                throw ExitCode(failure.exitCode)
            }
        }
        do {
            if let chunk {
                let files = try ReportPipeline.runParticleChunk(request, progress: { if !quiet { Stderr.print($0) } })
                if !quiet { Stderr.print("Chunk \(chunk.index) of \(chunk.count): \(files.count) partial results written in \(chunkDir!)") }
                files.forEach { print($0.path) }
                return
            }
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
        // Control characters from file names and flags are escaped: one message, one line (TerminalText).
        FileHandle.standardError.write(Data((TerminalText.escaped(line) + "\n").utf8))
    }
}
