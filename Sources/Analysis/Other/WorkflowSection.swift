// W — the processing workflow (informative, not scored, as in VRS): the steps that produced the map, as a
// graph laid out by Graphviz and as a table in an order in which they can run (topological order).
// The workflow is parsed before the report starts (WorkflowIO), so a bad file stops the run with its error.
import Foundation
import WorkflowIO

public struct WorkflowSection: Section {
    public let id = "W"
    public let title = "Processing workflow"
    public let reference = "Scipion / RELION pipeline"
    public let scored = false

    public let workflow: Workflow
    /// The file as given by the user, and its SHA-256.
    public let path: String
    public let sha256: String

    public init(workflow: Workflow, path: String, sha256: String) {
        self.workflow = workflow; self.path = path; self.sha256 = sha256
    }

    public static let figureId = "w_workflow_graph"

    /// Text width and the height one part of the graph may take on the report's page (points): A4 with 2 cm
    /// margins (document.tex) leaves 482 × 728 pt, and a part keeps room below it for its caption.
    static let textWidthPt = 482.0, partHeightPt = 640.0

    /// The tallest band of the layout (points of the layout) that prints no taller than `partHeightPt`: the
    /// template shows a part at its natural size, shrunk only to the text width, so the boxes' 7–8.5 pt text
    /// stays legible however many steps the workflow has.
    static func bandHeight(layoutWidth: Double) -> Double {
        partHeightPt / min(1, textWidthPt / (layoutWidth + 2 * GraphLayout.drawingMargin)) - 2 * GraphLayout.drawingMargin
    }

    public func run(_ context: AnalysisContext) throws -> SectionResult {
        let order = try workflow.topologicalOrder(file: path)
        let position = Dictionary(order.enumerated().map { ($1.id, $0 + 1) }, uniquingKeysWith: { a, _ in a })
        var inputsOf: [String: [String]] = [:]
        for e in workflow.edges where !(inputsOf[e.to] ?? []).contains(e.from) { inputsOf[e.to, default: []].append(e.from) }
        let rows: [JSONValue] = order.map { s in
            .object([
                "order": .int(position[s.id]!), "step": .string(s.id), "label": .string(s.label),
                "program": .string(s.program),
                "inputs_from": .string((inputsOf[s.id] ?? []).map { "\(position[$0] ?? 0)" }.joined(separator: ", ")),
                "parameters": .string(s.parameters.map { "\($0.name) = \($0.value)" }.joined(separator: "; ")),
            ])
        }
        let uniqueEdges = Set(workflow.edges.map { [$0.from, $0.to] })
        var metrics: [String: JSONValue] = [
            "file": .string((path as NSString).lastPathComponent), "sha256": .string(sha256),
            "format": .string(workflow.format), "steps": .int(workflow.steps.count),
            "edges": .int(uniqueEdges.count), "data_links": .int(workflow.edges.count),
            "step_table": .array(rows),
        ]
        var figures: [Figure] = []
        // The graph's boxes carry the table's order number, so the figure and the table can be read together.
        let nodes = workflow.steps.map { s in (id: s.id, title: "\(position[s.id]!). \(s.label)", subtitle: s.program) }
        do {
            let layout = try GraphvizLayout.layout(nodes: nodes, edges: workflow.edges.map { ($0.from, $0.to) })
            let bands = layout.bands(maxHeight: Self.bandHeight(layoutWidth: layout.width))
            let name = (path as NSString).lastPathComponent
            for (k, band) in bands.enumerated() {
                let part = bands.count == 1 ? "" : k == 0 ? "; part 1 of \(bands.count), continued in the next figures" : ""
                let caption = k == 0
                    ? "Workflow of \(name): \(workflow.steps.count) steps (boxes: order in the table, label, program) and \(uniqueEdges.count) links (arrows: data flowing from an output to an input), laid out by Graphviz (dot)\(part)."
                    : "Workflow of \(name), continued: part \(k + 1) of \(bands.count) (arrows entering at the top come from the part above)."
                figures.append(Figure(id: k == 0 ? Self.figureId : "\(Self.figureId)_\(k + 1)", caption: caption,
                                      content: .graph(bands.count == 1 ? layout : layout.windowed(band))))
            }
            metrics["graph_parts"] = .int(bands.count)
        } catch {
            metrics["graph_error"] = .string("\(error)")
        }
        return SectionResult(id: id, title: title, status: .ok, metrics: metrics, figures: figures, scored: scored)
    }
}
