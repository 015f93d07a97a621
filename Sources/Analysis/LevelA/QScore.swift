// A.d Q-score (Pintilie et al. 2020, Nat. Methods 17:328): resolvability of each non-hydrogen atom.
//
// Per atom, map values are sampled (trilinear interpolation) on spheres of radius 0, 0.1, …, 2.0 Å. On a
// sphere of radius r, spiral point sets (Saff & Kuijlaars 1997) of 8, 10, 12, … points are tried (at most 50);
// a point is valid when no other heavy atom lies within 0.9·r of it (MapQ's rule: the 0.9 keeps the atom itself
// out of the search), and the first try with at least 8 valid points gives all of its valid points. When no
// try reaches 8 the atom has no sample on that sphere (MapQ's code; the shell drops out of its profile). At
// r = 0 the centre value counts 8 times, as in MapQ. The reference profile is
// g(r) = A·exp(−r²/(2σ²)) + B with σ = 0.6 Å, A = mean + 10·sd and B = mean − sd of the whole map. Q is the
// Pearson correlation (about the mean) between the sampled values and g at the same radii.
// Residue and chain Q are means over their atoms. Expected Q at resolution R: Q ≈ −0.178·R + 1.119 (same paper).
// Warnings: median Q < 0.1 (VRS's rule); mean Q more than 0.1 below the expected value.
// Figures: histogram, per-residue plots, and three views of the atoms coloured by Q (fixed range 0–1).
import Foundation
import MapIO
import ModelIO
import VolumeNumerics

public enum QScore {
    public static let sigmaA = 0.6
    public static let maxRadiusA = 2.0
    public static let stepA = 0.1
    public static let pointsPerShell = 8
    static let maxTries = 50
    /// A sphere point is dropped when another atom lies within this fraction of the radius (MapQ).
    public static let exclusionFactor = 0.9

    /// Expected average Q at resolution R (Å), Pintilie et al. 2020.
    public static func expected(resolutionA r: Double) -> Double { -0.178 * r + 1.119 }

    /// Unit spiral points on the sphere (Saff & Kuijlaars), n ≥ 2.
    static func spiral(_ n: Int) -> [SIMD3<Double>] {
        var out: [SIMD3<Double>] = []
        var phi = 0.0
        for k in 0..<n {
            let h = -1 + 2 * Double(k) / Double(n - 1)
            let theta = acos(max(-1, min(1, h)))
            if k == 0 || k == n - 1 { phi = 0 } else {
                phi = (phi + 3.6 / (Double(n) * (1 - h * h)).squareRoot()).truncatingRemainder(dividingBy: 2 * .pi)
            }
            out.append(SIMD3(sin(theta) * cos(phi), sin(theta) * sin(phi), cos(theta)))
        }
        return out
    }

    /// Q-score of every non-hydrogen atom of `positions` (nil when no sample lies inside the box).
    /// `positions` are the heavy atoms only; each atom's sphere points are tested against the others.
    public static func atomScores(positions: [SIMD3<Double>], map: Volume) -> [Double?] {
        let frame = GridFrame(map)
        var mean = 0.0, m2 = 0.0
        for v in map.data { mean += Double(v) }
        mean /= Double(map.count)
        for v in map.data { let d = Double(v) - mean; m2 += d * d }
        let sd = (m2 / Double(max(map.count - 1, 1))).squareRoot()
        let a = mean + 10 * sd, b = mean - sd
        let shells = Int((maxRadiusA / stepA).rounded()) + 1
        let radii = (0..<shells).map { Double($0) * stepA }
        let reference = radii.map { a * exp(-$0 * $0 / (2 * sigmaA * sigmaA)) + b }
        let spirals = (0..<maxTries).map { spiral(pointsPerShell + 2 * $0) }
        let neighbours = neighbourLists(positions, within: 2 * maxRadiusA)

        var scores = [Double?](repeating: nil, count: positions.count)
        let parts = chunks(positions.count, parts: levelAWorkers * 4)
        map.data.withUnsafeBufferPointer { m in
            scores.withUnsafeMutableBufferPointer { out in
                Parallel.perform(iterations: parts.count) { part in
                    for i in parts[part] {
                        let c = positions[i]
                        var sums = CorrelationSums()
                        for (s, r) in radii.enumerated() {
                            if r == 0 {
                                if let v = interpolate(m, frame, at: c) {
                                    for _ in 0..<pointsPerShell { sums.add(v, reference[s]) }
                                }
                                continue
                            }
                            var kept: [SIMD3<Double>] = []
                            let cut2 = exclusionFactor * exclusionFactor * r * r
                            for pts in spirals {
                                var valid: [SIMD3<Double>] = []
                                for u in pts {
                                    let p = c + r * u
                                    var free = true
                                    for j in neighbours[i] {
                                        let d = p - positions[j]
                                        if (d * d).sum() < cut2 { free = false; break }
                                    }
                                    if free { valid.append(p) }
                                }
                                if valid.count >= pointsPerShell { kept = valid; break }
                            }
                            for p in kept { if let v = interpolate(m, frame, at: p) { sums.add(v, reference[s]) } }
                        }
                        out[i] = sums.correlation
                    }
                }
            }
        }
        return scores
    }

