// 4.f Overfitting detection (ParticleAnalysis/OverfittingCurve.swift): half-set FSC resolution of
// reconstructions from growing subsets of the particles (3, 10, 30, 75, 100 % of those used) against the
// same numbers of pure-noise images carrying the same angles, origins and CTFs. The noise images are Gaussian
// with the standard deviation of the particle images (measured on up to 50 of them at the working sampling),
// seeded per particle.
// Warning: the noise reaches a better resolution than the particles at some size. Resolutions follow the
// project's crossing rule: a curve below 0.143 from the lowest shells gives none (null, `no_resolution`).
// Working sampling: the images are Fourier-cropped (same field of view) to a pixel of at least R/3, Nyquist at
// two thirds of the map's resolution R (half sets of a few thousand particles do not reach R, so the curves keep
// room to fall below 0.143 before Nyquist), and to at most `maxBox` pixels: the padded reconstruction holds
// (2n)³/2 complex values and weights, ~800 MB at n = 256 and 6.4 GB at the 512-pixel boxes of large complexes.
import Foundation
import ImageData
import ParticleAnalysis
import VolumeNumerics

public struct OverfittingSection: Section {
    public let id = "4.f"
    public let title = "Overfitting detection"
    public let reference = "Heymann 2015; Xmipp validate_overfitting"
    /// Particles used by default (a seeded random subset); `--max-particles` overrides it.
    public static let defaultParticles = 2000
    /// Largest working box in pixels (see the header).
    public static let maxBox = WorkingSampling.maxPaddedBox

    /// The working box (even, pixels) and pixel (Å) for particles of box `n` and pixel `pixelA`: the pixel coarsened
    /// to resolution/3 when that is coarser, the box capped at `maxBox`; the field of view n·pixel is kept.
    public static func workingSampling(box n: Int, pixelA: Double, resolutionA: Double?) -> (box: Int, pixelA: Double) {
        WorkingSampling.cropped(box: n, pixelA: pixelA, maxBox: maxBox, finestPixelA: WorkingSampling.finestPixelA(resolutionA: resolutionA), minBox: 16)
    }

    public init() {}

    public func run(_ context: AnalysisContext) throws -> SectionResult {
        let (p, table) = try Level4Input.withAngles(context)
        let used = p.subset(default: Self.defaultParticles)
        guard used.count >= 20 else {
            throw SectionError.notApplicable("\(used.count) particles: at least 20 are needed for growing half-set reconstructions")
        }
        let (n, pw) = Self.workingSampling(box: p.box, pixelA: p.pixelSizeA, resolutionA: context.resolution)
        let working: @Sendable (Int) throws -> [Float] = { i in
            let img = try p.particleImage(i)
            return n == p.box ? img.data : img.resampled(pixelSizeA: pw, box: n).data
        }
        var sd = 0.0
        let probe = used.prefix(50)
        for i in probe {
            let img = try working(i)
            let m = img.reduce(0, +) / Float(img.count)
            sd += Double((img.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Float(img.count)).squareRoot())
        }
        sd /= Double(probe.count)
        let noiseSD = sd
        let input = { (k: Int, image: [Float]) -> ReconstructionInput in
            let q = table.particles[used[k]]
            let ctf = q.ctf.map { CTF($0) }
            return ReconstructionInput(image: image, orientation: q.angles!.matrix, shiftA: SIMD2(q.originXA, q.originYA),
                                       ctf: ctf.map { c in { c.value(sx: $0, sy: $1) } })
        }
        let curve = try OverfittingCurve.compute(count: used.count, box: n, pixelSizeA: pw,
            particle: { k in input(k, try working(used[k])) },
            noise: { k in
                var rng = SplitMix64(seed: 0x4F56_4552_4649_5400 &+ UInt64(used[k]))
                return input(k, (0..<n * n).map { _ in Float(rng.gaussian() * noiseSD) })
            })
        var warnings: [String] = []
        func text(_ r: Double?) -> String { r.map { "\(NumberText.format($0)) Å" } ?? "no resolution" }
        if let b = curve.first(where: { $0.noiseMatchesParticles }) {
            warnings.append("with \(b.particles) particles, pure noise with the same angles and CTFs reaches \(text(b.noiseResolutionA)), as good as or better than the particles (\(text(b.resolutionA))): the reconstruction may be overfitted")
        }
        func value(_ r: Double?) -> JSONValue { r.map { .number($0) } ?? .null }
        let metrics: [String: JSONValue] = [
            "curve": .array(curve.map { .object(["particles": .int($0.particles), "resolution_A": value($0.resolutionA),
                                                 "noise_resolution_A": value($0.noiseResolutionA),
                                                 "no_resolution": .bool($0.resolutionA == nil), "noise_no_resolution": .bool($0.noiseResolutionA == nil),
                                                 "at_nyquist": .bool($0.atNyquist), "noise_at_nyquist": .bool($0.noiseAtNyquist)]) }),
            "particles_used": .int(used.count), "particles_total": .int(p.totalCount),
            "noise_sd": .number(noiseSD), "box": .int(n), "pixel_size_A": .number(pw),
            "particle_box": .int(p.box), "particle_pixel_size_A": .number(p.pixelSizeA), "resampled": .bool(n != p.box),
            "max_box": .int(Self.maxBox), "finest_pixel_A": value(WorkingSampling.finestPixelA(resolutionA: context.resolution)),
            "final_resolution_A": value(curve.last!.resolutionA), "final_noise_resolution_A": value(curve.last!.noiseResolutionA),
            "nyquist_A": .number(2 * pw), "box_A": .number(Double(n) * pw),
        ]
        // Curves without a resolution have no point on the plot (1/resolution would be 0: no information).
        func series(_ label: String, _ r: (OverfittingPoint) -> Double?) -> Series {
            let points = curve.compactMap { q in r(q).map { (Double(q.particles), 1 / $0) } }
            return Series(label: label, x: points.map(\.0), y: points.map(\.1), style: .linePoints)
        }
        let plot = LinePlot(series: [series("Particles") { $0.resolutionA },
                                     series("Pure noise, same angles and CTFs") { $0.noiseResolutionA }],
                            xLabel: "Number of particles", yLabel: "1 / resolution (1/Å), FSC 0.143", logX: true)
        let fig = Figure(id: "4f_overfitting",
                         caption: "Inverse half-set FSC-0.143 resolution of reconstructions from growing subsets of \(used.count) particles and from as many pure-noise images with the same angles and CTFs. Higher is better; the particles' curve should lie above the noise's and rise with the number of particles. A subset whose FSC is below 0.143 from the lowest frequencies has no resolution and no point.",
                         content: .plot(plot))
        return .evaluated(self, warnings: warnings, metrics: metrics, figures: [fig])
    }
}
