// What the Level 3–4 sections know about the particles: where they came from and, per particle, the angles
// the user assigned (RELION ZYZ, degrees). Built by the command line from the STAR file.
import Foundation
import ImageData
import VolumeNumerics

public struct ParticleInput: Sendable {
    /// Path of the STAR file as given.
    public var starPath: String
    /// Number of particles in the STAR file.
    public var totalCount: Int
    /// Per particle (rot, tilt, psi) in degrees; nil when the STAR file has no angles (Level 4 does not apply).
    public var anglesDeg: [SIMD3<Double>]?
    /// Symmetry operators of the map's point group (map-space rotations), identity only for C1.
    public var symmetryOperators: [Rotation3]
    public var symmetryName: String

    /// The STAR table and its opened stacks (nil in angle-only uses such as tests of 4.g/4.h).
    public var table: ParticleTable?
    public var stacks: [String: ImageStack] = [:]
    /// Pixel size of the particle images (Å) and where it came from; box in pixels.
    public var pixelSizeA: Double = 1
    public var pixelSizeSource: PixelSizeSource = .header
    public var box: Int = 0
    /// `--max-particles`: per-particle sections use at most this many (a seeded random subset); nil = each
    /// section's default, Int.max = all.
    public var maxParticles: Int?
    /// The CTF optics flags given (`--voltage`, `--cs`, `--amplitude-contrast`).
    public var ctfFlags = CTFFlags()
    /// `--particle-chunk I/K --chunk-dir DIR` (write slice I of the per-particle loops) or `--chunk-dir DIR`
    /// alone (read every slice back); nil: loops run here whole (ParticleChunks.swift).
    public var chunking: ParticleChunking?
    /// `--relion`: 4.d also re-refines the particles with relion_refine (RelionRealignment.swift); nil: it does not.
    public var relion: RelionSettings?

    public init(starPath: String, totalCount: Int, anglesDeg: [SIMD3<Double>]?,
                symmetryOperators: [Rotation3] = [], symmetryName: String = "C1") {
        self.starPath = starPath; self.totalCount = totalCount; self.anglesDeg = anglesDeg
        self.symmetryOperators = symmetryOperators; self.symmetryName = symmetryName
    }

    /// Reads the STAR file and opens every stack it refers to (a missing image file is an error naming the
    /// STAR file, its line and the reference). Angles are kept only when every particle has them.
    /// `ctfFlags` supply the CTF optics only where the STAR file lacks them (ParticleTable).
    public static func load(starPath: String, particlesDirectory: String? = nil, maxParticles: Int?,
                            ctfFlags: CTFFlags = CTFFlags()) throws -> ParticleInput {
        let table = try ParticleTable(path: starPath, particlesDirectory: particlesDirectory, ctfFlags: ctfFlags)
        guard let first = table.particles.first else {
            throw ImageDataError.malformedStar(file: starPath, line: 1, detail: "no particle rows; expected at least one")
        }
        let stacks = try table.openStacks()
        let stack = stacks[first.stackPath]!
        let angles: [SIMD3<Double>]? = table.particles.allSatisfy { $0.angles != nil }
            ? table.particles.map { SIMD3($0.angles!.rotDeg, $0.angles!.tiltDeg, $0.angles!.psiDeg) } : nil
        var p = ParticleInput(starPath: starPath, totalCount: table.particles.count, anglesDeg: angles)
        let px = try stack.pixelSize(star: first.pixelSizeA)
        p.table = table; p.stacks = stacks; p.pixelSizeA = px.valueA; p.pixelSizeSource = px.source
        p.box = stack.nx; p.maxParticles = maxParticles; p.ctfFlags = ctfFlags
        for s in stacks.values where s.nx != stack.nx || s.ny != stack.nx {
            throw ImageDataError.badStack(file: s.path, field: "box (nx, ny)", found: "\(s.nx)×\(s.ny)",
                                          expected: "square images of the first stack's \(stack.nx)×\(stack.nx)")
        }
        return p
    }

    /// The value of a CTF optics flag (nil when not given).
    public func ctfFlagValue(_ field: CTFFlags.Field) -> Double { ctfFlags[field] ?? .nan }

    /// Image of particle `i` (0-based row), x fastest.
    public func image(_ i: Int) throws -> [Float] { try particleImage(i).data }

    /// Image of particle `i` (0-based row) with its pixel size.
    public func particleImage(_ i: Int) throws -> Image2D {
        guard let t = table else { throw ImageDataError.missingBlock(file: starPath, block: "particles") }
        let p = t.particles[i]
        return try stacks[p.stackPath]!.image(p.imageIndex, pixelSizeA: pixelSizeA)
    }

    /// The particles a per-particle section uses: `maxParticles`, else the section's default `limit`, drawn as a
    /// seeded random subset (all when there are fewer).
    public func subset(default limit: Int) -> [Int] {
        ParticleSubset.indices(count: totalCount, limit: min(maxParticles ?? limit, totalCount), seed: 20170101)
    }

    /// The viewing directions of up to `limit` particles: all of them, or a random subset drawn with a fixed
    /// seed (so that reports are reproducible). Returns the directions and how many were used.
    public func viewingDirections(limit: Int, seed: UInt64 = 20170101) -> [SIMD3<Double>]? {
        guard let angles = anglesDeg else { return nil }
        let chosen = ParticleSubset.indices(count: angles.count, limit: limit, seed: seed)
        return chosen.map { EulerAngles(rot: angles[$0].x, tilt: angles[$0].y, psi: angles[$0].z).matrix.r2 }
    }
}

/// A documented random subset: the first `limit` indices of a Fisher–Yates shuffle seeded with `seed`, sorted.
public enum ParticleSubset {
    public static func indices(count: Int, limit: Int, seed: UInt64) -> [Int] {
        if count <= limit { return Array(0..<count) }
        var idx = Array(0..<count)
        var rng = SplitMix64(seed: seed)
        for i in 0..<limit { idx.swapAt(i, i + Int(rng.next() % UInt64(count - i))) }
        return Array(idx[0..<limit]).sorted()
    }
}
