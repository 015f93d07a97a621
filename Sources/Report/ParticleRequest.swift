// The particle inputs of a report (Levels 3–4): `--particles PARTICLES.star [--particles-dir DIR]
// [--max-particles N|all]`.
import Foundation
import ImageData
import MapIO
import ParticleAnalysis
import RelionBridge

public struct ParticleRequest: Sendable {
    public var starPath: String
    /// Folder the STAR file's image paths are relative to (default: the STAR file's folder).
    public var particlesDirectory: String?
    /// Per-particle sections use at most this many particles; nil = each section's default, Int.max = all.
    public var maxParticles: Int?
    /// `--voltage`, `--cs`, `--amplitude-contrast`: only where the STAR file lacks the column.
    public var ctfFlags: CTFFlags
    /// `--chunk-dir DIR [--particle-chunk I/K]`: the per-particle loops run in slices (ParticleChunks.swift).
    public var chunks: ParticleChunkRequest?
    /// `--relion`: 4.d also runs relion_refine (found on the PATH when the particles are loaded).
    public var relion: Bool

    public init(starPath: String, particlesDirectory: String? = nil, maxParticles: Int? = nil, ctfFlags: CTFFlags = CTFFlags(),
                relion: Bool = false) {
        self.starPath = starPath; self.particlesDirectory = particlesDirectory; self.maxParticles = maxParticles
        self.ctfFlags = ctfFlags; self.relion = relion
    }

    /// Reads the STAR file and opens its stacks, with the map's symmetry group (RELION/XMIPP conventions);
    /// errors become input failures (exit 65).
    func load(symmetry: String) throws -> ParticleInput {
        do {
            var p = try ParticleInput.load(starPath: starPath, particlesDirectory: particlesDirectory, maxParticles: maxParticles,
                                            ctfFlags: ctfFlags)
            let group = try SymmetryGroup(symmetry)
            p.symmetryOperators = group.rotations; p.symmetryName = group.name
            if relion { p.relion = try Self.relionSettings() }
            return p
        } catch { throw ReportFailure.input("\(error)") }
    }
}

extension ParticleRequest {
    /// The first of relion_refine_mpi and mpirun (what `--relion` runs) that is not on the PATH; nil: both are.
    public static func missingRelionProgram() -> String? {
        ["relion_refine_mpi", "mpirun"].first { ProgramSearch.path(of: $0) == nil }
    }

    /// The one-line error for `--relion` without `program` on the PATH.
    public static func missingRelionMessage(_ program: String) -> String {
        "--relion runs RELION's auto-refinement through \(program), which is not on the PATH (\(ProcessInfo.processInfo.environment["PATH"] ?? "unset")); install RELION with MPI or leave --relion out"
    }

    /// relion_refine_mpi and mpirun from the PATH, the work folder and processes supervised like latexmk's
    /// (removed and stopped when the run is interrupted).
    static func relionSettings() throws -> RelionSettings {
        guard let path = ProgramSearch.path(of: "relion_refine_mpi") else { throw ReportFailure.input(missingRelionMessage("relion_refine_mpi")) }
        guard let mpirun = ProgramSearch.path(of: "mpirun") else { throw ReportFailure.input(missingRelionMessage("mpirun")) }
        var s = RelionSettings(executable: path, mpirun: mpirun)
        s.onFolder = { url in let token = Interruption.guardFolder(url); return { Interruption.release(token) } }
        s.onStart = { pid in let token = Interruption.guardChild(pid, group: true); return { Interruption.release(token) } }
        return s
    }
}

/// `--chunk-dir DIR` with `--particle-chunk I/K` (write slice I of K of every chunked loop into DIR) or alone
/// (merge: read every slice from DIR and build the report).
public struct ParticleChunkRequest: Sendable {
    public var directory: String
    /// The 1-based slice this run writes and the number of slices; nil when merging.
    public var slice: (index: Int, count: Int)?

    public init(directory: String, slice: (index: Int, count: Int)? = nil) {
        self.directory = directory; self.slice = slice
    }

    public var writes: Bool { slice != nil }

    /// The chunking of a report of `request` on the map of SHA-256 `mapSHA256`: every setting that reaches the
    /// per-particle sections goes into the slices' header, so that a merge with other settings is refused.
    func chunking(_ request: ReportRequest, particles: ParticleRequest, mapSHA256: String) throws -> ParticleChunking {
        let starSHA: String
        do { starSHA = try FileHash.sha256(path: particles.starPath) } catch { throw ReportFailure.input("\(error)") }
        let f = particles.ctfFlags
        let settings = [
            "threshold=\(request.threshold)", "resolution=\(request.resolution.map { "\($0)" } ?? "none")",
            "symmetry=\(request.symmetry)", "particles-dir=\(particles.particlesDirectory ?? "-")",
            "max-particles=\(particles.maxParticles.map { $0 == Int.max ? "all" : "\($0)" } ?? "default")",
            "ctf=\(f.voltageKV.map { "\($0)" } ?? "-"),\(f.sphericalAberrationMM.map { "\($0)" } ?? "-"),\(f.amplitudeContrast.map { "\($0)" } ?? "-")",
            "version=\(ReportPipeline.version)",
        ].joined(separator: " ")
        let mode: ParticleChunking.Mode = slice.map { .write(index: $0.index, count: $0.count) } ?? .merge
        return ParticleChunking(directory: URL(fileURLWithPath: directory), mode: mode,
                                inputs: ChunkInputs(star: particles.starPath, starSHA256: starSHA, mapSHA256: mapSHA256,
                                                    settings: settings))
    }
}
