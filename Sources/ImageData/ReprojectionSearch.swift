// Which projection of a map does each 2D class look like? (VRS "Level 2", after Xmipp's
// angular_projection_matching: Sorzano et al. 2004; grey-level fit as in VRS.)
//
// The map and the classes are brought to one working sampling (box ≤ `maxBox`, by Fourier cropping), and:
// 1. Screening: projection directions over the asymmetric unit (`SymmetryGroup.directionGrid`, `stepDeg`
//    apart) are compared with each class by the rotational correlation of polar Fourier amplitudes, which does
//    not depend on the class's shift; the `candidates` best directions, each with its two in-plane angles
//    (the amplitudes are Friedel-symmetric, so ψ and ψ + 180°), are scored by the normalised peak of the FFT
//    cross-correlation between the class and the central slice at (rot, tilt, psi).
// 2. Refinement: the 8 best starts are hill-climbed in psi, then the 3 best of those in (rot, tilt, psi), the
//    step halving from min(stepDeg/2, 3°) to 0.5°.
// 3. Verdict: at the best orientation and shift (sub-pixel), the Pearson correlation within a circular mask of
//    radius 0.45·box after the grey-level fit a·P + b, the residual class − (a·P + b), and the Fourier ring
//    correlation between the masked class and the fitted projection with its 0.5 crossing.
// Nothing but the central-slice spectrum of the map (68 MB at 128³) and the screening features (a few kB per
// direction) is held: projections are made on demand, buffers are per thread.
import Foundation
import MapIO
import VolumeNumerics

public struct ReprojectionMatch: Sendable {
    /// Best orientation (RELION convention) of the map for this class.
    public var angles: EulerAngles
    /// Shift (Å) applied to the projection to match the class (positive towards +x, +y).
    public var shiftXA: Double, shiftYA: Double
    /// Pearson correlation within the mask after the grey-level fit.
    public var cc: Double
    /// The class at the working sampling.
    public var classImage: Image2D
    /// a·P + b at the best orientation and shift (inside the mask; 0 outside).
    public var fittedProjection: Image2D
    /// Class − (a·P + b) inside the mask.
    public var residual: Image2D
    /// Fourier ring correlation between the masked class and the fitted projection, per shell of one
    /// frequency pixel, and the shells' frequencies in Å⁻¹ (shell 0 excluded).
    public var frc: [Double]
    public var frcFrequencyInvA: [Double]
    /// Resolution (Å) where the FRC first drops below 0.5 (linear interpolation between shells); nil if it
    /// stays above up to Nyquist.
    public var frcResolutionA: Double?
}

public final class ReprojectionSearch: @unchecked Sendable {
    public let symmetry: SymmetryGroup
    public let stepDeg: Double
    /// Working box (pixels) and pixel size (Å).
    public let workingSize: Int
    public let workingPixelA: Double
    /// The map's box and voxel size the classes must come in.
    public let mapSize: Int
    public let mapPixelA: Double
    /// Number of directions screened.
    public var directionCount: Int { directions.count }
    let projector: FourierProjector
    let directions: [EulerAngles]
    let polar: PolarAmplitudes
    let mask: CircularMask
    /// Screening features of every direction, featureCount each.
    let features: [SIMD2<Float>]
    public let candidates: Int

    /// Prepares the search on `map` (cubic box). Precondition: a cubic map.
    public init(map: Volume, symmetry: SymmetryGroup, stepDeg: Double = 5, maxBox: Int = 128, candidates: Int = 40) {
        precondition(map.nx == map.ny && map.ny == map.nz, "ReprojectionSearch needs a cubic map")
        self.symmetry = symmetry; self.stepDeg = stepDeg; self.candidates = candidates
        mapSize = map.nx; mapPixelA = map.voxelSize.x
        let (m, pw) = WorkingSampling.cropped(box: map.nx, pixelA: map.voxelSize.x, maxBox: maxBox)
        workingSize = m
        workingPixelA = pw
        projector = FourierProjector(volume: WorkingSampling.map(map, box: m), interpolation: .trilinear)
        directions = symmetry.directionGrid(stepDeg: stepDeg)
        polar = PolarAmplitudes(size: m)
        mask = CircularMask(size: m, radiusPx: 0.45 * Double(m))
        let fc = polar.featureCount
        var all = [SIMD2<Float>](repeating: .zero, count: directions.count * fc)
        let projector = self.projector, directions = self.directions, polar = self.polar
        let chunks = max(1, Parallel.workers * 4)
        all.withUnsafeMutableBufferPointer { out in
            let outBase = out.baseAddress!
            Parallel.perform(iterations: chunks) { c in
                var slice = [SIMD2<Float>](repeating: .zero, count: projector.sliceCount)
                var d = c
                while d < directions.count {
                    slice.withUnsafeMutableBufferPointer { projector.slice(directions[d], into: $0) }
                    let f = slice.withUnsafeBufferPointer { polar.features($0) }
                    for k in 0..<fc { outBase[d * fc + k] = f[k] }
                    d += chunks
                }
            }
        }
        features = all
    }

