// 3.c Our own reference-free 2D classification: iterative multi-reference alignment (van Heel & Stöffler-
// Meilicke 1985; Penczek, Radermacher & Frank 1992; the classical multireference scheme of Xmipp's CL2D,
// Sorzano et al. 2010) into K classes.
// - Start: K particles chosen by greedy k-means++ seeding (Arthur & Vassilvitskii 2007; the greedy variant
//   draws 2 + ⌊ln K⌋ candidates per step and keeps the best) with the distance 1 − screening score of the
//   in-plane alignment, among a seeded random sample of max(500, 10·K) particles (seeding needs a few per
//   class, not all of them), so that a report is reproducible.
// - Iteration: every particle is aligned to every reference (InPlaneAligner.alignBest on a screening bank of
//   pre-turned references) and assigned to the one it matches best; each reference becomes the average of its
//   aligned particles. A class left empty is restarted from the particle that matches its own class worst.
// - Settled (converged) when no class restarted, fewer than 5 % of the particles changed class, and every class
//   average correlates at least 0.995 with the previous iteration's (inside the circle of radius 0.45 box):
//   with noisy particles a few per cent of them, on the borders between similar views, keep changing class
//   from one iteration to the next (3–5 % for iterations on end at 60 particles per class and noise 3× the
//   signal) while the averages that 3.c compares no longer change. Neither test alone: averages of one object
//   correlate 0.98 even with 41 % of the particles changing class. At most `maxIterations`.
// The caller runs it on Fourier-cropped images (the classes only need the resolution 2D classes carry) and
// then averages the particles at its own sampling with the same alignments (`averages(of:shiftScale:)`).
import Foundation
import ImageData
import VolumeNumerics

public struct ReferenceFreeClassification: Sendable {
    /// Class averages (aligned members' mean), K of them.
    public let averages: [Image2D]
    /// Class of each particle (0-based) and its alignment onto that class's last reference.
    public let assignment: [Int]
    public let alignments: [InPlaneAlignment]
    /// Iterations run and whether the assignments settled before `maxIterations`.
    public let iterations: Int
    public let converged: Bool
    /// Fraction of the particles that changed class in each iteration (the first: 1, every particle is new).
    public let changedFractions: [Double]
    /// Per iteration, the lowest correlation of a class average with the previous iteration's (−1 in the first).
    public let averageStability: [Double]
    /// The particle each class last started from (its average when the class ends empty).
    let startedFrom: [Int]

    public var classSizes: [Int] {
        var s = [Int](repeating: 0, count: averages.count)
        for a in assignment { s[a] += 1 }
        return s
    }

    /// Particles the seeding looks at: enough for a few per class.
    static func seedingSample(count n: Int, classes k: Int) -> Int { min(n, max(500, 10 * k)) }
    /// Fraction of particles changing class below which the assignments have settled.
    public static let settledFraction = 0.05
    /// Correlation of every class average with the previous iteration's needed as well.
    public static let settledCorrelation = 0.995

