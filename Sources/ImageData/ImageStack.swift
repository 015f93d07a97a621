// MRC image stacks (`.mrcs`, or `.mrc` with ispg 0): nz images of nx × ny pixels after the 1024-byte header
// and the nsymbt-byte extended header (MRC2014). Only the header is read on opening; images are read by
// offset (pread), one or a range at a time, so a stack of tens of GB never sits in memory.
import Foundation
import MapIO

/// Where a pixel size came from (reported beside the value).
public enum PixelSizeSource: String, Sendable, Codable {
    /// The MRC header's cell / sampling (words 8 and 11).
    case header
    /// The STAR file (rlnImagePixelSize, or rlnDetectorPixelSize·10⁴ / rlnMagnification).
    case star
    /// A command-line flag.
    case flag
}

public struct ImageStack: Sendable {
    /// Path as given.
    public let path: String
    public let header: MRCHeader
    /// Image size in pixels.
    public let nx: Int, ny: Int
    /// Number of images.
    public let count: Int
    /// Pixel size in Å from the header (cell a / mx), nil when the header gives 0, a negative or a
    /// non-finite value.
    public let headerPixelSizeA: Double?
    private let file: ReadOnlyFile
    private let mode: MRCMode
    private let dataOffset: Int

    /// Opens a stack and checks its header against the file size. Errors name the file and header word.
    public init(path: String) throws {
        let file = try ReadOnlyFile(path: path)
        let size = try file.size()
        guard size >= MRCHeader.size else {
            throw ImageDataError.badStack(file: path, field: "file size", found: "\(size) bytes",
                                          expected: "at least the 1024-byte MRC header")
        }
        var head = [UInt8](repeating: 0, count: MRCHeader.size)
        _ = try head.withUnsafeMutableBytes { try file.read(at: 0, into: $0) }
        let header = head.withUnsafeBytes { ImageStack.decodeHeader($0) }
        let (nx, ny, nz) = (Int(header.nx), Int(header.ny), Int(header.nz))
        for (word, name, v) in [(1, "nx", nx), (2, "ny", ny), (3, "nz", nz)] where v <= 0 || v > 1 << 20 {
            throw ImageDataError.badStack(file: path, field: "header word \(word) (\(name))", found: "\(v)",
                                          expected: "a positive number of pixels or images")
        }
        guard let mode = MRCMode(rawValue: header.mode), let bytesPerPixel = mode.bytesPerVoxel,
              mode != .complexInt16, mode != .complexFloat32 else {
            throw ImageDataError.badStack(file: path, field: "header word 4 (mode)", found: "\(header.mode)",
                                          expected: "0 (int8), 1 (int16), 2 (float32), 6 (uint16) or 12 (float16)")
        }
        let isMRCS = path.lowercased().hasSuffix(".mrcs")
        if !isMRCS && nz > 1 && header.ispg != 0 {
            throw ImageDataError.badStack(file: path, field: "header word 23 (ispg)", found: "\(header.ispg) (a volume)",
                                          expected: "0 (an image stack) or a .mrcs file")
        }
        guard header.nsymbt >= 0 else {
            throw ImageDataError.badStack(file: path, field: "header word 24 (nsymbt)", found: "\(header.nsymbt)",
                                          expected: "an extended-header size ≥ 0 bytes")
        }
        let offset = MRCHeader.size + Int(header.nsymbt)
        let imageBytes = nx * ny * bytesPerPixel
        let dataBytes = size - offset
        if dataBytes != imageBytes * nz {
            if dataBytes < 0 || dataBytes % imageBytes != 0 {
                throw ImageDataError.badStack(
                    file: path, field: "data size (file size − 1024 − nsymbt)", found: "\(max(dataBytes, 0)) bytes",
                    expected: "a whole number of \(nx)×\(ny) images of \(imageBytes) bytes (header words 1-4), nz = \(nz) of them")
            }
            throw ImageDataError.badStack(file: path, field: "header word 3 (nz)", found: "\(nz)",
                                          expected: "\(dataBytes / imageBytes), the number of \(nx)×\(ny) images the file holds")
        }
        self.path = path; self.header = header; self.file = file; self.mode = mode
        self.nx = nx; self.ny = ny; self.count = nz; self.dataOffset = offset
        let mx = Double(header.mx), cell = Double(header.cella.x)
        let p = mx > 0 ? cell / mx : 0
        self.headerPixelSizeA = p.isFinite && p > 0 ? p : nil
    }

