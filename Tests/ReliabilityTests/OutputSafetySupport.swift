// Helpers for the output-folder safety tests (issue 17): folder fingerprints, a running binary whose stderr
// is read line by line, the process table, a dead process id, and a small tmpfs when the tests run as root.
import Foundation
import Report

/// SHA-256 of every file under `dir` and the list of its folders (relative paths), to show a folder unchanged.
func treeFingerprint(_ dir: URL) throws -> [String: String] {
    var out: [String: String] = [:]
    let fm = FileManager.default
    guard let e = fm.enumerator(atPath: dir.path) else { return out }
    while let rel = e.nextObject() as? String {
        let p = dir.appendingPathComponent(rel).path
        var isDir: ObjCBool = false
        _ = fm.fileExists(atPath: p, isDirectory: &isDir)
        out[rel] = isDir.boolValue ? "folder" : try hashes(of: [p])[p]!
    }
    return out
}

/// Entries of `dir` whose names start with ".".
func hiddenEntries(_ dir: URL) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix(".") }.sorted()
}

/// Names in `dir` (for messages; empty if it cannot be read).
func listing(_ dir: URL, hiddenOnly: Bool = false) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).filter { !hiddenOnly || $0.hasPrefix(".") }.sorted()
}

/// The error lines of a run's stderr.
func errorLines(_ r: Run) -> [Substring] { r.stderr.split(separator: "\n").filter { $0.contains("error") } }

/// An `emvalidate` process whose stderr is collected as it arrives.
final class LiveRun: @unchecked Sendable {
    let process = Process()
    private let lock = NSLock()
    private var text = ""
    private let done = DispatchGroup()

    init(_ args: [String]) throws {
        process.executableURL = URL(fileURLWithPath: emvalidateBinary)
        process.arguments = args
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        done.enter()
        DispatchQueue.global().async { [self] in
            let h = err.fileHandleForReading
            while true {
                let d = h.availableData
                if d.isEmpty { break }
                lock.lock(); text += String(decoding: d, as: UTF8.self); lock.unlock()
            }
            done.leave()
        }
    }

    var stderr: String { lock.lock(); defer { lock.unlock() }; return text }

    /// Waits until stderr contains `fragment` (true) or the process ends or `seconds` pass (false).
    func waitFor(_ fragment: String, seconds: Double = 300) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if stderr.contains(fragment) { return true }
            if !process.isRunning { return stderr.contains(fragment) }
            usleep(20_000)
        }
        return false
    }

    func wait() { process.waitUntilExit(); done.wait() }
}

/// One line of /proc/PID/stat: (parent, state, start time in clock ticks), nil if there is no such process.
func procStat(_ pid: Int32) -> (ppid: Int32, state: Character, start: String, comm: String)? {
    guard let s = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
          let open = s.firstIndex(of: "("), let close = s.lastIndex(of: ")") else { return nil }
    let comm = String(s[s.index(after: open)..<close])
    let f = s[s.index(close, offsetBy: 2)...].split(separator: " ")
    guard f.count > 19, let ppid = Int32(f[1]) else { return nil }
    return (ppid, f[0].first ?? "?", String(f[19]), comm)
}

/// Every process descending from `root`: pid → (start time, command name).
func descendants(of root: Int32) -> [Int32: (start: String, comm: String)] {
    let pids = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { Int32($0) }
    var table: [Int32: (ppid: Int32, start: String, comm: String)] = [:]
    for p in pids { if let s = procStat(p) { table[p] = (s.ppid, s.start, s.comm) } }
    var out: [Int32: (String, String)] = [:]
    var frontier = [root]
    while let p = frontier.popLast() {
        for (child, s) in table where s.ppid == p && out[child] == nil {
            out[child] = (s.start, s.comm)
            frontier.append(child)
        }
    }
    return out
}

/// Whether the process `pid` that started at `start` still runs (a zombie has ended).
func stillRunning(_ pid: Int32, start: String) -> Bool {
    guard let s = procStat(pid) else { return false }
    return s.start == start && s.state != "Z" && s.state != "X"
}

/// A process id that belonged to a process that has ended.
func deadProcessID() throws -> Int32 {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/bin/true")
    try p.run()
    p.waitUntilExit()
    return p.processIdentifier
}

/// Mounts a tmpfs of `sizeKB` (with `options`) on a fresh folder; nil when not root or mounting is not allowed.
func mountTmpfs(sizeKB: Int, options: String = "") throws -> URL? {
    guard geteuid() == 0 else { return nil }
    let dir = try temporaryDirectory("tmpfs")
    let opts = "size=\(sizeKB)k" + (options.isEmpty ? "" : "," + options)
    let r = try runProcess("/bin/mount", ["-t", "tmpfs", "-o", opts, "tmpfs", dir.path])
    guard r.status == 0 else { try? FileManager.default.removeItem(at: dir); return nil }
    return dir
}

func unmount(_ dir: URL) {
    _ = try? runProcess("/bin/umount", [dir.path])
    try? FileManager.default.removeItem(at: dir)
}

/// A template folder whose front page stops LaTeX with an undefined command (the templates themselves are valid).
func latexFailingTemplates(in dir: URL) throws -> URL {
    let t = dir.appendingPathComponent("bad-templates")
    try FileManager.default.createDirectory(at: t, withIntermediateDirectories: true)
    try Data("\\UndefinedCommandForTheTest\n".utf8).write(to: t.appendingPathComponent("front.tex"))
    return t
}
