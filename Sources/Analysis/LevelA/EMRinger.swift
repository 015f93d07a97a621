// A.e EMRinger (Barad et al. 2015, Nat. Methods 12:943): side-chain density peaks against rotamer angles.
//
// For each residue of ARG ASN ASP CYS GLN GLU HIS LEU LYS MET PHE SER TRP TYR (the unbranched side chains
// EMRinger scans; γ atom CG, OG for SER, SG for CYS) with N, CA, CB and γ, the γ atom is rotated about CA–CB
// keeping its bond length and CA–CB–γ angle, χ1 = N–CA–CB–γ from 0° to 355° in 5° steps, and the map is
// sampled (trilinear) at each position; the peak is the χ1 of the largest value. A peak is rotameric when it
// lies in [c − 30°, c + 30°) for c = 60°, 180° or 300° (half of all angles, so chance gives 50 %).
// For a threshold t, the n residues whose peak value ≥ t with m rotameric give Z = (2m − n)/√n and the score
// 10·Z/√N (N = all scanned residues). Thresholds: 20 levels from the map mean to the largest peak value;
// the EMRinger score is the maximum over them (the paper's optimum-threshold score). Warning: score < 1.
import Foundation
import MapIO
import ModelIO

public enum EMRinger {
    static let gammaAtom: [String: String] = [
        "ARG": "CG", "ASN": "CG", "ASP": "CG", "CYS": "SG", "GLN": "CG", "GLU": "CG", "HIS": "CG", "LEU": "CG",
        "LYS": "CG", "MET": "CG", "PHE": "CG", "SER": "OG", "TRP": "CG", "TYR": "CG"]
    public static let stepDeg = 5.0
    public static let thresholds = 20

    public struct ResidueScan: Sendable, Equatable {
        /// Index into the residue list.
        public var residue: Int
        /// χ1 (degrees, 0–355) of the density peak and the map value there.
        public var peakDeg: Double
        public var peakValue: Double
        /// χ1 of the modelled γ atom (degrees, 0–360).
        public var modelChi1Deg: Double
        public var rotameric: Bool { EMRinger.isRotameric(peakDeg) }
    }

    public struct Score: Sendable, Equatable {
        public var thresholds: [Double]
        public var scores: [Double]
        public var rotamericFractions: [Double?]
        public var counts: [Int]
        public var best: Double
        public var bestThreshold: Double
    }

    public static func isRotameric(_ deg: Double) -> Bool {
        let a = (deg.truncatingRemainder(dividingBy: 360) + 360).truncatingRemainder(dividingBy: 360)
        return [60.0, 180.0, 300.0].contains { a >= $0 - 30 && a < $0 + 30 }
    }

    /// Dihedral angle a–b–c–d in degrees, in [0, 360).
    public static func dihedral(_ a: SIMD3<Double>, _ b: SIMD3<Double>, _ c: SIMD3<Double>, _ d: SIMD3<Double>) -> Double {
        let b0 = a - b, b1 = c - b, b2 = d - c
        let n1 = b1 / length(b1)
        let v = b0 - (b0 * n1).sum() * n1, w = b2 - (b2 * n1).sum() * n1
        let x = (v * w).sum(), y = (cross(n1, v) * w).sum()
        let deg = atan2(y, x) * 180 / .pi
        return deg < 0 ? deg + 360 : deg
    }

    /// Position of d with |c–d| = bond, angle b–c–d = angle (radians) and dihedral a–b–c–d = chi (radians).
    public static func place(_ a: SIMD3<Double>, _ b: SIMD3<Double>, _ c: SIMD3<Double>,
                             bond: Double, angle: Double, chi: Double) -> SIMD3<Double> {
        let bc = (c - b) / length(c - b)
        var n = cross(b - a, bc); n /= length(n)
        let m = cross(n, bc)
        return c + bond * (-cos(angle) * bc + sin(angle) * cos(chi) * m + sin(angle) * sin(chi) * n)
    }

    /// Scans every eligible residue.
    public static func scan(model: AtomicModel, residues: [ResidueRef], map: Volume) -> [ResidueScan] {
        let frame = GridFrame(map)
        return map.data.withUnsafeBufferPointer { m in
            var out: [ResidueScan] = []
            for (k, r) in residues.enumerated() {
                guard let g = gammaAtom[r.name] else { continue }
                func pos(_ name: String) -> SIMD3<Double>? {
                    r.atoms.first { model.atoms[$0].name == name }.map { model.atoms[$0].position }
                }
                guard let n = pos("N"), let ca = pos("CA"), let cb = pos("CB"), let gamma = pos(g) else { continue }
                let bond = length(gamma - cb)
                let u = (ca - cb) / length(ca - cb), v = (gamma - cb) / bond
                let angle = acos(max(-1, min(1, (u * v).sum())))
                var best = -Double.infinity, bestDeg = 0.0
                var sampled = false
                for step in 0..<Int(360 / stepDeg) {
                    let deg = Double(step) * stepDeg
                    let p = place(n, ca, cb, bond: bond, angle: angle, chi: deg * .pi / 180)
                    guard let value = interpolate(m, frame, at: p) else { continue }
                    sampled = true
                    if value > best { best = value; bestDeg = deg }
                }
                guard sampled else { continue }
                out.append(ResidueScan(residue: k, peakDeg: bestDeg, peakValue: best,
                                       modelChi1Deg: dihedral(n, ca, cb, gamma)))
            }
            return out
        }
    }

