// The particle inputs of a report (Levels 3–4): `--particles PARTICLES.star [--particles-dir DIR]
// [--max-particles N|all]`.
import Foundation
import ImageData
import ParticleAnalysis

public struct ParticleRequest: Sendable {
    public var starPath: String
    /// Folder the STAR file's image paths are relative to (default: the STAR file's folder).
    public var particlesDirectory: String?
    /// Per-particle sections use at most this many particles; nil = each section's default, Int.max = all.
    public var maxParticles: Int?
    /// `--voltage`, `--cs`, `--amplitude-contrast`: only where the STAR file lacks the column.
    public var ctfFlags: CTFFlags

    public init(starPath: String, particlesDirectory: String? = nil, maxParticles: Int? = nil, ctfFlags: CTFFlags = CTFFlags()) {
        self.starPath = starPath; self.particlesDirectory = particlesDirectory; self.maxParticles = maxParticles
        self.ctfFlags = ctfFlags
    }

    /// Reads the STAR file and opens its stacks, with the map's symmetry group (RELION/XMIPP conventions);
    /// errors become input failures (exit 65).
    func load(symmetry: String) throws -> ParticleInput {
        do {
            var p = try ParticleInput.load(starPath: starPath, particlesDirectory: particlesDirectory, maxParticles: maxParticles,
                                            ctfFlags: ctfFlags)
            let group = try SymmetryGroup(symmetry)
            p.symmetryOperators = group.rotations; p.symmetryName = group.name
            return p
        } catch { throw ReportFailure.input("\(error)") }
    }
}
