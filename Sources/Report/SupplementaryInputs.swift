// Inputs other than maps and models — the processing workflow (W), cross-links (O.a), a SAXS curve (O.b) —
// read before the analysis starts, so that a bad file stops the run with a one-line error (exit 65) before
// any output folder exists. Each becomes a section value holding its parsed input.
import Analysis
import Foundation
import MapIO
import MicrographIO
import TechniqueIO
import WorkflowIO

public struct SupplementaryInputs: Sendable {
    /// Scipion workflow JSON or RELION default_pipeline.star (section W).
    public var workflowPath: String?
    /// Cross-link CSV (section O.a), the protein → chain mapping and the largest satisfied SASD (Å).
    public var crossLinksPath: String?
    public var crossLinkChains: ChainMapping
    public var crossLinkMaxDistanceA: Double
    /// SAXS curve q, I, σ (section O.b) and its q unit when declared.
    public var saxsPath: String?
    public var saxsQUnit: QUnit?
    /// Micrographs (glob or STAR), coordinates STAR, particle box (micrograph pixels), pixel size (Å) (Level 5).
    public var micrographs: String?
    public var coordinatesPath: String?
    public var particleBoxPixels: Int?
    public var micrographsPixelSizeA: Double?

    public init(workflowPath: String? = nil, crossLinksPath: String? = nil, crossLinkChains: ChainMapping = ChainMapping(),
                crossLinkMaxDistanceA: Double = CrossLinkSection.defaultMaxDistanceA, saxsPath: String? = nil,
                saxsQUnit: QUnit? = nil) {
        self.workflowPath = workflowPath; self.crossLinksPath = crossLinksPath; self.crossLinkChains = crossLinkChains
        self.crossLinkMaxDistanceA = crossLinkMaxDistanceA; self.saxsPath = saxsPath; self.saxsQUnit = saxsQUnit
    }

    /// The files given, for the output folder's check that it holds no input.
    public var paths: [String] { [workflowPath, crossLinksPath, saxsPath, coordinatesPath].compactMap { $0 } + (micrographs.map { [$0] } ?? []) }

    /// Parses every file given and returns the sections that report on them. Throws `ReportFailure.input`.
    func sections() throws -> [any Section] {
        var out: [any Section] = []
        do {
            // Report order: Level 5, then the qualifiers W and O (as VRS orders its levels).
            if let spec = micrographs {
                let list = try MicrographList.resolve(spec)
                let coordinates = try coordinatesPath.map { try CoordinateTable.read(path: $0) }
                let inputs = MicrographInputs(list: list, coordinates: coordinates,
                                              boxPixels: particleBoxPixels ?? coordinates?.boxPixels, pixelSizeFlagA: micrographsPixelSizeA)
                _ = try inputs.read(0)   // the first micrograph must be readable: a wrong pattern fails here, not later
                out.append(MicrographsSection(inputs: inputs))
                if coordinates != nil { out.append(MicrographScreeningSection(inputs: inputs)) }
            }
            if let path = workflowPath {
                let workflow = try WorkflowReader.read(path: path)
                out.append(WorkflowSection(workflow: workflow, path: path, sha256: try FileHash.sha256(path: path)))
            }
            if let path = crossLinksPath {
                let list = try CrossLinkList.read(path: path)
                out.append(CrossLinkSection(list: list, path: path, sha256: try FileHash.sha256(path: path),
                                            chains: crossLinkChains, maxDistanceA: crossLinkMaxDistanceA))
            }
            if let path = saxsPath {
                let curve = try SAXSCurve.read(path: path, unit: saxsQUnit)
                out.append(SAXSSection(curve: curve, path: path, sha256: try FileHash.sha256(path: path)))
            }
        } catch { throw ReportFailure.input("\(error)") }
        return out
    }
}
