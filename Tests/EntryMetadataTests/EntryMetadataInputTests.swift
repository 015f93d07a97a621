// Ids as users type them, and documents that are not what they should be: one message naming the
// document, the field (or line), what was found and what was expected.
import Foundation
import Testing
@testable import EntryMetadata

@Suite struct EntryMetadataInputTests {
    @Test func idSpellings() {
        for s in ["EMD-1009", "emd-1009", "emd_1009", "1009", " EMD1009 "] {
            #expect(EMDBID(s)?.description == "EMD-1009", "\(s)")
        }
        #expect(EMDBID("EMD-25107")?.headerFileName == "emd-25107-v30.xml")
        #expect(EMDBID("EMD-25107")?.defaultMapFileName == "emd_25107.map.gz")
        for bad in ["", "EMD-", "EMD-12", "EMD-12a4", "PDB-1234", "1009.5"] { #expect(EMDBID(bad) == nil, "\(bad)") }
    }

    func xmlError(_ text: String) -> String {
        do { _ = try EMDBHeaderXML.read(Data(text.utf8), document: "h.xml"); return "" }
        catch { return "\(error)" }
    }

    @Test func notWellFormed() {
        let m = xmlError("<emd emdb_id=\"EMD-1009\">\n<admin>\n<title>x</admin>\n</emd>")
        #expect(m.hasPrefix("h.xml, line 3: not well-formed XML"), "\(m)")
    }

    @Test func wrongRootOrId() {
        #expect(xmlError("<emdEntry accessCode=\"EMD-1009\"/>")
                == "h.xml: root element is <emdEntry>, expected <emd> (EMDB header schema v3.0)")
        #expect(xmlError("<emd/>") == "h.xml: <emd> has no emdb_id attribute")
        #expect(xmlError("<emd emdb_id=\"X-1\"/>") == "h.xml: emdb_id is “X-1”, expected EMD- and digits")
    }

    @Test func badNumberNamesTheField() {
        let doc = """
        <emd emdb_id="EMD-1009"><map><contour_list><contour primary="true"><level>4,57</level></contour>
        </contour_list></map></emd>
        """
        #expect(xmlError(doc) == "h.xml: map/contour_list/contour/level is “4,57”, expected a number")
    }

    /// A minimal entry: everything optional is absent, not invented.
    @Test func minimalEntry() throws {
        let m = try EMDBHeaderXML.read(Data("<emd emdb_id=\"EMD-0001\"><map><file>a.map.gz</file></map></emd>".utf8), document: "h")
        #expect(m == EntryMetadata(id: EMDBID("EMD-0001")!, mapFile: "a.map.gz"))
    }

    /// The primary contour is chosen even when it is not the first one listed.
    @Test func primaryContour() throws {
        let doc = """
        <emd emdb_id="EMD-0002"><map><contour_list>
        <contour primary="false"><level>1.5</level><source>SOFTWARE</source></contour>
        <contour primary="true"><level>81.200000000000003</level><source>AUTHOR</source></contour>
        </contour_list></map></emd>
        """
        let m = try EMDBHeaderXML.read(Data(doc.utf8), document: "h")
        #expect(m.contourLevel == 81.2 && m.contourSource == "AUTHOR")
    }

    @Test func jsonErrors() {
        func err(_ t: String) -> String {
            do { _ = try EMDBEntryJSON.read(Data(t.utf8), document: "e.json"); return "" } catch { return "\(error)" }
        }
        #expect(err("[1]") == "e.json: expected a JSON object at the top level")
        #expect(err("{}") == "e.json: no emdb_id")
        #expect(err("{\"emdb_id\":\"EMD-1\"}") == "e.json: emdb_id is “EMD-1”, expected EMD- and digits")
        #expect(err("{\"emdb_id\":\"EMD-1234\",\"map\":{\"contour_list\":{\"contour\":{\"primary\":true,\"level\":\"high\"}}}}")
                == "e.json: map.contour_list.contour.level is “high”, expected a number")
        #expect(err("{").hasPrefix("e.json: not valid JSON"))
    }
}
