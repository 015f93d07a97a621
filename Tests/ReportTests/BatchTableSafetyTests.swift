// Issue 17, point 18: batch tables whose entry names collide with the batch's own files, with a column
// given twice, or with a quote left open are refused with one message naming the line.
import Foundation
import Report
import Testing

private func table(_ text: String) throws -> (URL, Result<BatchTable, Error>) {
    let dir = try temporaryDirectory()
    let url = dir.appendingPathComponent("t.csv")
    try Data(text.utf8).write(to: url)
    return (url, Result { try BatchTable(path: url.path) })
}

private func message(_ r: Result<BatchTable, Error>) -> String {
    if case .failure(let e) = r { return "\(e)" }
    return "accepted"
}

@Suite struct BatchTableSafetyTests {
    @Test(arguments: ["index.csv", "index.html", "slurm", "INDEX.HTML"])
    func entryNamesOfTheBatchFilesAreReserved(_ name: String) throws {
        let (url, r) = try table("map,threshold,name\na.mrc,0.1,ok\nb.mrc,0.1,\(name)\n")
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        let m = message(r)
        #expect(m.contains("line 3") && m.contains("“\(name)” is reserved"), "\(m)")
    }

    @Test func duplicatedColumnIsRefused() throws {
        let (url, r) = try table("map,threshold,title,map\na.mrc,0.1,t,b.mrc\n")
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        let m = message(r)
        #expect(m.contains("line 1") && m.contains("column “map” appears twice (columns 1 and 4)"), "\(m)")
    }

    @Test func unterminatedQuoteNamesTheLineItStartsOn() throws {
        let (url, r) = try table("map,threshold,title\na.mrc,0.1,fine\nb.mrc,0.2,\"open title\nc.mrc,0.3,x\nd.mrc,0.4,y\n")
        defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        let m = message(r)
        #expect(m.contains("unterminated quote starting on line 3") && m.contains(url.path), "\(m)")
        // A quoted field spanning lines and closed is still fine.
        let (url2, ok) = try table("map,threshold,title\na.mrc,0.1,\"two\nlines\"\n")
        defer { try? FileManager.default.removeItem(at: url2.deletingLastPathComponent()) }
        #expect(message(ok) == "accepted")
    }
}
