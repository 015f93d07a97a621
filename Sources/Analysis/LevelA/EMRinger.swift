// A.e EMRinger (Barad et al. 2015, Nat. Methods 12:943): side-chain density peaks against rotamer angles,
// with the conventions of the reference program (phenix.emringer, mmtbx/ringer); docs/methods.md "A.e".
//
// Residues: ARG ASN ASP CYS GLN GLU HIS LEU LYS MET PHE SER TRP TYR SEC PYL (the reference's list) with N, CA,
// CB and the χ1 γ atom (CG; OG for SER, SG for CYS, SE for SEC). The γ atom is rotated about CA–CB keeping its
// bond length and CA–CB–γ angle, χ1 = N–CA–CB–γ = 0°, 5°, …, 355°, and the map is sampled (trilinear) at each of
// the 72 positions; a residue with a position outside the map is not scanned. Its peak is the first χ1 of the
// largest value. N = the number of scanned residues.
// Thresholds (as the reference): t_i = ā + i·(M − ā)/20, i = 0…19, with ā the mean over residues of each
// residue's mean scanned density and M the largest scanned density. At t_i, the n residues whose peak value
// is strictly above t_i, m of them rotameric; the chance of a rotameric peak is 39/72 (three windows of 13
// five-degree samples each, c − 30° … c + 30° inclusive, c = 60°, 180°, 300°), so
// Z = (m − n·39/72)/√(n·(39/72)·(33/72)) (normal approximation to the binomial) and score = 10·Z/√N.
// Thresholds are taken in increasing order and the scan stops at the first with no rotameric peak (m = 0),
// as the reference does; the EMRinger score is the largest score before the stop.
// Where we differ from the reference: it counts 12 samples per window (c − 30° … c + 25°) against a chance
// rate computed for 13, and its sample k lies at χ1 = 5(k + 1)° while being binned as 5k°; we count the 13
// samples its chance rate assumes, at their true angles (docs/methods.md). Warning: score < 1.
import Foundation
import MapIO
import ModelIO

public enum EMRinger {
    static let gammaAtom: [String: String] = [
        "ARG": "CG", "ASN": "CG", "ASP": "CG", "CYS": "SG", "GLN": "CG", "GLU": "CG", "HIS": "CG", "LEU": "CG",
        "LYS": "CG", "MET": "CG", "PHE": "CG", "SER": "OG", "TRP": "CG", "TYR": "CG", "SEC": "SE", "PYL": "CG"]
    public static let stepDeg = 5.0
    /// Samples per residue (360°/5°).
    public static let samples = 72
    public static let thresholds = 20
    /// Chance of a rotameric peak: 39 of the 72 samples lie in a window.
    public static let chanceRate = 39.0 / 72.0

    public struct ResidueScan: Sendable, Equatable {
        /// Index into the residue list.
        public var residue: Int
        /// χ1 (degrees, 0–355) of the density peak and the map value there.
        public var peakDeg: Double
        public var peakValue: Double
        /// χ1 of the modelled γ atom (degrees, 0–360).
        public var modelChi1Deg: Double
        /// Mean of the 72 sampled densities.
        public var meanDensity: Double
        public var rotameric: Bool { EMRinger.isRotameric(peakDeg) }

        public init(residue: Int, peakDeg: Double, peakValue: Double, modelChi1Deg: Double, meanDensity: Double) {
            self.residue = residue; self.peakDeg = peakDeg; self.peakValue = peakValue
            self.modelChi1Deg = modelChi1Deg; self.meanDensity = meanDensity
        }

        /// The scan of one residue from its 72 densities (χ1 = 0°, 5°, …).
        public init(residue: Int, densities: [Double], modelChi1Deg: Double) {
            precondition(densities.count == EMRinger.samples, "EMRinger: 72 samples expected")
            var best = 0
            for k in 1..<densities.count where densities[k] > densities[best] { best = k }
            self.init(residue: residue, peakDeg: Double(best) * EMRinger.stepDeg, peakValue: densities[best],
                      modelChi1Deg: modelChi1Deg, meanDensity: densities.reduce(0, +) / Double(densities.count))
        }
    }

    /// The statistic at one threshold.
    public struct ThresholdScore: Sendable, Equatable {
        public var threshold: Double
        /// n: residues whose peak is above the threshold; m: those rotameric.
        public var residuesAbove: Int
        public var rotameric: Int
        public var zScore: Double
        public var score: Double
    }

    public struct Score: Sendable, Equatable {
        /// The thresholds scored, in increasing order, up to the stop (the first with no rotameric peak).
        public var perThreshold: [ThresholdScore]
        /// The reference's 20 thresholds.
        public var thresholds: [Double]
        /// Largest score (nil when even the lowest threshold has no rotameric peak).
        public var best: Double?
        public var bestThreshold: Double?
    }

