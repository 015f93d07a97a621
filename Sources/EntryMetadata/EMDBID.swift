// EMDB accession codes: "EMD-" and four or more digits. Accepts the spellings users type (EMD-1009,
// emd_1009, emd-1009, 1009) and gives the forms the archive uses in its paths.
import Foundation

public struct EMDBID: Sendable, Hashable, CustomStringConvertible {
    /// The digits, without leading "EMD-" ("1009", "25107").
    public let number: String

    public init?(_ text: String) {
        var s = text.trimmingCharacters(in: .whitespaces).uppercased()
        for prefix in ["EMD-", "EMD_", "EMD"] where s.hasPrefix(prefix) { s = String(s.dropFirst(prefix.count)); break }
        guard s.count >= 4, s.count <= 9, s.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        number = s
    }

    /// "EMD-1009": the archive's folder name and the id printed in reports.
    public var description: String { "EMD-" + number }
    /// "emd-1009-v30.xml": the v3.0 header file name.
    public var headerFileName: String { "emd-\(number)-v30.xml" }
    /// "emd_1009.map.gz": the primary map's usual file name.
    public var defaultMapFileName: String { "emd_\(number).map.gz" }
}
