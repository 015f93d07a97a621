// A tall workflow graph is split between ranks into parts no taller than asked, as few and as even as the
// gaps allow; checked on a hand-made layout whose gaps are known and on Graphviz's layout of the RELION fixture.
import Foundation
import Testing
@testable import WorkflowIO

@Suite struct GraphBandsTests {
    /// A chain of `ranks` boxes 36 pt tall, one rank every 58 pt (Graphviz's spacing for our node style).
    static func chain(ranks: Int, boxHeight: Double = 36, pitch: Double = 58) -> GraphLayout {
        let height = Double(ranks - 1) * pitch + boxHeight
        let nodes = (0..<ranks).map { k in
            GraphLayout.Node(id: "n\(k)", title: "\(k + 1). step", subtitle: "Program", x: 100,
                             y: height - boxHeight / 2 - Double(k) * pitch, width: 150, height: boxHeight)
        }
        return GraphLayout(width: 200, height: height, nodes: nodes, edges: [])
    }

    static func expectCutsBetweenBoxes(_ bands: [ClosedRange<Double>], _ g: GraphLayout) {
        #expect(bands.first?.upperBound == g.height && bands.last?.lowerBound == 0)
        for (a, b) in zip(bands, bands.dropFirst()) { #expect(a.lowerBound == b.upperBound, "bands \(a) and \(b) do not meet") }
        for cut in bands.dropLast().map(\.lowerBound) {
            for n in g.nodes { #expect(abs(cut - n.y) >= n.height / 2, "cut at \(cut) crosses box \(n.id) at \(n.y)") }
        }
    }

    @Test func aGraphThatFitsIsOnePart() {
        let g = Self.chain(ranks: 5)
        #expect(g.bands(maxHeight: 600) == [0...g.height])
        #expect(g.bands(maxHeight: g.height) == [0...g.height])
    }

    @Test func aTallChainSplitsIntoTheFewestEvenParts() {
        let g = Self.chain(ranks: 28)   // 1,602 pt, like the 33-step RELION fixture
        let bands = g.bands(maxHeight: 635)
        Self.expectCutsBetweenBoxes(bands, g)
        #expect(bands.count == 3, "\(bands)")   // 1,602 / 635 needs 3
        for b in bands { #expect(b.upperBound - b.lowerBound <= 635) }
        // Even: the parts differ by at most one rank's pitch (cutting as low as it can, it would be 627, 580, 395).
        let heights = bands.map { $0.upperBound - $0.lowerBound }
        #expect(heights.max()! - heights.min()! <= 58, "\(heights)")
        // Each cut lies halfway across its gap (11 pt from the boxes on either side).
        for cut in bands.dropLast().map(\.lowerBound) {
            let nearest = g.nodes.map { abs(cut - $0.y) - $0.height / 2 }.min()!
            #expect(abs(nearest - 11) < 1e-9, "cut \(cut) is \(nearest) pt from a box")
        }
    }

    @Test func aBoxTallerThanAPartIsNotCut() {
        var g = Self.chain(ranks: 10)   // 558 pt
        g.nodes[5].height = 200         // covers the gaps on either side of it
        let bands = g.bands(maxHeight: 100)
        Self.expectCutsBetweenBoxes(bands, g)
        let tall = g.nodes[5]
        #expect(bands.contains { $0.lowerBound <= tall.y - 100 && $0.upperBound >= tall.y + 100 }, "\(bands)")
        for b in bands where !(b.lowerBound <= tall.y && tall.y <= b.upperBound) { #expect(b.upperBound - b.lowerBound <= 100) }
    }

    @Test func windowedLayoutKeepsEverythingAndShowsItsBand() throws {
        let g = Self.chain(ranks: 28)
        let part = g.windowed(500...1000)
        #expect(part.nodes == g.nodes && part.window == 500...1000)
        // The window survives the figure data's JSON; a layout saved before windows existed decodes as whole.
        let back = try JSONDecoder().decode(GraphLayout.self, from: JSONEncoder().encode(part))
        #expect(back == part)
        let old = #"{"width": 10, "height": 20, "nodes": [], "edges": []}"#
        #expect(try JSONDecoder().decode(GraphLayout.self, from: Data(old.utf8)).window == nil)
    }
}
