// A report section: a value that takes the analysis inputs and returns a result (status, warnings,
// metrics, figures). The report text and metrics.json are both generated from these results.
import Foundation
import MapIO
import ModelIO
import ParticleAnalysis
import VolumeNumerics

/// docs/methods.md "Conventions" (section status).
public enum SectionStatus: String, Codable, Sendable {
    case ok
    case warnings
    case notApplicable = "not_applicable"
    case failed
}

/// What a section returns. `metrics` holds every number its template prints (snake_case, unit in the name).
public struct SectionResult: Codable, Sendable, Equatable {
    public var id: String
    public var title: String
    public var status: SectionStatus
    public var warnings: [String]
    /// Why the section does not apply or could not be measured.
    public var reason: String?
    public var metrics: [String: JSONValue]
    public var figures: [Figure]
    /// Whether the section counts towards the score (informative sections such as Input data do not).
    public var scored: Bool

    public init(id: String, title: String, status: SectionStatus, warnings: [String] = [], reason: String? = nil,
                metrics: [String: JSONValue] = [:], figures: [Figure] = [], scored: Bool = true) {
        self.id = id; self.title = title; self.status = status; self.warnings = warnings; self.reason = reason
        self.metrics = metrics; self.figures = figures; self.scored = scored
    }

    /// A section whose criteria were evaluated: `ok` without warnings, else `warnings`.
    public static func evaluated(_ section: some Section, warnings: [String], metrics: [String: JSONValue],
                                 figures: [Figure] = []) -> SectionResult {
        SectionResult(id: section.id, title: section.title, status: warnings.isEmpty ? .ok : .warnings,
                      warnings: warnings, metrics: metrics, figures: figures, scored: section.scored)
    }
}

/// Thrown by a section that cannot give a verdict.
public enum SectionError: Error, CustomStringConvertible, Equatable {
    /// The section does not apply to these inputs (e.g. resolution too poor, input missing).
    case notApplicable(String)
    /// The quantity could not be measured (e.g. empty mask).
    case failed(String)

    public var description: String {
        switch self {
        case .notApplicable(let r), .failed(let r): return r
        }
    }
}

public protocol Section: Sendable {
    /// Section id as in docs/methods.md: "0.a", "1.b", "input".
    var id: String { get }
    var title: String { get }
    /// Reference shown in the status table (paper or method), e.g. "Vilas et al. 2018".
    var reference: String { get }
    /// Whether the section counts towards the score.
    var scored: Bool { get }
    /// Whether the section measures the map's structure, so that a map without variance (every voxel the
    /// same: all zeros, a constant, one voxel) cannot be measured.
    var needsMapVariance: Bool { get }
    /// The values computed once per context and shared with other sections that this section reads
    /// (`AnalysisContext.shared`); when the sections run one at a time, each is released after its last reader.
    var sharedValues: [SharedValue] { get }
    /// Whether the section holds little memory while it runs beyond the shared masks (no spectrum, no volume of
    /// the map's size: 0.a–0.c), so that consecutive lightweight sections run together even where the sections
    /// otherwise run one at a time (`ReportPipeline.runSections`).
    var isLightweight: Bool { get }
    /// Computes the section. Throw `SectionError` for not-applicable / failed; any other error is
    /// reported as failed with its description.
    func run(_ context: AnalysisContext) throws -> SectionResult
}

/// A value that several sections compute from the same inputs, made once per context.
public enum SharedValue: String, Sendable, CaseIterable {
    /// 0.f and 0.g: the map resampled for the local bands and the band fits (hundreds of MB at 512³).
    case localBands
    /// 0.a–0.d, 0.h, Level 1 and A: the raw, hard and soft masks at T (kept for the whole run: never listed in a
    /// section's `sharedValues`; only 0.e lets them go during its scan when the map is put aside, and they are made
    /// again, the same, on their next use).
    case masks
    /// Level 1: the halves and their unmasked FSC (Level1Data).
    case level1
    /// 1.a and 1.b: the halves' spectra (Level1Data.spectra; 1 GiB at 512³).
    case halfSpectra
    /// Level A: the model, its map and the values the Level A sections share (LevelAData).
    case levelA
    /// 0.e, 0.f, 0.g, 1.c and A.model: the isosurface at T inside the hard mask that their 3D views colour
    /// (LocalMapSurface; ~150 MiB at 512³).
    case hardMaskedSurface
}

