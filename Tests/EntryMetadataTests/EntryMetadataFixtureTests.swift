// Every real EMDB header in Fixtures/emdb, read field by field; the expected values are those of
// Fixtures/README.md (section 4) and of the documents themselves, copied by hand.
import Foundation
import Testing
@testable import EntryMetadata

enum Fixture {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/emdb")
    static func data(_ name: String) throws -> Data { try Data(contentsOf: root.appendingPathComponent(name)) }
    static func xml(_ name: String) throws -> EntryMetadata { try EMDBHeaderXML.read(data(name), document: name) }
}

@Suite struct EntryMetadataFixtureTests {
    @Test func emd1009() throws {
        let m = try Fixture.xml("emd-1009-v30.xml")
        #expect(m.id.description == "EMD-1009")
        #expect(m.title == "A cryo-electron microscopic study of ribosome-bound termination factor RF2.")
        #expect(m.authors == ["Rawat UB", "Zavialov AV", "Sengupta J", "Valle M", "Grassucci RA", "Linde J",
                              "Vestergaard B", "Ehrenberg M", "Frank J"])
        #expect(m.depositionDate == "2002-09-26")
        #expect(m.method == "singleParticle")
        #expect(m.contourLevel == 4.57)
        #expect(m.contourSource == "AUTHOR")
        #expect(m.resolutionA == 10.9)
        #expect(m.resolutionMethod == nil)   // the entry has no resolution_method element
        #expect(m.pixelSpacingA == [2.82, 2.82, 2.82])
        #expect(m.dimensions == [130, 130, 130])
        #expect(m.mapFile == "emd_1009.map.gz")
        #expect(m.halfMapFiles.isEmpty)
        // The cross-references, not the modelling list (which spells the first one 1M16).
        #expect(m.fittedPDBIDs == ["1mi6", "1mvr"])
    }

    @Test func emd1003() throws {
        let m = try Fixture.xml("emd-1003-v30.xml")
        #expect(m.id.description == "EMD-1003")
        #expect(m.title == "Solution structure of the E. coli 70S ribosome at 11.5 A resolution.")
        #expect(m.authors == ["Gabashvili IS"])   // admin list, not the citation's 
        #expect(m.depositionDate == "2002-06-26")
        // Written 82.799999999999997: the nearest double is the one of 82.8.
        #expect(m.contourLevel == 82.8)
        #expect(m.contourSource == nil)
        #expect(m.resolutionA == 11.5)
        #expect(m.resolutionMethod == "FSC 0.5 CUT-OFF")
        #expect(m.pixelSpacingA == [2.93, 2.93, 2.93])
        #expect(m.dimensions == [125, 125, 125])
        #expect(m.mapFile == "emd_1003.map.gz")
        #expect(m.fittedPDBIDs == ["1eg0"])
    }

    @Test func emd1011() throws {
        let m = try Fixture.xml("emd-1011-v30.xml")
        #expect(m.id.description == "EMD-1011")
        #expect(m.title == "Minor proteins, mobile arms and membrane-capsid interactions in the bacteriophage PRD1 capsid.")
        #expect(m.authors.count == 7 && m.authors.first == "San Martin C" && m.authors.last == "Burnett RM")
        #expect(m.depositionDate == "2002-10-08")
        #expect(m.contourLevel == 7770.0)
        #expect(m.resolutionA == 16.0)
        #expect(m.resolutionMethod == "OTHER")
        #expect(m.pixelSpacingA == [3.44, 3.44, 3.44])
        #expect(m.dimensions == [256, 256, 256])
        // The primary map, not the slices listed under interpretation.
        #expect(m.mapFile == "emd_1011.map.gz")
        #expect(m.halfMapFiles.isEmpty)
        #expect(m.fittedPDBIDs == ["1gw7"])
    }

    @Test func emd25107FromTheRESTAPI() throws {
        let m = try EMDBEntryJSON.read(Fixture.data("emd-25107_api_entry.json"), document: "emd-25107_api_entry.json")
        #expect(m.id.description == "EMD-25107")
        #expect(m.title == "Lassa virus glycoprotein construct(Josiah GPCysR4) recovered from GPC-I53-50 nanoparticle by localized reconstruction")
        #expect(m.authors == ["Antanasijevic A", "Brouwer PJM", "Ward AB"])   // objects with valueOf_
        #expect(m.depositionDate == "2021-10-05")
        #expect(m.method == "singleParticle")
        #expect(m.contourLevel == 0.02)
        #expect(m.contourSource == "AUTHOR")
        #expect(m.resolutionA == 3.97)
        #expect(m.resolutionMethod == "FSC 0.143 CUT-OFF")
        #expect(m.pixelSpacingA == [1.03, 1.03, 1.03])
        #expect(m.dimensions == [220, 220, 220])
        #expect(m.mapFile == "emd_25107.map.gz")
        #expect(m.halfMapFiles == ["emd_25107_half_map_1.map.gz", "emd_25107_half_map_2.map.gz"])
        #expect(m.fittedPDBIDs == ["7sgd"])
    }

    /// Every file in the folder is read by one of the two readers (no fixture is left untested).
    @Test func everyFixtureParses() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Fixture.root.path).sorted()
        #expect(names.filter { $0.hasSuffix(".xml") || $0.hasSuffix(".json") }.count == 4)
        for n in names where n.hasSuffix(".xml") { _ = try Fixture.xml(n) }
        for n in names where n.hasSuffix(".json") { _ = try EMDBEntryJSON.read(Fixture.data(n), document: n) }
    }
}
