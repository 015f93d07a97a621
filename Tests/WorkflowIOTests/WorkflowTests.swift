// Workflows: a hand-built Scipion export whose graph is known (steps, edges, topological order), the real
// Scipion fixture (counts from an independent scan of the file, below), the Graphviz layout's geometry, and
// one-line errors for cycles, missing steps and unknown formats.
import Foundation
import Testing
import TestSupport
@testable import WorkflowIO

private let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

private func write(_ text: String, name: String = "workflow.json") -> String {
    let d = try! TestScratch.directory("workflowio")
    let url = d.appendingPathComponent(name)
    try! Data(text.utf8).write(to: url)
    return url.path
}

/// Five protocols listed out of order: import (10) → motion correction (20) → CTF (30) and picking (40) →
/// extraction (50, from 40's coordinates and 30's CTF). Edges by hand: 10→20, 20→30, 20→40, 40→50, 30→50.
private let knownWorkflow = """
[
 {"object.className": "ProtRelionExtractParticles", "object.id": "50", "object.label": "extract",
  "inputCoordinates": "40.outputCoordinates", "ctfRelations": "30.outputCTF", "boxSize": 64, "doInvert": true},
 {"object.className": "ProtRelionAutopickLoG", "object.id": "40", "object.label": "pick",
  "inputMicrographs": "20.outputMicrographs", "minDiameter": 150, "numberOfThreads": 4},
 {"object.className": "CistemProtCTFFind", "object.id": "30", "object.label": "ctf",
  "inputMicrographs": "20.outputMicrographs", "lowRes": 30.0, "comment": ""},
 {"object.className": "ProtMotionCorr", "object.id": "20", "object.label": "motion",
  "inputMovies": "10.outputMovies", "cropOffsetX": 0, "samplingRate": 0.885},
 {"object.className": "ProtImportMovies", "object.id": "10", "object.label": "import", "voltage": 200.0,
  "filesPattern": "*.tiff", "runName": null}
]
"""

@Test func knownGraphHasItsNodesEdgesAndOrder() throws {
    let path = write(knownWorkflow)
    let w = try WorkflowReader.read(path: path)
    #expect(w.steps.count == 5)
    let pairs = Set(w.edges.map { "\($0.from)>\($0.to)" })
    #expect(pairs == ["10>20", "20>30", "20>40", "40>50", "30>50"], "edges: \(pairs)")
    // Kahn's algorithm with file order among ready steps: 10, 20, then 40 (listed before 30), 30, 50.
    let order = try w.topologicalOrder(file: path).map { $0.id }
    #expect(order == ["10", "20", "40", "30", "50"], "order: \(order)")
    let extract = w.steps.first { $0.id == "50" }!
    #expect(extract.program == "ProtRelionExtractParticles")
    #expect(extract.parameters == [WorkflowParameter(name: "boxSize", value: "64"), WorkflowParameter(name: "doInvert", value: "yes")])
    // Execution settings and empty values are left out of the table.
    #expect(w.steps.first { $0.id == "40" }!.parameters.map { $0.name } == ["minDiameter"])
    #expect(w.steps.first { $0.id == "30" }!.parameters.map { $0.name } == ["lowRes"])
    #expect(w.steps.first { $0.id == "10" }!.parameters.map { $0.value } == ["200", "*.tiff"])
    // Zero (a default or a menu's first choice) is left out too.
    #expect(w.steps.first { $0.id == "20" }!.parameters == [WorkflowParameter(name: "samplingRate", value: "0.885")])
}

@Test func realScipionFixture() throws {
    let path = repoRoot.appendingPathComponent("Fixtures/workflow/relion_betagal-tutorial.json").path
    let w = try WorkflowReader.read(path: path)
    // Fixtures/README.md: 33 protocols. A scan of the file in Python (every string value, alone or in a list,
    // matching ^[0-9]+\.([A-Za-z].*)?$) finds 53 inputs joining 52 distinct pairs of protocols.
    #expect(w.steps.count == 33)
    #expect(w.edges.count == 53)
    #expect(Set(w.edges.map { [$0.from, $0.to] }).count == 52)
    #expect(w.steps[0].program == "ProtImportMovies" && w.steps[0].label == "pwem - import movies")
    // "1288.outputVol.4": an output name containing a dot.
    #expect(w.edges.contains { $0.from == "1234" && $0.to == "1288" && $0.data == "outputVol.4" })
    // "380.": the protocol itself; the edge is named after the input.
    #expect(w.edges.contains { $0.from == "380" && $0.to == "462" && $0.data == "inputObject" })
    let order = try w.topologicalOrder(file: path)
    let rank = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1.id, $0) })
    for e in w.edges { #expect(rank[e.from]! < rank[e.to]!, "edge \(e.from)→\(e.to) goes backwards") }
    // 1004 (extract coordinates) is listed before 1046, which it takes particles from.
    #expect(rank["1046"]! < rank["1004"]!)
    #expect(order.first?.id == "2" && order.last?.id == "2268")
}

