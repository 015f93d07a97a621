// In-plane alignment of many images against a few fixed references (Level 3: particles against their 2D
// classes, and our own multi-reference classification). The method is ImageData.Align2D's — rotation from the
// translation-invariant polar Fourier amplitudes (Penczek, Radermacher & Frank 1992), with the 180° ambiguity
// resolved by the translation search, then the shift from the FFT cross-correlation peak — with the references'
// spectra and polar features computed once and a fixed, small number of trials per pair, so that thousands of
// particles against tens of references stay affordable. No mirrors: a mirrored view is another projection
// (RELION's 2D classification does not mirror either).
//
// Conventions (as Align2D): the rotation (degrees, counter-clockwise) is applied to the image first, then the
// shift (pixels, towards +x, +y). `score` is the normalised cross-correlation over the whole box with the means
// removed, at the best shift; it ranks references, and `maskedCC` gives the correlation within a circle.
import Foundation
import ImageData
import VolumeNumerics

public struct InPlaneAlignment: Sendable, Equatable {
    /// Rotation in degrees (counter-clockwise, applied to the image first).
    public var angleDeg: Double
    /// Shift in pixels applied after the rotation.
    public var shiftX: Double, shiftY: Double
    /// Normalised cross-correlation (whole box, means removed) at this rotation and shift.
    public var score: Double

    public init(angleDeg: Double, shiftX: Double, shiftY: Double, score: Double) {
        self.angleDeg = angleDeg; self.shiftX = shiftX; self.shiftY = shiftY; self.score = score
    }
}

public struct InPlaneAligner: Sendable {
    public let size: Int
    /// Largest shift searched (pixels, radius).
    public let maxShiftPx: Int
    public let references: [Image2D]
    /// Rotations of the polar amplitude correlation tried (each with its 180° partner) in a full alignment:
    /// with noisy particles the true rotation is not always the highest peak.
    static let candidates = 4
    let polar: PolarAmplitudes
    let spectra: [[SIMD2<Float>]]
    let norms: [Double]
    let features: [[SIMD2<Float>]]
    /// With a screening bank: reference r turned by −i polar steps (i = 0 … 2·angles − 1, the whole circle),
    /// spectra one after another, and their norms.
    let bank: [[SIMD2<Float>]]?
    let bankNorms: [[Double]]?

    /// References of one square size; shifts searched within `maxShiftPx` pixels. With `screeningBank`, each
    /// reference is also held turned by every whole polar step (2·angles spectra per reference, 4 MB per
    /// reference at 32 pixels), so that screening correlates the image's own spectrum with a pre-turned
    /// reference instead of turning and transforming the image for every candidate: the best cross-correlation
    /// over shifts does not change when both images turn together (up to the corners). Only the final
    /// refinement turns the image itself, so the alignments it returns are those of the plain search.
    public init(references: [Image2D], maxShiftPx: Int, screeningBank: Bool = false) {
        precondition(!references.isEmpty && references.allSatisfy { $0.nx == references[0].nx && $0.ny == $0.nx })
        size = references[0].nx
        self.maxShiftPx = max(1, min(maxShiftPx, size / 2 - 1))
        self.references = references
        let polar = PolarAmplitudes(size: size)
        self.polar = polar
        let specs = references.map { FFT2D.forward($0).data }
        spectra = specs
        norms = specs.map { Self.norm($0, size: references[0].nx) }
        features = specs.map { s in s.withUnsafeBufferPointer { polar.features($0) } }
        if screeningBank {
            let turns = 2 * polar.angles, n = size, step = polar.stepDeg
            let built: [([SIMD2<Float>], [Double])] = ReferenceFreeClassification.parallelMap(references.count) { r in
                let ref = references[r], fill = ref.edgeMean
                var all: [SIMD2<Float>] = [], norms: [Double] = []
                all.reserveCapacity(turns * (n / 2 + 1) * n)
                for i in 0..<turns {
                    let s = FFT2D.forward(Align2D.rotated(ref, angleDeg: -Double(i) * step, fill: fill)).data
                    all += s
                    norms.append(Self.norm(s, size: n))
                }
                return (all, norms)
            }
            bank = built.map(\.0)
            bankNorms = built.map(\.1)
        } else {
            bank = nil
            bankNorms = nil
        }
    }

    /// An image's spectrum, polar features and norm, computed once for many screenings.
    public struct Prepared: Sendable {
        let spectrum: [SIMD2<Float>]
        let features: [SIMD2<Float>]
        let norm: Double
    }

    public func prepare(_ image: Image2D) -> Prepared {
        let s = FFT2D.forward(image).data
        return Prepared(spectrum: s, features: s.withUnsafeBufferPointer { polar.features($0) }, norm: Self.norm(s, size: size))
    }

