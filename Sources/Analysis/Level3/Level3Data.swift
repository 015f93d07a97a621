// Level 3 inputs: the particles (--particles) against the user's 2D classes (--classes), prepared once per
// report and shared by 3.a, 3.b and 3.c.
// - Working sampling: the classes as Level 2 holds them (the map's pixel size and box), Fourier-cropped to at
//   most 64 pixels; each particle phase-flipped with its own CTF (class averages are CTF-corrected), brought to
//   the same pixel size and box, and standardised (mean 0, standard deviation 1 over the box).
// - Class of a particle: its rlnClassNumber when every particle used has one (class k is image k of the
//   stack); otherwise the class it matches best after in-plane alignment. A class number outside the stack
//   leaves the particle out, and the text counts it.
// - Each particle is aligned (rotation, shift within ±box/8) to its class: InPlaneAligner. The prepared images
//   are held once (float32, working box) with their alignments; a section makes the aligned images of one
//   class at a time (`alignedMembers`), and the preparation is released when the last Level 3 section of the
//   report has finished (Level3Cache), so that 10⁵ particles hold 1.6 GB once, for Level 3 only.
// Without --classes Level 3 does not apply: a class average is what a particle is aligned to, and averages
// built here from rlnClassNumber alone would need a reference-free alignment per class — a classification of
// our own, which 3.c already provides as an independent check rather than as the user's classes.
import Foundation
import ImageData
import ParticleAnalysis
import VolumeNumerics

public struct Level3Alignment: Sendable {
    public enum Assignment: String, Sendable { case classNumber = "class_number", bestCorrelation = "best_correlation" }

    /// Working box (pixels) and pixel size (Å).
    public let box: Int
    public let pixelSizeA: Double
    /// The user's classes at the working sampling, standardised.
    public let classes: [ImageData.Image2D]
    /// STAR rows (0-based) of the particles used, their prepared images, class (0-based) and alignment.
    public let rows: [Int]
    public let images: [ImageData.Image2D]
    public let classOf: [Int]
    public let alignments: [InPlaneAlignment]
    public let assignment: Assignment
    /// Particles of the subset left out because their rlnClassNumber is not an image of the class stack.
    public let outsideStack: Int
    public let particlesTotal: Int
    /// Whether --max-particles chose the subset (otherwise the section's default did).
    public let maxParticlesGiven: Bool
    /// Whether the particles carried CTF parameters (and were phase-flipped).
    public let phaseFlipped: Bool
    public let maxShiftPx: Int
    /// Mean |CTF| of the particles used, per ring radius 0 … box/2 of the working box (isotropic: each particle's
    /// mean defocus); nil without CTF parameters. Averages of phase-flipped particles carry it; the user's
    /// CTF-corrected classes do not.
    public let ctfEnvelope: [Double]?

    /// `image` (working box) with its transform multiplied by the particles' mean |CTF|, so that a CTF-corrected
    /// class compares with averages of phase-flipped particles on the same footing.
    public func withCTFEnvelope(_ image: ImageData.Image2D) -> ImageData.Image2D {
        guard let env = ctfEnvelope else { return image }
        var f = FFT2D.forward(image)
        for j in 0..<f.ny {
            let ky = Double(f.ky(j))
            for i in 0..<f.hx {
                let r: Double = (Double(i * i) + ky * ky).squareRoot()
                let k: Int = min(Int(r), env.count - 2)
                let t: Double = min(1, r - Double(k))
                let gain: Double = env[k] * (1 - t) + env[k + 1] * t
                f.data[i + f.hx * j] *= Float(gain)
            }
        }
        return FFT2D.inverse(f)
    }

    /// Particles of class c (0-based), as indices into `rows`.
    public func members(of c: Int) -> [Int] { classOf.indices.filter { classOf[$0] == c } }

    /// The prepared images of class c rotated and shifted onto it (made on demand: the images are held once,
    /// unaligned).
    public func alignedMembers(of c: Int) -> [ImageData.Image2D] {
        members(of: c).map { InPlaneAligner.apply(alignments[$0], to: images[$0]) }
    }