    /// A class (already at the map's pixel size and box) at the working sampling.
    public func working(_ image: Image2D) -> Image2D {
        image.nx == workingSize ? image : image.fourierResampled(to: workingSize)
    }

    /// The best match of every class (at the map's pixel size and box), in input order; classes run in parallel.
    public func match(_ classes: [Image2D]) -> [ReprojectionMatch] {
        var results = [ReprojectionMatch?](repeating: nil, count: classes.count)
        let lock = NSLock()
        Parallel.perform(iterations: classes.count) { i in
            let r = matchOne(classes[i])
            lock.lock(); results[i] = r; lock.unlock()
        }
        return results.map { $0! }
    }

    /// Per-thread work buffers.
    final class Buffers {
        var slice: [SIMD2<Float>], scratch: [SIMD2<Float>], real: [Float]
        var ringScratch: [SIMD2<Float>], ringOut: [Float]
        init(n: Int, angles: Int) {
            slice = .init(repeating: .zero, count: (n / 2 + 1) * n)
            scratch = slice
            real = .init(repeating: 0, count: n * n)
            ringScratch = .init(repeating: .zero, count: angles / 2 + 1)
            ringOut = .init(repeating: 0, count: angles)
        }
    }

    func matchOne(_ input: Image2D) -> ReprojectionMatch {
        let n = workingSize
        var image = working(input)
        image.pixelSizeA = workingPixelA
        // Background to zero outside the mask so that the box edge does not correlate.
        let bg = image.edgeMean
        var masked = Image2D(nx: n, ny: n, pixelSizeA: workingPixelA)
        for i in mask.indices { masked.data[i] = image.data[i] - bg }
        var spectrum = FFT2D.forward(masked)
        spectrum.data[0] = .zero
        let classNorm = Self.norm(spectrum.data)
        let buffers = Buffers(n: n, angles: polar.angles)
        let classFeatures = spectrum.data.withUnsafeBufferPointer { polar.features($0) }

        // 1. Screening.
        let fc = polar.featureCount
        var scored: [(score: Float, direction: Int, shiftSteps: Int)] = []
        scored.reserveCapacity(directions.count)
        features.withUnsafeBufferPointer { all in
            classFeatures.withUnsafeBufferPointer { cf in
                buffers.ringScratch.withUnsafeMutableBufferPointer { rs in
                    buffers.ringOut.withUnsafeMutableBufferPointer { ro in
                        for d in 0..<directions.count {
                            let ref = UnsafeBufferPointer(rebasing: all[(d * fc)..<((d + 1) * fc)])
                            polar.rotationalCorrelation(reference: ref, image: cf, scratch: rs, out: ro)
                            var best: Float = -.infinity, arg = 0
                            for j in 0..<polar.angles where ro[j] > best { best = ro[j]; arg = j }
                            scored.append((best, d, arg))
                        }
                    }
                }
            }
        }
        scored.sort { $0.score > $1.score }

        // 2. Refinement of the best candidates.
        func score(_ e: EulerAngles) -> (value: Double, shiftX: Double, shiftY: Double) {
            buffers.slice.withUnsafeMutableBufferPointer { projector.slice(e, into: $0) }
            buffers.slice[0] = .zero
            let pNorm = Self.norm(buffers.slice)
            guard pNorm > 0 else { return (-1, 0, 0) }
            let s = spectrum.data.withUnsafeBufferPointer { c in
                buffers.slice.withUnsafeBufferPointer { p in
                    buffers.scratch.withUnsafeMutableBufferPointer { sc in
                        buffers.real.withUnsafeMutableBufferPointer { re in
                            Align2D.bestShift(c: c, p: p, n: n, maxShift: n / 4, scratch: sc, real: re)
                        }
                    }
                }
            }
            // bestShift's peak is Σ/n²; the half-spectrum norms make this a correlation-like ratio.
            return (s.peak * Double(n * n) / (classNorm * pNorm), s.x, s.y)
        }
        func climb(_ start: EulerAngles, psiOnly: Bool) -> (EulerAngles, Double) {
            var here = start
            var best = score(here).value
            var step = min(stepDeg / 2, 3)
            while step >= 0.5 {
                var moved = false
                let deltas: [(Double, Double, Double)] = psiOnly
                    ? [(0, 0, step), (0, 0, -step)]
                    : [(step, 0, 0), (-step, 0, 0), (0, step, 0), (0, -step, 0), (0, 0, step), (0, 0, -step)]
                for d in deltas {
                    let e = EulerAngles(rot: here.rotDeg + d.0, tilt: here.tiltDeg + d.1, psi: here.psiDeg + d.2)
                    let v = score(e).value
                    if v > best { best = v; here = e; moved = true }
                }
                if !moved { step /= 2 }
            }
            return (here, best)
        }
        var starts: [(EulerAngles, Double)] = []
        for c in scored.prefix(candidates) {
            // Peak at step Δ: the class is the psi = 0 projection rotated by Δ·step counter-clockwise, which is
            // the projection at psi = −Δ·step (A = R_z(psi)·…, and R_z(psi) turns image vectors by −psi).
            let psi = -Double(c.shiftSteps) * polar.stepDeg
            let d = directions[c.direction]
            for p in [psi, psi + 180] {
                let e = EulerAngles(rot: d.rotDeg, tilt: d.tiltDeg, psi: p)
                starts.append((e, score(e).value))
            }
        }
        starts.sort { $0.1 > $1.1 }
        var refined = starts.prefix(8).map { climb($0.0, psiOnly: true) }
        refined.sort { $0.1 > $1.1 }
        var best = refined[0]
        for r in refined.prefix(3) {
            let c = climb(r.0, psiOnly: false)
            if c.1 > best.1 { best = c }
        }

        // 3. Verdict at the best orientation.
        let s = score(best.0)
        let projection = FFT2D.inverse(projector.sliceSpectrum(best.0, shiftX: s.shiftX, shiftY: s.shiftY))
        var proj = projection
        proj.pixelSizeA = workingPixelA
        let fit = GreyLevelFit(reference: proj, image: image, mask: mask)
        let fitted = fit.fitted(proj, mask: mask)
        let residual = fit.residual(proj, image, mask: mask)
        var classMasked = Image2D(nx: n, ny: n, pixelSizeA: workingPixelA)
        for i in mask.indices { classMasked.data[i] = image.data[i] }
        let frc = FourierRingCorrelation(classMasked, fitted)
        return ReprojectionMatch(angles: Self.normalised(best.0), shiftXA: s.shiftX * workingPixelA, shiftYA: s.shiftY * workingPixelA,
                                 cc: fit.cc, classImage: image, fittedProjection: fitted, residual: residual,
                                 frc: frc.values, frcFrequencyInvA: frc.frequencyInvA, frcResolutionA: frc.resolutionA(at: 0.5))
    }

