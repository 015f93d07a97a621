// Fetching an entry from an archive served over HTTP on 127.0.0.1 (Tests/Servers/archive_server.py) with the
// real EMD-1009 header: what is downloaded, the cache, resumed and failed transfers, 404s, shared locks.
// The server's request log is the independent record of what went over the network.
import Foundation
import Testing
@testable import EntryFetch
@testable import EntryMetadata

/// A served archive with the real EMD-1009 header and a 24³ gzipped map; removed at the end.
struct ServedEntry {
    let dir: URL
    let archive: ArchiveFolder
    let mapBytes: Data
    let cache: URL

    init(_ name: String = #function, mapBytes: Data? = nil) throws {
        dir = try scratchFolder(name)
        archive = ArchiveFolder(dir.appendingPathComponent("archive"))
        try archive.addRealHeader("1009")
        self.mapBytes = try mapBytes ?? gzippedBlobMap(n: 24, voxelA: 2.82)
        try archive.write(self.mapBytes, "structures/EMD-1009/map/emd_1009.map.gz")
        cache = dir.appendingPathComponent("cache")
    }

    func fetcher(_ server: ArchiveServer, attempts: Int = 3) throws -> EntryFetcher {
        EntryFetcher(emdb: try ArchiveMirror(server.url, flag: "--emdb-mirror"),
                     pdb: try ArchiveMirror(server.url, flag: "--pdb-mirror"),
                     cache: try DownloadCache(root: cache),
                     options: FetchOptions(attempts: attempts, backoffSeconds: 0.05, idleTimeoutSeconds: 20))
    }

    func requests(_ server: ArchiveServer, for file: String) -> [String] {
        server.requests.filter { $0.contains("/" + file + " ") }
    }

    func cleanUp() { try? FileManager.default.removeItem(at: dir) }
}