extension Section {
    public var sharedValues: [SharedValue] { [] }
    public var isLightweight: Bool { false }
    public var scored: Bool { true }
    public var reference: String { "" }
    /// Every scored section except those that measure other data: Level 1 (the half maps, checked in
    /// Level1Data), Level 5 (micrographs), W and O (workflow, cross-links, SAXS against the model) and the
    /// angle-only sections 4.g and 4.h.
    public var needsMapVariance: Bool {
        scored && !["1.", "5.", "O.", "W", "4.g", "4.h"].contains { id.hasPrefix($0) }
    }

    /// Runs the section, turning every thrown error into a `not_applicable` or `failed` result,
    /// so that one section's error never stops the report.
    public func runIsolated(_ context: AnalysisContext) -> SectionResult {
        if needsMapVariance, let v = context.constantValue {
            return SectionResult(id: id, title: title, status: .failed,
                                 reason: "the map has no variance (every voxel is \(NumberText.format(Double(v)))): "
                                     + "there is no structure to measure", scored: scored)
        }
        do {
            let result = try run(context)
            if let path = result.nonFiniteNumberPath() {
                let largest = context.map.data.reduce(Float(0)) { max($0, abs($1)) }
                return SectionResult(id: id, title: title, status: .failed,
                                     reason: "the computation gave NaN or ∞ (\(path)); the map's largest |value| is "
                                         + "\(NumberText.format(Double(largest))), which single-precision sums may not hold",
                                     scored: scored)
            }
            return result
        } catch SectionError.notApplicable(let reason) {
            return SectionResult(id: id, title: title, status: .notApplicable, reason: reason, scored: scored)
        } catch SectionError.failed(let reason) {
            return SectionResult(id: id, title: title, status: .failed, reason: reason, scored: scored)
        } catch {
            return SectionResult(id: id, title: title, status: .failed, reason: "\(error)", scored: scored)
        }
    }
}

/// The inputs every section sees, plus values shared between sections (the masks), computed once.
public final class AnalysisContext: @unchecked Sendable {
    /// The map. In memory for the whole run, except while a section that needs the voxels only at its start
    /// holds it through `takeMap()` (see there); read back from the spill file on the next use.
    public var map: Volume {
        mapLock.lock(); defer { mapLock.unlock() }
        return heldMap()
    }
    /// Whether `takeMap()` may put the map aside on disk: set when the sections run one at a time (a large map,
    /// `ReportPipeline.runSections`), where no other section holds the map meanwhile.
    public var mayPutMapAside = false
    /// The spill file's folder (the system's temporary folder by default).
    public var spillDirectory = FileManager.default.temporaryDirectory
    /// Path of the map file as given by the user.
    public let mapPath: String
    /// Contour threshold T (map units).
    public let threshold: Double
    /// Reported resolution R (Å), if given.
    public let resolution: Double?
    /// Half maps (Level 1), if given; same box and voxel size as the map.
    public let halves: (Volume, Volume)?
    /// Paths of the half-map files as given by the user (for the Half maps section), if known.
    public let halfPaths: (String, String)?
    /// Atomic model (Level A), if given.
    public let model: AtomicModel?
    /// Particles and their angles (Levels 3–4), if given; set by the command line after construction.
    public var particles: ParticleInput?
    /// 2D classes (Level 2), if given; set before the sections run.
    public var level2: Level2Inputs?

    /// The map file's SHA-256 (hex), when the pipeline computes it beside the reading (`mapSHA256()` otherwise
    /// hashes the file on first use).
    public var mapDigest: BackgroundTask<String>?

    /// The value of every voxel when the map has no variance (all zeros, a constant, one voxel); else nil.
    public let constantValue: Float?

    private let sharedLock = NSLock()
    /// The values being made, each with the scope of its maker's parallel loops (guarded by `sharedLock`).
    private var sharedMaking: [SharedValue: Parallel.Scope] = [:]
    private var sharedStore: [SharedValue: Any] = [:]
    private let mapLock = NSLock()
    private let digestLock = NSLock()
    private var storedMap: Volume?
    private var spill: VolumeSpill?

    public init(map: Volume, mapPath: String, threshold: Double, resolution: Double?,
                halves: (Volume, Volume)? = nil, model: AtomicModel? = nil, halfPaths: (String, String)? = nil) {
        self.storedMap = map; self.mapPath = mapPath; self.threshold = threshold; self.resolution = resolution
        self.halves = halves; self.model = model; self.halfPaths = halfPaths
        let first = map.data.first ?? 0
        constantValue = map.data.allSatisfy { $0 == first } ? first : nil
    }

