// The EMDB REST API entry document (`https://www.ebi.ac.uk/emdb/api/entry/EMD-NNNN`): the v3.0 header as
// JSON, generated from the schema's Python bindings, so text values of elements with attributes sit under
// "valueOf_", and an element that may repeat is a list (a single object is accepted too).
import Foundation

public enum EMDBEntryJSON {
    /// Reads an entry document. `document` names the file in error messages.
    public static func read(_ data: Data, document: String) throws -> EntryMetadata {
        let any: Any
        do { any = try JSONSerialization.jsonObject(with: data) } catch {
            throw EntryMetadataError("\(document): not valid JSON (\(error.localizedDescription))")
        }
        guard let root = any as? [String: Any] else {
            throw EntryMetadataError("\(document): expected a JSON object at the top level")
        }
        guard let idText = text(root["emdb_id"]) else { throw EntryMetadataError("\(document): no emdb_id") }
        guard let id = EMDBID(idText) else {
            throw EntryMetadataError("\(document): emdb_id is “\(idText)”, expected EMD- and digits")
        }
        func number(_ value: Any?, _ field: String) throws -> Double? {
            guard let value, !(value is NSNull) else { return nil }
            if let t = text(value) {
                guard let v = Double(t), v.isFinite else {
                    throw EntryMetadataError("\(document): \(field) is “\(t)”, expected a number")
                }
                return v
            }
            return nil
        }

        var m = EntryMetadata(id: id)
        let admin = root["admin"] as? [String: Any]
        m.title = text(admin?["title"])
        m.authors = list((admin?["authors_list"] as? [String: Any])?["author"]).compactMap(text)
        if let d = text((admin?["key_dates"] as? [String: Any])?["deposition"]) { m.depositionDate = String(d.prefix(10)) }

        let determinations = list((root["structure_determination_list"] as? [String: Any])?["structure_determination"])
            .compactMap { $0 as? [String: Any] }
        m.method = determinations.lazy.compactMap { text($0["method"]) }.first
        let reconstructions = determinations.flatMap { d in
            list(d["image_processing"]).compactMap { ($0 as? [String: Any])?["final_reconstruction"] as? [String: Any] }
        }
        if let rec = reconstructions.first(where: { text($0["resolution"]) != nil }) {
            m.resolutionA = try number(rec["resolution"], "final_reconstruction.resolution")
            m.resolutionMethod = text(rec["resolution_method"])
        }

        if let map = root["map"] as? [String: Any] {
            m.mapFile = text(map["file"])
            let dimsObject = map["dimensions"] as? [String: Any]
            let dims = ["col", "row", "sec"].map { text(dimsObject?[$0]).flatMap { Int($0) } }
            if dims.allSatisfy({ $0 != nil }) { m.dimensions = dims.map { $0! } }
            let spacingObject = map["pixel_spacing"] as? [String: Any]
            let spacing = try ["x", "y", "z"].map { try number(spacingObject?[$0], "map.pixel_spacing.\($0)") }
            if spacing.allSatisfy({ $0 != nil }) { m.pixelSpacingA = spacing.map { $0! } }
            let contours = list((map["contour_list"] as? [String: Any])?["contour"]).compactMap { $0 as? [String: Any] }
            if let c = contours.first(where: { isTrue($0["primary"]) }) ?? contours.first {
                m.contourLevel = try number(c["level"], "map.contour_list.contour.level")
                m.contourSource = text(c["source"])
            }
        }
        let interpretation = root["interpretation"] as? [String: Any]
        m.halfMapFiles = list((interpretation?["half_map_list"] as? [String: Any])?["half_map"])
            .compactMap { text(($0 as? [String: Any])?["file"]) }
        m.fittedPDBIDs = list(((root["crossreferences"] as? [String: Any])?["pdb_list"] as? [String: Any])?["pdb_reference"])
            .compactMap { text(($0 as? [String: Any])?["pdb_id"]) }
        return m
    }

    /// A scalar as text: strings as they are, numbers in their shortest form, objects by their "valueOf_".
    static func text(_ value: Any?) -> String? {
        switch value {
        case let s as String:
            let t = s.trimmingCharacters(in: .whitespacesAndNewlines)
            return t.isEmpty ? nil : t
        case let n as NSNumber:
            if let i = value as? Int, Double(i) == n.doubleValue { return String(i) }
            return "\(n.doubleValue)"
        case let o as [String: Any]: return text(o["valueOf_"])
        default: return nil
        }
    }

    /// A repeated element: a list as it is, a single value as a list of one, absent as empty.
    static func list(_ value: Any?) -> [Any] {
        switch value {
        case let a as [Any]: return a
        case nil, is NSNull: return []
        case let v?: return [v]
        }
    }

    static func isTrue(_ value: Any?) -> Bool {
        if let b = value as? Bool { return b }
        if let s = value as? String { return s.lowercased() == "true" }
        return false
    }
}