    /// Circle of radius 0.45 box: the region compared and analysed.
    public var mask: CircularMask { CircularMask(size: box, radiusPx: 0.45 * Double(box)) }
}

enum Level3Input {
    /// Level 3 sections that share the preparation; it is released when those of them that the report runs
    /// have finished (Level3Cache.expect).
    public static let sectionIDs: Set<String> = ["3.a", "3.b", "3.c"]
    /// Particles aligned by default (a seeded random subset; --max-particles overrides it).
    /// 5,000 so that 50 classes hold about 100 particles each: the core analysis of a class of a few tens of
    /// particles is biased (docs/methods.md "3.a").
    static let defaultParticles = 5000
    /// Largest working box (pixels).
    static let maxWorkingBox = 64

    /// The shared preparation, or why Level 3 does not apply.
    static func alignment(_ context: AnalysisContext) throws -> Level3Alignment {
        guard let p = context.particles, let table = p.table else {
            throw SectionError.notApplicable("no particles given (--particles PARTICLES.star)")
        }
        guard let l2 = context.level2 else {
            throw SectionError.notApplicable("Level 3 compares the particles with the user's 2D classes, and none were given (--classes CLASSES.mrcs)")
        }
        let used = p.subset(default: defaultParticles)
        return try l2.level3Cache.value(key: "\(p.starPath)|\(used.count)|\(context.map.nx)") {
            try prepare(p, table, l2.classes, rows: used)
        }
    }

    static func prepare(_ p: ParticleInput, _ table: ParticleTable, _ c: ClassAverages, rows: [Int]) throws -> Level3Alignment {
        let (w, px) = WorkingSampling.cropped(box: c.resampled[0].nx, pixelA: c.resampled[0].pixelSizeA, maxBox: maxWorkingBox)
        let classes = c.resampled.map { standardised($0.nx == w ? $0 : $0.fourierResampled(to: w)) }
        let images = try Level3Images.prepared(p, table, rows: rows, pixelSizeA: px, box: w)
        let k = classes.count
        let byNumber = rows.allSatisfy { table.particles[$0].classNumber != nil }
        let maxShift = max(1, w / 8)
        let aligner = InPlaneAligner(references: classes, maxShiftPx: maxShift)
        var keep: [Int] = [], classOf: [Int] = []
        for (i, r) in rows.enumerated() {
            if byNumber {
                let number = table.particles[r].classNumber!
                guard (1...k).contains(number) else { continue }
                classOf.append(number - 1)
            } else {
                classOf.append(-1)
            }
            keep.append(i)
        }
        let kept = keep, given = classOf
        let results = ReferenceFreeClassification.parallelMap(kept.count) { j -> (Int, InPlaneAlignment) in
            let img = images[kept[j]]
            if byNumber { return (given[j], aligner.align(img, to: given[j])) }
            let best = aligner.alignBest(img)
            return (best.reference, best.alignment)
        }
        return Level3Alignment(box: w, pixelSizeA: px, classes: classes, rows: keep.map { rows[$0] },
                               images: keep.map { images[$0] }, classOf: results.map(\.0), alignments: results.map(\.1),
                               assignment: byNumber ? .classNumber : .bestCorrelation,
                               outsideStack: rows.count - keep.count, particlesTotal: p.totalCount,
                               maxParticlesGiven: p.maxParticles != nil,
                               phaseFlipped: rows.allSatisfy { table.particles[$0].ctf != nil }, maxShiftPx: maxShift,
                               ctfEnvelope: envelope(table, keep.map { rows[$0] }, box: w, pixelSizeA: px))
    }

