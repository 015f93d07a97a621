// 4.f Overfitting detection (ParticleAnalysis/OverfittingCurve.swift): half-set FSC resolution of
// reconstructions from growing subsets of the particles (3, 10, 30, 75, 100 % of those used) against the
// same numbers of pure-noise images carrying the same angles, origins and CTFs. The noise images are Gaussian
// with the standard deviation of the particle images (measured on up to 50 of them), seeded per particle.
// Warning: the noise reaches a better resolution than the particles at some size.
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

    public init() {}

    public func run(_ context: AnalysisContext) throws -> SectionResult {
        let (p, table) = try Level4Input.withAngles(context)
        let used = p.subset(default: Self.defaultParticles)
        guard used.count >= 20 else {
            throw SectionError.notApplicable("\(used.count) particles: at least 20 are needed for growing half-set reconstructions")
        }
        var sd = 0.0
        let probe = used.prefix(50)
        for i in probe {
            let img = try p.image(i)
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
        let n = p.box
        let curve = try OverfittingCurve.compute(count: used.count, box: n, pixelSizeA: p.pixelSizeA,
            particle: { k in input(k, try p.image(used[k])) },
            noise: { k in
                var rng = SplitMix64(seed: 0x4F56_4552_4649_5400 &+ UInt64(used[k]))
                return input(k, (0..<n * n).map { _ in Float(rng.gaussian() * noiseSD) })
            })
        var warnings: [String] = []
        let beaten = curve.filter { $0.noiseResolutionA <= $0.resolutionA }
        if let b = beaten.first {
            warnings.append("with \(b.particles) particles, pure noise with the same angles and CTFs reaches \(NumberText.format(b.noiseResolutionA)) Å, as good as or better than the particles (\(NumberText.format(b.resolutionA)) Å): the reconstruction may be overfitted")
        }
        let metrics: [String: JSONValue] = [
            "curve": .array(curve.map { .object(["particles": .int($0.particles), "resolution_A": .number($0.resolutionA),
                                                 "noise_resolution_A": .number($0.noiseResolutionA)]) }),
            "particles_used": .int(used.count), "particles_total": .int(p.totalCount),
            "noise_sd": .number(noiseSD), "box": .int(n), "pixel_size_A": .number(p.pixelSizeA),
            "final_resolution_A": .number(curve.last!.resolutionA), "final_noise_resolution_A": .number(curve.last!.noiseResolutionA),
        ]
        let x = curve.map { Double($0.particles) }
        let plot = LinePlot(series: [Series(label: "Particles", x: x, y: curve.map { 1 / $0.resolutionA }, style: .linePoints),
                                     Series(label: "Pure noise, same angles and CTFs", x: x, y: curve.map { 1 / $0.noiseResolutionA }, style: .linePoints)],
                            xLabel: "Number of particles", yLabel: "1 / resolution (1/Å), FSC 0.143", logX: true)
        let fig = Figure(id: "4f_overfitting",
                         caption: "Inverse half-set FSC-0.143 resolution of reconstructions from growing subsets of \(used.count) particles and from as many pure-noise images with the same angles and CTFs. Higher is better; the particles' curve should lie above the noise's and rise with the number of particles.",
                         content: .plot(plot))
        return .evaluated(self, warnings: warnings, metrics: metrics, figures: [fig])
    }
}
