// RELION's default_pipeline.star: the table of processes (jobs: name "Class2D/job008/", alias, type, status),
// of nodes (files), of input edges (node → process that reads it) and output edges (process → node it wrote).
// A step is a process; an edge joins the process that wrote a node to each process that read it. RELION 3.1
// gives types and statuses as numbers and RELION 4–5 as labels; the program shown is the job's folder
// ("Class2D"), which RELION names after the job type in every version, plus the type label when there is one.
import Foundation
import ImageData

public enum RelionPipeline {
    public static func parse(_ text: String, file: String) throws -> Workflow {
        let star: StarFile
        do { star = try StarFile(text: text, path: file) } catch { throw WorkflowError(file: file, message: "\(error)".replacingOccurrences(of: "\(file): ", with: "")) }
        guard let processes = star.table(block: "pipeline_processes"), processes.has("rlnPipeLineProcessName") else {
            throw WorkflowError(file: file, message: "no data_pipeline_processes table with rlnPipeLineProcessName; expected RELION's default_pipeline.star")
        }
        var steps: [WorkflowStep] = []
        for r in 0..<processes.rowCount {
            let name = processes.string(r, "rlnPipeLineProcessName")!
            let folder = String(name.split(separator: "/").first ?? Substring(name))
            let label = processes.string(r, "rlnPipeLineProcessTypeLabel")
            let alias = processes.string(r, "rlnPipeLineProcessAlias").flatMap { $0 == "None" || $0.isEmpty ? nil : $0 }
            var parameters: [WorkflowParameter] = []
            if let s = processes.string(r, "rlnPipeLineProcessStatusLabel") ?? processes.string(r, "rlnPipeLineProcessStatus").map(statusText) {
                parameters.append(WorkflowParameter(name: "status", value: s))
            }
            steps.append(WorkflowStep(id: name, program: label.map { "\(folder) (\($0))" } ?? folder,
                                      label: alias.map { "\($0) (\(name))" } ?? name, parameters: parameters))
        }
        // Who wrote each node: the output edges, else the process whose folder starts the node's path.
        var producer: [String: String] = [:]
        if let out = star.table(block: "pipeline_output_edges"), out.has("rlnPipeLineEdgeProcess"), out.has("rlnPipeLineEdgeToNode") {
            for r in 0..<out.rowCount { producer[out.string(r, "rlnPipeLineEdgeToNode")!] = out.string(r, "rlnPipeLineEdgeProcess")! }
        }
        let names = Set(steps.map { $0.id })
        var edges: [WorkflowEdge] = []
        if let input = star.table(block: "pipeline_input_edges") {
            for c in ["rlnPipeLineEdgeFromNode", "rlnPipeLineEdgeProcess"] where !input.has(c) {
                throw WorkflowError(file: file, message: "data_pipeline_input_edges has no column \(c); expected rlnPipeLineEdgeFromNode and rlnPipeLineEdgeProcess")
            }
            for r in 0..<input.rowCount {
                let node = input.string(r, "rlnPipeLineEdgeFromNode")!, process = input.string(r, "rlnPipeLineEdgeProcess")!
                guard names.contains(process) else {
                    throw WorkflowError(file: file, message: "line \(input.lines[r]): input edge to step \(process), which is not in data_pipeline_processes")
                }
                let from = producer[node] ?? names.first { node.hasPrefix($0) }
                guard let from else {
                    throw WorkflowError(file: file, message: "line \(input.lines[r]): step \(process): input node \(node) was written by no step of the pipeline")
                }
                edges.append(WorkflowEdge(from: from, to: process, data: node))
            }
        }
        guard !steps.isEmpty else { throw WorkflowError(file: file, message: "data_pipeline_processes is empty; expected at least one job") }
        return try Workflow(format: "RELION pipeline (STAR)", steps: steps, edges: edges).validated(file: file)
    }

    /// RELION 3.1's numeric job status (pipeliner.h): 0 running, 1 scheduled, 2 finished, 3 failed, 4 aborted.
    static func statusText(_ s: String) -> String {
        ["0": "running", "1": "scheduled", "2": "finished", "3": "failed", "4": "aborted"][s] ?? s
    }
}
