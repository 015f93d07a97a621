// Lays out a workflow graph with Graphviz's `dot` (hierarchical layout: data flows top to bottom) through
// libgvc, and returns the positions as plain values, in points with y upwards as Graphviz gives them.
// We read the layout from Graphviz's "json" output rather than attributes: `agget` returns NULL for
// attributes that were never declared, and the JSON carries every position in one place.
import CGraphviz
import Foundation

public struct GraphLayout: Codable, Sendable, Equatable {
    public struct Node: Codable, Sendable, Equatable {
        public var id: String
        /// First line (bold in the drawing) and second line of the box.
        public var title: String
        public var subtitle: String
        /// Centre and size, points.
        public var x: Double, y: Double, width: Double, height: Double
    }
    public struct Edge: Codable, Sendable, Equatable {
        public var from: String, to: String
        /// Cubic B-spline control points (x, y), points: p0, then three per segment.
        public var spline: [[Double]]
        /// Tip of the arrow head, points.
        public var arrowTip: [Double]?
    }
    /// Bounding box width and height, points (origin at 0, 0).
    public var width: Double
    public var height: Double
    public var nodes: [Node]
    public var edges: [Edge]
    /// The part of the layout a figure shows, as a range of y (points, y up); nil: all of it (GraphBands.swift).
    public var window: ClosedRange<Double>? = nil
    /// Blank margin around the drawing, points.
    public static let drawingMargin = 6.0
}

public enum GraphvizLayout {
    /// Graphviz keeps global state (its context and plugin tables): one layout at a time.
    private static let lock = NSLock()

    /// Lays out `nodes` (id, title, subtitle) joined by `edges` (from id, to id); duplicate edges are drawn once.
    public static func layout(nodes: [(id: String, title: String, subtitle: String)],
                              edges: [(from: String, to: String)]) throws -> GraphLayout {
        var dot = "digraph workflow {\n  graph [rankdir=TB, nodesep=0.15, ranksep=0.3];\n"
        dot += "  node [shape=box, fontname=\"Helvetica\", fontsize=9, margin=\"0.08,0.03\"];\n"
        for (k, n) in nodes.enumerated() {
            dot += "  n\(k) [label=\"\(escape(n.title))\\n\(escape(n.subtitle))\"];\n"
        }
        let index = Dictionary(nodes.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        var seen = Set<[Int]>()
        for e in edges {
            guard let a = index[e.from], let b = index[e.to], seen.insert([a, b]).inserted else { continue }
            dot += "  n\(a) -> n\(b);\n"
        }
        dot += "}\n"
        let json = try render(dot: dot)
        return try parse(json, nodes: nodes)
    }

    static func escape(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "\"", "\\": out += "\\" + String(c)
            case "\n", "\r": out += " "
            default: out.append(c)
            }
        }
        return out
    }

    /// DOT text → Graphviz JSON of the laid-out graph.
    static func render(dot: String) throws -> Data {
        lock.lock(); defer { lock.unlock() }
        guard let gvc = gvContext() else { throw GraphvizError("cannot create a Graphviz context") }
        defer { gvFreeContext(gvc) }
        guard let g = dot.withCString({ agmemread($0) }) else { throw GraphvizError("Graphviz could not read the graph") }
        defer { agclose(g) }
        guard gvLayout(gvc, g, "dot") == 0 else { throw GraphvizError("the dot layout failed") }
        defer { gvFreeLayout(gvc, g) }
        var buffer: UnsafeMutablePointer<CChar>?
        var length: UInt32 = 0
        guard gvRenderData(gvc, g, "json", &buffer, &length) == 0, let buffer else {
            throw GraphvizError("Graphviz could not write the layout")
        }
        defer { gvFreeRenderData(buffer) }
        return Data(bytes: buffer, count: Int(length))
    }

    static func parse(_ json: Data, nodes: [(id: String, title: String, subtitle: String)]) throws -> GraphLayout {
        guard let root = try JSONSerialization.jsonObject(with: json) as? [String: Any],
              let bb = numbers(root["bb"] as? String), bb.count == 4 else {
            throw GraphvizError("unexpected Graphviz JSON: no bounding box")
        }
        let objects = root["objects"] as? [[String: Any]] ?? []
        var byGvid: [Int: Int] = [:]   // Graphviz object index → our node index
        var out: [GraphLayout.Node] = []
        for o in objects {
            guard let name = o["name"] as? String, name.hasPrefix("n"), let k = Int(name.dropFirst()), k < nodes.count,
                  let pos = numbers(o["pos"] as? String), pos.count == 2,
                  let w = Double(o["width"] as? String ?? ""), let h = Double(o["height"] as? String ?? "")
            else { continue }
            if let gvid = o["_gvid"] as? Int { byGvid[gvid] = k }
            out.append(.init(id: nodes[k].id, title: nodes[k].title, subtitle: nodes[k].subtitle,
                             x: pos[0] - bb[0], y: pos[1] - bb[1], width: w * 72, height: h * 72))
        }
        guard out.count == nodes.count else { throw GraphvizError("Graphviz placed \(out.count) of \(nodes.count) steps") }
        var edges: [GraphLayout.Edge] = []
        for e in root["edges"] as? [[String: Any]] ?? [] {
            guard let t = e["tail"] as? Int, let h = e["head"] as? Int, let a = byGvid[t], let b = byGvid[h],
                  let pos = e["pos"] as? String else { continue }
            var spline: [[Double]] = []
            var tip: [Double]?
            for token in pos.split(separator: " ") {
                if token.hasPrefix("e,") {
                    if let p = numbers(String(token.dropFirst(2))), p.count == 2 { tip = [p[0] - bb[0], p[1] - bb[1]] }
                } else if token.hasPrefix("s,") {
                    continue
                } else if let p = numbers(String(token)), p.count == 2 {
                    spline.append([p[0] - bb[0], p[1] - bb[1]])
                }
            }
            edges.append(.init(from: nodes[a].id, to: nodes[b].id, spline: spline, arrowTip: tip))
        }
        return GraphLayout(width: bb[2] - bb[0], height: bb[3] - bb[1], nodes: out.sorted { a, b in
            (index(of: a.id, nodes), 0) < (index(of: b.id, nodes), 0)
        }, edges: edges)
    }

    static func index(of id: String, _ nodes: [(id: String, title: String, subtitle: String)]) -> Int {
        nodes.firstIndex { $0.id == id } ?? 0
    }

    /// "1.5,2" → [1.5, 2].
    static func numbers(_ s: String?) -> [Double]? {
        guard let s else { return nil }
        let v = s.split(separator: ",").compactMap { Double($0) }
        return v.isEmpty ? nil : v
    }
}

public struct GraphvizError: Error, CustomStringConvertible {
    public var description: String
    init(_ d: String) { description = d }
}
