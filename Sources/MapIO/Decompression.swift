// Streaming gzip and bzip2 decompression through the system zlib and libbz2 (module CCompression).
//
// Conventions: the format is recognised by its magic bytes (gzip 1F 8B; bzip2 "BZh1"…"BZh9"), never by
// the file name alone. Input arrives in chunks from a closure and is decompressed chunk by chunk, so the
// compressed file is never held in memory whole; the output grows with what the stream actually yields
// (nothing is reserved from sizes the file claims). Concatenated members/streams (gzip -c a b, pbzip2)
// are decoded one after another. A stream without its end marker is a truncated file and an error.
// A decompression bomb (a few kB that expand to terabytes) cannot exhaust memory: the caller's `stopAt`
// reads the map header from the first bytes and says how many bytes the map needs (header + extended header
// + data); decompression stops there, and what the stream holds beyond is not decompressed.

import CCompression

public enum CompressionFormat: String, Sendable {
    case gzip
    case bzip2

    /// The format whose magic bytes start `prefix`, or nil for uncompressed data.
    public static func detect(_ prefix: UnsafeRawBufferPointer) -> CompressionFormat? {
        if prefix.count >= 2 && prefix[0] == 0x1F && prefix[1] == 0x8B { return .gzip }
        if prefix.count >= 4 && prefix[0] == 0x42 && prefix[1] == 0x5A && prefix[2] == 0x68
            && (0x31...0x39).contains(prefix[3]) { return .bzip2 }
        return nil
    }
}

enum Decompression {
    /// Chunk size for reading compressed input and for each decompression step.
    static let chunkBytes = 1 << 20

    /// What a decompression gave: the bytes, and whether it stopped at the `stopAt` size because the stream
    /// holds more (the rest was not decompressed).
    struct Output {
        var bytes: [UInt8]
        var stoppedAtLimit: Bool
    }

