// `emvalidate report`: read the inputs, run the sections, draw the figures, write metrics.json and
// report.tex, compile the PDF, and move the finished folder into place.
import Analysis
import Foundation
import ImageData
import MapIO
import ModelIO
import Rendering
import VolumeNumerics

public struct ReportRequest: Sendable {
    public var mapPath: String
    public var threshold: Double
    /// Reported resolution, Å.
    public var resolution: Double?
    /// Half maps (Level 1): both or neither.
    public var half1Path: String?
    public var half2Path: String?
    /// Atomic model (Level A), PDB or mmCIF.
    public var modelPath: String?
    public var title: String?
    public var emdbID: String?
    public var pdbID: String?
    public var authors: String?
    public var outputDirectory: String
    public var templatesDirectory: String?
    public var makePDF: Bool
    public var commandLine: [String]
    public var latexTimeoutSeconds: Int
    /// `--sections` / `--skip`: the sections to run (default: every section the inputs allow).
    public var selection = SectionSelection()
    /// Particles (Levels 3–4), if given.
    public var particles: ParticleRequest? = nil
    /// 2D classes (Level 2): an MRC stack, its pixel size if the header lacks it, and the map's symmetry.
    public var classesPath: String?
    public var classesPixelSizeA: Double?
    public var symmetry: String = "C1"
    /// Workflow, cross-links, SAXS (sections W, O); set after init.
    public var supplementary = SupplementaryInputs()
    /// The EMDB entry of a public-data report (`report --emdb`), recorded as metrics.json `inputs.emdb`.
    public var emdb: ReportDocument.EMDBEntry?

    public init(mapPath: String, threshold: Double, resolution: Double?, half1Path: String? = nil,
                half2Path: String? = nil, modelPath: String? = nil, title: String? = nil, emdbID: String? = nil,
                pdbID: String? = nil, authors: String? = nil, outputDirectory: String, templatesDirectory: String? = nil,
                makePDF: Bool = true, commandLine: [String] = [], latexTimeoutSeconds: Int = 300) {
        self.mapPath = mapPath; self.threshold = threshold; self.resolution = resolution; self.title = title
        self.half1Path = half1Path; self.half2Path = half2Path; self.modelPath = modelPath
        self.emdbID = emdbID; self.pdbID = pdbID; self.authors = authors; self.outputDirectory = outputDirectory
        self.templatesDirectory = templatesDirectory; self.makePDF = makePDF; self.commandLine = commandLine
        self.latexTimeoutSeconds = latexTimeoutSeconds
    }
}

/// Why a report run stopped; each case has its documented exit code (sysexits.h values).
public enum ReportFailure: Error, CustomStringConvertible {
    /// The map could not be read or is invalid (exit 65, EX_DATAERR).
    case input(String)
    /// The output folder cannot be written (exit 73, EX_CANTCREAT).
    case output(String)
    /// A template cannot be parsed or rendered (exit 78, EX_CONFIG).
    case template(String)
    /// LaTeX failed; OUTDIR is unchanged and the attempt is kept in `<OUTDIR>.latex-failed` (exit 70, EX_SOFTWARE).
    case latex(String)
    /// An internal error that is a bug of emvalidate (exit 70, EX_SOFTWARE), e.g. a result that cannot be encoded.
    case bug(String)
    /// An option's value does not fit the map (e.g. a resolution finer than Nyquist) (exit 64, EX_USAGE).
    case arguments(String)

    public var description: String {
        switch self {
        case .input(let m), .output(let m), .template(let m), .latex(let m), .arguments(let m): return m
        case .bug(let m): return "internal error (please report it as a bug): " + m
        }
    }

    public var exitCode: Int32 {
        switch self {
        case .input: return 65
        case .output: return 73
        case .template: return 78
        case .latex: return 70
        case .arguments: return 64
        case .bug: return 70
        }
    }
}

public struct ReportOutcome: Sendable {
    public let document: ReportDocument
    public let outputDirectory: URL
    public let pdf: URL?
    /// Seconds spent per step, for progress output and benchmarks.
    public let timings: [(step: String, seconds: Double)]
}

public enum ReportPipeline {
    public static let version = "0.1.0"