    /// Screening on the bank: the `candidates` best polar rotations of the image onto reference `r` and their
    /// 180° partners, each scored by the cross-correlation peak (whole pixels) with the pre-turned reference;
    /// the best angle (degrees, to apply to the image) and its score.
    func bankScreen(_ p: Prepared, _ r: Int, candidates: Int, _ work: inout Workspace) -> (angleDeg: Double, score: Double) {
        guard let bank, let bankNorms else { preconditionFailure("InPlaneAligner built without a screening bank") }
        let turns = 2 * polar.angles, count = (size / 2 + 1) * size, n = size, maxShift = maxShiftPx
        var best = (angleDeg: 0.0, score: -2.0)
        for base in polar.bestRotations(reference: features[r], image: p.features, count: candidates) {
            let i0 = Int((base / polar.stepDeg).rounded())
            for i in [i0 % turns, (i0 + polar.angles) % turns] {
                let peak = bank[r].withUnsafeBufferPointer { b in p.spectrum.withUnsafeBufferPointer { s in
                    work.scratch.withUnsafeMutableBufferPointer { sc in work.real.withUnsafeMutableBufferPointer { re in
                        Align2D.bestShift(c: UnsafeBufferPointer(rebasing: b[i * count ..< (i + 1) * count]), p: s, n: n,
                                          maxShift: maxShift, scratch: sc, real: re).peak
                    } }
                } }
                let d = bankNorms[r][i] * p.norm
                let score = d > 0 ? peak / d : 0
                if score > best.score { best = (Double(i) * polar.stepDeg, score) }
            }
        }
        return best
    }

    /// `alignBest` on the screening bank for an image prepared once (`prepare`): every reference screened with
    /// the best polar rotation and its 180° partner, the three best-screened with the four best polar rotations
    /// (all on the bank), and the best of those refined by turning the image itself.
    public func alignBest(_ image: Image2D, prepared p: Prepared) -> (reference: Int, alignment: InPlaneAlignment) {
        var work = Workspace(size: size)
        let screened = spectra.indices.map { r in (r, bankScreen(p, r, candidates: 1, &work).score) }
        var best = (reference: 0, angleDeg: 0.0, score: -2.0)
        for (r, _) in screened.sorted(by: { $0.1 > $1.1 }).prefix(3) {
            let a = bankScreen(p, r, candidates: Self.candidates, &work)
            if a.score > best.score { best = (r, a.angleDeg, a.score) }
        }
        return (best.reference, refine(image, best.reference, evaluate(image, best.reference, angle: best.angleDeg, &work), &work))
    }

    /// The screening score of a prepared image against reference `r` on the bank.
    public func screen(prepared p: Prepared, to r: Int) -> Double {
        var work = Workspace(size: size)
        return bankScreen(p, r, candidates: 1, &work).score
    }

    /// The best rotation and shift of `image` onto reference `r`: the four best rotations of the polar
    /// amplitudes and their 180° partners, the best refined by hill-climbing on the angle.
    public func align(_ image: Image2D, to r: Int) -> InPlaneAlignment {
        var work = Workspace(size: size)
        let f = imageFeatures(image, &work)
        return refine(image, r, coarse(image, r, f, candidates: Self.candidates, &work), &work)
    }

    /// The reference that `image` matches best and the alignment onto it: every reference is screened with the
    /// best polar rotation and its 180° partner; the three best-screened references are then aligned as in
    /// `align(_:to:)` and the best kept (screening alone misses the true reference for some noisy images).
    public func alignBest(_ image: Image2D) -> (reference: Int, alignment: InPlaneAlignment) {
        if bank != nil { return alignBest(image, prepared: prepare(image)) }
        var work = Workspace(size: size)
        let f = imageFeatures(image, &work)
        let screened = spectra.indices.map { r in (r, coarse(image, r, f, candidates: 1, &work).score) }
        var best = (reference: 0, alignment: InPlaneAlignment(angleDeg: 0, shiftX: 0, shiftY: 0, score: -2))
        for (r, _) in screened.sorted(by: { $0.1 > $1.1 }).prefix(3) {
            let a = refine(image, r, coarse(image, r, f, candidates: Self.candidates, &work), &work)
            if a.score > best.alignment.score { best = (r, a) }
        }
        return best
    }

    /// The image rotated and shifted by `a` (into the reference's frame).
    public static func apply(_ a: InPlaneAlignment, to image: Image2D) -> Image2D {
        let rotated = Align2D.rotated(image, angleDeg: a.angleDeg, fill: image.edgeMean)
        return FFT2D.inverse(FFT2D.forward(rotated).phaseShifted(x: a.shiftX, y: a.shiftY))
    }

    /// Pearson correlation of the aligned image with reference `r` within `mask`.
    public func maskedCC(aligned: Image2D, reference r: Int, mask: CircularMask) -> Double {
        GreyLevelFit(reference: references[r], image: aligned, mask: mask).cc
    }