    /// Classifies `images` (same size, at least `classes`) into `classes` classes.
    public init(images: [Image2D], classes k: Int, maxShiftPx: Int, maxIterations: Int = 10, seed: UInt64 = 20170101) {
        precondition(k >= 1 && images.count >= k)
        let n = images.count
        var rng = SplitMix64(seed: seed)
        // Greedy k-means++ seeding on a sample: at each step 2 + ⌊ln k⌋ candidates drawn with probability
        // ∝ (1 − best score)², keeping the one that lowers Σ(1 − best score)² most.
        let sample = ParticleSubset.indices(count: n, limit: Self.seedingSample(count: n, classes: k), seed: seed &+ 1)
        let m = sample.count
        let preparer = InPlaneAligner(references: [images[sample[0]]], maxShiftPx: maxShiftPx)
        let prepared = Self.parallelMap(m) { preparer.prepare(images[sample[$0]]) }
        func scores(_ s: Int) -> [Double] {
            let aligner = InPlaneAligner(references: [images[sample[s]]], maxShiftPx: maxShiftPx, screeningBank: true)
            return Self.parallelMap(m) { aligner.screen(prepared: prepared[$0], to: 0) }
        }
        var seeds = [Int(rng.next() % UInt64(m))]
        var bestScore = scores(seeds[0])
        let trials = 2 + Int(log(Double(k)))
        while seeds.count < k {
            let weights = bestScore.map { pow(max(0, 1 - $0), 2) }
            let total = weights.reduce(0, +)
            var best: (potential: Double, seed: Int, scores: [Double])?
            for _ in 0..<trials {
                var pick = 0
                if total > 0 {
                    var u = rng.uniform() * total
                    while pick < m - 1 && u >= weights[pick] { u -= weights[pick]; pick += 1 }
                } else {
                    pick = Int(rng.next() % UInt64(m))
                }
                let s = scores(pick)
                let potential = zip(bestScore, s).reduce(0.0) { $0 + pow(max(0, 1 - max($1.0, $1.1)), 2) }
                if best == nil || potential < best!.potential { best = (potential, pick, s) }
            }
            seeds.append(best!.seed)
            bestScore = zip(bestScore, best!.scores).map { max($0, $1) }
        }
        var startedFrom = seeds.map { sample[$0] }
        var refs = startedFrom.map { images[$0] }
        var assignment = [Int](repeating: -1, count: n)
        var alignments = [InPlaneAlignment](repeating: InPlaneAlignment(angleDeg: 0, shiftX: 0, shiftY: 0, score: 0), count: n)
        var iterations = 0, converged = false, changedFractions: [Double] = [], averageStability: [Double] = []
        let circle = CircularMask(size: images[0].nx, radiusPx: 0.45 * Double(images[0].nx))
        while iterations < maxIterations {
            iterations += 1
            let aligner = InPlaneAligner(references: refs, maxShiftPx: maxShiftPx, screeningBank: true)
            let results = Self.parallelMap(n) { aligner.alignBest(images[$0]) }
            let changed = zip(results, assignment).filter { $0.0.reference != $0.1 }.count
            changedFractions.append(Double(changed) / Double(n))
            assignment = results.map(\.reference)
            alignments = results.map(\.alignment)
            let previous = refs
            refs = Self.classAverages(images, assignment, alignments, classes: k, shiftScale: 1).enumerated().map { $1 ?? refs[$0] }
            let stability = iterations == 1 ? -1.0
                : (0..<k).map { GreyLevelFit(reference: previous[$0], image: refs[$0], mask: circle).cc }.min()!
            // Empty classes restart from the particle that matches its own class worst (not already a seed).
            var used = Set<Int>()
            for c in 0..<k where !assignment.contains(c) {
                let worst = (0..<n).filter { !used.contains($0) }.min { alignments[$0].score < alignments[$1].score }!
                used.insert(worst)
                refs[c] = images[worst]
                startedFrom[c] = worst
            }
            averageStability.append(used.isEmpty ? stability : -1)
            if used.isEmpty && Double(changed) < Self.settledFraction * Double(n) && stability >= Self.settledCorrelation {
                converged = true; break
            }
        }
        averages = refs
        self.assignment = assignment
        self.alignments = alignments
        self.iterations = iterations
        self.converged = converged
        self.changedFractions = changedFractions
        self.averageStability = averageStability
        self.startedFrom = startedFrom
    }

    /// The class averages of the same particles at another sampling (`images` in the classification's order,
    /// e.g. before Fourier cropping): the classification's rotations, its shifts times `shiftScale` (the ratio
    /// of the boxes). A class without members is the image of the particle it last started from.
    public func averages(of images: [Image2D], shiftScale: Double) -> [Image2D] {
        precondition(images.count == assignment.count)
        return Self.classAverages(images, assignment, alignments, classes: averages.count, shiftScale: shiftScale)
            .enumerated().map { $1 ?? images[startedFrom[$0]] }
    }

    /// Mean of each class's aligned members (nil for an empty class), one class per task, so that no more
    /// than one aligned image per thread is held.
    static func classAverages(_ images: [Image2D], _ assignment: [Int], _ alignments: [InPlaneAlignment], classes k: Int,
                              shiftScale: Double) -> [Image2D?] {
        var members = [[Int]](repeating: [], count: k)
        for (i, c) in assignment.enumerated() { members[c].append(i) }
        let lists = members
        return parallelMap(k) { c -> Image2D? in
            guard !lists[c].isEmpty else { return nil }
            var sum = [Double](repeating: 0, count: images[0].data.count)
            for i in lists[c] {
                var a = alignments[i]
                a.shiftX *= shiftScale; a.shiftY *= shiftScale
                let img = InPlaneAligner.apply(a, to: images[i])
                for p in 0..<sum.count { sum[p] += Double(img.data[p]) }
            }
            var out = Image2D(nx: images[0].nx, ny: images[0].ny, pixelSizeA: images[0].pixelSizeA)
            for p in 0..<sum.count { out.data[p] = Float(sum[p] / Double(lists[c].count)) }
            return out
        }
    }

    /// `body(i)` for i in 0..<count on `Parallel.workers` threads, results in order.
    public static func parallelMap<T>(_ count: Int, _ body: @Sendable (Int) -> T) -> [T] {
        let out = ChunkedResults<T>(count: count)
        // `body` does not throw, so neither do `fill` and `values`.
        try? out.fill(chunks: Parallel.workers) { body($0) }
        return (try? out.values()) ?? []
    }
}