    /// Within 30° (inclusive) of 60°, 180° or 300°.
    public static func isRotameric(_ deg: Double) -> Bool {
        let a = (deg.truncatingRemainder(dividingBy: 360) + 360).truncatingRemainder(dividingBy: 360)
        return [60.0, 180.0, 300.0].contains { abs(a - $0) <= 30 }
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

    /// Scans every eligible residue (all 72 positions inside the map).
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
                var densities: [Double] = []
                for step in 0..<samples {
                    let p = place(n, ca, cb, bond: bond, angle: angle, chi: Double(step) * stepDeg * .pi / 180)
                    guard let value = interpolate(m, frame, at: p) else { break }
                    densities.append(value)
                }
                guard densities.count == samples else { continue }
                out.append(ResidueScan(residue: k, densities: densities, modelChi1Deg: dihedral(n, ca, cb, gamma)))
            }
            return out
        }
    }

    /// The statistic at threshold t over N = scans.count residues: n peaks strictly above t, m rotameric,
    /// Z = (m − n·p)/√(n·p·(1 − p)) with p = 39/72, score = 10·Z/√N (0 when n = 0).
    public static func score(_ scans: [ResidueScan], threshold t: Double) -> ThresholdScore {
        let above = scans.filter { $0.peakValue > t }
        let n = Double(above.count), m = Double(above.filter(\.rotameric).count)
        let z = n > 0 ? (m - n * chanceRate) / (n * chanceRate * (1 - chanceRate)).squareRoot() : 0
        let score = scans.isEmpty ? 0 : 10 * z / Double(scans.count).squareRoot()
        return ThresholdScore(threshold: t, residuesAbove: above.count, rotameric: Int(m), zScore: z, score: score)
    }

    /// The reference's thresholds: 20 steps from the mean of the residues' mean densities to the largest peak.
    public static func referenceThresholds(_ scans: [ResidueScan]) -> [Double] {
        guard !scans.isEmpty else { return [] }
        let mean = scans.map(\.meanDensity).reduce(0, +) / Double(scans.count)
        let top = scans.map(\.peakValue).max()!
        return (0..<thresholds).map { mean + Double($0) * (top - mean) / Double(thresholds) }
    }

    /// Scores at the reference's thresholds, stopping at the first with no rotameric peak.
    public static func score(_ scans: [ResidueScan]) -> Score {
        let levels = referenceThresholds(scans)
        var rows: [ThresholdScore] = []
        for t in levels {
            let r = score(scans, threshold: t)
            if r.rotameric == 0 { break }
            rows.append(r)
        }
        let best = rows.indices.max { rows[$0].score < rows[$1].score }
        return Score(perThreshold: rows, thresholds: levels, best: best.map { rows[$0].score },
                     bestThreshold: best.map { rows[$0].threshold })
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
        let s = EMRinger.score(scans)
        let atT = EMRinger.score(scans, threshold: context.threshold)
        var metrics = data.modelMapMetrics
        metrics["emringer_score"] = JSONValue(s.best)
        metrics["best_threshold"] = JSONValue(s.bestThreshold)
        metrics["score_at_T"] = .number(atT.score)
        metrics["rotameric_fraction_at_T"] = JSONValue(atT.residuesAbove > 0 ? Double(atT.rotameric) / Double(atT.residuesAbove) : nil)
        metrics["residues_scanned"] = .int(scans.count)
        metrics["rotameric_fraction_all"] = .number(Double(scans.filter(\.rotameric).count) / Double(scans.count))
        metrics["chance_rate"] = .number(EMRinger.chanceRate)
        metrics["thresholds_scored"] = .int(s.perThreshold.count)
        metrics["any_threshold_scored"] = .bool(!s.perThreshold.isEmpty)
        metrics["thresholds_total"] = .int(s.thresholds.count)
        metrics["per_threshold"] = .array(s.perThreshold.map { r in
            .object(["threshold": .number(r.threshold), "residues_above": .int(r.residuesAbove),
                     "rotameric": .int(r.rotameric), "z_score": .number(r.zScore), "score": .number(r.score)])
        })
        metrics["min_score"] = .number(Self.minScore)
        var warnings: [String] = []
        if let best = s.best {
            if best < Self.minScore { warnings.append("the EMRinger score \(NumberText.format(best)) is below 1") }
        } else {
            warnings.append("no EMRinger score: no side-chain density peak above the lowest threshold is rotameric")
        }
        var hist = [Double](repeating: 0, count: 72)
        for x in scans { hist[Int(x.peakDeg / EMRinger.stepDeg) % 72] += 1 }
        let figures = [
            Figure(id: "ae_score_vs_threshold",
                   caption: "EMRinger score 10·Z/√N against the map threshold, at the reference's thresholds up to the first with no rotameric peak; the vertical line marks T.",
                   content: .plot(LinePlot(series: [Series(label: "EMRinger score", x: s.perThreshold.map(\.threshold),
                                                           y: s.perThreshold.map(\.score), style: .linePoints)],
                                           xLabel: "Map threshold", yLabel: "EMRinger score",
                                           xMarkers: [Marker(value: context.threshold, label: "T")],
                                           yMarkers: [Marker(value: Self.minScore, label: "1", keepInRange: true)]))),
            Figure(id: "ae_peak_chi1_histogram",
                   caption: "χ1 angle of the density peak of the \(scans.count) scanned side chains (5° bins); rotameric "
                     + "windows are 30–90°, 150–210° and 270–330° (ends included).",
                   content: .histogram(Histogram(binEdges: (0...72).map { Double($0) * 5 }, counts: hist,
                                                 xLabel: "χ1 of the peak (degrees)", yLabel: "Residues",
                                                 markers: [60, 180, 300].map { Marker(value: $0, label: "\(Int($0))°") }))),
        ]
        return .evaluated(self, warnings: warnings, metrics: metrics, figures: figures)
    }
}
