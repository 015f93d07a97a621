// 3.c Classification external consistency: our own reference-free 2D classification of the particles into as
// many classes as the user gave (ParticleAnalysis/ReferenceFreeClassification.swift; run on the particles
// Fourier-cropped to at most 32 pixels, the averages then made at the working box), then each user class is
// matched to the new class it correlates best with after in-plane alignment, and each new class to its best user
// class. The two sets of best correlations are shown as kernel densities and compared by a two-sample
// Kolmogorov–Smirnov test (exact p-value, ParticleAnalysis/KolmogorovSmirnov.swift). Warnings (VRS): a user
// class whose best new class correlates below 0.8; KS p < 0.001.
import Foundation
import ImageData
import ParticleAnalysis

public struct ExternalConsistencySection: Section {
    public let id = "3.c"
    public let title = "Classification external consistency"
    public let reference = "multi-reference alignment; Kolmogorov–Smirnov test"
    /// Particles classified by default (a seeded random subset of 3.a's; --max-particles overrides it):
    /// `particlesPerClass` per user class, at least 1,000 and at most 3.a's subset. With about 20 particles per
    /// class (the former 1,000 for 50 classes) our averages are noisy and some views merge or split, which
    /// shifts one set of best correlations against the other and brought the KS p-value of consistent
    /// simulated data down to 0.0013 (docs/methods.md "3.c").
    public static func defaultParticles(classes k: Int) -> Int {
        min(Level3Input.defaultParticles, max(1000, particlesPerClass * k))
    }
    static let particlesPerClass = 60
    /// Largest box (pixels) the classification runs at.
    static let classificationBox = 32
    static let ccLimit = 0.8
    static let pLimit = 0.001
    static let perFigure = 48

    /// Measures the particles against the classes, not the map.
    public var needsMapVariance: Bool { false }

    public init() {}

