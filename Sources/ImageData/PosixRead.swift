// pread by offset for stacks that are far larger than memory (a real particle stack is tens of GB).
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file opened read-only; closed when released. Reads never move a shared position (pread), so one
/// instance may serve several threads.
final class ReadOnlyFile: @unchecked Sendable {
    let path: String
    private let fd: Int32

    init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ImageDataError.unreadable(file: path, reason: String(cString: strerror(errno))) }
        self.fd = fd
        var st = stat()
        if fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw ImageDataError.unreadable(file: path, reason: "it is a directory")
        }
    }

    deinit { close(fd) }

    /// Size in bytes.
    func size() throws -> Int {
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            throw ImageDataError.unreadable(file: path, reason: String(cString: strerror(errno)))
        }
        return Int(st.st_size)
    }

    /// Reads from `offset` until `buffer` is full or the file ends; returns the bytes read.
    func read(at offset: Int, into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let base = buffer.baseAddress else { return 0 }
        var done = 0
        while done < buffer.count {
            let n = pread(fd, base + done, buffer.count - done, off_t(offset + done))
            if n < 0 {
                if errno == EINTR { continue }
                throw ImageDataError.unreadable(file: path, reason: String(cString: strerror(errno)))
            }
            if n == 0 { break }
            done += n
        }
        return done
    }
}
