// An exclusive lock per output folder, so that two runs writing the same OUTDIR (two shells, `batch` rows,
// Slurm tasks) take turns at the swap and at the clean-up of leftovers (issue 17, point 7). The lock is
// flock(2) on the hidden file `.<OUTDIR name>.emvalidate-lock` beside OUTDIR, removed again by its holder:
// a waiter that then holds the lock of a removed file notices (the inode changed) and locks the new one.
import Foundation
#if canImport(Glibc)
import Glibc
#endif

enum OutputLock {
    /// How long a run waits for another run's swap before giving up.
    static let waitSeconds = 600.0

    static func lockURL(for final: URL) -> URL {
        final.deletingLastPathComponent().appendingPathComponent(".\(final.lastPathComponent).emvalidate-lock")
    }

    /// Runs `body` holding the lock of `final`.
    static func withLock<T>(for final: URL, _ body: () throws -> T) throws -> T {
        let path = lockURL(for: final).path
        let deadline = Date().addingTimeInterval(waitSeconds)
        while true {
            let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            guard fd >= 0 else {
                throw OutputError(message: "cannot create the lock file \(path): \(String(cString: strerror(errno)))")
            }
            var locked = flock(fd, LOCK_EX | LOCK_NB) == 0
            while !locked, Date() < deadline {
                usleep(50_000)
                locked = flock(fd, LOCK_EX | LOCK_NB) == 0
            }
            guard locked else {
                close(fd)
                throw OutputError(message: "another emvalidate run has held the lock \(path) for \(Int(waitSeconds)) s; "
                    + "try again when it has finished")
            }
            // The previous holder may have removed the file after we opened it: lock the current one instead.
            var mine = stat(), current = stat()
            if fstat(fd, &mine) != 0 || stat(path, &current) != 0 || mine.st_ino != current.st_ino || mine.st_dev != current.st_dev {
                close(fd)
                continue
            }
            defer {
                unlink(path)
                close(fd)
            }
            return try body()
        }
    }
}