    /// Mean |CTF| over the particles, per ring radius 0 … box/2, with each particle's mean defocus (nil when a
    /// particle has no CTF parameters).
    static func envelope(_ table: ParticleTable, _ rows: [Int], box w: Int, pixelSizeA px: Double) -> [Double]? {
        guard !rows.isEmpty, rows.allSatisfy({ table.particles[$0].ctf != nil }) else { return nil }
        var env = [Double](repeating: 0, count: w / 2 + 1)
        for r in rows {
            var p = table.particles[r].ctf!
            let mean = (p.defocusUA + p.defocusVA) / 2
            p.defocusUA = mean; p.defocusVA = mean
            let ctf = CTF(p)
            for k in 0..<env.count { env[k] += abs(ctf.value(sx: Double(k) / (Double(w) * px), sy: 0)) }
        }
        return env.map { $0 / Double(rows.count) }
    }

    static func standardised(_ img: ImageData.Image2D) -> ImageData.Image2D {
        let (m, s) = img.meanAndStd
        var out = img
        let scale = s > 0 ? Float(1 / s) : 1
        for i in 0..<out.data.count { out.data[i] = (out.data[i] - Float(m)) * scale }
        return out
    }

    /// Called by each Level 3 section when it ends (however it ends): the preparation is released after the
    /// last one.
    static func finished(_ id: String, _ context: AnalysisContext) {
        context.level2?.level3Cache.finished(id)
    }

    /// Metrics every Level 3 section repeats so that its text can say what was used.
    static func commonMetrics(_ a: Level3Alignment) -> [String: JSONValue] {
        var m: [String: JSONValue] = [
            "particles_used": .int(a.rows.count), "particles_total": .int(a.particlesTotal),
            "particles_default": .int(defaultParticles), "max_particles_given": .bool(a.maxParticlesGiven),
            "particles_outside_stack": .int(a.outsideStack), "assignment": .string(a.assignment.rawValue),
            "assigned_by_class_number": .bool(a.assignment == .classNumber),
            "working_box_px": .int(a.box), "working_pixel_size_A": .number(a.pixelSizeA),
            "max_shift_A": .number(Double(a.maxShiftPx) * a.pixelSizeA), "phase_flipped": .bool(a.phaseFlipped),
        ]
        if a.outsideStack > 0 {
            m["outside_stack_note"] = .string("\(a.outsideStack) particles of the subset have an rlnClassNumber that is not an image of the class stack (\(a.classes.count) classes) and were left out")
        }
        return m
    }
}

enum Level3Images {
    /// Particle images at `rows`, phase-flipped with their CTF (when the STAR gives one), resampled to
    /// `pixelSizeA` in a `box`² window and standardised; in parallel.
    static func prepared(_ p: ParticleInput, _ table: ParticleTable, rows: [Int], pixelSizeA px: Double,
                         box w: Int) throws -> [ImageData.Image2D] {
        let out = ChunkedResults<ImageData.Image2D>(count: rows.count)
        try out.fill(chunks: Parallel.workers) { k in
            let q = table.particles[rows[k]]
            var img = try p.particleImage(rows[k])
            if let ctf = q.ctf { img = CTF(ctf).phaseFlip(img) }
            return Level3Input.standardised(img.resampled(pixelSizeA: px, box: w))
        }
        return try out.values()
    }
}

/// A value computed once per key under a lock (concurrent sections wait for the first computation), held until
/// every Level 3 section expected to use it has finished.
public final class Level3Cache: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [String: Result<Level3Alignment, Error>] = [:]
    private var pending = Level3Input.sectionIDs
    public init() {}

    func value(key: String, _ make: () throws -> Level3Alignment) throws -> Level3Alignment {
        lock.lock(); defer { lock.unlock() }
        if let v = values[key] { return try v.get() }
        let r = Result { try make() }
        values[key] = r
        return try r.get()
    }

    /// The Level 3 sections the report runs (by default all of them).
    func expect(_ ids: [String]) {
        lock.lock(); defer { lock.unlock() }
        pending = Level3Input.sectionIDs.intersection(ids)
    }

    /// Section `id` no longer needs the preparation; after the last expected one, it is released.
    func finished(_ id: String) {
        lock.lock(); defer { lock.unlock() }
        pending.remove(id)
        if pending.isEmpty { values.removeAll() }
    }

    /// Whether nothing is held (after the last Level 3 section).
    var isEmpty: Bool { lock.lock(); defer { lock.unlock() }; return values.isEmpty }
}
