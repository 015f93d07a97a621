// What an EMDB entry's metadata says about the map it describes: identity (id, title, authors, date), the
// recommended contour level, the reported resolution, the map grid and the files that go with it.
// Read from the header XML (schema v3.0) or the REST API entry JSON; no network here (see EntryFetch).
import Foundation

public struct EntryMetadata: Sendable, Equatable {
    /// Canonical id, "EMD-1009".
    public var id: EMDBID
    public var title: String?
    /// Author names as deposited ("Rawat UB"), in order.
    public var authors: [String]
    /// Deposition date, YYYY-MM-DD.
    public var depositionDate: String?
    /// Structure determination method as written ("singleParticle", "subtomogramAveraging", …).
    public var method: String?
    /// The primary contour level, in map units (the author's recommended threshold).
    public var contourLevel: Double?
    /// Who chose the contour level ("AUTHOR", "EMDB", "SOFTWARE"), when the entry says.
    public var contourSource: String?
    /// Reported resolution, Å.
    public var resolutionA: Double?
    /// How the resolution was determined ("FSC 0.143 CUT-OFF", …), when the entry says.
    public var resolutionMethod: String?
    /// Å per voxel along X, Y, Z.
    public var pixelSpacingA: [Double]?
    /// Voxels along columns, rows, sections.
    public var dimensions: [Int]?
    /// The primary map's file name in the archive ("emd_1009.map.gz").
    public var mapFile: String?
    /// Half-map file names in the archive's `other/` folder, in the entry's order.
    public var halfMapFiles: [String]
    /// Every fitted PDB id (lower case, as in the archive); the first is the model used for Level A.
    public var fittedPDBIDs: [String]

    public init(id: EMDBID, title: String? = nil, authors: [String] = [], depositionDate: String? = nil,
                method: String? = nil, contourLevel: Double? = nil, contourSource: String? = nil,
                resolutionA: Double? = nil, resolutionMethod: String? = nil, pixelSpacingA: [Double]? = nil,
                dimensions: [Int]? = nil, mapFile: String? = nil, halfMapFiles: [String] = [],
                fittedPDBIDs: [String] = []) {
        self.id = id; self.title = title; self.authors = authors; self.depositionDate = depositionDate
        self.method = method; self.contourLevel = contourLevel; self.contourSource = contourSource
        self.resolutionA = resolutionA; self.resolutionMethod = resolutionMethod; self.pixelSpacingA = pixelSpacingA
        self.dimensions = dimensions; self.mapFile = mapFile; self.halfMapFiles = halfMapFiles
        self.fittedPDBIDs = fittedPDBIDs
    }
}

/// Why a metadata document could not be read: names the document, the field and what was found.
public struct EntryMetadataError: Error, CustomStringConvertible, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
