// Integrity of a downloaded .gz file: inflate the whole stream through zlib and let it check the gzip
// trailer (CRC-32 and length of the uncompressed data, RFC 1952 §2.3.1). A transfer that stopped early, or a
// truncated file on the server, ends before the trailer and fails here rather than in the map reader.
// Concatenated members (RFC 1952 allows them) are each checked.
import CCompression
import Foundation

enum GzipCheck {
    /// nil when the file is one or more complete gzip members; otherwise why not.
    static func problem(path: String) -> String? {
        guard let input = InputStream(fileAtPath: path) else { return "cannot be opened" }
        input.open()
        defer { input.close() }
        var stream = z_stream()
        // 16 + MAX_WBITS: expect a gzip wrapper, with its CRC-32 and ISIZE checks.
        guard inflateInit2_(&stream, 16 + MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            return "zlib could not start"
        }
        defer { inflateEnd(&stream) }
        let inSize = 1 << 16, outSize = 1 << 18
        let inBuf = UnsafeMutablePointer<UInt8>.allocate(capacity: inSize)
        let outBuf = UnsafeMutablePointer<UInt8>.allocate(capacity: outSize)
        defer { inBuf.deallocate(); outBuf.deallocate() }
        var ended = false, total: Int64 = 0
        while true {
            let n = input.read(inBuf, maxLength: inSize)
            if n < 0 { return "read error" }
            if n == 0 { break }
            total += Int64(n)
            stream.next_in = inBuf
            stream.avail_in = UInt32(n)
            while stream.avail_in > 0 {
                if ended {
                    // Another member follows the previous one.
                    guard inflateReset(&stream) == Z_OK else { return "zlib could not restart" }
                    ended = false
                }
                stream.next_out = outBuf
                stream.avail_out = UInt32(outSize)
                let r = inflate(&stream, Z_NO_FLUSH)
                switch r {
                case Z_STREAM_END: ended = true
                case Z_OK, Z_BUF_ERROR: break
                default:
                    let reason = stream.msg.map { String(cString: $0) } ?? "zlib error \(r)"
                    return "corrupt gzip data after \(total - Int64(stream.avail_in)) bytes (\(reason))"
                }
                if r == Z_BUF_ERROR && stream.avail_in > 0 { return "corrupt gzip data" }
            }
        }
        if total == 0 { return "empty file" }
        return ended ? nil : "the gzip stream ends early, after \(total) bytes (no trailer: the file is truncated)"
    }
}
