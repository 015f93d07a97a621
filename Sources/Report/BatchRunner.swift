// `emvalidate batch TABLE.csv -o DIR`: one report per row in DIR/<entry>/, each by its own `emvalidate
// report` process (a crash or a bad map stops only its row), N at a time; then DIR/index.csv and index.html.
//
// Resuming: after each row, DIR/.batch/<entry>.json records its status and the inputs' fingerprint (the
// SHA-256 of every input file, the parameters and the tool version). A row is skipped when it is recorded as
// done with the same fingerprint and its report is still there. File hashes are reused while a file's size
// and modification time are unchanged, so a rerun over 2,000 entries does not reread every map.
// The index is rewritten under a lock (flock) by whoever finishes a row, so concurrent Slurm tasks leave
// a complete index behind: the last writer sees every row recorded before it.
import Foundation
import MapIO
import VolumeNumerics
#if canImport(Glibc)
import Glibc
#endif

public struct BatchOptions: Sendable {
    public var outputDirectory: String
    public var jobs: Int
    public var makePDF: Bool
    /// The emvalidate executable run for each row.
    public var executable: String
    public var latexTimeoutSeconds: Int
    /// --emdb-mirror, --pdb-mirror and --cache as given to `batch`, passed on to each report of an `emdb` row.
    public var publicDataArguments: [String]
    public init(outputDirectory: String, jobs: Int = 1, makePDF: Bool = true, executable: String,
                latexTimeoutSeconds: Int = 300, publicDataArguments: [String] = []) {
        self.outputDirectory = outputDirectory; self.jobs = jobs; self.makePDF = makePDF
        self.executable = executable; self.latexTimeoutSeconds = latexTimeoutSeconds
        self.publicDataArguments = publicDataArguments
    }
}

/// What DIR/.batch/<entry>.json holds.
public struct BatchState: Codable, Sendable, Equatable {
    public enum Status: String, Codable, Sendable { case done, failed }
    public struct FileStamp: Codable, Sendable, Equatable {
        public var path: String
        public var size: Int64
        public var mtime: Double
        public var sha256: String
    }
    public var row: Int
    public var name: String
    public var status: Status
    public var exitCode: Int32
    public var error: String?
    /// Parameters (threshold, resolution, ids, pdf, tool version) as text.
    public var parameters: [String: String]
    /// Input files by column.
    public var files: [String: FileStamp]
    public var finishedUTC: String
    enum CodingKeys: String, CodingKey {
        case row, name, status, exitCode = "exit_code", error, parameters, files, finishedUTC = "finished_utc"
    }
}

public enum BatchRowOutcome: String, Sendable { case ran, skipped, failed }

public enum BatchRunner {
    static let stateFolder = ".batch"

    public static func stateURL(_ options: BatchOptions, _ row: BatchRow) -> URL {
        URL(fileURLWithPath: options.outputDirectory).appendingPathComponent(stateFolder)
            .appendingPathComponent(row.name + ".json")
    }

    static func readState(_ url: URL) -> BatchState? {
        guard let d = FileManager.default.contents(atPath: url.path) else { return nil }
        return try? JSONDecoder().decode(BatchState.self, from: d)
    }

    static func writeState(_ s: BatchState, _ url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try e.encode(s).write(to: url, options: .atomic)
    }

    /// Parameters that decide a row's report besides the input files.
    static func parameters(_ row: BatchRow, _ options: BatchOptions) -> [String: String] {
        var p: [String: String] = ["tool_version": ReportPipeline.version, "pdf": options.makePDF ? "yes" : "no"]
        for c in ["threshold", "resolution", "title", "emdb_id", "pdb_id", "authors"] { p[c] = row.value(c) ?? "" }
        if let e = row.value("emdb") { p["emdb"] = e }
        return p
    }

