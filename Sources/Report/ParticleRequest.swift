// The particle inputs of a report (Levels 3–4): `--particles PARTICLES.star [--particles-dir DIR]
// [--max-particles N|all]`.
import Foundation
import ParticleAnalysis

public struct ParticleRequest: Sendable {
    public var starPath: String
    /// Folder the STAR file's image paths are relative to (default: the STAR file's folder).
    public var particlesDirectory: String?
    /// Per-particle sections use at most this many particles; nil = each section's default, Int.max = all.
    public var maxParticles: Int?

    public init(starPath: String, particlesDirectory: String? = nil, maxParticles: Int? = nil) {
        self.starPath = starPath; self.particlesDirectory = particlesDirectory; self.maxParticles = maxParticles
    }

    /// Reads the STAR file and opens its stacks; errors become input failures (exit 65).
    func load() throws -> ParticleInput {
        do { return try ParticleInput.load(starPath: starPath, particlesDirectory: particlesDirectory, maxParticles: maxParticles) }
        catch { throw ReportFailure.input("\(error)") }
    }
}
