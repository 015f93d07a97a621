// `emvalidate report --emdb` end to end: the binary against an archive served on 127.0.0.1 with the real
// EMD-1009 header and small maps built here. Truth: the header's own values (Fixtures/README.md), the
// server's request log, and the exit codes and messages documented in README.md.
import Foundation
import Testing

/// The emvalidate executable built beside the test bundle.
let emvalidateBinary: String = {
    let dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for candidate in [dir, dir.deletingLastPathComponent()] {
        let p = candidate.appendingPathComponent("emvalidate").path
        if FileManager.default.isExecutableFile(atPath: p) { return p }
    }
    return repositoryRoot.appendingPathComponent(".build/release/emvalidate").path
}()

/// Runs a program; returns its exit status, stdout and stderr.
func run(_ executable: String, _ args: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: executable)
    p.arguments = args
    let out = Pipe(), err = Pipe()
    p.standardOutput = out; p.standardError = err; p.standardInput = FileHandle.nullDevice
    try p.run()
    let errData = Locked(Data())
    let reader = Thread { errData.mutate { $0 = err.fileHandleForReading.readDataToEndOfFile() } }
    reader.start()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    while !reader.isFinished { Thread.sleep(forTimeInterval: 0.01) }
    return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: errData.value, as: UTF8.self))
}

var haveLaTeX: Bool {
    ["latexmk", "pdflatex", "pdftotext"].allSatisfy { tool in
        (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").contains {
            FileManager.default.isExecutableFile(atPath: "\($0)/\(tool)")
        }
    }
}

@Suite(.serialized) struct PublicDataReportTests {
    func report(_ e: ServedEntry, _ server: ArchiveServer, _ out: URL, _ extra: [String] = [],
                id: String = "EMD-1009") throws -> (status: Int32, stdout: String, stderr: String) {
        try run(emvalidateBinary, ["report", "--emdb", id, "--emdb-mirror", server.url, "--pdb-mirror", server.url,
                                   "--cache", e.cache.path, "-o", out.path] + extra)
    }

