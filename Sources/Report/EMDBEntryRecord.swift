// metrics.json `inputs.emdb`: what the EMDB archive said about the entry of a public-data report, and where
// each value the report used came from (the archive or the command line).
import Foundation

extension ReportDocument {
    public struct EMDBEntry: Codable, Sendable, Equatable {
        /// Where a value used by the report came from.
        public enum Source: String, Codable, Sendable {
            /// The EMDB entry (or the PDB archive, for the model).
            case archive
            /// A command-line flag, overriding the archive.
            case user
            /// Neither: the input is absent.
            case none
        }

        public struct Sources: Codable, Sendable, Equatable {
            public var threshold: Source
            public var resolution: Source
            public var halfMaps: Source
            public var model: Source
            public init(threshold: Source, resolution: Source, halfMaps: Source, model: Source) {
                self.threshold = threshold; self.resolution = resolution; self.halfMaps = halfMaps; self.model = model
            }
            enum CodingKeys: String, CodingKey { case threshold, resolution, halfMaps = "half_maps", model }
        }

        public var id: String
        public var title: String?
        public var authors: [String]
        /// YYYY-MM-DD.
        public var depositionDate: String?
        /// The entry's primary contour level, map units.
        public var contourLevel: Double?
        /// Who chose it, as the entry says (AUTHOR, EMDB, …).
        public var contourSource: String?
        /// Reported resolution, Å.
        public var resolutionA: Double?
        public var resolutionMethod: String?
        /// Every fitted PDB id; the first is the model of Level A.
        public var fittedPDBIDs: [String]
        public var headerSHA256: String
        public var headerURL: String
        public var sources: Sources
        /// One sentence per input the archive did not provide.
        public var absentInputs: [String]

        public init(id: String, title: String?, authors: [String], depositionDate: String?, contourLevel: Double?,
                    contourSource: String?, resolutionA: Double?, resolutionMethod: String?, fittedPDBIDs: [String],
                    headerSHA256: String, headerURL: String, sources: Sources, absentInputs: [String]) {
            self.id = id; self.title = title; self.authors = authors; self.depositionDate = depositionDate
            self.contourLevel = contourLevel; self.contourSource = contourSource; self.resolutionA = resolutionA
            self.resolutionMethod = resolutionMethod; self.fittedPDBIDs = fittedPDBIDs
            self.headerSHA256 = headerSHA256; self.headerURL = headerURL; self.sources = sources
            self.absentInputs = absentInputs
        }

        enum CodingKeys: String, CodingKey {
            case id, title, authors, depositionDate = "deposition_date", contourLevel = "contour_level"
            case contourSource = "contour_source", resolutionA = "resolution_A", resolutionMethod = "resolution_method"
            case fittedPDBIDs = "fitted_pdb_ids", headerSHA256 = "header_sha256", headerURL = "header_url"
            case sources, absentInputs = "absent_inputs"
        }

        // Optional values are written as null rather than left out, so every key is always present.
        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id); try c.encode(title, forKey: .title)
            try c.encode(authors, forKey: .authors); try c.encode(depositionDate, forKey: .depositionDate)
            try c.encode(contourLevel, forKey: .contourLevel); try c.encode(contourSource, forKey: .contourSource)
            try c.encode(resolutionA, forKey: .resolutionA); try c.encode(resolutionMethod, forKey: .resolutionMethod)
            try c.encode(fittedPDBIDs, forKey: .fittedPDBIDs); try c.encode(headerSHA256, forKey: .headerSHA256)
            try c.encode(headerURL, forKey: .headerURL); try c.encode(sources, forKey: .sources)
            try c.encode(absentInputs, forKey: .absentInputs)
        }
    }
}