    static func norm(_ f: [SIMD2<Float>]) -> Double {
        var s = 0.0
        for v in f { s += Double(v.x * v.x + v.y * v.y) }
        return s.squareRoot()
    }

    /// The same orientation with tilt in [0, 180] and rot, psi in (−180, 180].
    static func normalised(_ e: EulerAngles) -> EulerAngles { EulerAngles(matrix: e.matrix) }
}

/// Fourier ring correlation of two images of the same size (Saxton & Baumeister 1982; van Heel 1987):
/// FRC(k) = Σ Re(F1·F2*) / √(Σ|F1|² Σ|F2|²) over the ring of integer radius k (frequency pixels).
public struct FourierRingCorrelation: Sendable {
    /// FRC for shells 1 … n/2 − 1.
    public let values: [Double]
    /// Shell frequencies in Å⁻¹.
    public let frequencyInvA: [Double]

    public init(_ a: Image2D, _ b: Image2D) {
        let n = a.nx
        let fa = FFT2D.forward(a), fb = FFT2D.forward(b)
        let shells = n / 2
        var num = [Double](repeating: 0, count: shells), d1 = num, d2 = num
        for j in 0..<n {
            let ky = fa.ky(j)
            for i in 0..<fa.hx {
                let k = Int((Double(i * i + ky * ky)).squareRoot().rounded())
                guard k < shells else { continue }
                // Hermitian partners of the half spectrum counted twice except on the kx = 0 column.
                let w = i == 0 ? 1.0 : 2.0
                let u = fa.data[i + fa.hx * j], v = fb.data[i + fb.hx * j]
                num[k] += w * Double(u.x * v.x + u.y * v.y)
                d1[k] += w * Double(u.x * u.x + u.y * u.y)
                d2[k] += w * Double(v.x * v.x + v.y * v.y)
            }
        }
        values = (1..<shells).map { k in d1[k] > 0 && d2[k] > 0 ? num[k] / (d1[k] * d2[k]).squareRoot() : 0 }
        frequencyInvA = (1..<shells).map { Double($0) / (Double(n) * a.pixelSizeA) }
    }

    /// Resolution (Å) where the FRC first falls below `threshold`, interpolated between shells; nil if never.
    public func resolutionA(at threshold: Double) -> Double? {
        for k in 1..<values.count where values[k] < threshold {
            let f0 = frequencyInvA[k - 1], f1 = frequencyInvA[k], v0 = values[k - 1], v1 = values[k]
            let f = v0 == v1 ? f1 : f0 + (v0 - threshold) / (v0 - v1) * (f1 - f0)
            return 1 / f
        }
        if let v = values.first, v < threshold { return 1 / frequencyInvA[0] }
        return nil
    }
}
