// 0.h Hand: is the map's handedness flipped? (docs/methods.md "0.h"; VRS uses DeepHand, a neural network — we use none.)
//
// Method (our own): α-helices are right-handed in proteins, so the density along a helix's backbone winds
// like a right-handed screw; in a mirrored map it winds the other way.
// 1. Helix-like rods: the map Gaussian-blurred (σ = 2 Å) shows helices as rods. Inside the hard mask, among
//    the voxels in the top 30 % of the blurred density, a voxel is rod-like when the blurred map's Hessian has
//    two negative eigenvalues and a third smaller than 0.3 times the second in magnitude; its eigenvector is the
//    rod's axis. Rod voxels are taken in decreasing density, at least 6 Å apart (at most 400).
// 2. For each rod, the map (unblurred) is sampled along right- and left-handed helical paths of the α-helix
//    (radius 2.0 Å, pitch 5.4 Å, two turns), for phases every 10° and axis offsets up to 0.7 Å. S_hand is the
//    best path mean minus the mean over phases (the helical modulation); d = S_right − S_left.
// 3. Rods whose |d| exceeds 20 % of S_right + S_left vote; the value is Σ|d| of left-handed votes / Σ|d| of
//    all votes, in [0, 1]: the weighted fraction of left-handed votes, not a probability (no model of its
//    distribution is behind it); above 0.5 the hand is likely flipped (docs/methods.md, "0.h"). The votes must prefer one hand significantly
//    (two-sided binomial test against 50:50, p < 0.05); otherwise, or with fewer than 3 votes, the hand could
//    not be measured (rods of random density vote at random).
// Applies for R better than (at most) 5 Å, where the helical pitch is visible.
import Foundation
import MapIO
import VolumeNumerics

public struct HandednessResult: Sendable, Equatable {
    /// Σ|d| of left-handed votes / Σ|d| (weighted fraction of left-handed votes; not a probability):
    /// 1 = likely flipped. Nil when the votes are too few or prefer neither hand.
    public var leftHandedVoteFraction: Double?
    public var candidates: Int
    public var votesRight: Int
    public var votesLeft: Int
    /// Two-sided binomial p-value of the votes against an even split.
    public var pValue: Double
    /// Σ|d| of the right- and left-handed votes (density units).
    public var weightRight: Double = 0
    public var weightLeft: Double = 0
}

public enum HelixHandedness {
    static let blurSigmaA = 2.0
    static let radiusA = 2.0
    static let pitchA = 5.4
    static let minimumVotes = 3