@Test func graphvizLayoutPlacesEveryStepAndDrawsDownwards() throws {
    let path = write(knownWorkflow)
    let w = try WorkflowReader.read(path: path)
    let g = try GraphvizLayout.layout(nodes: w.steps.map { ($0.id, "step \($0.id)", $0.program) },
                                      edges: w.edges.map { ($0.from, $0.to) })
    #expect(g.nodes.count == 5 && g.edges.count == 5)
    let node = Dictionary(uniqueKeysWithValues: g.nodes.map { ($0.id, $0) })
    for n in g.nodes {
        #expect(n.x - n.width / 2 >= -0.5 && n.x + n.width / 2 <= g.width + 0.5, "node \(n.id) outside the box")
        #expect(n.y - n.height / 2 >= -0.5 && n.y + n.height / 2 <= g.height + 0.5)
    }
    // No two boxes overlap.
    for a in g.nodes { for b in g.nodes where a.id < b.id {
        let apart = abs(a.x - b.x) >= (a.width + b.width) / 2 || abs(a.y - b.y) >= (a.height + b.height) / 2
        #expect(apart, "boxes \(a.id) and \(b.id) overlap")
    } }
    for e in g.edges {
        let t = node[e.from]!, h = node[e.to]!
        // rankdir=TB with y upwards: data flows down, so the tail is above the head.
        #expect(t.y > h.y, "edge \(e.from)→\(e.to): tail y \(t.y), head y \(h.y)")
        #expect(e.spline.count >= 4 && (e.spline.count - 1) % 3 == 0)
        let tip = try #require(e.arrowTip)
        // The arrow ends at the head's box border (within 2 points).
        #expect(abs(tip[1] - (h.y + h.height / 2)) < 2 || abs(tip[0] - h.x) > h.width / 2 - 2, "tip \(tip) vs head \(h)")
        #expect(abs(e.spline[0][1] - (t.y - t.height / 2)) < 2, "spline start \(e.spline[0]) vs tail \(t)")
    }
}

private func errorText(_ text: String, name: String = "workflow.json") -> (String, String) {
    let path = write(text, name: name)
    do { _ = try WorkflowReader.read(path: path); return (path, "no error") }
    catch { return (path, "\(error)") }
}

@Test func cycleIsAnErrorNamingTheSteps() {
    let (path, e) = errorText("""
    [{"object.className": "A", "object.id": "1", "object.label": "a", "in": "3.out"},
     {"object.className": "B", "object.id": "2", "object.label": "b", "in": "1.out"},
     {"object.className": "C", "object.id": "3", "object.label": "c", "in": "2.out"}]
    """)
    #expect(e.hasPrefix(path + ": steps "), "\(e)")
    #expect(e.contains("form a cycle") && e.contains("1") && e.contains("2") && e.contains("3"), "\(e)")
    #expect(!e.contains("\n"))
}

@Test func missingStepIsAnErrorNamingTheStep() {
    let (path, e) = errorText("""
    [{"object.className": "A", "object.id": "1", "object.label": "import"},
     {"object.className": "B", "object.id": "2", "object.label": "motion", "inputMovies": "7.outputMovies"}]
    """)
    #expect(e == "\(path): step 2 (motion): input outputMovies refers to step 7, which is not in the workflow", "\(e)")
}

@Test func unknownFormatsAndBrokenProtocolsAreOneLineErrors() {
    let (p1, e1) = errorText("just some text\n", name: "notes.txt")
    #expect(e1.hasPrefix(p1 + ": unknown workflow format"), "\(e1)")
    let (p2, e2) = errorText("{\"a\": 1}")
    #expect(e2 == "\(p2): the JSON document is not a list; expected a Scipion workflow export (a JSON list of protocols)")
    let (p3, e3) = errorText("[{\"object.id\": \"5\", \"object.label\": \"x\"}]")
    #expect(e3 == "\(p3): step 5: no object.className; expected the protocol's class")
    let (p4, e4) = errorText("[{\"object.className\": \"A\"}]")
    #expect(e4 == "\(p4): step 1 of the list has no object.id; expected the protocol's id")
    let (p5, e5) = errorText("[{\"object.className\": \"A\", \"object.id\": \"1\"},")
    #expect(e5.hasPrefix(p5 + ": not valid JSON") && !e5.contains("\n"), "\(e5)")
    let (p6, e6) = errorText("""
    [{"object.className": "A", "object.id": "1"}, {"object.className": "B", "object.id": "1"}]
    """)
    #expect(e6 == "\(p6): step 1 (B): the id 1 is used by two steps", "\(e6)")
}

