// Writing output files with POSIX calls, so that a full disk or a quota is reported as such ("no space left
// on device while writing …", exit 73) instead of as a Foundation error dump (issue 17, point 9).
import Foundation
#if canImport(Glibc)
import Glibc
#endif

public enum OutputWriting {
    /// Writes `data` to `url` (created or truncated) and flushes it to disk. `describedAs` is the path named
    /// in messages: the file's place in the final output folder, since the staging folder will not exist.
    public static func write(_ data: Data, to url: URL, describedAs: String) throws {
        let fd = open(url.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw failure(errno, describedAs) }
        var ok = true
        var err: Int32 = 0
        data.withUnsafeBytes { (buf: UnsafeRawBufferPointer) in
            var offset = 0
            while offset < buf.count {
                let n = Glibc.write(fd, buf.baseAddress! + offset, buf.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    ok = false; err = errno; return
                }
                offset += n
            }
        }
        // Delayed allocation (ext4, XFS) may only report ENOSPC at fsync or close.
        if ok, fsync(fd) != 0, errno != EINVAL { ok = false; err = errno }
        if close(fd) != 0, ok { ok = false; err = errno }
        if !ok { throw failure(err, describedAs) }
    }

    /// The error for `code` while writing `path`.
    static func failure(_ code: Int32, _ path: String) -> OutputError {
        switch code {
        case ENOSPC: return OutputError(message: "no space left on device while writing \(path)")
        case EDQUOT: return OutputError(message: "disk quota exceeded while writing \(path)")
        default: return OutputError(message: "cannot write \(path): \(String(cString: strerror(code)))")
        }
    }

    /// Whether `error` (from Foundation, Cairo or our own writers) means the disk is full, or the file system
    /// holding `dir` has no space left (Cairo reports a failed write without the reason).
    static func isOutOfSpace(_ error: Error?, under dir: URL) -> Bool {
        if let e = error as? OutputError, e.message.hasPrefix("no space left") || e.message.hasPrefix("disk quota") {
            return true
        }
        if let ns = error.map({ $0 as NSError }) {
            if ns.domain == NSCocoaErrorDomain, ns.code == CocoaError.fileWriteOutOfSpace.rawValue { return true }
            if ns.domain == NSPOSIXErrorDomain, ns.code == Int(ENOSPC) || ns.code == Int(EDQUOT) { return true }
            if let u = ns.userInfo[NSUnderlyingErrorKey] as? NSError, u.domain == NSPOSIXErrorDomain,
               u.code == Int(ENOSPC) || u.code == Int(EDQUOT) { return true }
        }
        var s = statvfs()
        guard statvfs(dir.path, &s) == 0 else { return false }
        // Less than 64 KiB free for us: a failed write there is a full disk.
        return UInt64(s.f_bavail) * UInt64(s.f_frsize) < 65_536
    }
}