    /// The normalised score at a threshold: 10·Z/√N with Z = (2m − n)/√n over residues with peak ≥ t.
    public static func score(_ scans: [ResidueScan], threshold t: Double) -> (score: Double, n: Int, fraction: Double?) {
        let above = scans.filter { $0.peakValue >= t }
        let n = above.count, m = above.filter(\.rotameric).count
        guard n > 0, !scans.isEmpty else { return (0, 0, nil) }
        let z = (2 * Double(m) - Double(n)) / Double(n).squareRoot()
        return (10 * z / Double(scans.count).squareRoot(), n, Double(m) / Double(n))
    }

    public static func score(_ scans: [ResidueScan], mapMean: Double) -> Score {
        let top = scans.map(\.peakValue).max() ?? mapMean
        let lo = min(mapMean, top)
        let levels = (0..<thresholds).map { lo + (top - lo) * Double($0) / Double(thresholds) }
        let results = levels.map { score(scans, threshold: $0) }
        let bestIndex = results.indices.max { results[$0].score < results[$1].score } ?? 0
        return Score(thresholds: levels, scores: results.map(\.score), rotamericFractions: results.map(\.fraction),
                     counts: results.map(\.n), best: results.isEmpty ? 0 : results[bestIndex].score,
                     bestThreshold: levels.isEmpty ? lo : levels[bestIndex])
    }
}

@inline(__always) func cross(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> SIMD3<Double> {
    SIMD3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
}

public struct EMRingerSection: Section {
    public let id = "A.e"
    public let title = "EMRinger"
    public let reference = "Barad et al. 2015"
    public init() {}
    public static let minScore = 1.0

    static func scans(data: LevelAData, map: Volume) -> [EMRinger.ResidueScan] {
        data.memoized("emringer") { EMRinger.scan(model: data.model, residues: data.residues, map: map) }
    }

    public func run(_ context: AnalysisContext) throws -> SectionResult {
        let data = try LevelAData.of(context)
        let scans = Self.scans(data: data, map: context.map)
        guard !scans.isEmpty else {
            throw SectionError.notApplicable("the model has no residue with a scannable side chain (N, CA, CB and a γ atom inside the map)")
        }
        let mean = context.map.data.reduce(0.0) { $0 + Double($1) } / Double(context.map.count)
        let s = EMRinger.score(scans, mapMean: mean)
        let atT = EMRinger.score(scans, threshold: context.threshold)
        var metrics = data.modelMapMetrics
        metrics["emringer_score"] = .number(s.best)
        metrics["best_threshold"] = .number(s.bestThreshold)
        metrics["score_at_T"] = .number(atT.score)
        metrics["rotameric_fraction_at_T"] = JSONValue(atT.fraction)
        metrics["residues_scanned"] = .int(scans.count)
        metrics["rotameric_fraction_all"] = .number(Double(scans.filter(\.rotameric).count) / Double(scans.count))
        metrics["thresholds"] = JSONValue(s.thresholds)
        metrics["scores"] = JSONValue(s.scores)
        metrics["residues_above_threshold"] = .array(s.counts.map { .int($0) })
        metrics["min_score"] = .number(Self.minScore)
        var warnings: [String] = []
        if s.best < Self.minScore {
            warnings.append(String(format: "the EMRinger score %.2f is below 1", s.best))
        }
        var hist = [Double](repeating: 0, count: 72)
        for x in scans { hist[Int(x.peakDeg / EMRinger.stepDeg) % 72] += 1 }
        let figures = [
            Figure(id: "ae_score_vs_threshold",
                   caption: "EMRinger score (10·Z/√N) against the map threshold; the vertical line marks T.",
                   content: .plot(LinePlot(series: [Series(label: "EMRinger score", x: s.thresholds, y: s.scores, style: .linePoints)],
                                           xLabel: "Map threshold", yLabel: "EMRinger score",
                                           xMarkers: [Marker(value: context.threshold, label: "T")],
                                           yMarkers: [Marker(value: Self.minScore, label: "1")]))),
            Figure(id: "ae_peak_chi1_histogram",
                   caption: "χ1 angle of the density peak of the \(scans.count) scanned side chains (5° bins); rotameric "
                     + "windows are 30–90°, 150–210° and 270–330°.",
                   content: .histogram(Histogram(binEdges: (0...72).map { Double($0) * 5 }, counts: hist,
                                                 xLabel: "χ1 of the peak (degrees)", yLabel: "Residues",
                                                 markers: [60, 180, 300].map { Marker(value: $0, label: "\(Int($0))°") }))),
        ]
        return .evaluated(self, warnings: warnings, metrics: metrics, figures: figures)
    }
}