    public func run(_ context: AnalysisContext) throws -> SectionResult {
        defer { Level3Input.finished(id, context) }
        let a = try Level3Input.alignment(context)
        guard let p = context.particles else { throw SectionError.notApplicable("no particles given (--particles PARTICLES.star)") }
        let k = a.classes.count
        let position = Dictionary(uniqueKeysWithValues: a.rows.enumerated().map { ($1, $0) })
        let chosen = p.subset(default: Self.defaultParticles(classes: k)).compactMap { position[$0] }
        guard chosen.count >= 2 * k else {
            throw SectionError.notApplicable("our classification into \(k) classes needs at least \(2 * k) particles; \(chosen.count) were available")
        }
        // The classification runs on Fourier-cropped copies (a quarter of the pixels at a 64-pixel working
        // box); the averages are then made from the working-box images with the same alignments.
        let cb = min(a.box, Self.classificationBox) & ~1
        let small = ReferenceFreeClassification.parallelMap(chosen.count) {
            Level3Input.standardised(a.images[chosen[$0]].fourierResampled(to: cb))
        }
        let ours = ReferenceFreeClassification(images: small, classes: k, maxShiftPx: max(1, a.maxShiftPx * cb / a.box))
        let new = ours.averages(of: chosen.map { a.images[$0] }, shiftScale: Double(a.box) / Double(cb)).map(Level3Input.standardised)
        let mask = a.mask
        // CC after alignment of every user class (image) onto every new class (reference). The user's classes are
        // CTF-corrected and ours are averages of phase-flipped particles: the user's get the particles' mean |CTF|.
        let user = a.classes.map { Level3Input.standardised(a.withCTFEnvelope($0)) }
        let aligner = InPlaneAligner(references: new, maxShiftPx: a.maxShiftPx)
        let cc: [[Double]] = ReferenceFreeClassification.parallelMap(k) { u in
            (0..<k).map { n in
                let al = aligner.align(user[u], to: n)
                return aligner.maskedCC(aligned: InPlaneAligner.apply(al, to: user[u]), reference: n, mask: mask)
            }
        }
        let userBest = (0..<k).map { u in (0..<k).max { cc[u][$0] < cc[u][$1] }! }
        let newBest = (0..<k).map { n in (0..<k).max { cc[$0][n] < cc[$1][n] }! }
        let userCC = (0..<k).map { cc[$0][userBest[$0]] }, newCC = (0..<k).map { cc[newBest[$0]][$0] }
        let ks = KolmogorovSmirnov.twoSample(userCC, newCC)
        let sizes = ours.classSizes
        let poor = (0..<k).filter { userCC[$0] < Self.ccLimit }
        var metrics = Level3Input.commonMetrics(a)
        metrics["particles_classified"] = .int(chosen.count)
        metrics["particles_classified_default"] = .int(Self.defaultParticles(classes: k))
        metrics["classification_box_px"] = .int(cb)
        metrics["classification_pixel_size_A"] = .number(a.pixelSizeA * Double(a.box) / Double(cb))
        metrics["settled_percent"] = .number(100 * ReferenceFreeClassification.settledFraction)
        metrics["settled_correlation"] = .number(ReferenceFreeClassification.settledCorrelation)
        metrics["last_changed_percent"] = .number(100 * (ours.changedFractions.last ?? 0))
        metrics["changed_percent_per_iteration"] = .array(ours.changedFractions.map { .number(100 * $0) })
        metrics["average_stability_per_iteration"] = .array(ours.averageStability.map { .number($0) })
        metrics["classes"] = .int(k)
        metrics["iterations"] = .int(ours.iterations)
        metrics["converged"] = .bool(ours.converged)
        metrics["ks_statistic"] = .number(ks.statistic)
        metrics["ks_p_value"] = .number(ks.pValue)
        metrics["min_best_cc"] = .number(userCC.min()!)
        metrics["min_new_best_cc"] = .number(newCC.min()!)
        metrics["user_classes_below_0_8"] = .int(poor.count)
        metrics["user_best"] = .array((0..<k).map { u in
            .object(["index": .int(u + 1), "best_new_class": .int(userBest[u] + 1), "cc": .number(userCC[u]),
                     "below_limit": .bool(userCC[u] < Self.ccLimit)])
        })
        metrics["new_best"] = .array((0..<k).map { n in
            .object(["index": .int(n + 1), "best_user_class": .int(newBest[n] + 1), "cc": .number(newCC[n]), "particles": .int(sizes[n])])
        })
        var warnings: [String] = []
        if !poor.isEmpty {
            warnings.append("\(poor.count) of \(k) user classes (\(poor.map { String($0 + 1) }.joined(separator: ", "))) \(poor.count == 1 ? "correlates" : "correlate") below 0.8 with every class of our own classification (lowest \(NumberText.fixed(userCC.min()!, 2)))")
        }
        if ks.pValue < Self.pLimit {
            warnings.append("the best correlations of the user's classes and of ours differ in distribution (Kolmogorov–Smirnov p = \(NumberText.format(ks.pValue)) < 0.001)")
        }
        var figures = [densityFigure(userCC, newCC)]
        let groups = stride(from: 0, to: k, by: Self.perFigure).map { $0..<min($0 + Self.perFigure, k) }
        for (g, range) in groups.enumerated() {
            let panels = range.map { n in analysisImage(new[n], label: "\(n + 1): user \(newBest[n] + 1), \(NumberText.fixed(newCC[n], 2))") }
            figures.append(Figure(id: groups.count == 1 ? "3c_classes" : "3c_classes_\(g + 1)",
                caption: "Our classes \(range.lowerBound + 1)–\(range.upperBound) of \(k) (\(a.box)² pixels of \(NumberText.format(a.pixelSizeA)) Å), each labelled with its best-matching user class and their correlation; each on its own grey scale.",
                content: .images(ImagePanels(panels: panels, columns: 8))))
        }
        return .evaluated(self, warnings: warnings, metrics: metrics, figures: figures)
    }

    func densityFigure(_ user: [Double], _ new: [Double]) -> Figure {
        let all = user + new
        let h = max(KernelDensity.bandwidth(user), KernelDensity.bandwidth(new))
        // The range always shows the 0.8 limit.
        let lo = max(-1, min(all.min()! - 3 * h, Self.ccLimit - 0.05)), hi = min(1, max(all.max()! + 3 * h, Self.ccLimit + 0.05))
        let grid = (0..<200).map { lo + (hi - lo) * Double($0) / 199 }
        return Figure(id: "3c_density",
            caption: "Kernel densities (Gaussian kernel, Silverman's bandwidth) of the best correlation of each user class with our classes and of each of our classes with the user's; the dashed line marks 0.8.",
            content: .plot(LinePlot(series: [
                Series(label: "User classes", x: grid, y: KernelDensity.density(user, at: grid, bandwidth: KernelDensity.bandwidth(user))),
                Series(label: "Our classes", x: grid, y: KernelDensity.density(new, at: grid, bandwidth: KernelDensity.bandwidth(new)), style: .dashed),
            ], xLabel: "Best correlation", yLabel: "Density", xMarkers: [Marker(value: Self.ccLimit, label: "0.8", keepInRange: true)])))
    }
}