    /// Runs the whole report. `progress` receives one line per step (the command prints them on stderr).
    public static func run(_ request: ReportRequest, sections explicitSections: [any Section]? = nil,
                           progress: @escaping (String) -> Void = { _ in }) throws -> ReportOutcome {
        guard case .report(let outcome) = try execute(request, sections: explicitSections, progress: progress) else {
            preconditionFailure("ReportPipeline.run: a chunk request (--particle-chunk) goes to runParticleChunk")
        }
        return outcome
    }

    /// `report … --particle-chunk I/K --chunk-dir DIR`: runs the chunked per-particle sections on slice I and
    /// writes their partial results into DIR (no output folder, no figures); returns the files written.
    public static func runParticleChunk(_ request: ReportRequest, sections explicitSections: [any Section]? = nil,
                                        progress: @escaping (String) -> Void = { _ in }) throws -> [URL] {
        guard case .chunks(let files) = try execute(request, sections: explicitSections, progress: progress) else {
            preconditionFailure("ReportPipeline.runParticleChunk needs --particle-chunk")
        }
        return files
    }

    enum Execution { case report(ReportOutcome), chunks([URL]) }

    static func execute(_ request: ReportRequest, sections explicitSections: [any Section]?,
                        progress: @escaping (String) -> Void) throws -> Execution {
        var timings: [(String, Double)] = []
        func record(_ name: String, _ dt: Double) {
            timings.append((name, dt))
            progress(name.padding(toLength: max(name.count, 36), withPad: " ", startingAt: 0) + String(format: "%7.2f s", dt))
        }
        func step<T>(_ name: String, _ body: () throws -> T) rethrows -> T {
            let t0 = Date()
            let value = try body()
            record(name, Date().timeIntervalSince(t0))
            return value
        }

        // The map file is hashed on another thread while the map is read and masked (issue 16: these steps are
        // serial inside, so they overlap instead). Joined on every way out, so that a run
        // stopped early does not exit while the hash still reads the file.
        let mapPath = request.mapPath
        let digest = BackgroundTask { try FileHash.sha256(path: mapPath) }
        defer { _ = try? digest.value() }
        func mapSHA256() throws -> String {
            do { return try digest.value() } catch { throw ReportFailure.input("\(error)") }
        }
        // A user's templates (--templates) are parsed before anything is read, so an error in them stops the run
        // at once. The embedded defaults (parsed and checked by the tests) are parsed on another thread while the
        // map is read and analysed: ~40 ms of a 0.35 s `--sections 0.a,0.b,0.c` run at 256³ (issue 16).
        let userTemplates: TemplateSet?
        do { userTemplates = try request.templatesDirectory.map { try TemplateSet(overrideDirectory: $0) } }
        catch { throw ReportFailure.template("\(error)") }
        let defaultTemplates = userTemplates == nil ? BackgroundTask { try TemplateSet() } : nil
        defer { _ = try? defaultTemplates?.value() }
        func templates() throws -> TemplateSet {
            if let userTemplates { return userTemplates }
            return try defaultTemplates!.value()
        }

        // A chunk run writes only its partial results: no output folder (the chunk runs of one report run at
        // once, on other nodes; only the merge run makes OUTDIR).
        let chunkRequest = request.particles?.chunks
        let writesChunk = chunkRequest?.writes == true
        var staged: OutputFolder?
        // Every path the run reads, so that replacing OUTDIR cannot delete one of them (issue 17, point 2).
        let inputPaths = [request.mapPath, request.half1Path, request.half2Path, request.modelPath,
                          request.templatesDirectory, request.classesPath, request.particles?.starPath].compactMap { $0 }
            + request.supplementary.paths
        if !writesChunk {
            do { staged = try OutputFolder(final: URL(fileURLWithPath: request.outputDirectory), inputs: inputPaths) }
            catch { throw ReportFailure.output("\(error)") }
        }
        var committed = false
        defer { if !committed { staged?.discard() } }

        // Before any voxel is read (the output folder's start-up clean-up of dead runs has been done, and its
        // staging folder is removed on failure): the box, R against Nyquist, the memory needed.
        try ReportPreflight.check(request, progress: progress)

        let halves: (Volume, Volume)?, model: AtomicModel?, level2: Level2Inputs?
        let context: AnalysisContext
        // The map read from its file is held by the context alone (no local here outlives this block): a 512³ map
        // may be put aside on disk while 0.e runs (AnalysisContext.takeMap), which a second copy would defeat.
        do {
            let file = try step("Reading map") { () throws -> MRCFile in
                do { return try MRCReader.read(path: request.mapPath) } catch { throw ReportFailure.input("\(error)") }
            }
            for w in file.warnings { progress("note: \(w)") }
            let map = file.volume
            halves = request.half1Path == nil ? nil
                : try step("Reading half maps") { try readHalves(request, map: map, progress: progress) }
            model = try request.modelPath.map { path in
                try step("Reading atomic model") { () throws -> AtomicModel in
                    do { return try ModelReader.read(path: path) } catch { throw ReportFailure.input("\(error)") }
                }
            }
            level2 = try request.classesPath.map { path in
                try step("Reading 2D classes") { () throws -> Level2Inputs in
                    do {
                        let symmetry = try SymmetryGroup(request.symmetry)
                        return Level2Inputs(classes: try ClassAverages.load(path: path, pixelSizeFlag: request.classesPixelSizeA,
                                                                            symmetry: symmetry, map: map))
                    } catch { throw ReportFailure.input("\(error)") }
                }
            }
            let halfPaths = request.half1Path.flatMap { h1 in request.half2Path.map { (h1, $0) } }
            context = AnalysisContext(map: map, mapPath: request.mapPath, threshold: request.threshold,
                                      resolution: request.resolution, halves: halves, model: model, halfPaths: halfPaths)
        }
        context.mapDigest = digest
        // Sections run one at a time above this size (runSections), so none holds the map while 0.e has it.
        context.mayPutMapAside = !sectionsRunConcurrently(context)
        let supplementarySections = try request.supplementary.paths.isEmpty ? []
            : step("Reading workflow, cross-links, SAXS") { try request.supplementary.sections() }

        context.level2 = level2
        var particles = try request.particles.map { r in try step("Reading particles") { try r.load(symmetry: request.symmetry) } }
        if let r = request.particles, let c = r.chunks {
            particles?.chunking = try c.chunking(request, particles: r, mapSHA256: try mapSHA256())
        }
        context.particles = particles
        let available = (explicitSections ?? SectionRegistry.reportSections(halfMaps: halves != nil, model: model != nil,
                                                                            classes: level2 != nil, particles: particles != nil))
            + SectionRegistry.inputSections(supplementarySections, model: model != nil)
        let sections = available.filter {
            request.selection.includes($0.id) && (!writesChunk || SectionRegistry.particleChunkedSectionIDs.contains($0.id))
        }
        let skipped = available.filter { !request.selection.includes($0.id) }
            .map { ReportDocument.SkippedSection(id: $0.id, title: $0.title) }
        if !skipped.isEmpty { progress("skipped by request: " + skipped.map(\.id).joined(separator: ", ")) }
        level2?.willRun(sections: sections.map(\.id))
        // Writing into the staging folder: a full disk is exit 73 naming the file (issue 17, point 9).
        func writing<T>(_ folder: OutputFolder, _ what: String, _ body: () throws -> T) throws -> T {
            do { return try body() }
            catch let f as ReportFailure { throw f }
            catch let e as OutputError { throw ReportFailure.output(e.message) }
            catch {
                let place = folder.final.appendingPathComponent(what).path
                if OutputWriting.isOutOfSpace(error, under: folder.staging) {
                    throw ReportFailure.output("no space left on device while writing \(place)")
                }
                throw ReportFailure.output("cannot write \(place): \(error)")
            }
        }
        /// Draws the figures of `results` into OUTDIR/figures and writes their data into OUTDIR/data; returns,
        /// per result, the figure records.
        func drawFigures(_ results: [SectionResult], into folder: OutputFolder) throws -> [[ReportDocument.FigureRecord]] {
            let figuresDir = folder.staging.appendingPathComponent("figures")
            let records = try writing(folder, "figures") { () throws -> [[ReportDocument.FigureRecord]] in
                try FileManager.default.createDirectory(at: figuresDir, withIntermediateDirectories: true)
                let records = try renderFigures(results, into: figuresDir)
                // A figure that could not be drawn is recorded in its caption; on a full disk it is a write failure.
                if records.joined().contains(where: { $0.files.isEmpty }),
                   OutputWriting.isOutOfSpace(nil, under: folder.staging) {
                    throw OutputError(message: "no space left on device while writing \(folder.final.path)/figures")
                }
                return records
            }
            try writing(folder, FigureData.folderName) {
                do { try saveFigureData(results, into: folder.staging.appendingPathComponent(FigureData.folderName)) }
                catch let e as EncodingError {
                    // Sections' results are checked for NaN/∞ (SectionResultCheck.swift): this is our bug.
                    throw ReportFailure.bug("cannot encode the figure data: \(e)")
                }
            }
            return records
        }

        // When the sections run one at a time (large maps), each section's figures are drawn and their data
        // written as it ends, and the result lets them go: a 512³ report otherwise held every section's meshes
        // (~150 MiB each) through the later sections (issue 16).
        var drawnRecords: [Int: [ReportDocument.FigureRecord]] = [:]
        var drawingFailure: Error?
        var drawingSeconds = 0.0
        let tAnalysis = Date()
        let results = runSections(sections, context) { first, ended in
            guard let folder = staged, drawingFailure == nil, ended.contains(where: { !$0.figures.isEmpty }) else {
                return ended
            }
            let t0 = Date()
            defer { drawingSeconds += Date().timeIntervalSince(t0) }
            do {
                for (k, records) in try drawFigures(ended, into: folder).enumerated() { drawnRecords[first + k] = records }
            } catch { drawingFailure = error; return ended }
            return ended.map { var r = $0; r.figures = []; return r }
        }
        record("Analysis (\(sections.count) sections)", Date().timeIntervalSince(tAnalysis) - drawingSeconds)
        if !drawnRecords.isEmpty { record("Figures (as each section ended)", drawingSeconds) }
        if let drawingFailure { throw drawingFailure }
        // A missing or stale slice (merge), or a slice that could not be written (chunk run), stops the report.
        if let failure = particles?.chunking?.failure {
            throw writesChunk ? ReportFailure.output(failure) : ReportFailure.input(failure)
        }
        if writesChunk { return .chunks(particles?.chunking?.written ?? []) }
        guard let folder = staged else { preconditionFailure("no output folder outside chunk mode") }
        let remaining = results.contains { !$0.figures.isEmpty }
            ? try step("Figures") { try drawFigures(results, into: folder) }
            : try drawFigures(results, into: folder)   // no figure left: only the data folder's README
        let figureRecords = results.indices.map { drawnRecords[$0] ?? remaining[$0] }

        var records: [String: ReportDocument.SectionRecord] = [:]
        for (i, (section, r)) in zip(sections, results).enumerated() {
            records[r.id] = ReportDocument.SectionRecord(
                title: r.title, level: ReportTeX.level(ofSection: r.id), reference: section.reference,
                status: r.status, warnings: r.warnings, reason: r.reason, scored: r.scored, metrics: r.metrics,
                figures: figureRecords[i])
        }
        let map = context.map
        let o = map.originA
        let inputs = ReportDocument.Inputs(
            map: .init(file: (request.mapPath as NSString).lastPathComponent, sha256: try mapSHA256(),
                       box: [map.nx, map.ny, map.nz], voxelSize: [map.voxelSize.x, map.voxelSize.y, map.voxelSize.z],
                       origin: [o.x, o.y, o.z]),
            threshold: request.threshold, resolution: request.resolution, title: request.title,
            emdbID: request.emdbID, pdbID: request.pdbID, authors: request.authors, emdb: request.emdb)
        let doc = ReportDocument(tool: .init(version: version, commandLine: request.commandLine),
                                 generatedUTC: ISO8601DateFormatter().string(from: Date()), inputs: inputs,
                                 sections: records, order: results.map { $0.id },
                                 skippedByRequest: skipped.isEmpty ? nil : skipped)

        func write(_ data: Data, _ name: String) throws {
            try writing(folder, name) {
                try OutputWriting.write(data, to: folder.staging.appendingPathComponent(name),
                                        describedAs: folder.final.appendingPathComponent(name).path)
            }
        }
        try step("metrics.json and report.tex") {
            try write(try doc.jsonData(), "metrics.json")
            let tex: String
            do { tex = try ReportTeX.build(doc, templates: templates()) }
            catch { throw ReportFailure.template("\(error)") }
            try write(Data(tex.utf8), "report.tex")
            // Level A: per-residue values (CC, inclusion, Q-score, EMRinger peak) as a companion CSV.
            if context.model != nil, let rows = try? LevelAPerResidue.table(context), !rows.isEmpty {
                try write(Data(LevelAPerResidue.csv(rows).utf8), "per_residue.csv")
            }
        }

        if request.makePDF {
            try step("PDF (latexmk)") {
                do { try LatexCompiler.compile(directory: folder.staging, timeoutSeconds: request.latexTimeoutSeconds) }
                catch { throw failedLaTeX(error, folder) }
            }
        }
        do { try folder.commit() } catch { throw ReportFailure.output("\(error)") }
        committed = true
        let pdf = request.makePDF ? folder.final.appendingPathComponent("report.pdf") : nil
        return .report(ReportOutcome(document: doc, outputDirectory: folder.final, pdf: pdf, timings: timings))
    }