    // MARK: internals

    struct Workspace {
        var scratch: [SIMD2<Float>]
        var real: [Float]
        init(size n: Int) {
            scratch = [SIMD2<Float>](repeating: .zero, count: (n / 2 + 1) * n)
            real = [Float](repeating: 0, count: n * n)
        }
    }

    func imageFeatures(_ image: Image2D, _ work: inout Workspace) -> [SIMD2<Float>] {
        let s = FFT2D.forward(image).data
        return s.withUnsafeBufferPointer { polar.features($0) }
    }

    /// Score and shift of the image rotated by `angle` against reference `r`.
    func evaluate(_ image: Image2D, _ r: Int, angle: Double, _ work: inout Workspace) -> InPlaneAlignment {
        let rotated = Align2D.rotated(image, angleDeg: angle, fill: image.edgeMean)
        let spec = FFT2D.forward(rotated).data
        let n = size, maxShift = maxShiftPx
        let s = spectra[r].withUnsafeBufferPointer { c in spec.withUnsafeBufferPointer { p in
            work.scratch.withUnsafeMutableBufferPointer { sc in work.real.withUnsafeMutableBufferPointer { re in
                Align2D.bestShift(c: c, p: p, n: n, maxShift: maxShift, scratch: sc, real: re)
            } }
        } }
        // The peak's height at the sub-pixel shift (a parabola per axis through the integer peak and its
        // neighbours), so that angles are not favoured when they happen to bring the shift onto whole pixels.
        // Only a true local maximum is interpolated (a peak on the search window's edge keeps its height).
        func at(_ dx: Int, _ dy: Int) -> Double { Double(work.real[((dx % n) + n) % n + n * (((dy % n) + n) % n)]) / Double(n * n) }
        let bx = [Int(s.x.rounded(.down)), Int(s.x.rounded(.up))].max { at($0, Int(s.y.rounded())) < at($1, Int(s.y.rounded())) }!
        let by = [Int(s.y.rounded(.down)), Int(s.y.rounded(.up))].max { at(bx, $0) < at(bx, $1) }!
        func rise(_ m: Double, _ z: Double, _ p: Double) -> Double {
            guard z >= m && z >= p else { return 0 }
            let c = m - 2 * z + p
            return c < 0 ? -(m - p) * (m - p) / (8 * c) : 0
        }
        let z = at(bx, by)
        let peak = z + rise(at(bx - 1, by), z, at(bx + 1, by)) + rise(at(bx, by - 1), z, at(bx, by + 1))
        let denominator = norms[r] * Self.norm(spec, size: n)
        return InPlaneAlignment(angleDeg: angle, shiftX: s.x, shiftY: s.y, score: denominator > 0 ? peak / denominator : 0)
    }

    func coarse(_ image: Image2D, _ r: Int, _ f: [SIMD2<Float>], candidates: Int, _ work: inout Workspace) -> InPlaneAlignment {
        var best = InPlaneAlignment(angleDeg: 0, shiftX: 0, shiftY: 0, score: -2)
        for base in polar.bestRotations(reference: features[r], image: f, count: candidates) {
            for angle in [base, base + 180] {
                let a = evaluate(image, r, angle: angle, &work)
                if a.score > best.score { best = a }
            }
        }
        return best
    }

    /// Hill-climbing on the angle from half a polar step, halving the step down to an eighth of a polar step
    /// (about 0.35°).
    func refine(_ image: Image2D, _ r: Int, _ start: InPlaneAlignment, _ work: inout Workspace) -> InPlaneAlignment {
        var best = start, step = polar.stepDeg / 2
        while step > polar.stepDeg / 9 {
            let l = evaluate(image, r, angle: best.angleDeg - step, &work), h = evaluate(image, r, angle: best.angleDeg + step, &work)
            if l.score > best.score && l.score >= h.score { best = l } else if h.score > best.score { best = h } else { step /= 2 }
        }
        best.angleDeg = (best.angleDeg.truncatingRemainder(dividingBy: 360) + 360).truncatingRemainder(dividingBy: 360)
        return best
    }

    /// √(Σ|F|²)/n over the half spectrum without the mean (F(0,0)), each coefficient counted with its Hermitian
    /// partner: the real-space norm of the image with its mean removed (Parseval).
    static func norm(_ f: [SIMD2<Float>], size n: Int) -> Double {
        let hx = n / 2 + 1
        var s = 0.0
        for j in 0..<n {
            for i in 0..<hx where !(i == 0 && j == 0) {
                let w = (i == 0 || (n % 2 == 0 && i == n / 2)) ? 1.0 : 2.0
                let v = f[i + hx * j]
                s += w * Double(v.x * v.x + v.y * v.y)
            }
        }
        return s.squareRoot() / Double(n)
    }
}
