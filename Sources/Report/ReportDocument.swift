// metrics.json: the single source of every number in the report. The PDF is filled from this document alone,
// so `emvalidate render` can rebuild the report without rerunning the analysis.
//
// Determinism: the same inputs give a byte-identical file (keys sorted, no timings), except for
// `generated_utc`, the one field that records when the run happened.
import Analysis
import Foundation

public struct ReportDocument: Codable, Sendable, Equatable {
    public static let schemaID = "emvalidate/1"

    public var schema: String = ReportDocument.schemaID
    public var tool: ToolInfo
    /// When the report was generated (ISO 8601, UTC): the only field that differs between identical runs.
    public var generatedUTC: String
    public var inputs: Inputs
    /// Sections by id ("input", "0.a", …).
    public var sections: [String: SectionRecord]
    /// Section ids in report order.
    public var order: [String]
    public var score: Score
    /// Sections left out with `--sections` / `--skip` (absent when every section ran). They are not in
    /// `sections` and do not count in the score.
    public var skippedByRequest: [SkippedSection]?

    public struct SkippedSection: Codable, Sendable, Equatable {
        public var id: String
        public var title: String
        public init(id: String, title: String) { self.id = id; self.title = title }
    }

    public struct ToolInfo: Codable, Sendable, Equatable {
        public var name: String
        public var version: String
        /// The command line as typed (argv).
        public var commandLine: [String]
        public init(name: String = "emvalidate", version: String, commandLine: [String]) {
            self.name = name; self.version = version; self.commandLine = commandLine
        }
        enum CodingKeys: String, CodingKey { case name, version, commandLine = "command_line" }
    }

    public struct MapInfo: Codable, Sendable, Equatable {
        public var file: String
        public var sha256: String
        public var box: [Int]
        /// Å per voxel along X, Y, Z.
        public var voxelSize: [Double]
        /// Å, position of voxel (0,0,0).
        public var origin: [Double]
        public init(file: String, sha256: String, box: [Int], voxelSize: [Double], origin: [Double]) {
            self.file = file; self.sha256 = sha256; self.box = box; self.voxelSize = voxelSize; self.origin = origin
        }
        enum CodingKeys: String, CodingKey { case file, sha256, box, voxelSize = "voxel_size", origin }
    }

    public struct Inputs: Codable, Sendable, Equatable {
        public var map: MapInfo
        public var threshold: Double
        /// Reported resolution in Å; nil when not reported.
        public var resolution: Double?
        public var title: String?
        public var emdbID: String?
        public var pdbID: String?
        public var authors: String?
        /// The EMDB entry of a public-data report (`report --emdb`); nil for a user-data report.
        public var emdb: EMDBEntry?
        public init(map: MapInfo, threshold: Double, resolution: Double?, title: String? = nil,
                    emdbID: String? = nil, pdbID: String? = nil, authors: String? = nil, emdb: EMDBEntry? = nil) {
            self.map = map; self.threshold = threshold; self.resolution = resolution; self.title = title
            self.emdbID = emdbID; self.pdbID = pdbID; self.authors = authors; self.emdb = emdb
        }
        enum CodingKeys: String, CodingKey {
            case map, threshold, resolution, title, emdbID = "emdb_id", pdbID = "pdb_id", authors, emdb
        }
        // Optional inputs are written as null rather than left out, so every key is always present.
        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(map, forKey: .map); try c.encode(threshold, forKey: .threshold)
            try c.encode(resolution, forKey: .resolution); try c.encode(title, forKey: .title)
            try c.encode(emdbID, forKey: .emdbID); try c.encode(pdbID, forKey: .pdbID)
            try c.encode(authors, forKey: .authors)
            try c.encode(emdb, forKey: .emdb)
        }
    }

    /// A figure as recorded in metrics.json: its id, caption and the files drawn for it (relative to the report).
    public struct FigureRecord: Codable, Sendable, Equatable {
        public var id: String
        public var caption: String
        /// Files by format ("png", "pdf"), relative paths like "figures/0b_mass_vs_threshold.pdf".
        public var files: [String: String]
        /// What kind of figure: "images", "histogram", "plot", "surface".
        public var kind: String
        public init(id: String, caption: String, files: [String: String], kind: String) {
            self.id = id; self.caption = caption; self.files = files; self.kind = kind
        }
    }

    public struct SectionRecord: Codable, Sendable, Equatable {
        public var title: String
        public var level: String
        public var reference: String
        public var status: SectionStatus
        public var warnings: [String]
        public var reason: String?
        public var scored: Bool
        public var metrics: [String: JSONValue]
        public var figures: [FigureRecord]
        public init(title: String, level: String, reference: String, status: SectionStatus, warnings: [String],
                    reason: String?, scored: Bool, metrics: [String: JSONValue], figures: [FigureRecord]) {
            self.title = title; self.level = level; self.reference = reference; self.status = status
            self.warnings = warnings; self.reason = reason; self.scored = scored; self.metrics = metrics
            self.figures = figures
        }
        enum CodingKeys: String, CodingKey { case title, level, reference, status, warnings, reason, scored, metrics, figures }
        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(title, forKey: .title); try c.encode(level, forKey: .level)
            try c.encode(reference, forKey: .reference); try c.encode(status, forKey: .status)
            try c.encode(warnings, forKey: .warnings); try c.encode(reason, forKey: .reason)
            try c.encode(scored, forKey: .scored); try c.encode(metrics, forKey: .metrics)
            try c.encode(figures, forKey: .figures)
        }
    }

    /// docs/methods.md "Conventions": sections with `ok` out of sections with `ok` or `warnings` (scored sections only).
    public struct Score: Codable, Sendable, Equatable {
        public var passed: Int
        public var evaluable: Int
        public init(passed: Int, evaluable: Int) { self.passed = passed; self.evaluable = evaluable }

        public static func of(_ sections: [SectionRecord]) -> Score {
            let scored = sections.filter { $0.scored }
            return Score(passed: scored.filter { $0.status == .ok }.count,
                         evaluable: scored.filter { $0.status == .ok || $0.status == .warnings }.count)
        }
    }

    public init(tool: ToolInfo, generatedUTC: String, inputs: Inputs, sections: [String: SectionRecord],
                order: [String], skippedByRequest: [SkippedSection]? = nil) {
        self.tool = tool; self.generatedUTC = generatedUTC; self.inputs = inputs; self.sections = sections
        self.order = order; self.skippedByRequest = skippedByRequest
        self.score = Score.of(order.compactMap { sections[$0] })
    }

    enum CodingKeys: String, CodingKey {
        case schema, tool, generatedUTC = "generated_utc", inputs, sections, order, score
        case skippedByRequest = "skipped_by_request"
    }

    /// Sections in report order.
    public var orderedSections: [(id: String, record: SectionRecord)] {
        order.compactMap { id in sections[id].map { (id, $0) } }
    }

    // MARK: JSON

    // Metric keys are written exactly as the sections name them (no key strategy: it would rewrite them).
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(self)
        data.append(0x0A)
        return data
    }

    public static func decode(_ data: Data) throws -> ReportDocument {
        let decoder = JSONDecoder()
        return try decoder.decode(ReportDocument.self, from: data)
    }
}