    /// The map, for a computation that needs its voxels only at the start (0.e: they become a spectrum, then a
    /// 512³ scan holds three more volumes of the map's size), or not at all for a while (1.c's MonoRes on the
    /// halves; the result discarded). When `mayPutMapAside`, the context writes the map
    /// to a spill file (once) and lets its own copy go, so the caller's is the only one in memory and is freed
    /// when the caller consumes it; `map` reads it back on its next use. Without a spill (not allowed, or the
    /// file could not be written) the context keeps the map as usual.
    public func takeMap() -> Volume {
        mapLock.lock(); defer { mapLock.unlock() }
        let m = heldMap()
        guard mayPutMapAside else { return m }
        if spill == nil { spill = try? VolumeSpill(m, directory: spillDirectory) }
        if spill != nil { storedMap = nil }
        return m
    }

    /// Whether the map is in memory now (false while put aside by `takeMap()`).
    public var mapIsInMemory: Bool {
        mapLock.lock(); defer { mapLock.unlock() }
        return storedMap != nil
    }

    /// The map in memory, read back from the spill first if it was put aside (call with `mapLock` held).
    private func heldMap() -> Volume {
        if let m = storedMap { return m }
        guard let spill else { preconditionFailure("AnalysisContext: the map is neither in memory nor spilled") }
        // Our own file in the temporary folder, written by this process: failing to read it back is not an
        // input error the report could describe.
        do { storedMap = try spill.read() } catch { fatalError("cannot read back the map put aside in \(spill.path): \(error)") }
        return storedMap!
    }

    /// The value `key`, made by `make` on first use and kept until `release(key)`; every caller gets the same
    /// one. A section that asks while another makes it waits, and meanwhile runs iterations of the maker's
    /// parallel loops (`Parallel.waitHelping`): the masks that 0.a–0.c all need are built on every core, not on
    /// one while the others wait. A throwing `make` keeps nothing (the next caller tries again).
    public func shared<T>(_ key: SharedValue, _ make: () throws -> T) throws -> T {
        while true {
            let next: SharedStep = sharedLock.withLock {
                if let v = sharedStore[key] { return .value(v) }
                if let maker = sharedMaking[key] { return .wait(maker) }
                let scope = Parallel.Scope()
                sharedMaking[key] = scope
                return .make(scope)
            }
            switch next {
            case .value(let v):
                guard let typed = v as? T else { preconditionFailure("shared value \(key) is a \(type(of: v)), not a \(T.self)") }
                return typed
            case .wait(let maker):
                Parallel.waitHelping(maker) { sharedLock.withLock { sharedMaking[key] !== maker } }
            case .make(let scope):
                defer {
                    sharedLock.withLock { sharedMaking[key] = nil }
                    Parallel.wakeWaiters()
                }
                let v = try Parallel.run(in: scope) { try make() }
                sharedLock.withLock { sharedStore[key] = v }
                return v
            }
        }
    }

    /// What a caller of `shared` does next: take the value, wait for its maker, or make it.
    private enum SharedStep { case value(Any), wait(Parallel.Scope), make(Parallel.Scope) }

    /// Lets the shared value `key` go (made again if asked for later).
    public func release(_ key: SharedValue) {
        sharedLock.withLock { sharedStore[key] = nil }
    }

    /// Whether the shared value `key` is held now.
    public func holds(_ key: SharedValue) -> Bool {
        sharedLock.withLock { sharedStore[key] != nil }
    }

    /// SHA-256 (lower-case hex) of the map file as given: the pipeline's digest (`mapDigest`), else computed now
    /// and kept. Throws `MapError.unreadable`.
    public func mapSHA256() throws -> String {
        let task: BackgroundTask<String> = digestLock.withLock {
            if let d = mapDigest { return d }
            let path = mapPath
            let d = BackgroundTask { try FileHash.sha256(path: path) }
            mapDigest = d
            return d
        }
        return try task.value()
    }

    /// The raw, hard and soft masks at T (docs/methods.md "Masks"), built on first use.
    /// Throws `SectionError.failed` when no voxel reaches T.
    public func masks() throws -> Masks {
        // The outcome is kept, an error too: every section that asks reports the same reason.
        try shared(.masks) { Result { try Masks.build(map: map, threshold: threshold) } }.get()
    }
}