    public static func measure(map: Volume, mask: [Bool], maxCandidates: Int = 400) -> HandednessResult {
        let (nx, ny, nz) = (map.nx, map.ny, map.nz)
        let t = map.voxelSize
        // 1. Blurred map: Gaussian of σ Å is the B filter of −8π²σ².
        let blurred = map.filtered(BFactorFilter(bFactorA2: -8 * .pi * .pi * blurSigmaA * blurSigmaA))
        // The mask's values, without a list of its indices (8 bytes per voxel at 512³ would be hundreds of MB).
        var lv = [Float]()
        blurred.data.withUnsafeBufferPointer { b in
            for i in 0..<mask.count where mask[i] { lv.append(b[i]) }
        }
        guard lv.count > 27 else {
            return HandednessResult(leftHandedVoteFraction: nil, candidates: 0, votesRight: 0, votesLeft: 0, pValue: 1)
        }
        lv.sort()
        let cut = lv[Int(Double(lv.count - 1) * 0.7)]
        lv = []
        struct Rod { var index: Int; var value: Float; var axis: SIMD3<Double> }
        var rods = [Rod]()
        blurred.data.withUnsafeBufferPointer { b in
            for i in 0..<mask.count where mask[i] && b[i] >= cut {
                let x = i % nx, y = (i / nx) % ny, z = i / (nx * ny)
                guard x > 0, y > 0, z > 0, x < nx - 1, y < ny - 1, z < nz - 1 else { continue }
                let sx = nx, sy = nx * ny
                let c = Double(b[i])
                let hxx = (Double(b[i + 1]) - 2 * c + Double(b[i - 1])) / (t.x * t.x)
                let hyy = (Double(b[i + sx]) - 2 * c + Double(b[i - sx])) / (t.y * t.y)
                let hzz = (Double(b[i + sy]) - 2 * c + Double(b[i - sy])) / (t.z * t.z)
                let hxy = (Double(b[i + 1 + sx]) - Double(b[i + 1 - sx]) - Double(b[i - 1 + sx]) + Double(b[i - 1 - sx])) / (4 * t.x * t.y)
                let hxz = (Double(b[i + 1 + sy]) - Double(b[i + 1 - sy]) - Double(b[i - 1 + sy]) + Double(b[i - 1 - sy])) / (4 * t.x * t.z)
                let hyz = (Double(b[i + sx + sy]) - Double(b[i + sx - sy]) - Double(b[i - sx + sy]) + Double(b[i - sx - sy])) / (4 * t.y * t.z)
                let (l, axis) = symmetricEigen(hxx, hyy, hzz, hxy, hxz, hyz)
                // l sorted ascending; rod: l0, l1 < 0 and |l2| small.
                if l.1 < 0 && abs(l.2) < 0.3 * abs(l.1) {
                    rods.append(Rod(index: i, value: b[i], axis: axis))
                }
            }
        }
        rods.sort { $0.value > $1.value }
        var chosen = [(p: SIMD3<Double>, axis: SIMD3<Double>)]()
        let minD2 = 36.0
        for r in rods {
            let p = SIMD3(Double(r.index % nx) * t.x, Double((r.index / nx) % ny) * t.y, Double(r.index / (nx * ny)) * t.z)
            if chosen.contains(where: { ($0.p - p).lengthSquared < minD2 }) { continue }
            chosen.append((p, r.axis))
            if chosen.count >= maxCandidates { break }
        }
        // 2. Helical path scores on the unblurred map.
        var votesR = 0, votesL = 0
        var wR = 0.0, wL = 0.0
        for c in chosen {
            let u = c.axis
            let e1 = normalize(abs(u.x) < 0.9 ? cross(u, SIMD3(1, 0, 0)) : cross(u, SIMD3(0, 1, 0)))
            let e2 = cross(u, e1)
            var best = [Double](repeating: -.infinity, count: 2), meanOverPhase = [Double](repeating: 0, count: 2)
            for (h, sign) in [1.0, -1.0].enumerated() {
                var bestHand = -Double.infinity, meanHand = 0.0
                for (ox, oy) in [(0.0, 0.0), (0.7, 0), (-0.7, 0), (0, 0.7), (0, -0.7)] {
                    let centre = c.p + ox * e1 + oy * e2
                    var sum = 0.0, bestHere = -Double.infinity
                    let phases = 36
                    for k in 0..<phases {
                        let phi = Double(k) * 2 * .pi / Double(phases)
                        var s = 0.0, n = 0.0
                        var tt = -pitchA
                        while tt <= pitchA + 1e-9 {
                            let th = phi + sign * 2 * .pi * tt / pitchA
                            let q = centre + radiusA * (cos(th) * e1 + sin(th) * e2) + tt * u
                            s += interpolate(map, q); n += 1
                            tt += 0.3
                        }
                        let m = s / n
                        sum += m
                        bestHere = max(bestHere, m)
                    }
                    let mean = sum / Double(phases)
                    if bestHere - mean > bestHand - meanHand { bestHand = bestHere; meanHand = mean }
                }
                best[h] = bestHand; meanOverPhase[h] = meanHand
            }
            let sR = best[0] - meanOverPhase[0], sL = best[1] - meanOverPhase[1]
            let d = sR - sL
            guard sR + sL > 0, abs(d) > 0.2 * (sR + sL) else { continue }
            if d > 0 { votesR += 1; wR += d } else { votesL += 1; wL += -d }
        }
        let votes = votesR + votesL
        let p = binomialTwoSided(votesR, votesL)
        let measured = votes >= minimumVotes && p < 0.05
        return HandednessResult(leftHandedVoteFraction: measured ? wL / (wR + wL) : nil, candidates: chosen.count,
                                votesRight: votesR, votesLeft: votesL, pValue: p, weightRight: wR, weightLeft: wL)
    }

    /// Two-sided binomial test of a split a : b against 50:50: 2·P(X ≥ max(a, b)), X ~ Bin(a + b, ½), at most 1.
    static func binomialTwoSided(_ a: Int, _ b: Int) -> Double {
        let n = a + b
        guard n > 0 else { return 1 }
        let k = max(a, b)
        var tail = 0.0
        for j in k...n {
            tail += exp(lgamma(Double(n + 1)) - lgamma(Double(j + 1)) - lgamma(Double(n - j + 1)) - Double(n) * log(2.0))
        }
        return min(1, 2 * tail)
    }

    /// Trilinear interpolation at a position in Å (voxel (0,0,0) at the origin); 0 outside the box.
    static func interpolate(_ v: Volume, _ pA: SIMD3<Double>) -> Double {
        let p = pA / v.voxelSize
        let x0 = Int.clamped(p.x, .down, to: -1...v.nx), y0 = Int.clamped(p.y, .down, to: -1...v.ny),
            z0 = Int.clamped(p.z, .down, to: -1...v.nz)
        guard x0 >= 0, y0 >= 0, z0 >= 0, x0 + 1 < v.nx, y0 + 1 < v.ny, z0 + 1 < v.nz else { return 0 }
        let fx = p.x - Double(x0), fy = p.y - Double(y0), fz = p.z - Double(z0)
        func at(_ x: Int, _ y: Int, _ z: Int) -> Double { Double(v.data[x + v.nx * (y + v.ny * z)]) }
        let c00 = at(x0, y0, z0) * (1 - fx) + at(x0 + 1, y0, z0) * fx
        let c10 = at(x0, y0 + 1, z0) * (1 - fx) + at(x0 + 1, y0 + 1, z0) * fx
        let c01 = at(x0, y0, z0 + 1) * (1 - fx) + at(x0 + 1, y0, z0 + 1) * fx
        let c11 = at(x0, y0 + 1, z0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1, z0 + 1) * fx
        return (c00 * (1 - fy) + c10 * fy) * (1 - fz) + (c01 * (1 - fy) + c11 * fy) * fz
    }

