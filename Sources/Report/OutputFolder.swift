// Atomic output: everything is written to a hidden staging folder beside OUTDIR and swapped into place only
// when complete, so a failed or interrupted run leaves no half-written report and never loses the earlier one.
//
// - An existing OUTDIR is replaced only if it is empty or an earlier report with its intact marker and
//   nothing added (ReportMarker); anything else is refused, naming what was found.
// - OUTDIR must not be a symbolic link (dangling, or to another report) nor a file, its parent must be
//   writable, and no input (map, halves, model, templates) may lie inside it: all checked before any analysis.
// - The swap is one renameat2(RENAME_EXCHANGE) on Linux; where the file system does not support it, two
//   renames (OUTDIR → hidden ".old", staging → OUTDIR). Every hidden name carries the host and the process
//   id, so a later run on the same host recognises the leftovers of a dead run and removes them, or puts a
//   ".old" back as OUTDIR when the run died between the two renames.
// - The swap holds an exclusive lock (OutputLock) so that concurrent runs on the same OUTDIR take turns.
import Foundation
#if canImport(Glibc)
import Glibc
#endif

public struct OutputError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

public struct OutputFolder {
    public let final: URL
    public let staging: URL
    public let mode: Mode
    /// In `.update` mode, OUTDIR's metrics.json when it was copied: the swap is refused if it changed since.
    private let copiedMetrics: Data?
    /// The token under which `Interruption` removes the staging folder on SIGINT/SIGTERM.
    private let guardToken: UUID

    public enum Mode: Sendable {
        /// `report`: OUTDIR is created or replaces an earlier report.
        case create
        /// `render`: OUTDIR must exist; its whole content is copied into the staging folder first.
        case update
    }

    /// Checks that `final` can be written, cleans up after dead runs, and creates the staging folder beside it.
    /// `inputs` are paths (files or folders) that must not lie inside `final`.
    public init(final: URL, inputs: [String], mode: Mode = .create) throws {
        let fm = FileManager.default
        let given = final.standardizedFileURL
        let parent = given.deletingLastPathComponent()
        try OutputFolder.checkPathKind(given)
        // The folder's real place (a symbolic link in the parent path is fine; the folder itself is not one).
        let realParent = parent.resolvingSymlinksInPath()
        let real = realParent.appendingPathComponent(given.lastPathComponent)
        for input in inputs {
            let resolved = URL(fileURLWithPath: input).standardizedFileURL.resolvingSymlinksInPath().path
            if resolved == real.path || resolved.hasPrefix(real.path + "/") {
                throw OutputError(message: "output folder \(given.path) contains the input \(input); write the report elsewhere")
            }
        }
        var isDir: ObjCBool = false
        if mode == .update {
            guard fm.fileExists(atPath: given.path, isDirectory: &isDir), isDir.boolValue else {
                throw OutputError(message: "\(given.path) is not a folder written by `emvalidate report`")
            }
        }
        do {
            try fm.createDirectory(at: parent, withIntermediateDirectories: true)
        } catch {
            throw OutputError(message: "cannot create the output's parent folder \(parent.path): \(error.localizedDescription)")
        }
        guard access(parent.path, W_OK | X_OK) == 0 else {
            let why = errno == EROFS ? "read-only file system" : "permission denied"
            throw OutputError(message: "cannot write in \(parent.path): \(why)")
        }
        try OutputLock.withLock(for: real) {
            OutputFolder.recoverLeftovers(of: real)
            if mode == .create, let why = ReportMarker.refusal(toReplace: real) { throw OutputError(message: why) }
        }
        let staging = realParent.appendingPathComponent(OutputFolder.hiddenName(for: real, suffix: ""))
        do {
            try fm.createDirectory(at: staging, withIntermediateDirectories: false)
        } catch {
            throw OutputError(message: "cannot create a folder in \(parent.path): \(error.localizedDescription)")
        }
        self.guardToken = Interruption.guardFolder(staging)
        self.final = real
        self.staging = staging
        self.mode = mode
        self.copiedMetrics = mode == .update ? fm.contents(atPath: real.appendingPathComponent("metrics.json").path) : nil
        if mode == .update {
            do {
                for name in try fm.contentsOfDirectory(atPath: real.path) {
                    try fm.copyItem(at: real.appendingPathComponent(name), to: staging.appendingPathComponent(name))
                }
            } catch {
                discard()
                if OutputWriting.isOutOfSpace(error, under: staging) {
                    throw OutputError(message: "no space left on device while copying \(real.path) to update it")
                }
                throw OutputError(message: "cannot copy \(real.path) to update it: \(error.localizedDescription)")
            }
        }
    }

