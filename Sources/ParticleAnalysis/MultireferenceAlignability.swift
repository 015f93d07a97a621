// 4.c Alignability precision and accuracy (Vargas et al. 2016, Sci Rep 6:21626, precision; Vargas et al.
// 2017, Sci Rep 7:6307, accuracy; as in Xmipp's multireference_aligneability, read to understand).
//
// Each particle is aligned against a gallery of the map's projections (directions `stepDeg` apart over the
// asymmetric unit, every in-plane angle) and the K = `candidates` best directions are kept with their
// correlations as weights. The same is done for a noise-free reference: the map's projection at the
// particle's assigned angles times its CTF. With d the angle between projection directions (the smallest over
// symmetry mates; the in-plane angle does not enter, as in the reference program):
//   spread S = Σ_{i≠j} w_i w_j d_ij / Σ_{i≠j} w_i w_j over the K best,
//   distance D = Σ_i w_i d(assigned, i) / Σ_i w_i,
//   S_noise, D_noise = the mean spread and distance of white-noise images aligned the same way (with the
//   CTFs and assigned angles of some of the particles),
//   precision = (S_noise − S_particle) / (S_noise − S_reference),
//   accuracy  = (D_noise − D_particle) / (D_noise − D_reference),
// so that 1 means "as well determined as a noise-free projection", 0 "no better than pure noise", negative
// worse. Values are clamped to [−1, 1] (the reference program leaves them unbounded and VRS drops those
// outside; clamping keeps every particle in the fractions). The denominators are floored at the gallery step
// so that a map that cannot orient even its own projections does not divide by zero.
// The reference program takes its zero from K gallery directions drawn at random (≈ 90° apart for C1). But
// the K best directions of any image, noise included, are neighbours of its best one, because neighbouring
// projections look alike at the working resolution: with that zero, pure noise scored a precision of 0.87 on
// our test phantom. Measuring the zero on noise images aligned the same way makes 0 mean what the paper says,
// "no better than noise".
//
// Alignment (our own, not Xmipp's "significant"): particles and map are brought to a working pixel of at least
// 0.4 × 8 Å (the reference program's default target resolution; frequencies up to 1/8 Å are used). The
// particle is centred by its assigned origin and multiplied by its CTF (a matched filter: Σ (CTF·F)·conj(P)
// equals the correlation with the CTF-modulated projection); particle and projections are sampled on rings
// (radius 1 … k_max frequency pixels) at `psiSteps` angles, and the correlation over every in-plane rotation is,
// per ring, the circular correlation of the real and imaginary parts, done with FFTs (rings weighted by their
// radius, the area element). The model's norm uses the ring-averaged CTF² (astigmatism neglected in the norm
// only).
import Foundation
import ImageData
import MapIO
import VolumeNumerics

public struct AlignabilityScores: Sendable, Equatable, Codable {
    public var precision: Double
    public var accuracy: Double
    /// Weighted spreads (degrees) of the particle's and the reference's best directions, and their weighted
    /// distances from the assigned direction.
    public var spreadDeg: Double, referenceSpreadDeg: Double
    public var distanceDeg: Double, referenceDistanceDeg: Double
}

public final class MultireferenceAlignability: @unchecked Sendable {
    public let symmetry: SymmetryGroup
    public let stepDeg: Double
    public let candidates: Int
    public let psiSteps: Int
    public let workingSize: Int
    public let workingPixelA: Double
    public var directionCount: Int { directions.count }
    let projector: FourierProjector
    let directions: [EulerAngles]
    let unitDirections: [SIMD3<Double>]
    let rings: [Double]
    /// Per direction, per ring: the half spectra (psiSteps/2 + 1) of the real and of the imaginary part.
    let gallery: [SIMD2<Float>]
    let galleryNorm2: [[Double]]
    var half: Int { psiSteps / 2 + 1 }
    var perDirection: Int { rings.count * 2 * half }

