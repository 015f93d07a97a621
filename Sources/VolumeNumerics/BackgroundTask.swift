// A value computed on another thread while the caller goes on (the map file's SHA-256 while the templates are parsed
// and the map is read and masked): issue 16, overlapping steps that are not parallel inside. The owner waits for it
// on every way out (`defer`): a process that exits while the thread still runs can crash in its exit handlers.
import Dispatch

public final class BackgroundTask<T>: @unchecked Sendable {
    private let group = DispatchGroup()
    private var result: Result<T, Error>?

    /// Starts `body` on another thread; with one worker (`--threads 1`) it runs here, now, so that the run
    /// really uses one core.
    public init(_ body: @escaping @Sendable () throws -> T) {
        guard Parallel.workers > 1 else {
            result = Result { try body() }
            return
        }
        group.enter()
        DispatchQueue.global().async { [self] in
            result = Result { try body() }
            group.leave()
        }
    }

    /// Waits for the value (every caller gets the same one; a thrown error is thrown to every caller).
    public func value() throws -> T {
        group.wait()
        return try result!.get()
    }
}
