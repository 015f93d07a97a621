// Cross-link lists and SAXS curves: the real fixtures (counts checked with Python's csv module and awk), every
// recognised layout written by hand, unit detection, and one-line errors naming file, line and field.
import Foundation
import Testing
import TestSupport
@testable import TechniqueIO

private let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

private func write(_ text: String, name: String) -> String {
    let d = try! TestScratch.directory("techio")
    let url = d.appendingPathComponent(name)
    try! Data(text.utf8).write(to: url)
    return url.path
}

@Test func realCrossLinkFixture() throws {
    let list = try CrossLinkList.read(path: repoRoot.appendingPathComponent("Fixtures/xlms/polii_xlinks.csv").path)
    // csv.DictReader: 157 rows; first pep1 Rpb1 880 / pep2 Rpb1 620; last Rpb2 864 / Rpb12 58.
    #expect(list.links.count == 157)
    #expect(list.layout.hasPrefix("IMP/PMI"))
    #expect(list.links.first == CrossLink(protein1: "Rpb1", residue1: 880, protein2: "Rpb1", residue2: 620, line: 2))
    let last = list.links.last!
    #expect(last.protein1 == "Rpb2" && last.residue1 == 864 && last.protein2 == "Rpb12" && last.residue2 == 58 && last.line == 158)
}

@Test func everyRecognisedLayout() throws {
    let xinet = try CrossLinkList.parse("Protein1,PepPos1,PepSeq1,LinkPos1,Protein2,PepPos2,PepSeq2,LinkPos2\nA,10,KLM,1,B,20,XKY,2\n", file: "x.csv")
    #expect(xinet.links == [CrossLink(protein1: "A", residue1: 10, protein2: "B", residue2: 21, line: 2)])
    let xla = try CrossLinkList.parse("Id,Protein1,Protein2,AbsPos1,AbsPos2,ld-Score\n1,\"Rpb1, large\",Rpb2,5,7,30\n", file: "x.csv")
    #expect(xla.links == [CrossLink(protein1: "Rpb1, large", residue1: 5, protein2: "Rpb2", residue2: 7, line: 2)])
    let pmi = try CrossLinkList.parse("# comment\n\nProtein1,Residue1,Protein2,Residue2\nA,1,A,9\n\n", file: "x.csv")
    #expect(pmi.links == [CrossLink(protein1: "A", residue1: 1, protein2: "A", residue2: 9, line: 4)])
    let chains = try CrossLinkList.parse("chain1,res1,chain2,res2\nA,3,B,4\n", file: "x.csv")
    #expect(chains.links.count == 1 && chains.layout.contains("Res1"))
}

@Test func crossLinkErrorsAreOneLine() {
    func e(_ text: String) -> String {
        do { _ = try CrossLinkList.parse(text, file: "links.csv"); return "no error" } catch { return "\(error)" }
    }
    #expect(e("a,b,c\n1,2,3\n").hasPrefix("links.csv: line 1: the header has no recognised cross-link columns (found: a, b, c); expected one of: IMP/PMI"))
    #expect(e("Protein1,Residue1,Protein2,Residue2\nA,1,B,x9\n") == "links.csv: line 2: column residue2: found \"x9\"; expected a residue number")
    #expect(e("Protein1,Residue1,Protein2,Residue2\nA,1,B\n") == "links.csv: line 2: column residue2 is missing (3 fields); expected 4 fields as in the header")
    #expect(e("Protein1,Residue1,Protein2,Residue2\n,1,B,2\n") == "links.csv: line 2: column protein1 is empty; expected a protein or chain name")
    #expect(e("Protein1,Residue1,Protein2,Residue2\n") == "links.csv: no cross-links after the header; expected one row per cross-link")
    #expect(e("Protein1,Residue1,Protein2,Residue2\n\"A,1,B,2\n") == "links.csv: line 2: a quoted field is not closed; expected a closing \"")
}

@Test func chainMappingOption() throws {
    let m = try ChainMapping.parse("Rpb1=A, Rpb2 = B")
    #expect(m.chain(for: "Rpb1") == "A" && m.chain(for: "Rpb2") == "B" && m.chain(for: "C") == "C")
    #expect(throws: InputFileError.self) { try ChainMapping.parse("Rpb1:A") }
}

@Test func realSAXSFixturesInBothUnits() throws {
    let a = try SAXSCurve.read(path: repoRoot.appendingPathComponent("Fixtures/saxs/imp_lyzexp.dat").path)
    let nm = try SAXSCurve.read(path: repoRoot.appendingPathComponent("Fixtures/saxs/imp_lyzexp_nm.dat").path)
    // awk: 197 lines of three numbers after the one header line; q from 0.04138455 to 0.4983631 Å⁻¹.
    #expect(a.q.count == 197 && nm.q.count == 197)
    #expect(a.fileUnit == .perAngstrom && nm.fileUnit == .perNanometre)
    #expect(abs(a.q[0] - 0.04138455) < 1e-9 && abs(a.q.last! - 0.4983631) < 1e-9)
    for i in a.q.indices { #expect(abs(a.q[i] - nm.q[i]) < 1e-6, "q[\(i)]: \(a.q[i]) vs \(nm.q[i])") }
    #expect(a.intensity[0] == 5.904029 && a.sigma[0] == 0.1555333)
    // Declared unit wins over detection.
    let forced = try SAXSCurve.read(path: repoRoot.appendingPathComponent("Fixtures/saxs/imp_lyzexp.dat").path, unit: .perNanometre)
    #expect(abs(forced.q[0] - 0.004138455) < 1e-10)
}

@Test func saxsRangeDetectionAndErrors() throws {
    let body = (1...20).map { "\(Double($0) * 0.2) \(100.0 / Double($0)) 0.5" }.joined(separator: "\n")
    let detected = try SAXSCurve.parse("q I err\n" + body + "\nend of file\n", file: "c.dat")
    #expect(detected.fileUnit == .perNanometre && abs(detected.q.last! - 0.4) < 1e-12)
    func e(_ text: String) -> String {
        do { _ = try SAXSCurve.parse(text, file: "c.dat"); return "no error" } catch { return "\(error)" }
    }
    #expect(e("0.1 2\n") == "c.dat: line 1: found 2 column(s); expected 3 columns: q, I, σ")
    #expect(e("0.1 2 abc\n") == "c.dat: line 1: column 3 (σ): found \"abc\"; expected a number")
    #expect(e("0.1 2 0\n") == "c.dat: line 1: column 3 (σ): found 0; expected a positive error")
    #expect(e("header\n0.2 2 1\n0.1 2 1\n") == "c.dat: line 3: column 1 (q): found 0.1 after 0.2; expected increasing q")
    #expect(e("0.1 1 1\n0.2 1 1\n") == "c.dat: 2 data line(s); expected at least 10 lines of q, I, σ")
}
