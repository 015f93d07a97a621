// Scipion workflow export (Project → Export workflow): a JSON list of protocols. Each protocol is an object
// with `object.className` (the program), `object.id`, `object.label`, its parameters, and its inputs written
// as "N.outputName" (output `outputName` of the protocol with id N; "N." is the protocol itself), alone or in
// a list. Example: Fixtures/workflow/relion_betagal-tutorial.json.
import Foundation

public enum ScipionWorkflow {
    /// Parameters never shown in the step table: bookkeeping of the execution, not of the processing.
    static let bookkeeping: Set<String> = [
        "runName", "runMode", "hostName", "numberOfThreads", "numberOfMpi", "gpuList", "useGpu", "dataStreaming",
        "timeout", "fileTimeout", "copyFiles",
        // Subset protocols' internal bookkeeping (which set file the subset was cut from).
        "other", "sqliteFile", "outputClassName",
    ]
    /// At most this many parameters per step in the table (the first ones in file order).
    public static let maxParameters = 5

    public static func parse(_ data: Data, file: String) throws -> Workflow {
        let json: JSON
        do { json = try JSONDecoder().decode(JSON.self, from: data) }
        catch {
            let why = Self.reason(error)
            throw WorkflowError(file: file, message: "not valid JSON (\(why)); expected a Scipion workflow export (a JSON list of protocols)")
        }
        guard case .list(let list) = json else {
            throw WorkflowError(file: file, message: "the JSON document is not a list; expected a Scipion workflow export (a JSON list of protocols)")
        }
        var steps: [WorkflowStep] = []
        var edges: [WorkflowEdge] = []
        for (k, item) in list.enumerated() {
            guard case .object(let p) = item else {
                throw WorkflowError(file: file, message: "step \(k + 1) of the list is not a JSON object; expected a protocol with object.className and object.id")
            }
            guard let id = text(p["object.id"]), !id.isEmpty else {
                throw WorkflowError(file: file, message: "step \(k + 1) of the list has no object.id; expected the protocol's id")
            }
            guard case .string(let className)? = p["object.className"], !className.isEmpty else {
                throw WorkflowError(file: file, message: "step \(id): no object.className; expected the protocol's class")
            }
            let label = text(p["object.label"]).flatMap { $0.isEmpty ? nil : $0 } ?? className
            var parameters: [WorkflowParameter] = []
            // JSONSerialization loses key order; keep the file's order by scanning the raw keys.
            for key in orderedKeys(of: p, in: data, near: id) {
                guard let value = p[key] else { continue }
                let refs = references(value)
                if !refs.isEmpty {
                    for r in refs { edges.append(WorkflowEdge(from: r.step, to: id, data: r.output.isEmpty ? key : r.output)) }
                    continue
                }
                if key.hasPrefix("object.") || key.hasPrefix("_") || bookkeeping.contains(key) { continue }
                if parameters.count < maxParameters, let v = shownValue(value) {
                    parameters.append(WorkflowParameter(name: key, value: v))
                }
            }
            steps.append(WorkflowStep(id: id, program: className, label: label, parameters: parameters))
        }
        guard !steps.isEmpty else {
            throw WorkflowError(file: file, message: "the list of protocols is empty; expected at least one protocol")
        }
        return try Workflow(format: "Scipion workflow (JSON)", steps: steps, edges: edges).validated(file: file)
    }

    /// "88.outputMicrographs" → (88, outputMicrographs); "380." → (380, ""); lists of such strings too.
    static func references(_ value: JSON) -> [(step: String, output: String)] {
        if case .list(let list) = value { return list.flatMap(references) }
        guard case .string(let s) = value, let dot = s.firstIndex(of: ".") else { return [] }
        let head = s[..<dot], tail = s[s.index(after: dot)...]
        guard !head.isEmpty, head.allSatisfy({ $0.isASCII && $0.isNumber }),
              tail.isEmpty || tail.first!.isLetter else { return [] }
        return [(String(head), String(tail))]
    }

    /// A parameter value as shown in the step table: non-zero numbers, `true`, non-empty strings (shortened);
    /// nil for null, false, zero and empty values (mostly defaults and first choices of menus).
    static func shownValue(_ value: JSON) -> String? {
        switch value {
        case .bool(let b): return b ? "yes" : nil
        case .number(let n):
            if n == 0 { return nil }
            return n == n.rounded() && abs(n) < 1e15 ? String(Int(n)) : "\(n)"
        case .string(let s):
            let t = s.trimmingCharacters(in: .whitespacesAndNewlines)
            if t.isEmpty { return nil }
            return t.count > 40 ? String(t.prefix(39)) + "…" : t
        default: return nil
        }
    }

    static func text(_ v: JSON?) -> String? {
        switch v {
        case .string(let s)?: return s
        case .number(let n)?: return n == n.rounded() ? String(Int(n)) : "\(n)"
        default: return nil
        }
    }

    /// The decoder's message without its coding path noise, on one line.
    static func reason(_ error: Error) -> String {
        var text = "\(error)"
        if case DecodingError.dataCorrupted(let c) = error {
            text = c.debugDescription
            if let u = c.underlyingError { text += " " + "\((u as NSError).userInfo["NSDebugDescription"] ?? u)" }
        }
        return text.replacingOccurrences(of: "\n", with: " ")
    }

    /// The keys of protocol `id` in the order they appear in the file (JSONSerialization's dictionaries are
    /// unordered): the keys of `p`, sorted by their first position after the protocol's `"object.id"`.
    static func orderedKeys(of p: [String: JSON], in data: Data, near id: String) -> [String] {
        guard let text = String(data: data, encoding: .utf8),
              let anchor = text.range(of: "\"object.id\": \"\(id)\"") ?? text.range(of: "\"object.id\":\"\(id)\"")
        else { return p.keys.sorted() }
        func position(_ key: String) -> Int {
            guard let r = text.range(of: "\"\(key)\"", range: anchor.lowerBound..<text.endIndex) else { return Int.max }
            return text.distance(from: anchor.lowerBound, to: r.lowerBound)
        }
        return p.keys.map { ($0, position($0)) }.sorted { ($0.1, $0.0) < ($1.1, $1.0) }.map { $0.0 }
    }
}

/// A JSON value; booleans are kept apart from numbers (a workflow's `false` is not a 0).
enum JSON: Decodable {
    case null, bool(Bool), number(Double), string(String), list([JSON]), object([String: JSON])

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let n = try? c.decode(Double.self) { self = .number(n) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let l = try? c.decode([JSON].self) { self = .list(l) }
        else { self = .object(try c.decode([String: JSON].self)) }
    }
}