    /// Prepares the gallery of `map` (cubic, even box). `lowPassA`: highest frequency used (1/Å). The working
    /// pixel is at least 0.4 × lowPassA (every frequency used survives), the box at most `maxBox` (the rule of
    /// every particle section, WorkingSampling.cropped; 4.b's at the same pixel).
    public init(map: Volume, symmetry: SymmetryGroup, stepDeg: Double = 5, candidates: Int = 7, psiSteps: Int = 72,
                lowPassA: Double = 8, maxBox: Int = WorkingSampling.maxPaddedBox) {
        precondition(map.nx == map.ny && map.ny == map.nz && map.nx % 2 == 0, "MultireferenceAlignability needs a cubic map with an even edge")
        self.symmetry = symmetry; self.stepDeg = stepDeg; self.candidates = candidates; self.psiSteps = psiSteps
        let n = map.nx, px = map.voxelSize.x
        let (m, pw) = WorkingSampling.cropped(box: n, pixelA: px, maxBox: maxBox, finestPixelA: WorkingSampling.finestPixelA(lowPassA: lowPassA), minBox: 16)
        workingSize = m; workingPixelA = pw
        projector = FourierProjector(volume: WorkingSampling.map(map, box: m))
        let kMax = min(Double(m / 2 - 1), Double(m) * workingPixelA / lowPassA)
        rings = (1...max(2, Int(kMax))).map(Double.init)
        directions = symmetry.directionGrid(stepDeg: stepDeg)
        unitDirections = directions.map(\.projectionDirection)
        let count = directions.count, per = rings.count * 2 * (psiSteps / 2 + 1)
        let built = ChunkedResults<([SIMD2<Float>], [Double])>(count: count)
        let projector = self.projector, directions = self.directions, rings = self.rings
        let centre = Double(m / 2), steps = psiSteps
        try? built.fill { d in
            // Centred at the origin: a shift of −m/2 pixels cancels the projector's centre phase.
            let s = projector.sliceSpectrum(directions[d], shiftX: -centre, shiftY: -centre)
            return Self.ringFeatures(s.data, size: m, rings: rings, steps: steps)
        }
        let values = (try? built.values()) ?? []
        gallery = values.flatMap(\.0)
        galleryNorm2 = values.map(\.1)
        precondition(gallery.count == count * per, "gallery of \(count) directions")
    }

    /// Angle (degrees) between projection directions u and v, the smallest over symmetry mates Lᵀ·v.
    static func directionAngle(_ u: SIMD3<Double>, _ v: SIMD3<Double>, _ symmetry: SymmetryGroup) -> Double {
        var best = -1.0
        for l in symmetry.rotations { best = max(best, (u * l.transposed.apply(v)).sum()) }
        return acos(max(-1, min(1, best))) * 180 / .pi
    }

    /// Ring features of a half spectrum centred at the origin: per ring, the rfft along the angle of the real
    /// and imaginary parts (bilinear sampling, Hermitian symmetry for kx < 0), and per ring r·Σ_φ |F|².
    static func ringFeatures(_ f: [SIMD2<Float>], size n: Int, rings: [Double], steps: Int) -> ([SIMD2<Float>], [Double]) {
        let hx = n / 2 + 1, half = steps / 2 + 1
        func at(_ kx: Int, _ ky: Int) -> SIMD2<Float> {
            var x = kx, y = ky, conj = false
            if x < 0 { x = -x; y = -y; conj = true }
            guard x < hx, abs(y) < n / 2 else { return .zero }
            var v = f[x + hx * ((y + n) % n)]
            if conj { v.y = -v.y }
            return v
        }
        var out = [SIMD2<Float>](repeating: .zero, count: rings.count * 2 * half)
        var norms = [Double](repeating: 0, count: rings.count)
        var re = [Float](repeating: 0, count: steps), im = [Float](repeating: 0, count: steps)
        var spectrum = [SIMD2<Float>](repeating: .zero, count: half)
        for (r, radius) in rings.enumerated() {
            var power = 0.0
            for j in 0..<steps {
                let t = 2 * Double.pi * Double(j) / Double(steps)
                let kx = radius * cos(t), ky = radius * sin(t)
                let x0 = Int(kx.rounded(.down)), y0 = Int(ky.rounded(.down))
                let fx = Float(kx - Double(x0)), fy = Float(ky - Double(y0))
                let a0 = at(x0, y0) + (at(x0 + 1, y0) - at(x0, y0)) * fx
                let a1 = at(x0, y0 + 1) + (at(x0 + 1, y0 + 1) - at(x0, y0 + 1)) * fx
                let v = a0 + (a1 - a0) * fy
                re[j] = v.x; im[j] = v.y
                power += Double(v.x * v.x + v.y * v.y)
            }
            norms[r] = radius * power
            for (part, values) in [re, im].enumerated() {
                var input = values
                input.withUnsafeMutableBufferPointer { i in
                    spectrum.withUnsafeMutableBufferPointer { o in FFT2D.forward(nx: steps, ny: 1, input: i, output: o) }
                }
                for k in 0..<half { out[(r * 2 + part) * half + k] = spectrum[k] }
            }
        }
        return (out, norms)
    }

