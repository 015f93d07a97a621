// Per-residue plots (A.a, A.b, A.d): one plot per chain over its polymer residues, a line that breaks where residue
// numbers skip (residues absent from the model, or present without a value) instead of bridging them, and the
// quantity's bounds. Ions and ligands, numbered far from their chain (Zn 1101), squashed the chain into a corner.
import ModelIO
import Testing
@testable import Analysis

@Test func residuePlotBreaksWhereNumbersSkipAndLeavesOutLigands() throws {
    func residue(_ chain: String, _ n: Int, _ name: String = "ALA") -> ResidueRef {
        ResidueRef(chain: chain, number: n, insertionCode: "", name: name, atoms: [])
    }
    // Chain A: 4–6 absent from the model, 8 present without a value, a Zn ion 1101; chain B: 1–3, consecutive;
    // chain C: only waters.
    let residues = [1, 2, 3, 7, 8, 9].map { residue("A", $0) } + [residue("A", 1101, "ZN")]
        + [1, 2, 3].map { residue("B", $0) } + [residue("C", 1, "HOH"), residue("C", 2, "HOH")]
    let polymer = [true, true, true, true, true, true, false, true, true, true, false, false]
    let values: [Double?] = [0.5, 0.6, 0.7, 0.8, nil, 0.9, 0.1, 0.4, 0.5, 0.6, 0.2, 0.3]
    let figures = residuePlots(prefix: "t", residues: residues, polymer: polymer, values: values, yLabel: "Residue CC",
                               what: "CC", marker: nil, yBounds: LinePlot.correlationBounds)
    #expect(figures.map(\.id) == ["t_chain_1_a", "t_chain_2_b"], "chain C has no polymer residue, so no plot")
    guard case .plot(let a) = figures[0].content, case .plot(let b) = figures[1].content else {
        Issue.record("not line plots"); return
    }
    #expect(a.series[0].x == [1, 2, 3, 7, 9] && a.series[0].y == [0.5, 0.6, 0.7, 0.8, 0.9])
    #expect(a.series[0].breakAtXGapsOver == 1 && a.yBounds == LinePlot.correlationBounds)
    #expect(figures[0].caption == "CC, chain A (5 residues; the line breaks where residue numbers skip: residues not "
            + "in the model or without a value; 1 residue outside the polymer (ligands, ions, waters) left out; "
            + "per_residue.csv has every residue).", "\(figures[0].caption)")
    #expect(b.series[0].x == [1, 2, 3])
    #expect(figures[1].caption == "CC, chain B (3 residues).", "\(figures[1].caption)")
}

/// Amino acids and linked nucleotides are polymer residues; ions, waters and free nucleotides (ATP) are not.
@Test func polymerResiduesByTheirAtoms() {
    var atoms: [Atom] = []
    func add(_ chain: String, _ n: Int, _ res: String, _ names: [(String, SIMD3<Double>)]) {
        for (name, p) in names {
            atoms.append(Atom(position: p, element: String(name.first!), name: name, residueName: res, residueNumber: n,
                              chain: chain, bFactor: 20, occupancy: 1))
        }
    }
    let o = SIMD3<Double>(0, 0, 0)
    add("A", 1, "GLY", [("N", o), ("CA", o), ("C", o), ("O", o)])
    add("A", 2, "MSE", [("N", o), ("CA", o), ("C", o), ("SE", o)])           // a modified residue (HETATM)
    add("A", 1101, "ZN", [("ZN", o)])
    add("A", 1201, "HOH", [("O", o)])
    add("A", 1301, "ATP", [("PA", o), ("C4'", o), ("C1'", o), ("O3'", SIMD3(30, 0, 0))])
    // RNA: the 5' end has no P but its O3' is bonded to the next residue's P (1.6 Å); old "*" names count too.
    add("B", 1, "G", [("O5'", o), ("C4'", o), ("C1'", o), ("O3'", SIMD3(10, 0, 0))])
    add("B", 2, "C", [("P", SIMD3(11.6, 0, 0)), ("C4*", o), ("C1*", o), ("O3*", SIMD3(20, 0, 0))])
    // A lone nucleoside far from anything.
    add("B", 50, "A", [("C4'", o), ("C1'", o), ("O3'", SIMD3(50, 0, 0))])
    let model = AtomicModel(atoms: atoms, path: "t.pdb")
    let residues = model.residues
    #expect(residues.map(\.name) == ["GLY", "MSE", "ZN", "HOH", "ATP", "G", "C", "A"])
    #expect(model.polymerResidues(residues) == [true, true, false, false, false, true, true, false])
}

/// With more chains than the limit, the chains with the lowest median are plotted, in model order, and their
/// captions say so; at or below the limit every chain is plotted.
@Test func residuePlotsOfManyChainsShowTheWorst() {
    // Chains A–E, three residues each, medians 0.9, 0.3, 0.7, 0.2, 0.8.
    let medians = [0.9, 0.3, 0.7, 0.2, 0.8]
    var residues: [ResidueRef] = [], values: [Double?] = []
    for (k, m) in medians.enumerated() {
        for n in 1...3 {
            residues.append(ResidueRef(chain: String(UnicodeScalar(UInt8(65 + k))), number: n, insertionCode: "", name: "ALA", atoms: []))
            values.append(m + Double(n - 2) * 0.01)
        }
    }
    let polymer = [Bool](repeating: true, count: residues.count)
    func plots(_ limit: Int) -> [Figure] {
        residuePlots(prefix: "t", residues: residues, polymer: polymer, values: values, yLabel: "Residue CC", what: "CC",
                     marker: nil, yBounds: LinePlot.correlationBounds, maxChains: limit)
    }
    let two = plots(2)
    #expect(two.map(\.id) == ["t_chain_2_b", "t_chain_4_d"], "\(two.map(\.id))")
    #expect(two.allSatisfy { $0.caption.contains("one of the 2 chains with the lowest median of the model's 5; "
                                                 + "per_residue.csv has every chain") }, "\(two.map(\.caption))")
    #expect(plots(5).count == 5 && plots(5).allSatisfy { !$0.caption.contains("lowest median") })
    #expect(residuePlotChainLimit == 12)
}