    /// For each position, the indices of the other positions within `within` Å (cell-list search).
    static func neighbourLists(_ p: [SIMD3<Double>], within d: Double) -> [[Int]] {
        guard !p.isEmpty else { return [] }
        var lo = p[0]
        for q in p { lo = pointwiseMin(lo, q) }
        func cell(_ q: SIMD3<Double>) -> SIMD3<Int> {
            let c = (q - lo) / d
            return SIMD3(Int(c.x), Int(c.y), Int(c.z))
        }
        var cells: [SIMD3<Int>: [Int]] = [:]
        for (i, q) in p.enumerated() { cells[cell(q), default: []].append(i) }
        let d2 = d * d
        return p.indices.map { i in
            let c = cell(p[i])
            var out: [Int] = []
            for dz in -1...1 { for dy in -1...1 { for dx in -1...1 {
                guard let list = cells[c &+ SIMD3(dx, dy, dz)] else { continue }
                for j in list where j != i {
                    let v = p[j] - p[i]
                    if (v * v).sum() <= d2 { out.append(j) }
                }
            } } }
            return out
        }
    }
}

public struct QScoreSection: Section {
    public let id = "A.d"
    public let title = "Q-score"
    public let reference = "Pintilie et al. 2020"
    public init() {}

    public static let minMedian = 0.1
    public static let maxBelowExpected = 0.1

    /// Q per model atom (nil for hydrogens), cached per context.
    static func atomScores(data: LevelAData, map: Volume) -> [Double?] {
        data.memoized("qscore") { () -> [Double?] in
            let heavy = data.model.atoms.indices.filter { !data.model.atoms[$0].isHydrogen }
            let q = QScore.atomScores(positions: heavy.map { data.model.atoms[$0].position }, map: map)
            var out = [Double?](repeating: nil, count: data.model.atoms.count)
            for (k, i) in heavy.enumerated() { out[i] = q[k] }
            return out
        }
    }

    static func residueScores(data: LevelAData, map: Volume) -> [Double?] {
        let q = atomScores(data: data, map: map)
        return data.residues.map { r in
            let v = r.atoms.compactMap { q[$0] }
            return v.isEmpty ? nil : v.reduce(0, +) / Double(v.count)
        }
    }