    /// The best correlation over in-plane angles for every gallery direction.
    func scores(features x: [SIMD2<Float>], imageNorm2: Double, ctf2: [Double]) -> [Double] {
        let h = half, per = perDirection, steps = psiSteps
        var z = [SIMD2<Float>](repeating: .zero, count: h)
        var c = [Float](repeating: 0, count: steps)
        return (0..<directions.count).map { d in
            for k in 0..<h { z[k] = .zero }
            var model2 = 0.0
            for r in 0..<rings.count {
                let w = Float(rings[r])
                for part in 0..<2 {
                    let o = (r * 2 + part) * h
                    for k in 0..<h {
                        let a = x[o + k], b = gallery[d * per + o + k]
                        // a·conj(b): the circular correlation Σ_φ x(φ) y(φ − ψ) after the inverse transform.
                        z[k] += SIMD2(a.x * b.x + a.y * b.y, a.y * b.x - a.x * b.y) * w
                    }
                }
                model2 += galleryNorm2[d][r] * ctf2[r]
            }
            z.withUnsafeMutableBufferPointer { i in c.withUnsafeMutableBufferPointer { o in
                FFT2D.inverseUnnormalised(nx: steps, ny: 1, input: i, output: o)
            } }
            let best = Double(c.max()!) / Double(steps)
            return best / max((imageNorm2 * model2).squareRoot(), 1e-30)
        }
    }

    /// The `candidates` best directions (indices) and their correlations.
    func best(_ s: [Double]) -> [(Int, Double)] {
        Array(s.indices.sorted { s[$0] > s[$1] }.prefix(candidates)).map { ($0, s[$0]) }
    }

    /// Image at the working sampling, centred by its origin (Å), times the CTF: its ring features and norm².
    func particleFeatures(_ image: Image2D, originA: SIMD2<Double>, ctf: CTF?) -> ([SIMD2<Float>], Double, [Double]) {
        let m = workingSize
        let img = image.resampled(pixelSizeA: workingPixelA, box: m)
        // Centre at the origin: move the content (at m/2 − origin) by −(m/2 − origin).
        var f = FFT2D.forward(img).phaseShifted(x: -Double(m / 2) + originA.x / workingPixelA,
                                                y: -Double(m / 2) + originA.y / workingPixelA)
        var ctf2 = [Double](repeating: 1, count: rings.count)
        let (_, plain) = Self.ringFeatures(f.data, size: m, rings: rings, steps: psiSteps)
        if let ctf {
            let c = ctf.halfSpectrum(size: m, pixelSizeA: workingPixelA)
            for i in 0..<f.data.count { f.data[i] *= c[i] }
            // Mean CTF² on each ring, for the model's norm.
            let step = 1 / (Double(m) * workingPixelA)
            for (r, radius) in rings.enumerated() {
                var s = 0.0
                for j in 0..<psiSteps {
                    let t = 2 * Double.pi * Double(j) / Double(psiSteps)
                    let v = ctf.value(sx: radius * cos(t) * step, sy: radius * sin(t) * step)
                    s += v * v
                }
                ctf2[r] = s / Double(psiSteps)
            }
        }
        let (x, _) = Self.ringFeatures(f.data, size: m, rings: rings, steps: psiSteps)
        return (x, plain.reduce(0, +), ctf2)
    }

