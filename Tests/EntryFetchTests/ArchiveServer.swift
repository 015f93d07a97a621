// Test infrastructure: a folder laid out like the EMDB and PDB archives, served on 127.0.0.1 by
// Tests/Servers/archive_server.py (which can drop connections on purpose), with its request log.
import Foundation
import MapIO
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// A fresh temporary folder.
func scratchFolder(_ name: String = #function) throws -> URL {
    try TestScratch.directory("emv-fetch", for: name)
}

/// An archive folder: structures/EMD-NNNN/{header,map,other}/ and data/structures/divided/mmCIF/.
struct ArchiveFolder {
    let root: URL

    init(_ root: URL) { self.root = root }

    func entry(_ number: String) -> URL { root.appendingPathComponent("structures/EMD-\(number)") }

    /// Copies Fixtures/emdb/emd-NNNN-v30.xml into header/.
    func addRealHeader(_ number: String) throws {
        let dir = entry(number).appendingPathComponent("header")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent("Fixtures/emdb/emd-\(number)-v30.xml"),
                                         to: dir.appendingPathComponent("emd-\(number)-v30.xml"))
    }

    func write(_ data: Data, _ relative: String) throws {
        let url = root.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url)
    }
}

/// A Gaussian blob of `n`³ voxels (σ = n/8 voxels, peak 10 at the centre) plus a deterministic ripple, as
/// gzipped MRC bytes (gzip(1) writes the stream, not our code).
func gzippedBlobMap(n: Int, voxelA: Double, seed: Int = 0) throws -> Data {
    var data = [Float](repeating: 0, count: n * n * n)
    let c = Double(n - 1) / 2, s = Double(n) / 8
    for z in 0..<n { for y in 0..<n { for x in 0..<n {
        let r2 = (Double(x) - c) * (Double(x) - c) + (Double(y) - c) * (Double(y) - c) + (Double(z) - c) * (Double(z) - c)
        let ripple = 0.05 * sin(Double(x * 7 + y * 13 + z * 29 + seed))
        data[x + n * (y + n * z)] = Float(10 * exp(-r2 / (2 * s * s)) + ripple)
    } } }
    let dir = try scratchFolder("blob")
    defer { try? FileManager.default.removeItem(at: dir) }
    let mrc = dir.appendingPathComponent("m.mrc")
    try MRCWriter.write(Volume(nx: n, ny: n, nz: n, data: data, voxelSize: SIMD3(repeating: voxelA)), to: mrc.path, labels: ["test blob"])
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/bin/gzip")
    p.arguments = ["-n", "-k", mrc.path]
    try p.run(); p.waitUntilExit()
    return try Data(contentsOf: dir.appendingPathComponent("m.mrc.gz"))
}

/// archive_server.py on a free port of 127.0.0.1, serving `root`; stopped by `stop()` (its own process id).
final class ArchiveServer {
    let process = Process()
    let port: Int
    let log: URL

    init(root: URL, drop: [String] = []) throws {
        log = root.deletingLastPathComponent().appendingPathComponent("requests-\(UUID().uuidString.prefix(6)).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", repositoryRoot.appendingPathComponent("Tests/Servers/archive_server.py").path,
                             "--root", root.path, "--log", log.path] + drop.flatMap { ["--drop", $0] }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = Data()
        while true {
            let byte = out.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty || byte == Data("\n".utf8) { break }
            line.append(byte)
        }
        guard let p = Int(String(decoding: line, as: UTF8.self)) else {
            kill(process.processIdentifier, SIGKILL)
            throw NSError(domain: "ArchiveServer", code: 1, userInfo: [NSLocalizedDescriptionKey: "the test server did not start"])
        }
        port = p
    }

    var url: String { "http://127.0.0.1:\(port)" }

    /// The requests served so far: "GET /path RANGE STATUS BYTES".
    var requests: [String] {
        (try? String(contentsOf: log, encoding: .utf8))?.split(separator: "\n").map(String.init) ?? []
    }

    /// SIGKILL: children of Foundation's Process may be started with SIGTERM blocked, so terminate() can hang.
    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
    }

    deinit { stop() }
}