    public func run(_ context: AnalysisContext) throws -> SectionResult {
        let data = try LevelAData.of(context)
        let q = Self.atomScores(data: data, map: context.map)
        let defined = q.compactMap { $0 }
        guard !defined.isEmpty else { throw SectionError.failed("no atom of the model lies inside the map box") }
        let residueQ = Self.residueScores(data: data, map: context.map)
        let mean = defined.reduce(0, +) / Double(defined.count)
        let med = median(defined)!
        var chains: [String] = []
        for r in data.residues where !chains.contains(r.chain) { chains.append(r.chain) }
        var perChain: [String: JSONValue] = [:]
        for c in chains {
            let v = data.residues.filter { $0.chain == c }.flatMap(\.atoms).compactMap { q[$0] }
            perChain[c] = v.isEmpty ? .null : .number(v.reduce(0, +) / Double(v.count))
        }
        var metrics = data.modelMapMetrics
        metrics["q_mean"] = .number(mean)
        metrics["q_median"] = .number(med)
        metrics["atoms_scored"] = .int(defined.count)
        metrics["q_per_chain"] = .object(perChain)
        metrics["q_residue_median"] = JSONValue(median(residueQ.compactMap { $0 }))
        metrics["sigma_A"] = .number(QScore.sigmaA)
        var warnings: [String] = []
        if med < Self.minMedian {
            warnings.append(String(format: "the median Q-score %.3f is below 0.1", med))
        }
        if let r = context.resolution {
            let expected = QScore.expected(resolutionA: r)
            metrics["q_expected"] = .number(expected)
            metrics["q_mean_minus_expected"] = .number(mean - expected)
            if mean < expected - Self.maxBelowExpected {
                warnings.append(String(format: "the mean Q-score %.3f is %.3f below the value expected at %.2f Å (%.3f = "
                                       + "−0.178·R + 1.119; rule: at most 0.1 below)", mean, expected - mean, r, expected))
            }
        } else {
            metrics["q_expected"] = .null
        }
        let h = histogram(defined, bins: 40)
        var figures = [Figure(id: "ad_q_histogram", caption: "Q-scores of the non-hydrogen atoms.",
                              content: .histogram(Histogram(binEdges: h.edges, counts: h.counts, xLabel: "Q-score",
                                                            yLabel: "Atoms", markers: context.resolution.map {
                                                                [Marker(value: QScore.expected(resolutionA: $0), label: "expected at R")]
                                                            } ?? [])))]
        figures += residuePlots(prefix: "ad_residue_q", residues: data.residues,
                                polymer: data.polymerResidues, values: residueQ, yLabel: "Q-score",
                                what: "Per-residue Q-score (mean over the residue's atoms)",
                                marker: context.resolution.map { Marker(value: QScore.expected(resolutionA: $0), label: "expected") },
                                yBounds: LinePlot.correlationBounds)
        LocalMapSurface.append(Self.qViews(atoms: data.model.atoms, scores: q), id: Self.viewsFigureId,
                               figures: &figures, metrics: &metrics)
        return .evaluated(self, warnings: warnings, metrics: metrics, figures: figures)
    }

    static let viewsFigureId = "ad_q_views"
    /// Colour range of the Q views: 0 (no resolvable atom-like density) to 1 (perfect match); negative Q draws as 0.
    static let viewRange = 0.0...1.0

    /// The scored atoms as van der Waals spheres coloured by their Q-score.
    static func qViews(atoms: [Atom], scores: [Double?]) -> Result<Figure, FigureUnavailable> {
        let scored = atoms.indices.filter { scores[$0] != nil }
        guard !scored.isEmpty else { return .failure(FigureUnavailable("no atom has a Q-score")) }
        let views = SurfaceViews.model(atoms: scored.map { atoms[$0] }, values: scored.map { scores[$0]! },
                                       style: .spheres, range: viewRange, colormap: "viridis", colorbarLabel: "Q-score")
        let unscored = atoms.filter { !$0.isHydrogen }.count - scored.count
        let caption = "The \(scored.count) scored non-hydrogen atoms as van der Waals spheres coloured by their Q-score "
            + "(viridis from \(NumberText.format(viewRange.lowerBound)) to \(NumberText.format(viewRange.upperBound)); "
            + "negative scores are drawn as \(NumberText.format(viewRange.lowerBound)))"
            + (unscored > 0 ? "; \(unscored) atoms without a score (outside the map box) are left out. " : ". ")
            + SurfaceViews.standardViewsCaption
        return .success(Figure(id: viewsFigureId, caption: caption, content: .surface(views)))
    }
}