    func spreadAndDistance(_ top: [(Int, Double)], assigned: SIMD3<Double>) -> (Double, Double) {
        let w = top.map { max($0.1, 1e-6) }
        var s = 0.0, sw = 0.0, d = 0.0, dw = 0.0
        for a in 0..<top.count {
            d += w[a] * Self.directionAngle(assigned, unitDirections[top[a].0], symmetry); dw += w[a]
            for b in 0..<top.count where a != b {
                let ww = w[a] * w[b]
                s += ww * Self.directionAngle(unitDirections[top[a].0], unitDirections[top[b].0], symmetry); sw += ww
            }
        }
        return (sw > 0 ? s / sw : 0, dw > 0 ? d / dw : 0)
    }

    /// Precision and accuracy of one particle (image at any sampling: it is resampled to the working one).
    public func scores(image: Image2D, angles: EulerAngles, originA: SIMD2<Double>, ctf: CTF?,
                       null: AlignabilityNull) -> AlignabilityScores {
        let assigned = angles.projectionDirection
        let (x, n2, ctf2) = particleFeatures(image, originA: originA, ctf: ctf)
        let (spread, distance) = spreadAndDistance(best(scores(features: x, imageNorm2: n2, ctf2: ctf2)), assigned: assigned)
        // The noise-free reference: the map's projection at the assigned angles, times the CTF, centred.
        var reference = projector.sliceSpectrum(angles)
        if let ctf {
            let c = ctf.halfSpectrum(size: workingSize, pixelSizeA: workingPixelA)
            for i in 0..<reference.data.count { reference.data[i] *= c[i] }
        }
        let refImage = FFT2D.inverse(reference)
        let (rx, rn2, rctf2) = particleFeatures(refImage, originA: .zero, ctf: ctf)
        let (refSpread, refDistance) = spreadAndDistance(best(scores(features: rx, imageNorm2: rn2, ctf2: rctf2)), assigned: assigned)
        func ratio(_ value: Double, _ reference: Double, _ chance: Double) -> Double {
            max(-1, min(1, (chance - value) / max(chance - reference, stepDeg)))
        }
        return AlignabilityScores(precision: ratio(spread, refSpread, null.spreadDeg),
                                  accuracy: ratio(distance, refDistance, null.distanceDeg),
                                  spreadDeg: spread, referenceSpreadDeg: refSpread,
                                  distanceDeg: distance, referenceDistanceDeg: refDistance)
    }

    /// What pure noise gives: white-noise images (seeded) with the given CTFs, aligned like the particles; the
    /// mean spread of their best directions and their mean distance from the given assigned angles.
    public func null(ctfs: [CTF?], angles: [EulerAngles], seed: UInt64 = 20160221) throws -> AlignabilityNull {
        let m = workingSize, px = workingPixelA
        let results = ChunkedResults<(Double, Double)>(count: ctfs.count)
        try results.fill { i in
            var rng = SplitMix64(seed: seed &+ UInt64(i))
            let img = Image2D(nx: m, ny: m, data: (0..<m * m).map { _ in Float(rng.gaussian()) }, pixelSizeA: px)
            let (x, n2, ctf2) = self.particleFeatures(img, originA: .zero, ctf: ctfs[i])
            return self.spreadAndDistance(self.best(self.scores(features: x, imageNorm2: n2, ctf2: ctf2)),
                                          assigned: angles[i].projectionDirection)
        }
        let all = try results.values()
        return AlignabilityNull(spreadDeg: all.map(\.0).reduce(0, +) / Double(all.count),
                                distanceDeg: all.map(\.1).reduce(0, +) / Double(all.count), images: all.count)
    }
}

/// The spread and distance (degrees) that pure noise reaches (the 0 of precision and accuracy).
public struct AlignabilityNull: Sendable, Equatable {
    public var spreadDeg: Double, distanceDeg: Double
    public var images: Int
}
