// Front-page values of a public-data report (`report --emdb`): what kind of report it is, and where the
// contour threshold and the resolution came from (the EMDB entry or the command line).
import Analysis
import Foundation

extension TemplateContext {
    static let publicDataKind = "Public data-based report"
    static let userDataKind = "User data-based report"

    /// report_kind, is_public_data, threshold_source, resolution_source; and for public data deposition_date,
    /// fitted_pdb_ids, header_sha256, absent_inputs.
    static func provenance(_ inputs: ReportDocument.Inputs) -> [String: Any] {
        guard let e = inputs.emdb else {
            var c: [String: Any] = ["report_kind": userDataKind, "is_public_data": false,
                                    "threshold_source": "given with --threshold"]
            if inputs.resolution != nil { c["resolution_source"] = "given with --resolution" }
            return c
        }
        var c: [String: Any] = ["report_kind": publicDataKind, "is_public_data": true, "header_sha256": e.headerSHA256]
        switch e.sources.threshold {
        case .archive:
            c["threshold_source"] = "recommended contour level of the EMDB entry"
                + (e.contourSource.map { ", chosen by \($0.uppercased() == "AUTHOR" ? "the authors" : $0)" } ?? "")
        default:
            c["threshold_source"] = "given with --threshold; "
                + (e.contourLevel.map { "the EMDB entry recommends \(NumberText.format($0))" } ?? "the EMDB entry gives none")
        }
        if inputs.resolution != nil {
            switch e.sources.resolution {
            case .archive:
                c["resolution_source"] = "reported in the EMDB entry" + (e.resolutionMethod.map { " (\($0))" } ?? "")
            default:
                c["resolution_source"] = "given with --resolution; "
                    + (e.resolutionA.map { "the EMDB entry reports \(NumberText.format($0)) Å" } ?? "the EMDB entry reports none")
            }
        }
        if let d = e.depositionDate { c["deposition_date"] = d }
        if !e.fittedPDBIDs.isEmpty { c["fitted_pdb_ids"] = e.fittedPDBIDs.map { $0.uppercased() }.joined(separator: ", ") }
        if !e.absentInputs.isEmpty { c["absent_inputs"] = e.absentInputs.joined(separator: " ") }
        return c
    }
}
