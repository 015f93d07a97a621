// Per-residue plots (A.a, A.b, A.d): one plot per chain, a line that breaks where residue numbers skip (residues
// absent from the model, or present without a value) instead of bridging them, and the quantity's bounds.
import Testing
@testable import Analysis

@Test func residuePlotBreaksWhereNumbersSkip() throws {
    func residue(_ chain: String, _ n: Int) -> ResidueRef { ResidueRef(chain: chain, number: n, insertionCode: "", name: "ALA", atoms: []) }
    // Chain A: 4–6 absent from the model, and 8 present without a value; chain B: 1–3, consecutive.
    let residues = [1, 2, 3, 7, 8, 9].map { residue("A", $0) } + [1, 2, 3].map { residue("B", $0) }
    let values: [Double?] = [0.5, 0.6, 0.7, 0.8, nil, 0.9, 0.4, 0.5, 0.6]
    let figures = residuePlots(prefix: "t", residues: residues, values: values, yLabel: "Residue CC", what: "CC",
                               marker: nil, yBounds: LinePlot.correlationBounds)
    #expect(figures.map(\.id) == ["t_chain_1_a", "t_chain_2_b"])
    guard case .plot(let a) = figures[0].content, case .plot(let b) = figures[1].content else {
        Issue.record("not line plots"); return
    }
    #expect(a.series[0].x == [1, 2, 3, 7, 9] && a.series[0].y == [0.5, 0.6, 0.7, 0.8, 0.9])
    #expect(a.series[0].breakAtXGapsOver == 1 && a.yBounds == LinePlot.correlationBounds)
    #expect(figures[0].caption.contains("5 residues; the line breaks where residue numbers skip"), "\(figures[0].caption)")
    #expect(b.series[0].x == [1, 2, 3])
    #expect(figures[1].caption == "CC, chain B (3 residues).", "\(figures[1].caption)")
}