    func metrics(_ out: URL) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("metrics.json"))) as! [String: Any]
    }

    func errorLines(_ stderr: String) -> [Substring] { stderr.split(separator: "\n").filter { $0.contains("error") } }

    @Test(.enabled(if: haveLaTeX)) func reportFromTheEntryIdAloneThenFromTheCache() throws {
        let e = try ServedEntry(mapBytes: try gzippedBlobMap(n: 32, voxelA: 2.82))
        defer { e.cleanUp() }
        let server = try ArchiveServer(root: e.archive.root)
        defer { server.stop() }
        let out = e.dir.appendingPathComponent("emd-1009")
        let r = try report(e, server, out)
        #expect(r.status == 0, "\(r.stderr)")

        let m = try metrics(out)
        let inputs = m["inputs"] as! [String: Any]
        #expect(inputs["title"] as? String == "A cryo-electron microscopic study of ribosome-bound termination factor RF2.")
        #expect(inputs["authors"] as? String == "Rawat UB, Zavialov AV, Sengupta J, Valle M, Grassucci RA, Linde J, Vestergaard B, Ehrenberg M, Frank J")
        #expect(inputs["threshold"] as? Double == 4.57)
        #expect(inputs["resolution"] as? Double == 10.9)
        #expect(inputs["emdb_id"] as? String == "EMD-1009")
        #expect((inputs["map"] as? [String: Any])?["file"] as? String == "emd_1009.map.gz")
        let emdb = inputs["emdb"] as! [String: Any]
        #expect(emdb["deposition_date"] as? String == "2002-09-26")
        #expect(emdb["contour_level"] as? Double == 4.57 && emdb["contour_source"] as? String == "AUTHOR")
        #expect(emdb["resolution_A"] as? Double == 10.9 && emdb["resolution_method"] is NSNull)
        #expect(emdb["fitted_pdb_ids"] as? [String] == ["1mi6", "1mvr"])
        #expect(emdb["sources"] as? [String: String] == ["threshold": "archive", "resolution": "archive", "half_maps": "none", "model": "none"])
        #expect((emdb["absent_inputs"] as? [String])?.count == 2)
        let schema = try run("/usr/bin/python3", [repositoryRoot.appendingPathComponent("Tests/Oracles/validate_metrics.py").path,
                                                  repositoryRoot.appendingPathComponent("schema/metrics.schema.json").path,
                                                  out.appendingPathComponent("metrics.json").path])
        #expect(schema.status == 0, "\(schema.stdout)\(schema.stderr)")

        // The front page, as a reader sees it.
        let text = try run("/usr/bin/pdftotext", ["-l", "1", out.appendingPathComponent("report.pdf").path, "-"]).stdout
            .split(whereSeparator: \.isWhitespace).joined(separator: " ")
        for s in ["Public data-based report", "A cryo-electron microscopic study of ribosome-bound termination factor RF2.",
                  "EMD-1009", "Rawat UB, Zavialov AV", "Frank J", "2002-09-26", "4.57",
                  "recommended contour level of the EMDB entry, chosen by the authors", "10.9 Å", "reported in the EMDB entry",
                  "1MI6, 1MVR", "The entry has no half maps, so Level 1 is not run."] {
            #expect(text.contains(s), "front page lacks “\(s)”: \(text.prefix(1500))")
        }

        // Second report of the same entry: nothing is transferred (the model's 404 is asked again, empty).
        let before = server.requests
        let out2 = e.dir.appendingPathComponent("emd-1009-again")
        let r2 = try report(e, server, out2, ["--threshold", "5", "--resolution", "12", "--no-pdf"])
        #expect(r2.status == 0, "\(r2.stderr)")
        let newRequests = server.requests.dropFirst(before.count)
        #expect(newRequests.allSatisfy { $0.contains(" 404 ") }, "second run transferred: \(newRequests)")
        #expect(!r2.stderr.contains("downloaded"))
        // Flags override the archive, and the report says so.
        let inputs2 = try metrics(out2)["inputs"] as! [String: Any]
        #expect(inputs2["threshold"] as? Double == 5 && inputs2["resolution"] as? Double == 12)
        let emdb2 = inputs2["emdb"] as! [String: Any]
        #expect(emdb2["contour_level"] as? Double == 4.57)
        #expect((emdb2["sources"] as? [String: String])?["threshold"] == "user")
        #expect((emdb2["sources"] as? [String: String])?["resolution"] == "user")
    }

    @Test func notFoundGivesOneLineErrorAndNoOutputFolder() throws {
        let e = try ServedEntry()
        defer { e.cleanUp() }
        let server = try ArchiveServer(root: e.archive.root)
        defer { server.stop() }
        let out = e.dir.appendingPathComponent("emd-9999")
        let r = try report(e, server, out, id: "EMD-9999")
        #expect(r.status == 69)
        #expect(errorLines(r.stderr) == ["emvalidate: error: EMD-9999: cannot get the header: \(server.url)/structures/EMD-9999/header/emd-9999-v30.xml: HTTP 404 (not found)"],
                "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out.path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: e.dir.path).filter { $0.hasPrefix(".") }.isEmpty)
    }

    @Test func offlineMirrorGivesOneLineError() throws {
        let e = try ServedEntry()
        defer { e.cleanUp() }
        // A port nobody listens on: the server is started and stopped to learn a free one.
        let server = try ArchiveServer(root: e.archive.root)
        server.stop()
        let out = e.dir.appendingPathComponent("emd-1009")
        let r = try report(e, server, out)
        #expect(r.status == 69)
        let lines = errorLines(r.stderr)
        #expect(lines.count == 1 && lines[0].hasPrefix("emvalidate: error: EMD-1009: cannot get the header: \(server.url)/structures/EMD-1009/header/emd-1009-v30.xml: "), "\(r.stderr)")
        #expect(lines.first?.hasSuffix("(gave up after 4 attempts)") == true, "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    @Test func truncatedMapIsRetriedThenReportedClearly() throws {
        let full = try gzippedBlobMap(n: 24, voxelA: 2.82)
        let e = try ServedEntry(mapBytes: full.prefix(full.count - 100))
        defer { e.cleanUp() }
        let server = try ArchiveServer(root: e.archive.root)
        defer { server.stop() }
        let out = e.dir.appendingPathComponent("emd-1009")
        let r = try report(e, server, out)
        #expect(r.status == 69)
        let url = "\(server.url)/structures/EMD-1009/map/emd_1009.map.gz"
        #expect(errorLines(r.stderr) == ["emvalidate: error: EMD-1009: cannot get the map: \(url): emd_1009.map.gz is not a complete gzip file: the gzip stream ends early, after \(full.count - 100) bytes (no trailer: the file is truncated) (gave up after 4 attempts)"],
                "\(r.stderr)")
        #expect(e.requests(server, for: "emd_1009.map.gz").count == 4)
        #expect(r.stderr.contains("retrying emd_1009.map.gz in 1.0 s (attempt 2 of 4)"))
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    @Test func droppedConnectionIsRetriedThenReportedClearly() throws {
        let e = try ServedEntry()
        defer { e.cleanUp() }
        let server = try ArchiveServer(root: e.archive.root, drop: ["emd_1009.map.gz:2000:0"])
        defer { server.stop() }
        let out = e.dir.appendingPathComponent("emd-1009")
        let r = try report(e, server, out)
        #expect(r.status == 69)
        let lines = errorLines(r.stderr)
        #expect(lines.count == 1 && lines[0].hasPrefix("emvalidate: error: EMD-1009: cannot get the map: \(server.url)/structures/EMD-1009/map/emd_1009.map.gz: the connection closed after 8000 bytes"),
                "\(r.stderr)")
        #expect(lines.first?.hasSuffix("(gave up after 4 attempts)") == true)
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    @Test func entryWithoutContourAsksForThreshold() throws {
        let e = try ServedEntry()
        defer { e.cleanUp() }
        // The real header with its contour list taken out.
        let headerURL = e.archive.entry("1009").appendingPathComponent("header/emd-1009-v30.xml")
        var xml = try String(contentsOf: headerURL, encoding: .utf8)
        let start = xml.range(of: "<contour_list>")!, end = xml.range(of: "</contour_list>")!
        xml.removeSubrange(start.lowerBound..<end.upperBound)
        try xml.write(to: headerURL, atomically: true, encoding: .utf8)
        let server = try ArchiveServer(root: e.archive.root)
        defer { server.stop() }
        let out = e.dir.appendingPathComponent("emd-1009")
        let r = try report(e, server, out)
        #expect(r.status == 64)
        #expect(errorLines(r.stderr).isEmpty == false)
        #expect(r.stderr.contains("emvalidate: error: EMD-1009: the entry gives no contour level; give one with --threshold T (map units)"),
                "\(r.stderr)")
        #expect(server.requests.count == 1, "only the header is fetched: \(server.requests)")
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    /// Half maps listed in the entry are fetched from other/ and Level 1 runs on them.
    @Test func halfMapsFromTheEntryGiveLevel1() throws {
        let e = try ServedEntry(mapBytes: try gzippedBlobMap(n: 24, voxelA: 2.82))
        defer { e.cleanUp() }
        let headerURL = e.archive.entry("1009").appendingPathComponent("header/emd-1009-v30.xml")
        var xml = try String(contentsOf: headerURL, encoding: .utf8)
        xml = xml.replacingOccurrences(of: "<interpretation>", with: """
            <interpretation><half_map_list>
            <half_map format="CCP4"><file>emd_1009_half_map_1.map.gz</file></half_map>
            <half_map format="CCP4"><file>emd_1009_half_map_2.map.gz</file></half_map>
            </half_map_list>
            """)
        try xml.write(to: headerURL, atomically: true, encoding: .utf8)
        try e.archive.write(try gzippedBlobMap(n: 24, voxelA: 2.82, seed: 1), "structures/EMD-1009/other/emd_1009_half_map_1.map.gz")
        try e.archive.write(try gzippedBlobMap(n: 24, voxelA: 2.82, seed: 2), "structures/EMD-1009/other/emd_1009_half_map_2.map.gz")
        let server = try ArchiveServer(root: e.archive.root)
        defer { server.stop() }
        let out = e.dir.appendingPathComponent("emd-1009")
        let r = try report(e, server, out, ["--no-pdf"])
        #expect(r.status == 0, "\(r.stderr)")
        let m = try metrics(out)
        let emdb = (m["inputs"] as! [String: Any])["emdb"] as! [String: Any]
        #expect((emdb["sources"] as? [String: String])?["half_maps"] == "archive")
        #expect((emdb["absent_inputs"] as? [String])?.count == 1)
        let order = m["order"] as! [String]
        #expect(order.contains("1.a"), "\(order)")
    }
}

