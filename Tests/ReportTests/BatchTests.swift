// `emvalidate batch` locally: a corrupt row fails alone, the index records every row, a rerun skips what is
// up to date and redoes only a deleted output. The table parser on quoting and bad rows.
import Foundation
import Testing
@testable import Report

let daqFixture = repositoryRoot.appendingPathComponent("Fixtures/daq/2566_3J6B_9.mrc")

/// A table of fixture rows (copies of the daq map next to the table) plus, optionally, a truncated map.
func writeBatchTable(in dir: URL, thresholds: [Double], corrupt: Bool) throws -> URL {
    try FileManager.default.copyItem(at: daqFixture, to: dir.appendingPathComponent("daq.mrc"))
    var csv = "map,threshold,resolution,title,emdb_id\n"
    for (i, t) in thresholds.enumerated() { csv += "daq.mrc,\(t),3.2,\"Entry \(i), crop\",EMD-2566\n" }
    if corrupt {
        try Data(try Data(contentsOf: daqFixture).prefix(4000)).write(to: dir.appendingPathComponent("broken.mrc"))
        csv += "broken.mrc,0.2,,Corrupt,\n"
    }
    let url = dir.appendingPathComponent("entries.csv")
    try Data(csv.utf8).write(to: url)
    return url
}

func readCSV(_ url: URL) throws -> [[String: String]] {
    let records = try BatchTable.parseCSV(try String(contentsOf: url, encoding: .utf8))
    guard let header = records.first?.fields else { return [] }
    return records.dropFirst().map { r in Dictionary(uniqueKeysWithValues: zip(header, r.fields).map { ($0, $1) }) }
}

@Suite(.serialized) struct BatchTests {
    @Test func csvParserHandlesQuotesAndReportsBadRows() throws {
        let recs = try BatchTable.parseCSV("a,b\r\n\"x, \"\"y\"\"\",2\n\"multi\nline\",3")
        #expect(recs.map(\.fields) == [["a", "b"], ["x, \"y\"", "2"], ["multi\nline", "3"]])
        #expect(recs.map(\.line) == [1, 2, 3])
        let dir = try temporaryDirectory()
        let url = dir.appendingPathComponent("t.csv")
        try Data("map,threshold,resolution\nm.mrc,abc,\nm.mrc,0.1,-2\nm.mrc,0.1,3\n".utf8).write(to: url)
        let t = try BatchTable(path: url.path)
        #expect(t.rows.count == 3)
        #expect(t.rows[0].problem?.contains("threshold “abc”") == true, "\(String(describing: t.rows[0].problem))")
        #expect(t.rows[1].problem?.contains("resolution") == true)
        #expect(t.rows[2].problem == nil && t.rows[2].name == "0003_m")
        try Data("map,treshold\n".utf8).write(to: url)
        #expect(throws: BatchTableError.self) { try BatchTable(path: url.path) }
    }

    @Test func corruptRowFailsAloneAndRerunsSkipWhatIsDone() throws {
        let dir = try temporaryDirectory()
        let table = try writeBatchTable(in: dir, thresholds: [0.2, 0.3], corrupt: true)
        let out = dir.appendingPathComponent("out")
        let r = try emvalidate(["batch", table.path, "-o", out.path, "--jobs", "2", "--no-pdf"])
        #expect(r.status == 65, "a failed row should give exit 65; got \(r.status): \(r.output)")
        let index = try readCSV(out.appendingPathComponent("index.csv"))
        #expect(index.map { $0["status"] ?? "" } == ["done", "done", "failed"], "\(index)")
        #expect(index[2]["error"]?.contains("broken.mrc") == true, "the failure should name the file: \(index[2])")
        #expect(index[0]["section_0.a"]?.isEmpty == false && index[0]["score_evaluable"]?.isEmpty == false, "\(index[0])")
        let html = try String(contentsOf: out.appendingPathComponent("index.html"), encoding: .utf8)
        #expect(html.contains("0001_daq/metrics.json") && html.contains("failed") && html.contains("broken.mrc"))
        let metrics = ["0001_daq", "0002_daq"].map { out.appendingPathComponent("\($0)/metrics.json") }
        try expectValidAgainstSchema(metrics)
        let doc = try ReportDocument.decode(Data(contentsOf: metrics[1]))
        #expect(doc.inputs.threshold == 0.3 && doc.inputs.title == "Entry 1, crop")

        // Rerun: both good rows are up to date; the corrupt one is tried again.
        let stamp = try FileManager.default.attributesOfItem(atPath: metrics[0].path)[.modificationDate] as! Date
        let again = try emvalidate(["batch", table.path, "-o", out.path, "--no-pdf"])
        #expect(again.output.contains("0 written, 2 up to date, 1 failed"), "\(again.output)")
        // Deleting one output reruns that row only.
        try FileManager.default.removeItem(at: out.appendingPathComponent("0002_daq"))
        let third = try emvalidate(["batch", table.path, "-o", out.path, "--no-pdf"])
        #expect(third.output.contains("1 written, 1 up to date, 1 failed"), "\(third.output)")
        #expect(FileManager.default.fileExists(atPath: metrics[1].path))
        let stampAfter = try FileManager.default.attributesOfItem(atPath: metrics[0].path)[.modificationDate] as! Date
        #expect(stamp == stampAfter, "an up-to-date report was rewritten")
        // Changing a parameter makes the row stale.
        let t = try String(contentsOf: table, encoding: .utf8).replacingOccurrences(of: "daq.mrc,0.3,", with: "daq.mrc,0.31,")
        try Data(t.utf8).write(to: table)
        let fourth = try emvalidate(["batch", table.path, "-o", out.path, "--no-pdf"])
        #expect(fourth.output.contains("1 written, 1 up to date, 1 failed"), "\(fourth.output)")
    }
}