    /// Size, mtime and SHA-256 of each input file; hashes reused from `previous` when size and mtime match.
    static func stamps(_ row: BatchRow, _ table: BatchTable, previous: BatchState?) throws -> [String: BatchState.FileStamp] {
        var out: [String: BatchState.FileStamp] = [:]
        for column in BatchTable.pathColumns {
            guard let path = table.resolvedPath(row, column) else { continue }
            let attrs: [FileAttributeKey: Any]
            do { attrs = try FileManager.default.attributesOfItem(atPath: path) }
            catch { throw BatchTableError(message: "line \(row.line): \(column) \(path) not found") }
            let size = (attrs[.size] as? NSNumber)?.int64Value ?? -1
            let mtime = (attrs[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            if let old = previous?.files[column], old.path == path, old.size == size, old.mtime == mtime {
                out[column] = old
            } else {
                out[column] = .init(path: path, size: size, mtime: mtime, sha256: try FileHash.sha256(path: path))
            }
        }
        return out
    }

    /// Whether the row's recorded report matches its current inputs.
    public static func isUpToDate(_ row: BatchRow, _ table: BatchTable, _ options: BatchOptions) -> Bool {
        guard row.problem == nil, let state = readState(stateURL(options, row)), state.status == .done,
              state.parameters == parameters(row, options) else { return false }
        let entry = URL(fileURLWithPath: options.outputDirectory).appendingPathComponent(row.name)
        let fm = FileManager.default
        guard fm.fileExists(atPath: entry.appendingPathComponent("metrics.json").path),
              !options.makePDF || fm.fileExists(atPath: entry.appendingPathComponent("report.pdf").path)
        else { return false }
        guard let now = try? stamps(row, table, previous: state) else { return false }
        return now == state.files
    }

    /// The emvalidate report arguments of a row.
    static func reportArguments(_ row: BatchRow, _ table: BatchTable, _ options: BatchOptions) -> [String] {
        var a = ["report"]
        if let e = row.value("emdb") { a += ["--emdb", e] + options.publicDataArguments }
        else { a.append(table.resolvedPath(row, "map")!) }
        if let t = row.value("threshold") { a += ["--threshold", t] }
        if let r = row.value("resolution") { a += ["--resolution", r] }
        for (column, flag) in [("half1", "--half1"), ("half2", "--half2"), ("model", "--model")] {
            if let p = table.resolvedPath(row, column) { a += [flag, p] }
        }
        for (column, flag) in [("title", "--title"), ("emdb_id", "--emdb-id"), ("pdb_id", "--pdb-id"), ("authors", "--authors")] {
            if let v = row.value(column) { a += [flag, v] }
        }
        a += ["-o", URL(fileURLWithPath: options.outputDirectory).appendingPathComponent(row.name).path, "-q",
              "--latex-timeout", String(options.latexTimeoutSeconds)]
        if !options.makePDF { a.append("--no-pdf") }
        // Reports running side by side share the CPUs (a Slurm task honours SLURM_CPUS_PER_TASK by itself).
        if options.jobs > 1 { a += ["--threads", String(max(1, Parallel.workers / options.jobs))] }
        return a
    }

    /// Runs one row unless it is up to date; records its state. Never throws for a problem of the row itself.
    public static func runRow(_ row: BatchRow, _ table: BatchTable, _ options: BatchOptions) -> (BatchRowOutcome, String?) {
        let stateFile = stateURL(options, row)
        let previous = readState(stateFile)
        func record(_ status: BatchState.Status, _ code: Int32, _ error: String?, _ files: [String: BatchState.FileStamp]) {
            let s = BatchState(row: row.index, name: row.name, status: status, exitCode: code, error: error,
                               parameters: parameters(row, options), files: files,
                               finishedUTC: ISO8601DateFormatter().string(from: Date()))
            try? writeState(s, stateFile)
        }
        if let p = row.problem { record(.failed, 64, p, [:]); return (.failed, p) }
        if isUpToDate(row, table, options) { return (.skipped, nil) }
        let files: [String: BatchState.FileStamp]
        do { files = try stamps(row, table, previous: previous) }
        catch { record(.failed, 66, "\(error)", [:]); return (.failed, "\(error)") }

        let p = Process()
        p.executableURL = URL(fileURLWithPath: options.executable)
        p.arguments = reportArguments(row, table, options)
        let err = Pipe()
        p.standardOutput = FileHandle.nullDevice
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        do { try p.run() } catch {
            let m = "cannot start \(options.executable): \(error)"
            record(.failed, 71, m, files); return (.failed, m)
        }
        // On SIGINT/SIGTERM the row's report process is stopped too (it removes its own staging folder).
        let guardToken = Interruption.guardChild(p.processIdentifier, group: false)
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        Interruption.release(guardToken)
        let code = p.terminationReason == .uncaughtSignal ? 128 + p.terminationStatus : p.terminationStatus
        if code == 0 { record(.done, 0, nil, files); return (.ran, nil) }
        let lines = text.split(separator: "\n").map(String.init)
        var message = lines.last { $0.contains("error") } ?? lines.last ?? ""
        if message.hasPrefix("emvalidate: error: ") { message = String(message.dropFirst(19)) }
        if p.terminationReason == .uncaughtSignal { message = "crashed (signal \(p.terminationStatus)) " + message }
        let m = "exit \(code): \(message)"
        record(.failed, code, m, files)
        return (.failed, m)
    }

    /// Runs `rows` with `options.jobs` processes at a time; `progress` gets one line per row.
    public static func run(_ table: BatchTable, rows: [BatchRow], options: BatchOptions,
                           progress: @escaping @Sendable (String) -> Void) -> [Int: (BatchRowOutcome, String?)] {
        let results = ResultsBox<(BatchRowOutcome, String?)>(count: table.rows.count)
        let counter = Counter()
        let group = DispatchGroup()
        for _ in 0..<max(1, min(options.jobs, rows.count)) {
            DispatchQueue.global().async(group: group) {
                while true {
                    let k = counter.next()
                    guard k < rows.count else { return }
                    let row = rows[k]
                    let t0 = Date()
                    let r = runRow(row, table, options)
                    results.set(row.index, r)
                    let dt = String(format: "%.1f s", Date().timeIntervalSince(t0))
                    progress("row \(row.index) \(row.name): \(r.0.rawValue) (\(dt))" + (r.1.map { ": \($0)" } ?? ""))
                }
            }
        }
        group.wait()
        var out: [Int: (BatchRowOutcome, String?)] = [:]
        for (i, v) in results.values.enumerated() { if let v { out[i] = v } }
        return out
    }

    /// Rows that are not up to date (to run or to submit).
    public static func pending(_ table: BatchTable, _ options: BatchOptions) -> [BatchRow] {
        table.rows.filter { !isUpToDate($0, table, options) }
    }

    /// Runs `body` holding an exclusive lock on DIR/.batch/index.lock (flock), so that index writers take turns.
    static func withIndexLock<T>(_ options: BatchOptions, _ body: () throws -> T) throws -> T {
        let dir = URL(fileURLWithPath: options.outputDirectory).appendingPathComponent(stateFolder)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let fd = open(dir.appendingPathComponent("index.lock").path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return try body() }
        defer { close(fd) }
        flock(fd, LOCK_EX)
        defer { flock(fd, LOCK_UN) }
        return try body()
    }

    /// Rewrites DIR/index.csv and DIR/index.html from every row's recorded state and report.
    public static func writeIndex(_ table: BatchTable, _ options: BatchOptions) throws {
        try withIndexLock(options) {
            let entries = table.rows.map { BatchIndex.Entry(row: $0, options: options) }
            let dir = URL(fileURLWithPath: options.outputDirectory)
            try Data(BatchIndex.csv(entries).utf8).write(to: dir.appendingPathComponent("index.csv"), options: .atomic)
            try Data(BatchIndex.html(entries, table: table).utf8).write(to: dir.appendingPathComponent("index.html"), options: .atomic)
        }
    }

    /// The path of the running executable (for the per-row processes and the Slurm script).
    public static var currentExecutable: String {
        if let p = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return p }
        return URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
    }
}

/// A shared counter handing out row numbers to the worker threads.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func next() -> Int { lock.lock(); defer { lock.unlock() }; value += 1; return value - 1 }
}