/// `batch` over a list of EMDB ids: each entry fetched once through the shared cache, a missing entry
/// isolated as a failed row, and a second run skips what is done without any download.
@Suite(.serialized) struct PublicDataBatchTests {
    @Test func listOfEntryIds() throws {
        let e = try ServedEntry(mapBytes: try gzippedBlobMap(n: 24, voxelA: 2.82))
        defer { e.cleanUp() }
        try e.archive.addRealHeader("1003")
        try e.archive.write(try gzippedBlobMap(n: 24, voxelA: 2.93, seed: 3), "structures/EMD-1003/map/emd_1003.map.gz")
        let server = try ArchiveServer(root: e.archive.root)
        defer { server.stop() }
        let list = e.dir.appendingPathComponent("ids.txt")
        try Data("EMD-1009\nemd_1003\nEMD-9999\n".utf8).write(to: list)
        let out = e.dir.appendingPathComponent("reports")
        let args = ["batch", list.path, "-o", out.path, "--jobs", "2", "--no-pdf", "--emdb-mirror", server.url,
                    "--pdb-mirror", server.url, "--cache", e.cache.path]
        let r = try run(emvalidateBinary, args)
        #expect(r.status == 65, "\(r.stderr)")   // one row failed
        #expect(r.stderr.contains("2 written, 0 up to date, 1 failed"), "\(r.stderr)")
        for id in ["EMD-1009", "EMD-1003"] {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("\(id)/metrics.json").path), "\(id)")
        }
        let index = try String(contentsOf: out.appendingPathComponent("index.csv"), encoding: .utf8)
        #expect(index.contains("EMD-9999") && index.contains("HTTP 404"), "\(index)")
        let inputs = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("EMD-1003/metrics.json"))) as! [String: Any]
        #expect((inputs["inputs"] as! [String: Any])["threshold"] as? Double == 82.8)
        for f in ["emd_1009.map.gz", "emd_1003.map.gz"] { #expect(e.requests(server, for: f).count == 1, "\(f)") }

        let before = server.requests.filter { !$0.contains(" 404 ") }
        let r2 = try run(emvalidateBinary, args)
        #expect(r2.stderr.contains("0 written, 2 up to date, 1 failed"), "\(r2.stderr)")
        #expect(server.requests.filter { !$0.contains(" 404 ") } == before)
    }
}