@Suite(.serialized) struct EntryFetchTests {
    @Test func fetchesOnceThenEverythingComesFromTheCache() throws {
        let e = try ServedEntry()
        defer { e.cleanUp() }
        let server = try ArchiveServer(root: e.archive.root)
        defer { server.stop() }

        let f = try e.fetcher(server)
        let header = try f.fetchHeader(EMDBID("EMD-1009")!)
        #expect(header.metadata.contourLevel == 4.57 && header.metadata.fittedPDBIDs == ["1mi6", "1mvr"])
        let got = try f.fetchInputs(header, halfMaps: true, model: true)
        #expect(try Data(contentsOf: URL(fileURLWithPath: got.mapPath)) == e.mapBytes)
        #expect(got.mapPath.hasSuffix("/emd_1009.map.gz"))
        let headerBytes = try Data(contentsOf: repositoryRoot.appendingPathComponent("Fixtures/emdb/emd-1009-v30.xml"))
        #expect(got.headerSHA256 == Digest.sha256(headerBytes))
        #expect(got.downloadedBytes == Int64(e.mapBytes.count + headerBytes.count))
        // No half maps in the entry; 1mi6 is not in this PDB mirror: both recorded as absent, not fatal.
        #expect(got.halfMapPaths == nil && got.modelPath == nil)
        #expect(got.absent == [
            "The entry has no half maps, so Level 1 is not run.",
            "The fitted model PDB 1MI6 is not in the PDB archive (\(server.url)/data/structures/divided/mmCIF/mi/1mi6.cif.gz: HTTP 404 (not found)), so Level A is not run.",
        ])
        let firstRun = server.requests
        #expect(firstRun.count == 3, "\(firstRun)")   // header, map, model (404)

        // A second fetcher on the same cache: nothing but the model's 404 goes over the network again
        // (a missing file is not cached: it may appear later).
        let f2 = try e.fetcher(server)
        let again = try f2.fetchInputs(try f2.fetchHeader(EMDBID("1009")!), halfMaps: true, model: false)
        #expect(again.downloadedBytes == 0)
        #expect(again.mapPath == got.mapPath)
        #expect(server.requests == firstRun, "second run made requests: \(server.requests.dropFirst(firstRun.count))")
    }

    @Test func droppedConnectionIsResumedWithARangeRequest() throws {
        let e = try ServedEntry()
        defer { e.cleanUp() }
        let server = try ArchiveServer(root: e.archive.root, drop: ["emd_1009.map.gz:3000:1"])
        defer { server.stop() }
        let f = try e.fetcher(server)
        let got = try f.fetchInputs(try f.fetchHeader(EMDBID("1009")!), halfMaps: false, model: false)
        #expect(try Data(contentsOf: URL(fileURLWithPath: got.mapPath)) == e.mapBytes)
        let map = e.requests(server, for: "emd_1009.map.gz")
        #expect(map.count == 2, "\(map)")
        #expect(map.first?.hasSuffix(" - 200 3000") == true, "\(map)")
        #expect(map.last?.hasSuffix(" bytes=3000- 206 \(e.mapBytes.count - 3000)") == true, "\(map)")
        #expect(got.downloadedBytes == Int64(e.mapBytes.count) + Int64(server.requests[0].split(separator: " ").last!)!)
    }

    @Test func connectionDroppedEveryTimeIsReportedAfterTheRetries() throws {
        let e = try ServedEntry()
        defer { e.cleanUp() }
        let server = try ArchiveServer(root: e.archive.root, drop: ["emd_1009.map.gz:3000:0"])
        defer { server.stop() }
        let f = try e.fetcher(server, attempts: 3)
        let header = try f.fetchHeader(EMDBID("1009")!)
        var message = ""
        do { _ = try f.fetchInputs(header, halfMaps: false, model: false) } catch let err as FetchError {
            #expect(err.kind == .unavailable)
            message = err.message
        }
        let url = "\(server.url)/structures/EMD-1009/map/emd_1009.map.gz"
        #expect(message.hasPrefix("EMD-1009: cannot get the map: \(url): the connection closed after 9000 bytes"), "\(message)")
        #expect(message.hasSuffix("(gave up after 3 attempts)"), "\(message)")
        #expect(!message.contains("\n"))
        // Each retry resumed where the previous one stopped.
        let ranges = e.requests(server, for: "emd_1009.map.gz").map { $0.split(separator: " ")[2] }
        #expect(ranges == ["-", "bytes=3000-", "bytes=6000-"], "\(ranges)")
    }

    @Test func truncatedGzipOnTheServerIsRetriedThenReported() throws {
        let full = try gzippedBlobMap(n: 24, voxelA: 2.82)
        let e = try ServedEntry(mapBytes: full.prefix(full.count / 2))
        defer { e.cleanUp() }
        let server = try ArchiveServer(root: e.archive.root)
        defer { server.stop() }
        let f = try e.fetcher(server, attempts: 2)
        let header = try f.fetchHeader(EMDBID("1009")!)
        var message = ""
        do { _ = try f.fetchInputs(header, halfMaps: false, model: false) } catch let err as FetchError {
            #expect(err.kind == .unavailable)
            message = err.message
        }
        #expect(message.contains("emd_1009.map.gz is not a complete gzip file: the gzip stream ends early, after \(full.count / 2) bytes"),
                "\(message)")
        #expect(message.hasSuffix("(gave up after 2 attempts)"), "\(message)")
        // Both attempts downloaded the whole (short) file; nothing was kept in the cache.
        #expect(e.requests(server, for: "emd_1009.map.gz").map { $0.split(separator: " ")[2] } == ["-", "-"])
        let blobs = try FileManager.default.contentsOfDirectory(atPath: e.cache.appendingPathComponent("blobs").path)
        #expect(blobs.count == 1)   // the header only
    }

    @Test func notFoundIsFinalAtOnceAndNamesTheURL() throws {
        let e = try ServedEntry()
        defer { e.cleanUp() }
        let server = try ArchiveServer(root: e.archive.root)
        defer { server.stop() }
        let f = try e.fetcher(server)
        var caught: FetchError?
        do { _ = try f.fetchHeader(EMDBID("EMD-9999")!) } catch let err as FetchError { caught = err }
        #expect(caught?.kind == .notFound)
        #expect(caught?.message == "EMD-9999: cannot get the header: \(server.url)/structures/EMD-9999/header/emd-9999-v30.xml: HTTP 404 (not found)")
        #expect(server.requests.count == 1)
    }

    /// Two fetchers (as two Slurm tasks would) asking for the same file at once: one download.
    @Test func concurrentFetchesOfOneFileDownloadItOnce() throws {
        let e = try ServedEntry(mapBytes: try gzippedBlobMap(n: 40, voxelA: 2.82))
        defer { e.cleanUp() }
        let server = try ArchiveServer(root: e.archive.root)
        defer { server.stop() }
        let url = URL(string: "\(server.url)/structures/EMD-1009/map/emd_1009.map.gz")!
        let paths = Locked<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            if let c = try? DownloadCache(root: e.cache),
               let f = try? c.file(for: url, options: FetchOptions(attempts: 2, backoffSeconds: 0.05)) {
                paths.mutate { $0.append(f.path) }
            }
        }
        #expect(paths.value.count == 4 && Set(paths.value).count == 1)
        #expect(e.requests(server, for: "emd_1009.map.gz").count == 1, "\(server.requests)")
    }

    /// A local folder with the archive's layout is read in place: no cache entries, nothing copied.
    @Test func localFolderMirror() throws {
        let e = try ServedEntry()
        defer { e.cleanUp() }
        let f = EntryFetcher(emdb: try ArchiveMirror(e.archive.root.path, flag: "--emdb-mirror"),
                             pdb: try ArchiveMirror("file://" + e.archive.root.path, flag: "--pdb-mirror"),
                             cache: try DownloadCache(root: e.cache))
        let got = try f.fetchInputs(try f.fetchHeader(EMDBID("1009")!), halfMaps: true, model: true)
        #expect(got.mapPath == e.archive.root.appendingPathComponent("structures/EMD-1009/map/emd_1009.map.gz").path)
        #expect(got.downloadedBytes == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: e.cache.appendingPathComponent("blobs").path).isEmpty)
        #expect(got.absent.last?.contains("no such file in the local mirror") == true)
        var caught: FetchError?
        do { _ = try f.fetchHeader(EMDBID("1010")!) } catch let err as FetchError { caught = err }
        #expect(caught?.kind == .notFound)
        #expect(caught?.message == "EMD-1010: cannot get the header: \(e.archive.root.path)/structures/EMD-1010/header/emd-1010-v30.xml: no such file in the local mirror")
    }

    /// Large files report their progress: lines at every tenth, ending at 100 %.
    @Test func progressLinesForLargeFiles() throws {
        let e = try ServedEntry()
        defer { e.cleanUp() }
        let server = try ArchiveServer(root: e.archive.root)
        defer { server.stop() }
        let url = URL(string: "\(server.url)/structures/EMD-1009/map/emd_1009.map.gz")!
        let lines = Locked<[String]>([])
        _ = try DownloadCache(root: e.cache).file(for: url, options: FetchOptions(progressThresholdBytes: 1000),
                                                  progress: { line in lines.mutate { $0.append(line) } })
        let mb = String(format: "%.1f", Double(e.mapBytes.count) / 1e6)
        #expect(lines.value.last == "downloading emd_1009.map.gz: 100% of \(mb) MB", "\(lines.value)")
        #expect(lines.value.count <= 10)
        // Below the threshold: silent.
        let quiet = Locked<[String]>([])
        _ = try DownloadCache(root: e.dir.appendingPathComponent("cache2")).file(for: url, options: FetchOptions(),
                                                                                progress: { line in quiet.mutate { $0.append(line) } })
        #expect(quiet.value.isEmpty)
    }

    @Test func mirrorArgumentsThatAreNeitherURLNorFolder() {
        #expect(throws: FetchError.self) { try ArchiveMirror("/no/such/folder", flag: "--emdb-mirror") }
        #expect(throws: FetchError.self) { try ArchiveMirror("ftp://x", flag: "--emdb-mirror") }
        #expect(ArchiveMirror.pdbModel("1MI6") == "data/structures/divided/mmCIF/mi/1mi6.cif.gz")
        #expect(ArchiveMirror.emdbOther(EMDBID("25107")!, file: "emd_25107_half_map_1.map.gz")
                == "structures/EMD-25107/other/emd_25107_half_map_1.map.gz")
    }
}

final class Locked<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var v: T
    init(_ v: T) { self.v = v }
    var value: T { lock.lock(); defer { lock.unlock() }; return v }
    func mutate(_ f: (inout T) -> Void) { lock.lock(); f(&v); lock.unlock() }
}
