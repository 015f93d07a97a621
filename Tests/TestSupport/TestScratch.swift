// Where the tests write their scratch files (maps, reports, stacks, RELION and Slurm runs: ~190 MB a run): one
// folder per test process under the system's temporary directory, removed when the process exits, so that a
// plain `swift test` leaves nothing behind. Set EMV_KEEP_TEST_FILES=1 to keep it (its path is printed at exit);
// `make test` does, and removes its own private TMPDIR only after a passing run (DEVELOPERS.md).
import Foundation

public enum TestScratch {
    /// The process's scratch root, made on first use; a cleanup at exit is registered with it.
    public static let root: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("emvalidate-tests-\(getpid())", isDirectory: true)
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        atexit { TestScratch.atExit() }
        return url
    }()

    /// A new, empty folder under the root: `prefix-`, the letters and digits of `name` (a test's #function,
    /// at most 40) and a random suffix.
    public static func directory(_ prefix: String, for name: String = "") throws -> URL {
        let safe = name.filter { $0.isLetter || $0.isNumber }.prefix(40)
        let url = root.appendingPathComponent("\(prefix)-\(safe.isEmpty ? "" : "\(safe)-")\(UUID().uuidString.prefix(8))", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func atExit() {
        if ProcessInfo.processInfo.environment["EMV_KEEP_TEST_FILES"] != nil {
            FileHandle.standardError.write(Data("test scratch files kept in \(root.path)\n".utf8))
        } else {
            try? FileManager.default.removeItem(at: root)
        }
    }
}
