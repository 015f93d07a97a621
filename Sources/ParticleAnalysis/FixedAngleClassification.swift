// 4.e Classification without alignment: two-class 3D classification with every particle's angles, origin and
// CTF fixed, by expectation–maximisation over the class assignment (Scheres 2010's maximum-likelihood 3D
// classification with the orientations held, as RELION runs it with --skip_align).
//
// Model: particle i of class k is a_ik · CTF_i · P(V_k, A_i, o_i) (a_ik the least-squares scale, since an
// image's scale is arbitrary) plus white Gaussian noise of variance σ² per
// Fourier coefficient (frequencies 0 < |k| ≤ Nyquist of the working box). E-step: the posterior
// γ_ik ∝ π_k exp(−‖F_i − CTF_i·P_ik‖²/σ²), σ² the γ-weighted mean residual power; π_k the mean posterior.
// M-step: V_k is our CTF-weighted direct Fourier inversion (FourierReconstruction) with each particle weighted
// by γ_ik (image and CTF scaled by √γ, so the data gain γ·CTF·F and the weights γ·CTF²).
// Cross-validation: the particles are split into two fixed random halves (seeded) and each half is
// scored against the class maps reconstructed from the other half, as in gold-standard refinement. A particle
// never meets its own contribution, which would otherwise keep every particle in the class it started in.
// Start: two random halves (seeded). The class with more particles then has the less noisy map and attracts
// the others, so a homogeneous set drifts to one class, while a real second state keeps its particles.
// Damping: each E-step moves the posteriors only `damping` (0.3) of the way to their new values. Without it,
// near-hard posteriors let the two halves' classes swap (half 1 joins the class that is richer in half 2 and
// vice versa) and the classes end up as the two halves; damped, the halves move together.
// Stop: after `maxIterations` (40), or when fewer than 1 % of the particles change their most probable class
// and the class shares move by less than 0.005 between two iterations (from the third on), or when a class
// is empty.
// Images are brought to a working box of at most `maxBox` pixels by Fourier cropping (the same field of view).
// Memory: only the poses (angles, origin, CTF) and posteriors stay in memory, tens of bytes per particle; each
// image is read again (and cropped, transformed) when an M- or E-step needs it, so `--max-particles all` on 10⁵–10⁶
// particles holds no image per particle.
import Foundation
import ImageData
import MapIO
import VolumeNumerics

/// A particle's assigned angles, origin (RELION's, Å) and CTF: what the classification keeps per particle.
public struct ClassificationPose: Sendable {
    public var angles: EulerAngles
    public var originA: SIMD2<Double>
    public var ctf: CTF?
    public init(angles: EulerAngles, originA: SIMD2<Double>, ctf: CTF?) {
        self.angles = angles; self.originA = originA; self.ctf = ctf
    }
}

/// A particle with its image in memory (small sets and tests).
public struct ClassificationParticle: Sendable {
    public var image: Image2D
    public var pose: ClassificationPose
    public init(image: Image2D, angles: EulerAngles, originA: SIMD2<Double>, ctf: CTF?) {
        self.image = image; pose = ClassificationPose(angles: angles, originA: originA, ctf: ctf)
    }
}

public struct ClassificationResult: Sendable {
    /// Final posterior of class 0 per particle (class 1 has 1 − γ).
    public var posterior: [Double]
    /// Soft class populations (fractions) after each iteration.
    public var fractionsPerIteration: [[Double]]
    public var iterations: Int
    public var converged: Bool
    /// The class maps (average of the two halves' reconstructions) at the working sampling; nil for an empty class.
    public var classMaps: [Volume?]
    public var workingPixelA: Double
    public var fractions: [Double] { fractionsPerIteration.last ?? [1, 0] }
    /// Most probable class per particle.
    public var assignment: [Int] { posterior.map { $0 >= 0.5 ? 0 : 1 } }
}

public struct FixedAngleClassification: Sendable {
    public var maxIterations = 40
    public var maxBox = 64
    public var seed: UInt64 = 20100101
    public var damping = 0.3

    public init() {}

    public func classify(_ particles: [ClassificationParticle]) throws -> ClassificationResult {
        try classify(particles.map(\.pose)) { particles[$0].image }
    }