    /// Decompresses a stream. `readChunk` fills the buffer it is given and returns how many bytes it
    /// wrote, 0 at the end of the input. `stopAt` sees the output so far and returns the number of bytes
    /// wanted once it knows (nil: not yet); decompression ends when that many are out. `file` names the
    /// input in error messages.
    static func decompress(_ format: CompressionFormat, file: String,
                           stopAt: ([UInt8]) throws -> Int? = { _ in nil },
                           readChunk: (UnsafeMutableRawBufferPointer) throws -> Int) throws -> Output {
        let input = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkBytes, alignment: 16)
        let output = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkBytes, alignment: 16)
        defer { input.deallocate(); output.deallocate() }
        var limit: Int?
        // Called after each step: true when the stream gave more than the wanted size (the output is cut to
        // it). A stream of exactly that size ends normally, with its end marker checked.
        func reached(_ result: inout [UInt8]) throws -> Bool {
            if limit == nil { limit = try stopAt(result) }
            guard let l = limit, result.count > l else { return false }
            result.removeLast(result.count - l)
            return true
        }
        switch format {
        case .gzip: return try gunzip(file: file, input: input, output: output, reached: reached, readChunk: readChunk)
        case .bzip2: return try bunzip2(file: file, input: input, output: output, reached: reached, readChunk: readChunk)
        }
    }

    private static func gunzip(file: String, input: UnsafeMutableRawBufferPointer,
                               output: UnsafeMutableRawBufferPointer, reached: (inout [UInt8]) throws -> Bool,
                               readChunk: (UnsafeMutableRawBufferPointer) throws -> Int) throws -> Output {
        var stream = z_stream()
        // windowBits 15 + 32: accept a gzip or zlib header, detected automatically.
        guard inflateInit2_(&stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw MapError.compressedStreamCorrupt(file: file, format: "gzip", detail: "zlib could not be initialised")
        }
        defer { inflateEnd(&stream) }
        let inBase = input.baseAddress!.assumingMemoryBound(to: UInt8.self)
        let outBase = output.baseAddress!.assumingMemoryBound(to: UInt8.self)
        var result: [UInt8] = []
        var compressedTotal = 0
        var streamEnded = false
        // When a step fills the whole output chunk the library may hold more output: step again before
        // asking for input, or the end of the input would be mistaken for a truncated stream.
        var outputWasFull = false
        while true {
            if stream.avail_in == 0 && !outputWasFull {
                let n = try readChunk(input)
                if n == 0 { break }
                compressedTotal += n
                stream.next_in = inBase
                stream.avail_in = UInt32(n)
            }
            if streamEnded {
                // Another gzip member follows, or trailing bytes that gzip(1) would ignore too.
                guard stream.next_in[0] == 0x1F else { break }
                inflateReset(&stream)
                streamEnded = false
            }
            stream.next_out = outBase
            stream.avail_out = UInt32(output.count)
            let code = inflate(&stream, Z_NO_FLUSH)
            let produced = output.count - Int(stream.avail_out)
            outputWasFull = produced == output.count
            if produced > 0 { result.append(contentsOf: UnsafeBufferPointer(start: outBase, count: produced)) }
            if try reached(&result) { return Output(bytes: result, stoppedAtLimit: true) }
            switch code {
            case Z_STREAM_END: streamEnded = true; outputWasFull = false
            case Z_OK: continue
            case Z_BUF_ERROR where stream.avail_in == 0: continue  // needs more input
            default:
                let text = stream.msg.map { String(cString: $0) } ?? "zlib error \(code)"
                throw MapError.compressedStreamCorrupt(file: file, format: "gzip",
                                                       detail: "\(text) (zlib code \(code)) after \(result.count) "
                                                           + "decompressed bytes")
            }
        }
        guard streamEnded else {
            throw MapError.compressedStreamEndsEarly(file: file, format: "gzip", compressedBytes: compressedTotal,
                                                     decompressedBytes: result.count)
        }
        return Output(bytes: result, stoppedAtLimit: false)
    }

    private static func bunzip2(file: String, input: UnsafeMutableRawBufferPointer,
                                output: UnsafeMutableRawBufferPointer, reached: (inout [UInt8]) throws -> Bool,
                                readChunk: (UnsafeMutableRawBufferPointer) throws -> Int) throws -> Output {
        var stream = bz_stream()
        guard BZ2_bzDecompressInit(&stream, 0, 0) == BZ_OK else {
            throw MapError.compressedStreamCorrupt(file: file, format: "bzip2", detail: "libbz2 could not be initialised")
        }
        var initialised = true
        defer { if initialised { BZ2_bzDecompressEnd(&stream) } }
        let inBase = input.baseAddress!.assumingMemoryBound(to: CChar.self)
        let outBase = output.baseAddress!.assumingMemoryBound(to: CChar.self)
        var result: [UInt8] = []
        var compressedTotal = 0
        var streamEnded = false
        // When a step fills the whole output chunk the library may hold more output: step again before
        // asking for input, or the end of the input would be mistaken for a truncated stream.
        var outputWasFull = false
        while true {
            if stream.avail_in == 0 && !outputWasFull {
                let n = try readChunk(input)
                if n == 0 { break }
                compressedTotal += n
                stream.next_in = inBase
                stream.avail_in = UInt32(n)
            }
            if streamEnded {
                // A concatenated stream starts with "BZh"; anything else is trailing bytes, ignored as bzip2(1) does.
                guard UInt8(bitPattern: stream.next_in[0]) == 0x42 else { break }
                BZ2_bzDecompressEnd(&stream)
                initialised = false
                let pendingIn = stream.next_in, pendingCount = stream.avail_in
                stream = bz_stream()
                guard BZ2_bzDecompressInit(&stream, 0, 0) == BZ_OK else {
                    throw MapError.compressedStreamCorrupt(file: file, format: "bzip2",
                                                           detail: "libbz2 could not be re-initialised")
                }
                initialised = true
                stream.next_in = pendingIn
                stream.avail_in = pendingCount
                streamEnded = false
            }
            stream.next_out = outBase
            stream.avail_out = UInt32(output.count)
            let code = BZ2_bzDecompress(&stream)
            let produced = output.count - Int(stream.avail_out)
            outputWasFull = produced == output.count
            if produced > 0 {
                result.append(contentsOf: UnsafeRawBufferPointer(start: outBase, count: produced))
            }
            if try reached(&result) { return Output(bytes: result, stoppedAtLimit: true) }
            switch code {
            case BZ_STREAM_END: streamEnded = true; outputWasFull = false
            case BZ_OK: continue
            default:
                throw MapError.compressedStreamCorrupt(file: file, format: "bzip2",
                                                       detail: "\(bzipErrorName(code)) (libbz2 code \(code)) after "
                                                           + "\(result.count) decompressed bytes")
            }
        }
        guard streamEnded else {
            throw MapError.compressedStreamEndsEarly(file: file, format: "bzip2", compressedBytes: compressedTotal,
                                                     decompressedBytes: result.count)
        }
        return Output(bytes: result, stoppedAtLimit: false)
    }

    private static func bzipErrorName(_ code: Int32) -> String {
        switch code {
        case BZ_DATA_ERROR: return "data integrity error"
        case BZ_DATA_ERROR_MAGIC: return "bad magic bytes"
        case BZ_MEM_ERROR: return "out of memory"
        case BZ_PARAM_ERROR: return "parameter error"
        default: return "error"
        }
    }
}
