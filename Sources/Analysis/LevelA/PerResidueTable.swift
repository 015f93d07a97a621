// Per-residue Level A values for the companion CSV: correlation (A.a), atom inclusion at T (A.b), mean
// Q-score (A.d) and the EMRinger peak (A.e). Values are shared with the sections through LevelAData, so
// calling this after the sections costs nothing extra.
import Foundation
import MapIO
import ModelIO

public struct LevelAResidueRow: Codable, Sendable, Equatable {
    public var chain: String
    public var residueNumber: Int
    public var insertionCode: String
    public var residueName: String
    public var heavyAtoms: Int
    /// Map–model correlation around the residue (nil: fewer than 2 voxels in the box).
    public var cc: Double?
    /// Fraction of heavy atoms with a map value ≥ T.
    public var inclusion: Double?
    public var qScore: Double?
    /// χ1 (degrees) of the density peak, for residues EMRinger scans.
    public var emringerPeakChi1Deg: Double?
    public var emringerRotameric: Bool?
}

public enum LevelAPerResidue {
    /// One row per residue, in model order. Throws notApplicable without a model.
    public static func table(_ context: AnalysisContext) throws -> [LevelAResidueRow] {
        let data = try LevelAData.of(context)
        let cc = MapModelAgreementSection.residueCorrelations(data: data, map: context.map)
        let inc = AtomInclusionSection.residueInclusion(data: data, map: context.map, threshold: context.threshold)
        let q = QScoreSection.residueScores(data: data, map: context.map)
        var ringer: [Int: EMRinger.ResidueScan] = [:]
        for s in EMRingerSection.scans(data: data, map: context.map) { ringer[s.residue] = s }
        return data.residues.enumerated().map { (i, r) in
            LevelAResidueRow(chain: r.chain, residueNumber: r.number, insertionCode: r.insertionCode, residueName: r.name,
                             heavyAtoms: r.atoms.count, cc: cc[i], inclusion: inc[i], qScore: q[i],
                             emringerPeakChi1Deg: ringer[i]?.peakDeg, emringerRotameric: ringer[i]?.rotameric)
        }
    }

    /// CSV text (header line, then one line per residue; empty fields for values that are not defined).
    public static func csv(_ rows: [LevelAResidueRow]) -> String {
        func f(_ v: Double?) -> String { v.map { String(format: "%.4f", $0) } ?? "" }
        func q(_ s: String) -> String { s.contains(",") || s.contains("\"") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s }
        var out = "chain,residue_number,insertion_code,residue_name,heavy_atoms,cc,inclusion,q_score,emringer_peak_chi1_deg,emringer_rotameric\n"
        for r in rows {
            out += [q(r.chain), String(r.residueNumber), q(r.insertionCode), q(r.residueName), String(r.heavyAtoms),
                    f(r.cc), f(r.inclusion), f(r.qScore), r.emringerPeakChi1Deg.map { String(format: "%.0f", $0) } ?? "",
                    r.emringerRotameric.map { $0 ? "1" : "0" } ?? ""].joined(separator: ",") + "\n"
        }
        return out
    }
}

/// The Level A sections in report order.
public enum LevelASections {
    public static let all: [any Section] = [AtomicModelSection(), FitCheckSection(), MapModelAgreementSection(),
                                            AtomInclusionSection(), MapModelGuinierSection(), QScoreSection(),
                                            EMRingerSection()]
}