    /// Classifies the particles with these poses; `image(i)` gives particle i's image (all of one box and pixel
    /// size) and is called again whenever the image is needed, so it should read it (from its stack) rather than
    /// hold every image.
    public func classify(_ poses: [ClassificationPose],
                         image: @escaping @Sendable (Int) throws -> Image2D) throws -> ClassificationResult {
        precondition(poses.count >= 4, "classification needs at least 4 particles")
        let first = try image(0)
        let n = first.nx, px = first.pixelSizeA
        let (m, pw) = WorkingSampling.cropped(box: n, pixelA: px, maxBox: maxBox)
        let working: @Sendable (Int) throws -> Image2D = { i in
            let img = try image(i)
            return m == n ? img : img.resampled(pixelSizeA: pw, box: m)
        }
        let count = poses.count
        var rng = SplitMix64(seed: seed)
        func shuffled() -> [Int] {
            var order = Array(0..<count)
            for i in 0..<count { order.swapAt(i, i + Int(rng.next() % UInt64(count - i))) }
            return order
        }
        // Cross-validation halves and the starting classes: two independent seeded random halvings.
        var half = [Int](repeating: 1, count: count)
        for i in shuffled().prefix(count / 2) { half[i] = 0 }
        var gamma = [Double](repeating: 0, count: count)
        for i in shuffled().prefix(count / 2) { gamma[i] = 1 }
        var previous = gamma.map { $0 >= 0.5 }
        var fractions: [[Double]] = []
        var converged = false, iterations = 0
        var maps: [[Volume?]] = []   // [half][class]
        while iterations < maxIterations {
            iterations += 1
            // M-step: class maps per half.
            maps = try (0..<2).map { h in
                try (0..<2).map { k -> Volume? in
                    let members = (0..<count).filter { half[$0] == h && (k == 0 ? gamma[$0] : 1 - gamma[$0]) > 1e-3 }
                    guard !members.isEmpty else { return nil }
                    let weights = members.map { k == 0 ? gamma[$0] : 1 - gamma[$0] }
                    return try FourierReconstruction.reconstruct(count: members.count, box: m, pixelSizeA: pw) { j in
                        let i = members[j], s = Float(weights[j].squareRoot())
                        let p = poses[i]
                        return ReconstructionInput(image: try working(i).data.map { $0 * s }, orientation: p.angles.matrix,
                                                   shiftA: p.originA,
                                                   ctf: { sx, sy in Double(s) * (p.ctf?.value(sx: sx, sy: sy) ?? 1) })
                    }
                }
            }
            let sizes = [gamma.reduce(0, +), Double(count) - gamma.reduce(0, +)].map { $0 / Double(count) }
            if maps.contains(where: { $0.contains { $0 == nil } }) {
                fractions.append(sizes); converged = true; break
            }
            // E-step: each half against the other half's maps.
            let projectors = maps.map { $0.map { FourierProjector(volume: $0!, interpolation: .trilinear) } }
            let residuals = ChunkedResults<[Double]>(count: count)
            let side = half
            try residuals.fill { i in
                let p = poses[i], other = projectors[1 - side[i]]
                let spectrum = FFT2D.forward(try working(i)).data
                let ctf = p.ctf?.halfSpectrum(size: m, pixelSizeA: pw)
                return other.map { proj in
                    Self.residual(spectrum: spectrum, ctf: ctf, projector: proj, angles: p.angles, originA: p.originA)
                }
            }
            let r = try residuals.values()
            var sigma2 = 0.0, coefficients = 0.0
            for i in 0..<count { sigma2 += gamma[i] * r[i][0] + (1 - gamma[i]) * r[i][1] }
            coefficients = Double(count * Self.bandCount(m))
            sigma2 = max(sigma2 / coefficients, 1e-30)
            let pi0 = min(max(sizes[0], 1e-6), 1 - 1e-6)
            for i in 0..<count {
                let l0 = log(pi0) - r[i][0] / sigma2, l1 = log(1 - pi0) - r[i][1] / sigma2
                let top = max(l0, l1)
                let e0 = exp(l0 - top), e1 = exp(l1 - top)
                gamma[i] += damping * (e0 / (e0 + e1) - gamma[i])
            }
            fractions.append([gamma.reduce(0, +) / Double(count), 1 - gamma.reduce(0, +) / Double(count)])
            let now = gamma.map { $0 >= 0.5 }
            let changed = zip(now, previous).filter { $0 != $1 }.count
            previous = now
            let drift = fractions.count > 1 ? abs(fractions[fractions.count - 1][0] - fractions[fractions.count - 2][0]) : 1
            if iterations >= 3 && Double(changed) < 0.01 * Double(count) && drift < 0.005 { converged = true; break }
        }
        // Final class maps: the two halves averaged (nil where a half has no member).
        let finalMaps: [Volume?] = (0..<2).map { k in
            guard let a = maps[0][k], let b = maps[1][k] else { return nil }
            var v = a
            for j in 0..<v.data.count { v.data[j] = 0.5 * (a.data[j] + b.data[j]) }
            return v
        }
        return ClassificationResult(posterior: gamma, fractionsPerIteration: fractions, iterations: iterations,
                                    converged: converged, classMaps: finalMaps, workingPixelA: pw)
    }

    /// Number of Fourier coefficients compared per image: 0 < |k| ≤ n/2 in the half plane.
    static func bandCount(_ n: Int) -> Int {
        var c = 0
        for j in 0..<n { let ky = j < n / 2 ? j : j - n
            for i in 0...(n / 2) where i * i + ky * ky > 0 && i * i + ky * ky <= (n / 2) * (n / 2) { c += 1 } }
        return c
    }

    /// min over a of ‖F − a·CTF·P‖² over 0 < |k| ≤ n/2 (half plane), P the projection at the angles moved by
    /// −origin.
    static func residual(spectrum f: [SIMD2<Float>], ctf: [Float]?, projector: FourierProjector, angles: EulerAngles,
                         originA: SIMD2<Double>) -> Double {
        let n = projector.size, hx = n / 2 + 1, px = projector.pixelSizeA
        let s = projector.sliceSpectrum(angles, shiftX: -originA.x / px, shiftY: -originA.y / px).data
        var ff = 0.0, fm = 0.0, mm = 0.0
        for j in 0..<n {
            let ky = j < n / 2 ? j : j - n
            for i in 0..<hx {
                let r2 = i * i + ky * ky
                if r2 == 0 || r2 > (n / 2) * (n / 2) { continue }
                let o = i + hx * j
                var p = s[o]
                if let c = ctf { p *= c[o] }
                let q = f[o]
                ff += Double(q.x * q.x + q.y * q.y); fm += Double(q.x * p.x + q.y * p.y); mm += Double(p.x * p.x + p.y * p.y)
            }
        }
        // With the best scale a = ⟨F, M⟩/‖M‖² (the images' scale is arbitrary): ‖F − a·M‖².
        return ff - (mm > 0 ? fm * fm / mm : 0)
    }
}