    /// A LaTeX failure leaves OUTDIR as it was (an earlier report stays complete, with its PDF); the failed
    /// attempt (report.tex, figures, metrics.json, the log) is kept in `<OUTDIR>.latex-failed`, which the
    /// message names with the log's real path (issue 17, point 3). On a full disk it is an output failure.
    static func failedLaTeX(_ error: Error, _ folder: OutputFolder) -> ReportFailure {
        if OutputWriting.isOutOfSpace(nil, under: folder.staging) {
            folder.discard()
            return .output("no space left on device while writing \(folder.final.path)/report.pdf")
        }
        guard let kept = folder.keepFailedAttempt() else {
            folder.discard()
            return .latex("\(error); the failed attempt could not be kept, \(folder.final.path) is unchanged")
        }
        let latex = (error as? LatexError)?.movedTo(kept).description ?? "\(error)"
        return .latex("\(latex); \(folder.final.path) is unchanged, the failed attempt is in \(kept.path)")
    }

    /// Reads the two half maps and checks that they match each other and the map in box and voxel size.
    static func readHalves(_ request: ReportRequest, map: Volume,
                           progress: (String) -> Void) throws -> (Volume, Volume)? {
        guard let p1 = request.half1Path, let p2 = request.half2Path else { return nil }
        var halves: [Volume] = []
        for path in [p1, p2] {
            do {
                let f = try MRCReader.read(path: path)
                for w in f.warnings { progress("note: \(w)") }
                halves.append(f.volume)
            } catch { throw ReportFailure.input("\(error)") }
        }
        func describe(_ v: Volume) -> String {
            "box \(v.nx)×\(v.ny)×\(v.nz), voxel " + [v.voxelSize.x, v.voxelSize.y, v.voxelSize.z]
                .map { String(format: "%.4f", $0) }.joined(separator: "×") + " Å"
        }
        func sameGrid(_ a: Volume, _ b: Volume) -> Bool {
            a.dims == b.dims && (0..<3).allSatisfy { abs(a.voxelSize[$0] - b.voxelSize[$0]) <= 1e-3 * a.voxelSize[$0] }
        }
        guard sameGrid(halves[0], halves[1]) else {
            throw ReportFailure.input("half maps do not match: \(p1) has \(describe(halves[0])), \(p2) has \(describe(halves[1]))")
        }
        guard sameGrid(halves[0], map) else {
            throw ReportFailure.input("half maps do not match the map: \(p1) has \(describe(halves[0])), \(request.mapPath) has \(describe(map))")
        }
        return (halves[0], halves[1])
    }

