// 3.c Our own reference-free 2D classification: iterative multi-reference alignment (van Heel & Stöffler-
// Meilicke 1985; Penczek, Radermacher & Frank 1992; the classical multireference scheme of Xmipp's CL2D,
// Sorzano et al. 2010) into K classes.
// - Start: K particles chosen by greedy k-means++ seeding (Arthur & Vassilvitskii 2007; the greedy variant
//   draws 2 + ⌊ln K⌋ candidates per step and keeps the best) with the distance 1 − score of the in-plane
//   alignment, from a seeded generator, so that a report is reproducible.
// - Iteration: every particle is aligned to every reference (InPlaneAligner.alignBest) and assigned to the one it
//   matches best; each reference becomes the average of its aligned particles. A class left empty is restarted
//   from the particle that matches its own class worst. It stops when fewer than 0.5 % of the particles change
//   class, or after `maxIterations`.
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

    public var classSizes: [Int] {
        var s = [Int](repeating: 0, count: averages.count)
        for a in assignment { s[a] += 1 }
        return s
    }

    /// Classifies `images` (same size, at least `classes`) into `classes` classes.
    public init(images: [Image2D], classes k: Int, maxShiftPx: Int, maxIterations: Int = 10, seed: UInt64 = 20170101) {
        precondition(k >= 1 && images.count >= k)
        let n = images.count
        var rng = SplitMix64(seed: seed)
        // Greedy k-means++ seeding: at each step 2 + ⌊ln k⌋ candidates drawn with probability ∝ (1 − best score)²,
        // keeping the one that lowers Σ(1 − best score)² most (the screening score: InPlaneAligner.screen).
        func scores(_ seed: Int) -> [Double] {
            let aligner = InPlaneAligner(references: [images[seed]], maxShiftPx: maxShiftPx)
            return Self.parallelMap(n) { aligner.screen(images[$0], to: 0).score }
        }
        var seeds = [Int(rng.next() % UInt64(n))]
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
                    while pick < n - 1 && u >= weights[pick] { u -= weights[pick]; pick += 1 }
                } else {
                    pick = Int(rng.next() % UInt64(n))
                }
                let s = scores(pick)
                let potential = zip(bestScore, s).reduce(0.0) { $0 + pow(max(0, 1 - max($1.0, $1.1)), 2) }
                if best == nil || potential < best!.potential { best = (potential, pick, s) }
            }
            seeds.append(best!.seed)
            bestScore = zip(bestScore, best!.scores).map { max($0, $1) }
        }
        var refs = seeds.map { images[$0] }
        var assignment = [Int](repeating: -1, count: n)
        var alignments = [InPlaneAlignment](repeating: InPlaneAlignment(angleDeg: 0, shiftX: 0, shiftY: 0, score: 0), count: n)
        var iterations = 0, converged = false
        while iterations < maxIterations {
            iterations += 1
            let aligner = InPlaneAligner(references: refs, maxShiftPx: maxShiftPx)
            let results = Self.parallelMap(n) { aligner.alignBest(images[$0]) }
            let changed = zip(results, assignment).filter { $0.0.reference != $0.1 }.count
            assignment = results.map(\.reference)
            alignments = results.map(\.alignment)
            refs = Self.averages(images, assignment, alignments, classes: k, previous: refs)
            // Empty classes restart from the particle that matches its own class worst (not already a seed).
            var used = Set<Int>()
            for c in 0..<k where !assignment.contains(c) {
                let worst = (0..<n).filter { !used.contains($0) }.min { alignments[$0].score < alignments[$1].score }!
                used.insert(worst)
                refs[c] = images[worst]
            }
            if Double(changed) < 0.005 * Double(n) && used.isEmpty { converged = true; break }
        }
        averages = refs
        self.assignment = assignment
        self.alignments = alignments
        self.iterations = iterations
        self.converged = converged
    }

    static func averages(_ images: [Image2D], _ assignment: [Int], _ alignments: [InPlaneAlignment], classes k: Int,
                         previous: [Image2D]) -> [Image2D] {
        let aligned = parallelMap(images.count) { InPlaneAligner.apply(alignments[$0], to: images[$0]) }
        return (0..<k).map { c in
            let members = aligned.indices.filter { assignment[$0] == c }.map { aligned[$0] }
            return members.isEmpty ? previous[c] : HalfSetFRC.average(members)
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
