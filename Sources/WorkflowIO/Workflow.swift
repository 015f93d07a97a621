// A processing workflow as a directed graph: steps (Scipion protocols, RELION jobs) and the data that flows
// from an output of one step to an input of another. Parsers build it; `validated` rejects dangling references
// and cycles, and `topologicalOrder` gives the order in which the steps can run.

/// One step of a workflow: a Scipion protocol or a RELION job.
public struct WorkflowStep: Codable, Sendable, Equatable {
    /// Identifier in the file: the Scipion `object.id` or the RELION job name ("Class2D/job008/").
    public var id: String
    /// The program: the Scipion protocol class (`object.className`) or the RELION process type.
    public var program: String
    /// The user's label (`object.label`, or the RELION alias when there is one).
    public var label: String
    /// Parameters worth showing, in file order ("name", "value"), as text.
    public var parameters: [WorkflowParameter]

    public init(id: String, program: String, label: String, parameters: [WorkflowParameter] = []) {
        self.id = id; self.program = program; self.label = label; self.parameters = parameters
    }
}

public struct WorkflowParameter: Codable, Sendable, Equatable {
    public var name: String
    public var value: String
    public init(name: String, value: String) { self.name = name; self.value = value }
}

/// Data flowing from `from`'s output to `to`'s input.
public struct WorkflowEdge: Codable, Sendable, Equatable, Hashable {
    public var from: String
    public var to: String
    /// What flows: the output name ("outputMovies") or the RELION node ("Extract/job007/particles.star").
    public var data: String
    public init(from: String, to: String, data: String) { self.from = from; self.to = to; self.data = data }
}

public struct Workflow: Sendable, Equatable {
    /// "Scipion workflow (JSON)" or "RELION pipeline (STAR)".
    public var format: String
    public var steps: [WorkflowStep]
    public var edges: [WorkflowEdge]

    public init(format: String, steps: [WorkflowStep], edges: [WorkflowEdge]) {
        self.format = format; self.steps = steps; self.edges = edges
    }

    /// The steps in an order where every step comes after the steps it takes data from (Kahn's algorithm);
    /// among steps that are ready together, file order is kept, so the order is deterministic.
    /// Throws `.cycle` naming the steps of one cycle when there is none.
    public func topologicalOrder(file: String) throws -> [WorkflowStep] {
        let index = Dictionary(steps.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        var indegree = [Int](repeating: 0, count: steps.count)
        var successors = [[Int]](repeating: [], count: steps.count)
        for e in Set(edges.map { [$0.from, $0.to] }).sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            guard let a = index[e[0]], let b = index[e[1]] else { continue }
            successors[a].append(b); indegree[b] += 1
        }
        var ready = (0..<steps.count).filter { indegree[$0] == 0 }
        var order: [Int] = []
        while !ready.isEmpty {
            let i = ready.removeFirst()
            order.append(i)
            for j in successors[i] {
                indegree[j] -= 1
                if indegree[j] == 0 { ready.append(j); ready.sort() }
            }
        }
        guard order.count == steps.count else {
            let cycle = Workflow.findCycle(among: (0..<steps.count).filter { indegree[$0] > 0 }, successors: successors)
            throw WorkflowError(file: file, message: "steps " + (cycle + [cycle[0]]).map { steps[$0].id }
                .joined(separator: " → ") + " form a cycle; a workflow must be acyclic")
        }
        return order.map { steps[$0] }
    }

    /// One cycle among `nodes` (those left with a positive in-degree, so each has a predecessor among them):
    /// walk backwards until a node repeats.
    static func findCycle(among nodes: [Int], successors: [[Int]]) -> [Int] {
        let inSet = Set(nodes)
        var predecessor: [Int: Int] = [:]
        for a in nodes { for b in successors[a] where inSet.contains(b) { predecessor[b] = predecessor[b] ?? a } }
        var seen: [Int: Int] = [:]
        var path: [Int] = []
        var v = nodes[0]
        while seen[v] == nil, let p = predecessor[v] {
            seen[v] = path.count; path.append(v); v = p
        }
        let start = seen[v] ?? 0
        return Array(path[start...].reversed())
    }

    /// Checks that step ids are unique and that every edge joins two steps of the workflow.
    func validated(file: String) throws -> Workflow {
        var seen = Set<String>()
        for s in steps {
            guard seen.insert(s.id).inserted else {
                throw WorkflowError(file: file, message: "step \(s.id) (\(s.label)): the id \(s.id) is used by two steps")
            }
        }
        let labels = Dictionary(steps.map { ($0.id, $0.label) }, uniquingKeysWith: { a, _ in a })
        for e in edges where labels[e.from] == nil {
            throw WorkflowError(file: file, message: "step \(e.to) (\(labels[e.to] ?? "")): input \(e.data) refers to step \(e.from), which is not in the workflow")
        }
        _ = try topologicalOrder(file: file)
        return self
    }
}

/// A workflow file that cannot be used: the message names the file, the step or line, what was found and
/// what was expected.
public struct WorkflowError: Error, CustomStringConvertible, Equatable {
    public var file: String
    public var message: String
    public init(file: String, message: String) { self.file = file; self.message = message }
    public var description: String { "\(file): \(message)" }
}