    /// Maps larger than this (voxels) run their sections one at a time: most sections hold one or two
    /// spectra and volumes of the map's size while they run (1–2 GB each at 512³), and two at once would
    /// double the peak (issue 16: a 512³ report within 4× the map). Each section still uses every core inside
    /// (FFTW's threads, its own parallel loops). Smaller maps run their sections concurrently.
    public static let concurrentSectionsMaxVoxels = 200 * 200 * 200

    /// Releases the shared values that section `i` read and no later section reads (sections run in order).
    public static func releaseSharedValues(after i: Int, of sections: [any Section], in context: AnalysisContext) {
        let later = Set(sections[(i + 1)...].flatMap(\.sharedValues))
        for key in sections[i].sharedValues where !later.contains(key) { context.release(key) }
    }

    /// Whether `runSections` runs the sections concurrently (maps up to `concurrentSectionsMaxVoxels`).
    public static func sectionsRunConcurrently(_ context: AnalysisContext) -> Bool {
        context.map.count <= concurrentSectionsMaxVoxels
    }

    /// Runs every section, each isolated from the others' errors; results in input order. Concurrently for
    /// maps up to `concurrentSectionsMaxVoxels`; above, one at a time, except that consecutive lightweight
    /// sections (`Section.isLightweight`, 0.a–0.c) run together. When they run one at a time, `ended(first, results)`
    /// is called as each section (or group of lightweight ones, `first` being the index of the group's first
    /// section) ends, in order, and its return value replaces the results: the report draws a section's figures
    /// then and lets their data go, so that a section's meshes are not held through the later sections (issue 16).
    public static func runSections(_ sections: [any Section], _ context: AnalysisContext,
                                   ended: (Int, [SectionResult]) -> [SectionResult] = { $1 }) -> [SectionResult] {
        guard !sectionsRunConcurrently(context) else { return runTogether(sections, context) }
        var results: [SectionResult] = []
        var i = 0
        while i < sections.count {
            var j = i + 1
            if sections[i].isLightweight { while j < sections.count && sections[j].isLightweight { j += 1 } }
            let group = j - i == 1 ? [sections[i].runIsolated(context)] : runTogether(Array(sections[i..<j]), context)
            // A shared value goes as soon as its last reader has run (0.f/0.g's bands are not held through 0.h).
            for k in i..<j { releaseSharedValues(after: k, of: sections, in: context) }
            results += ended(i, group)
            i = j
        }
        return results
    }