    /// The pixel size to use and its source: the flag wins; then the STAR value where the header says
    /// nothing, or says exactly 1 Å (a placeholder several writers leave) and the STAR says otherwise; else
    /// the header. Throws when there is none.
    public func pixelSize(star: Double? = nil, flag: Double? = nil) throws -> (valueA: Double, source: PixelSizeSource) {
        if let f = flag {
            guard f > 0, f.isFinite else {
                throw ImageDataError.noPixelSize(file: path, detail: "the flag gives \(f) Å; expected a positive value")
            }
            return (f, .flag)
        }
        let s = star.flatMap { $0 > 0 && $0.isFinite ? $0 : nil }
        if let h = headerPixelSizeA {
            if let s, h == 1, abs(s - 1) > 1e-6 { return (s, .star) }
            return (h, .header)
        }
        if let s { return (s, .star) }
        throw ImageDataError.noPixelSize(
            file: path, detail: "header words 8 and 11 (mx, cell a) give \(header.cella.x) Å / \(header.mx); expected a positive pixel size (give it with a flag)")
    }

    /// Image `index` (1-based, as in `index@path`), pixel size as given.
    public func image(_ index: Int, pixelSizeA: Double) throws -> Image2D {
        try images(index...index, pixelSizeA: pixelSizeA)[0]
    }

    /// Images `range` (1-based, inclusive), read with one pread.
    public func images(_ range: ClosedRange<Int>, pixelSizeA: Double) throws -> [Image2D] {
        guard range.lowerBound >= 1, range.upperBound <= count else {
            throw ImageDataError.imageOutOfRange(file: path, index: range.lowerBound < 1 ? range.lowerBound : range.upperBound,
                                                 count: count)
        }
        let bpp = mode.bytesPerVoxel!
        let n = nx * ny
        let raw = UnsafeMutableRawBufferPointer.allocate(byteCount: n * bpp * range.count, alignment: 16)
        defer { raw.deallocate() }
        let got = try file.read(at: dataOffset + (range.lowerBound - 1) * n * bpp, into: raw)
        guard got == raw.count else {
            throw ImageDataError.unreadable(file: path, reason: "the file became shorter while reading")
        }
        let swap = header.byteOrder != .host
        return (0..<range.count).map { k in
            var values = [Float](repeating: 0, count: n)
            let base = UnsafeRawBufferPointer(rebasing: raw[(k * n * bpp)..<((k + 1) * n * bpp)])
            for i in 0..<n { values[i] = ImageStack.decode(base, i, mode: mode, swap: swap) }
            return Image2D(nx: nx, ny: ny, data: values, pixelSizeA: pixelSizeA)
        }
    }

    /// Every image (for small stacks such as 2D classes).
    public func allImages(pixelSizeA: Double) throws -> [Image2D] {
        try images(1...count, pixelSizeA: pixelSizeA)
    }

    /// The header in the byte order its machine stamp declares; without a usable stamp (cryoDRGN writes
    /// zeros), the order in which nx, ny, nz and mode are plausible.
    static func decodeHeader(_ bytes: UnsafeRawBufferPointer) -> MRCHeader {
        let little = MRCHeader(decoding: bytes, byteOrder: .littleEndian)
        if let declared = little.declaredByteOrder {
            return declared == .littleEndian ? little : MRCHeader(decoding: bytes, byteOrder: .bigEndian)
        }
        func plausible(_ h: MRCHeader) -> Bool {
            h.nx > 0 && h.ny > 0 && h.nz > 0 && h.nx < 1 << 20 && h.ny < 1 << 20 && MRCMode(rawValue: h.mode) != nil
        }
        if plausible(little) { return little }
        let big = MRCHeader(decoding: bytes, byteOrder: .bigEndian)
        return plausible(big) ? big : little
    }

    @inline(__always)
    static func decode(_ p: UnsafeRawBufferPointer, _ i: Int, mode: MRCMode, swap: Bool) -> Float {
        switch mode {
        case .int8:
            return Float(p.load(fromByteOffset: i, as: Int8.self))
        case .int16:
            let v = p.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)
            return Float(Int16(bitPattern: swap ? v.byteSwapped : v))
        case .uint16:
            let v = p.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)
            return Float(swap ? v.byteSwapped : v)
        case .float16:
            #if arch(arm64) || arch(x86_64)
            let v = p.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)
            return Float(Float16(bitPattern: swap ? v.byteSwapped : v))
            #else
            return 0
            #endif
        default:
            let v = p.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)
            return Float(bitPattern: swap ? v.byteSwapped : v)
        }
    }
}