    /// OUTDIR must be a folder or nothing: a symbolic link, dangling or not, is refused (replacing it would
    /// replace the link, or the folder of another report it points to), and so is a file.
    static func checkPathKind(_ url: URL) throws {
        var st = stat()
        guard lstat(url.path, &st) == 0 else { return }
        switch st.st_mode & S_IFMT {
        case S_IFDIR: return
        case S_IFLNK:
            let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: url.path)) ?? "?"
            let dangling = !FileManager.default.fileExists(atPath: url.path)
            throw OutputError(message: "output \(url.path) is a symbolic link to \(target)\(dangling ? ", which does not exist" : "")"
                + "; give a real folder (emvalidate does not write through links)")
        case S_IFREG:
            throw OutputError(message: "output \(url.path) exists and is a file, not a folder")
        default:
            throw OutputError(message: "output \(url.path) exists and is not a folder")
        }
    }

    /// Swaps the staging folder into place, replacing an earlier report. The marker lists everything in the
    /// staging folder; in `.update` mode it is rewritten only if OUTDIR had an intact marker with nothing
    /// added (a folder we do not own does not become ours by being rendered).
    public func commit() throws {
        if mode == .create || ReportMarker.refusal(toReplace: final) == nil {
            try ReportMarker.write(in: staging, kind: "report")
        }
        let expected = copiedMetrics
        let metricsPath = final.appendingPathComponent("metrics.json").path
        try OutputFolder.swapIntoPlace(staging, final, kind: "report", replaceAnyFolder: mode == .update) {
            if mode == .update, FileManager.default.contents(atPath: metricsPath) != expected {
                throw OutputError(message: "\(final.path) was changed by another run while rendering; nothing was replaced")
            }
        }
        Interruption.release(guardToken)
    }

    /// Removes the staging folder (after a failure).
    public func discard() {
        try? FileManager.default.removeItem(at: staging)
        Interruption.release(guardToken)
    }

    /// Keeps a failed attempt for debugging in the sibling `<OUTDIR>.latex-failed` (replacing an earlier failed
    /// attempt, never anything else) and returns where it now is. OUTDIR itself is not touched.
    public func keepFailedAttempt() -> URL? {
        let fm = FileManager.default
        var target = final.deletingLastPathComponent().appendingPathComponent(final.lastPathComponent + ".latex-failed")
        var n = 2
        while (try? OutputFolder.checkPathKind(target)) == nil
                || (fm.fileExists(atPath: target.path) && ReportMarker.refusal(toReplace: target, kind: "latex-failed") != nil) {
            target = final.deletingLastPathComponent().appendingPathComponent(final.lastPathComponent + ".latex-failed-\(n)")
            n += 1
        }
        do {
            try ReportMarker.write(in: staging, kind: "latex-failed")
            try OutputFolder.swapIntoPlace(staging, target, kind: "latex-failed")
            Interruption.release(guardToken)
            return target
        } catch {
            discard()
            return nil
        }
    }

    // MARK: - The swap

    /// Moves `source` to `target` under the lock; an existing `target` (checked again under the lock) is
    /// exchanged with it and removed afterwards.
    static func swapIntoPlace(_ source: URL, _ target: URL, kind: String, replaceAnyFolder: Bool = false,
                              check: () throws -> Void = {}) throws {
        var removeAfter: URL?
        try OutputLock.withLock(for: target) {
            Interruption.commitLock.lock()
            defer { Interruption.commitLock.unlock() }
            recoverLeftovers(of: target)
            try checkPathKind(target)
            if !replaceAnyFolder, let why = ReportMarker.refusal(toReplace: target, kind: kind) {
                throw OutputError(message: why)
            }
            try check()
            if rename(source.path, target.path) == 0 { return }
            guard errno == EEXIST || errno == ENOTEMPTY else {
                throw OutputError(message: "cannot move the report into \(target.path): \(String(cString: strerror(errno)))")
            }
            if exchange(source.path, target.path) {
                removeAfter = source   // now holds the earlier folder
                return
            }
            // No RENAME_EXCHANGE here (some network file systems): two renames; a run dying between them
            // leaves the earlier folder as a hidden ".old" with its PID, which the next run puts back.
            let old = source.deletingLastPathComponent().appendingPathComponent(source.lastPathComponent + ".old")
            guard rename(target.path, old.path) == 0 else {
                throw OutputError(message: "cannot move the earlier \(target.path) aside: \(String(cString: strerror(errno)))")
            }
            guard rename(source.path, target.path) == 0 else {
                let e = errno
                _ = rename(old.path, target.path)
                throw OutputError(message: "cannot move the report into \(target.path): \(String(cString: strerror(e)))")
            }
            removeAfter = old
        }
        if let r = removeAfter { try? FileManager.default.removeItem(at: r) }
    }

    /// renameat2(…, RENAME_EXCHANGE), found at run time (glibc ≥ 2.28); false where unavailable or refused.
    static func exchange(_ a: String, _ b: String) -> Bool {
        typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32
        guard let sym = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "renameat2") else { return false }
        let renameat2 = unsafeBitCast(sym, to: RenameAt2.self)
        let renameExchange: UInt32 = 1 << 1
        return renameat2(AT_FDCWD, a, AT_FDCWD, b, renameExchange) == 0
    }

    // MARK: - Hidden names and the leftovers of dead runs

    /// This host, as it appears in hidden names (a shared file system may be used by several hosts).
    static let host: String = {
        var buf = [CChar](repeating: 0, count: 256)
        gethostname(&buf, 255)
        let name = String(cString: buf)
        let safe = String(name.unicodeScalars.map { CharacterSet.alphanumerics.contains($0) && $0.isASCII ? Character($0) : "_" })
        return safe.isEmpty ? "host" : safe
    }()

    /// `.<OUTDIR name>.emvalidate-<host>-<pid>-<random><suffix>` beside OUTDIR.
    public static func hiddenName(for final: URL, suffix: String, pid: Int32 = getpid()) -> String {
        ".\(final.lastPathComponent).emvalidate-\(host)-\(pid)-\(UUID().uuidString.prefix(8))\(suffix)"
    }

    /// The host and PID of a hidden folder of `final`, and whether it is a ".old" (the earlier folder moved
    /// aside by the two-rename swap); nil for names that are not ours.
    static func parseHiddenName(_ name: String, for final: URL) -> (host: String, pid: Int32, isOld: Bool)? {
        let prefix = ".\(final.lastPathComponent).emvalidate-"
        guard name.hasPrefix(prefix) else { return nil }
        var rest = String(name.dropFirst(prefix.count))
        let isOld = rest.hasSuffix(".old")
        if isOld { rest = String(rest.dropLast(4)) }
        let parts = rest.split(separator: "-")
        guard parts.count == 3, parts[2].count == 8, let pid = Int32(parts[1]), pid > 0 else { return nil }
        return (String(parts[0]), pid, isOld)
    }

    static func isAlive(_ pid: Int32) -> Bool { kill(pid, 0) == 0 || errno == EPERM }

    /// Removes the staging folders of dead runs of this host beside `final`, and puts back the earlier folder
    /// of a run that died between the two renames of the fallback swap. Called under the lock.
    static func recoverLeftovers(of final: URL) {
        let fm = FileManager.default
        let parent = final.deletingLastPathComponent()
        guard let names = try? fm.contentsOfDirectory(atPath: parent.path) else { return }
        let dead = names.compactMap { n -> (String, Bool)? in
            guard let p = parseHiddenName(n, for: final), p.host == host, p.pid != getpid(), !isAlive(p.pid) else { return nil }
            return (n, p.isOld)
        }
        for (name, isOld) in dead where isOld {
            let url = parent.appendingPathComponent(name)
            if !fm.fileExists(atPath: final.path), rename(url.path, final.path) == 0 { continue }
            try? fm.removeItem(at: url)
        }
        for (name, isOld) in dead where !isOld {
            try? fm.removeItem(at: parent.appendingPathComponent(name))
        }
    }
}
