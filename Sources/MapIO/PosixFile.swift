// Thin POSIX file access for the map reader, writer and hasher: open, size, chunked reads and writes
// that retry on EINTR and short counts. Errors come back as MapError with the system's message.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

private func systemRead(_ fd: Int32, _ p: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(fd, p, count)
}

/// Text of the current errno.
func systemErrorText(_ code: Int32 = errno) -> String {
    String(cString: strerror(code))
}

/// A file opened for reading; closed when released. Public for ImageData's stack reader (pread by offset).
public final class PosixInputFile: @unchecked Sendable {
    public let path: String
    private let fd: Int32

    public init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw MapError.unreadable(file: path, reason: systemErrorText()) }
        self.fd = fd
    }

    /// Takes over `fd`, an open descriptor the caller may read from (closed when released); `path` names it in
    /// errors.
    init(adopting fd: Int32, path: String) {
        self.path = path
        self.fd = fd
    }

    deinit { close(fd) }

    /// Size in bytes from fstat (what the file holds now).
    public func size() throws -> Int {
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw MapError.unreadable(file: path, reason: systemErrorText()) }
        if (st.st_mode & S_IFMT) == S_IFDIR { throw MapError.unreadable(file: path, reason: "it is a directory") }
        return Int(st.st_size)
    }

    /// Up to `count` bytes from the start of the file, without moving the read position.
    func peek(_ count: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        let n = try bytes.withUnsafeMutableBytes { try read(at: 0, into: $0) }
        return Array(bytes[0..<n])
    }

    /// Reads from byte `offset` until `buffer` is full or the file ends; returns the number of bytes read.
    public func read(at offset: Int, into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let base = buffer.baseAddress else { return 0 }
        var done = 0
        while done < buffer.count {
            let n = pread(fd, base + done, buffer.count - done, off_t(offset + done))
            if n < 0 {
                if errno == EINTR { continue }
                throw MapError.unreadable(file: path, reason: systemErrorText())
            }
            if n == 0 { break }
            done += n
        }
        return done
    }

    /// Reads until `buffer` is full or the file ends; returns the number of bytes read (0 at end of file).
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let base = buffer.baseAddress else { return 0 }
        var done = 0
        while done < buffer.count {
            let n = systemRead(fd, base + done, buffer.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw MapError.unreadable(file: path, reason: systemErrorText())
            }
            if n == 0 { break }
            done += n
        }
        return done
    }
}

/// Writes `bytes` fully to `fd`, retrying on EINTR and short writes.
func writeFully(fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws {
    guard var p = bytes.baseAddress else { return }
    var left = bytes.count
    while left > 0 {
        let n = write(fd, p, left)
        if n < 0 {
            if errno == EINTR { continue }
            throw MapError.writeFailed(file: path, reason: systemErrorText())
        }
        p += n
        left -= n
    }
}