/// A RELION 3.1 default_pipeline.star of the tutorial's first six jobs, as RELION writes it (numeric types and
/// statuses). By hand: Import → MotionCorr → CtfFind → AutoPick → Extract (also from CtfFind) → Class2D:
/// 6 steps, 6 edges.
private let relionPipeline = """

# version 30001

data_pipeline_general

_rlnPipeLineJobCounter                       7


# version 30001

data_pipeline_processes

loop_
_rlnPipeLineProcessName #1
_rlnPipeLineProcessAlias #2
_rlnPipeLineProcessType #3
_rlnPipeLineProcessStatus #4
Import/job001/       None            0            2
MotionCorr/job002/   MotionCorr/own/ 1            2
CtfFind/job003/       None            2            2
AutoPick/job004/       None            4            2
Extract/job005/       None            5            2
Class2D/job006/       None            8            3


# version 30001

data_pipeline_nodes

loop_
_rlnPipeLineNodeName #1
_rlnPipeLineNodeType #2
Import/job001/movies.star            0
MotionCorr/job002/corrected_micrographs.star            1
CtfFind/job003/micrographs_ctf.star            1
AutoPick/job004/coords_suffix_autopick.star            2
Extract/job005/particles.star            3
Class2D/job006/run_it025_data.star            3


# version 30001

data_pipeline_input_edges

loop_
_rlnPipeLineEdgeFromNode #1
_rlnPipeLineEdgeProcess #2
Import/job001/movies.star MotionCorr/job002/
MotionCorr/job002/corrected_micrographs.star CtfFind/job003/
CtfFind/job003/micrographs_ctf.star AutoPick/job004/
AutoPick/job004/coords_suffix_autopick.star Extract/job005/
CtfFind/job003/micrographs_ctf.star Extract/job005/
Extract/job005/particles.star Class2D/job006/


# version 30001

data_pipeline_output_edges

loop_
_rlnPipeLineEdgeProcess #1
_rlnPipeLineEdgeToNode #2
Import/job001/ Import/job001/movies.star
MotionCorr/job002/ MotionCorr/job002/corrected_micrographs.star
CtfFind/job003/ CtfFind/job003/micrographs_ctf.star
AutoPick/job004/ AutoPick/job004/coords_suffix_autopick.star
Extract/job005/ Extract/job005/particles.star
Class2D/job006/ Class2D/job006/run_it025_data.star

"""

@Test func relionPipelineHasItsJobsAndEdges() throws {
    let path = write(relionPipeline, name: "default_pipeline.star")
    let w = try WorkflowReader.read(path: path)
    #expect(w.format == "RELION pipeline (STAR)")
    #expect(w.steps.count == 6)
    let pairs = Set(w.edges.map { "\($0.from)>\($0.to)" })
    #expect(pairs == ["Import/job001/>MotionCorr/job002/", "MotionCorr/job002/>CtfFind/job003/", "CtfFind/job003/>AutoPick/job004/",
                      "AutoPick/job004/>Extract/job005/", "CtfFind/job003/>Extract/job005/", "Extract/job005/>Class2D/job006/"])
    #expect(try w.topologicalOrder(file: path).map { $0.program } == ["Import", "MotionCorr", "CtfFind", "AutoPick", "Extract", "Class2D"])
    #expect(w.steps[1].label == "MotionCorr/own/ (MotionCorr/job002/)")
    #expect(w.steps[5].parameters == [WorkflowParameter(name: "status", value: "failed")])
    // Without output edges, a node is attributed to the job whose folder starts its path.
    let noOutputs = relionPipeline.components(separatedBy: "data_pipeline_output_edges")[0]
    let w2 = try WorkflowReader.read(path: write(noOutputs, name: "default_pipeline.star"))
    #expect(Set(w2.edges.map { "\($0.from)>\($0.to)" }) == pairs)
}

@Test func relionPipelineErrorsNameTheLineAndStep() {
    let orphan = relionPipeline.replacingOccurrences(of: "Extract/job005/particles.star Class2D/job006/",
                                                     with: "Polish/job009/shiny.star Class2D/job006/")
    let (p1, e1) = errorText(orphan, name: "default_pipeline.star")
    #expect(e1.hasPrefix("\(p1): line "), "\(e1)")
    #expect(e1.hasSuffix("step Class2D/job006/: input node Polish/job009/shiny.star was written by no step of the pipeline"), "\(e1)")
    let noProcesses = "data_pipeline_processes\nloop_\n_rlnSomethingElse #1\nx\n"
    let (p2, e2) = errorText(noProcesses, name: "default_pipeline.star")
    #expect(e2 == "\(p2): no data_pipeline_processes table with rlnPipeLineProcessName; expected RELION's default_pipeline.star", "\(e2)")
}
