// SIGINT and SIGTERM: remove the staging folders of this run and stop the child processes (the LaTeX process
// tree, which `timeout` puts in a process group of its own; the per-row reports of `batch`), then die of the
// same signal (issue 17, point 6). The C handler only writes the signal number to a pipe (async-signal-safe);
// a thread reading the pipe does the clean-up. SIGKILL cannot be caught: the next run on the same output
// folder removes what such a run left (OutputFolder.recoverLeftovers).
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The write end of the signal pipe, read by the C handler (a global: the handler cannot capture).
nonisolated(unsafe) private var interruptPipeWrite: Int32 = -1

public enum Interruption {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var folders: [UUID: URL] = [:]
    nonisolated(unsafe) private static var children: [UUID: (pid: pid_t, group: Bool)] = [:]
    nonisolated(unsafe) private static var installed = false
    /// Held while the output folder is being swapped into place, so that a signal waits for the swap to end.
    static let commitLock = NSLock()

    /// Installs the handlers (once per process).
    public static func install() {
        lock.lock(); defer { lock.unlock() }
        guard !installed else { return }
        installed = true
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { return }
        _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        interruptPipeWrite = fds[1]
        let reader = fds[0]
        let thread = Thread {
            var sig: Int32 = 0
            while read(reader, &sig, MemoryLayout<Int32>.size) != MemoryLayout<Int32>.size {}
            Interruption.cleanUpAndDie(sig)
        }
        thread.name = "emvalidate-signals"
        thread.start()
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            // A signal ignored by whoever started us (`nohup` ignores SIGHUP) stays ignored.
            let previous = signal(sig, SIG_IGN)
            if let previous, unsafeBitCast(previous, to: Int.self) == unsafeBitCast(SIG_IGN, to: Int.self) { continue }
            signal(sig) { s in
                var v = s
                _ = write(interruptPipeWrite, &v, MemoryLayout<Int32>.size)
            }
        }
        // A process started from a thread that blocks signals (a Dispatch worker of `batch`, a test runner)
        // inherits that mask: the signal would stay pending for ever. Unblock them on this (the main) thread.
        var set = sigset_t()
        sigemptyset(&set)
        for sig in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&set, sig) }
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }

    /// Removes `folder` if the run is interrupted; returns the token that `release` takes.
    public static func guardFolder(_ folder: URL) -> UUID {
        let id = UUID()
        lock.lock(); folders[id] = folder; lock.unlock()
        return id
    }

    /// Stops `pid` (its whole process group when `group`) if the run is interrupted.
    public static func guardChild(_ pid: pid_t, group: Bool) -> UUID {
        let id = UUID()
        lock.lock(); children[id] = (pid, group); lock.unlock()
        return id
    }

    public static func release(_ id: UUID) {
        lock.lock(); folders[id] = nil; children[id] = nil; lock.unlock()
    }

    private static func cleanUpAndDie(_ sig: Int32) -> Never {
        commitLock.lock()
        lock.lock()
        let kids = Array(children.values)
        let dirs = Array(folders.values)
        for k in kids {
            if k.group { kill(-k.pid, SIGTERM) }
            kill(k.pid, SIGTERM)
        }
        for d in dirs { try? FileManager.default.removeItem(at: d) }
        // Give the children two seconds to stop (latexmk and pdflatex end at once on SIGTERM), then kill.
        let deadline = Date().addingTimeInterval(2)
        func alive(_ k: (pid: pid_t, group: Bool)) -> Bool {
            (k.group && kill(-k.pid, 0) == 0) || kill(k.pid, 0) == 0 && !isZombie(k.pid)
        }
        while kids.contains(where: alive), Date() < deadline { usleep(20_000) }
        for k in kids where alive(k) {
            if k.group { kill(-k.pid, SIGKILL) }
            kill(k.pid, SIGKILL)
        }
        // A child may have written into a folder between its removal and its end.
        for d in dirs { try? FileManager.default.removeItem(at: d) }
        // Die of the signal on this thread: kill(getpid()) would deliver it to any thread that does not block it,
        // possibly after exit() below has already ended the process with status 128 + sig (seen under load).
        // This thread may have inherited a mask that blocks it (install() unblocks the main thread only).
        signal(sig, SIG_DFL)
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, sig)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
        raise(sig)
        exit(128 + sig)
    }

    /// Whether `pid` has ended but was not yet reaped (it then still answers kill(pid, 0)).
    static func isZombie(_ pid: pid_t) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return false }
        return stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).hasPrefix("Z")
    }
}