    /// Eigenvalues (ascending) of a symmetric 3×3 matrix and the unit eigenvector of the largest one
    /// (the one closest to zero for a rod, whose other two are strongly negative).
    static func symmetricEigen(_ a: Double, _ b: Double, _ c: Double, _ d: Double, _ e: Double, _ f: Double)
        -> ((Double, Double, Double), SIMD3<Double>) {
        // Matrix [[a, d, e], [d, b, f], [e, f, c]]; trigonometric solution (Smith 1961).
        let p1 = d * d + e * e + f * f
        let q = (a + b + c) / 3
        var l0: Double, l1: Double, l2: Double
        if p1 < 1e-30 {
            let s = [a, b, c].sorted(); (l0, l1, l2) = (s[0], s[1], s[2])
        } else {
            let p2 = (a - q) * (a - q) + (b - q) * (b - q) + (c - q) * (c - q) + 2 * p1
            let p = (p2 / 6).squareRoot()
            let b11 = (a - q) / p, b22 = (b - q) / p, b33 = (c - q) / p, b12 = d / p, b13 = e / p, b23 = f / p
            let det = b11 * (b22 * b33 - b23 * b23) - b12 * (b12 * b33 - b23 * b13) + b13 * (b12 * b23 - b22 * b13)
            let r = min(1, max(-1, det / 2))
            let phi = acos(r) / 3
            l2 = q + 2 * p * cos(phi)
            l0 = q + 2 * p * cos(phi + 2 * .pi / 3)
            l1 = 3 * q - l0 - l2
        }
        // Eigenvector of l2: the largest cross product of two rows of (M − l2·I).
        let r0 = SIMD3(a - l2, d, e), r1 = SIMD3(d, b - l2, f), r2 = SIMD3(e, f, c - l2)
        let cands = [cross(r0, r1), cross(r0, r2), cross(r1, r2)]
        var v = cands.max { $0.lengthSquared < $1.lengthSquared }!
        if v.lengthSquared < 1e-30 { v = SIMD3(0, 0, 1) }
        return ((l0, l1, l2), normalize(v))
    }

    static func cross(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> SIMD3<Double> {
        SIMD3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
    }
    static func normalize(_ a: SIMD3<Double>) -> SIMD3<Double> { a / max(a.lengthSquared.squareRoot(), 1e-30) }
}

fileprivate extension SIMD3 where Scalar == Double {
    var lengthSquared: Double { (self * self).sum() }
}

public struct Hand: Section {
    public let id = "0.h"
    public let title = "Hand (α-helix handedness)"
    public let reference = "α-helix templates (no neural network)"
    public static let maxResolutionA = 5.0

    public init() {}

    public func run(_ context: AnalysisContext) throws -> SectionResult {
        guard let r = context.resolution else {
            throw SectionError.notApplicable("no resolution given: the hand is judged only for maps better than 5 Å")
        }
        guard r <= Hand.maxResolutionA else {
            throw SectionError.notApplicable(String(format: "resolution %.2f Å is worse than 5 Å: the α-helix pitch is not resolved", r))
        }
        let masks = try context.masks()
        return try evaluate(HelixHandedness.measure(map: context.map, mask: masks.hard.voxels))
    }

    func evaluate(_ h: HandednessResult) throws -> SectionResult {
        guard let v = h.leftHandedVoteFraction else {
            if h.votesRight + h.votesLeft < HelixHandedness.minimumVotes {
                throw SectionError.failed("only \(h.votesRight + h.votesLeft) helix-like rods gave a clear hand (\(h.candidates) rods examined), at least \(HelixHandedness.minimumVotes) are needed")
            }
            throw SectionError.failed(String(format: "the helix-like rods prefer neither hand (%d right-handed, %d left-handed, binomial p = %.2g ≥ 0.05)", h.votesRight, h.votesLeft, h.pValue))
        }
        var warnings: [String] = []
        if v > 0.5 {
            warnings.append(String(format: "the map's hand is probably flipped (weighted fraction of left-handed votes %.2f > 0.5: most α-helix-like rods wind left-handed)", v))
        }
        let metrics: [String: JSONValue] = [
            "left_handed_vote_fraction": .number(v),
            "left_vote_weight": .number(h.weightLeft),
            "right_vote_weight": .number(h.weightRight),
            "n_rods_examined": .int(h.candidates),
            "votes_right": .int(h.votesRight),
            "votes_left": .int(h.votesLeft),
            "binomial_p_value": .number(h.pValue),
            "method": .string("density along right- vs left-handed α-helix paths (radius 2.0 Å, pitch 5.4 Å) on helix-like rods; value = weighted fraction of left-handed votes, not a probability (above 0.5: hand likely flipped)"),
        ]
        return .evaluated(self, warnings: warnings, metrics: metrics)
    }
}
