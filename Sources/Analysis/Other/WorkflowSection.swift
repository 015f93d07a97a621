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
            figures.append(Figure(id: Self.figureId, caption: "Workflow of \((path as NSString).lastPathComponent): \(workflow.steps.count) steps (boxes: order in the table, label, program) and \(uniqueEdges.count) links (arrows: data flowing from an output to an input), laid out by Graphviz (dot).", content: .graph(layout)))
        } catch {
            metrics["graph_error"] = .string("\(error)")
        }
        return SectionResult(id: id, title: title, status: .ok, metrics: metrics, figures: figures, scored: scored)
    }
}
