// The EMDB entry header, schema v3.0 (`structures/EMD-NNNN/header/emd-NNNN-v30.xml`; element names from
// emdb-empiar/emdb-schemas, v3). The v1.9 header (`emd-NNNN.xml`) names almost every element differently
// (emdEntry/deposition/…, contourLevel, pixelSpacing/pixelX) and is not read; the archive serves v3.0 for
// every released entry.
import Foundation

public enum EMDBHeaderXML {
    /// Reads a v3.0 header. `document` names the file in error messages.
    public static func read(_ data: Data, document: String) throws -> EntryMetadata {
        let root = try XMLElementNode.parse(data, document: document)
        guard root.name == "emd" else {
            throw EntryMetadataError("\(document): root element is <\(root.name)>, expected <emd> (EMDB header schema v3.0)")
        }
        guard let idText = root.attributes["emdb_id"] else {
            throw EntryMetadataError("\(document): <emd> has no emdb_id attribute")
        }
        guard let id = EMDBID(idText) else {
            throw EntryMetadataError("\(document): emdb_id is “\(idText)”, expected EMD- and digits")
        }
        func number(_ node: XMLElementNode?, _ field: String) throws -> Double? {
            guard let t = node?.value else { return nil }
            guard let v = Double(t), v.isFinite else {
                throw EntryMetadataError("\(document): \(field) is “\(t)”, expected a number")
            }
            return v
        }
        func integer(_ node: XMLElementNode?, _ field: String) throws -> Int? {
            guard let t = node?.value else { return nil }
            guard let v = Int(t) else { throw EntryMetadataError("\(document): \(field) is “\(t)”, expected an integer") }
            return v
        }

        var m = EntryMetadata(id: id)
        m.title = root.first("admin/title")?.value
        m.authors = root.find("admin/authors_list/author").compactMap { $0.value }
        m.depositionDate = root.first("admin/key_dates/deposition")?.value
        let determinations = root.find("structure_determination_list/structure_determination")
        m.method = determinations.lazy.compactMap { $0.first("method")?.value }.first

        // The processing element is named after the method (singleparticle_processing,
        // subtomogram_averaging_processing, helical_processing, …); each holds final_reconstruction.
        let reconstructions = determinations.flatMap { $0.children.flatMap { $0.all("final_reconstruction") } }
        if let rec = reconstructions.first(where: { $0.first("resolution")?.value != nil }) {
            m.resolutionA = try number(rec.first("resolution"), "final_reconstruction/resolution")
            m.resolutionMethod = rec.first("resolution_method")?.value
        }

        if let map = root.first("map") {
            m.mapFile = map.first("file")?.value
            let dims = try ["col", "row", "sec"].map { try integer(map.first("dimensions/\($0)"), "map/dimensions/\($0)") }
            if dims.allSatisfy({ $0 != nil }) { m.dimensions = dims.map { $0! } }
            let spacing = try ["x", "y", "z"].map { try number(map.first("pixel_spacing/\($0)"), "map/pixel_spacing/\($0)") }
            if spacing.allSatisfy({ $0 != nil }) { m.pixelSpacingA = spacing.map { $0! } }
            // The primary contour; an entry with a single contour not marked primary uses that one.
            let contours = map.find("contour_list/contour")
            if let c = contours.first(where: { $0.attributes["primary"]?.lowercased() == "true" }) ?? contours.first {
                m.contourLevel = try number(c.first("level"), "map/contour_list/contour/level")
                m.contourSource = c.first("source")?.value
            }
        }
        m.halfMapFiles = root.find("interpretation/half_map_list/half_map").compactMap { $0.first("file")?.value }
        m.fittedPDBIDs = root.find("crossreferences/pdb_list/pdb_reference").compactMap { $0.first("pdb_id")?.value }
        return m
    }
}