    /// Runs `sections` concurrently; results in input order.
    static func runTogether(_ sections: [any Section], _ context: AnalysisContext) -> [SectionResult] {
        let box = ResultsBox<SectionResult>(count: sections.count)
        Parallel.perform(iterations: sections.count) { i in
            box.set(i, sections[i].runIsolated(context))
        }
        return box.values.map { $0! }
    }

    /// Writes what every figure is drawn from into `dir` (OUTDIR/data), with its README.
    static func saveFigureData(_ results: [SectionResult], into dir: URL) throws {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try Data(FigureData.readme.utf8).write(to: dir.appendingPathComponent("README.md"))
        let figures = results.flatMap { $0.figures }
        let errors = ResultsBox<Error>(count: figures.count)
        Parallel.perform(iterations: figures.count) { j in
            do { try FigureData.save(figures[j], to: dir) } catch { errors.set(j, error) }
        }
        if let e = errors.values.compactMap({ $0 }).first { throw e }
    }

    /// Draws every figure of every section; returns, per section, the figure records. 3D views are drawn one at
    /// a time, each on every worker (the rasteriser's bands, the occlusion's directions), then the other figures
    /// concurrently. (Inside the figures' loop a view's own loops get only the threads the other figures leave
    /// idle; under libdispatch, before `ParallelPool`, they got none: 1.45 s per 256³ view against 0.87 s alone.)
    static func renderFigures(_ results: [SectionResult], into dir: URL) throws -> [[ReportDocument.FigureRecord]] {
        let jobs = results.enumerated().flatMap { (i, r) in r.figures.map { (i, $0) } }
        let box = ResultsBox<ReportDocument.FigureRecord>(count: jobs.count)
        let isView = jobs.map { if case .surface = $0.1.content { true } else { false } }
        for j in jobs.indices where isView[j] { box.set(j, FigureFiles.draw(jobs[j].1, into: dir)) }
        let others = jobs.indices.filter { !isView[$0] }
        Parallel.perform(iterations: others.count) { k in
            box.set(others[k], FigureFiles.draw(jobs[others[k]].1, into: dir))
        }
        var out = [[ReportDocument.FigureRecord]](repeating: [], count: results.count)
        for (j, job) in jobs.enumerated() { out[job.0].append(box.values[j]!) }
        return out
    }
}

/// Thread-safe slots for results computed concurrently.
final class ResultsBox<T>: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var values: [T?]
    init(count: Int) { values = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ v: T) { lock.lock(); values[i] = v; lock.unlock() }
}
