// `--max-particles all` across nodes (issue 13): the per-particle loops of a report split into K contiguous
// slices of the particles a section uses. `report … --particle-chunk I/K --chunk-dir DIR` computes slice I of
// every chunked loop and writes it to DIR/<section>-chunk-I-of-K.json (atomically, with a header naming the
// inputs it came from); `report … --chunk-dir DIR` reads all K slices back instead of computing them and
// builds the sections as usual. Each particle's result depends on that particle alone, so the merged
// sections equal an unchunked run's exactly (the JSON keeps every Double and Float bit for bit).
// A missing, unreadable or stale slice is an error naming the file and what was expected; the report then
// fails as a bad input (nothing is recomputed: a merge step that silently ran the whole set on one node
// would hide the failed chunk job). docs/methods.md, "Chunked particle loops".
import Foundation
import MapIO

/// What the partial results depend on besides the particle rows: the STAR file and the map (SHA-256 of their
/// bytes; the images are not hashed) and the report's settings that reach the per-particle sections.
public struct ChunkInputs: Codable, Sendable, Equatable {
    public var star: String
    public var starSHA256: String
    public var mapSHA256: String
    public var settings: String

    public init(star: String, starSHA256: String, mapSHA256: String, settings: String) {
        self.star = star; self.starSHA256 = starSHA256; self.mapSHA256 = mapSHA256; self.settings = settings
    }
}

public enum ParticleChunkError: Error, CustomStringConvertible {
    /// Chunk mode: this slice was written; the section itself is not built here.
    case written(URL)
    /// A slice that is missing, unreadable or from other inputs (the message names the file).
    case invalid(String)
    /// The slice's own computation failed in the chunk run (its message, as an unchunked run reports it).
    case failedInChunk(String)

    public var description: String {
        switch self {
        case .written(let url): return "partial results written to \(url.path)"
        case .invalid(let message), .failedInChunk(let message): return message
        }
    }
}

/// How this report runs its per-particle loops: writing slice `index` (1-based) of `count`, or merging.
/// Shared by the sections running concurrently; records the files written and the first bad slice.
public final class ParticleChunking: @unchecked Sendable {
    public enum Mode: Sendable, Equatable { case write(index: Int, count: Int), merge }

    public let directory: URL
    public let mode: Mode
    public let inputs: ChunkInputs
    private let lock = NSLock()
    private var writtenFiles: [URL] = []
    private var firstFailure: String?

    public init(directory: URL, mode: Mode, inputs: ChunkInputs) {
        self.directory = directory.standardizedFileURL; self.mode = mode; self.inputs = inputs
    }

    /// Files written so far (chunk mode), in order.
    public var written: [URL] { lock.lock(); defer { lock.unlock() }; return writtenFiles }
    /// The first missing or stale slice met while merging (a one-line message naming the file).
    public var failure: String? { lock.lock(); defer { lock.unlock() }; return firstFailure }

    /// The items slice `index` (1-based) of `chunks` covers: contiguous, sizes differing by at most one.
    public static func slice(_ index: Int, of chunks: Int, count: Int) -> Range<Int> {
        (index - 1) * count / chunks ..< index * count / chunks
    }

    public func fileURL(section: String, chunk: Int, of chunks: Int) -> URL {
        directory.appendingPathComponent("\(section)-chunk-\(chunk)-of-\(chunks).json")
    }

    /// The header a slice of `section` over the particle rows `used` must carry.
    func header(section: String, used: [Int], chunk: Int, of chunks: Int) -> ChunkHeader {
        let r = Self.slice(chunk, of: chunks, count: used.count)
        return ChunkHeader(inputs: inputs, section: section, chunk: chunk, chunks: chunks, particles: used.count,
                           particlesSHA256: FileHash.sha256(bytes: Array(used.map(String.init).joined(separator: ",").utf8)),
                           first: r.lowerBound, end: r.upperBound)
    }

    /// The results of `section`'s loop over `used` (row indices): in chunk mode, `compute` runs on this chunk's
    /// slice, the slice is written and `ParticleChunkError.written` thrown; in merge mode, every slice is read.
    public func results<T: Codable>(section: String, used: [Int],
                                    compute: (Range<Int>) throws -> [T]) throws -> [T] {
        switch mode {
        case .write(let index, let count):
            let header = header(section: section, used: used, chunk: index, of: count)
            var file = ChunkFile<T>(header: header)
            // A failure inside the loop is kept in the slice, so that the merged section fails as an unchunked
            // run's would.
            do { file.results = try compute(header.first..<header.end) } catch { file.error = "\(error)" }
            let url = fileURL(section: section, chunk: index, of: count)
            do {
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                try Self.encoder.encode(file).write(to: url, options: .atomic)
            } catch {
                throw record("cannot write \(url.path): \(error.localizedDescription)")
            }
            lock.lock(); writtenFiles.append(url); lock.unlock()
            throw ParticleChunkError.written(url)
        case .merge:
            do { return try merged(section: section, used: used) } catch ParticleChunkError.invalid(let message) {
                throw record(message)
            }
        }
    }

    /// Keeps the first failure for the report to stop on; the error for the section.
    private func record(_ message: String) -> ParticleChunkError {
        lock.lock(); if firstFailure == nil { firstFailure = message }; lock.unlock()
        return .invalid(message)
    }

    private func merged<T: Codable>(section: String, used: [Int]) throws -> [T] {
        let pattern = "\(section)-chunk-"
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { $0.hasPrefix(pattern) && $0.hasSuffix(".json") }
        let splits = Set(names.compactMap { name -> Int? in
            let parts = name.dropFirst(pattern.count).dropLast(5).split(separator: "-")
            return parts.count == 3 && parts[1] == "of" ? Int(parts[2]) : nil
        })
        guard let chunks = splits.first else {
            throw ParticleChunkError.invalid("\(directory.path): no partial results of section \(section); expected \(section)-chunk-I-of-K.json from `emvalidate report … --particle-chunk I/K --chunk-dir \(directory.path)` (run the chunk jobs first)")
        }
        guard splits.count == 1 else {
            throw ParticleChunkError.invalid("\(directory.path): partial results of section \(section) split into \(splits.sorted().map(String.init).joined(separator: " and ")) chunks; expected one split (remove the old files and run the chunk jobs again)")
        }
        var all: [T] = []
        all.reserveCapacity(used.count)
        for i in 1...chunks {
            let url = fileURL(section: section, chunk: i, of: chunks)
            let expected = header(section: section, used: used, chunk: i, of: chunks)
            guard let data = FileManager.default.contents(atPath: url.path) else {
                throw ParticleChunkError.invalid("\(url.path): missing; expected chunk \(i) of \(chunks) of section \(section) (run `emvalidate report … --particle-chunk \(i)/\(chunks) --chunk-dir \(directory.path)` again)")
            }
            let file: ChunkFile<T>
            do { file = try JSONDecoder.chunks.decode(ChunkFile<T>.self, from: data) } catch {
                throw ParticleChunkError.invalid("\(url.path): not readable as partial results of section \(section) (\(error)); expected the JSON a chunk run writes")
            }
            if let difference = file.header.difference(from: expected) {
                throw ParticleChunkError.invalid("\(url.path): stale: \(difference) (the inputs changed since the chunk ran; run the chunk jobs again)")
            }
            if let error = file.error { throw ParticleChunkError.failedInChunk(error) }
            guard let results = file.results, results.count == expected.end - expected.first else {
                throw ParticleChunkError.invalid("\(url.path): \(file.results?.count ?? 0) results; expected \(expected.end - expected.first) (particles \(expected.first + 1)…\(expected.end) of \(used.count))")
            }
            all += results
        }
        return all
    }

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return e
    }()
}

extension JSONDecoder {
    static let chunks: JSONDecoder = {
        let d = JSONDecoder()
        d.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return d
    }()
}

/// What a slice was computed from and which particles it holds (`first..<end` of the `particles` used).
struct ChunkHeader: Codable, Equatable {
    var format = 1
    var inputs: ChunkInputs
    var section: String
    var chunk: Int, chunks: Int
    var particles: Int
    /// SHA-256 of the used row indices (comma-separated decimal), so that another subset is seen.
    var particlesSHA256: String
    var first: Int, end: Int

    /// The first field in which `self` (read from a file) differs from `expected`, in words; nil when equal.
    func difference(from expected: ChunkHeader) -> String? {
        let checks: [(String, String, String)] = [
            ("format", "\(format)", "\(expected.format)"),
            ("section", section, expected.section),
            ("STAR file SHA-256 (\(inputs.star))", inputs.starSHA256, expected.inputs.starSHA256),
            ("map SHA-256", inputs.mapSHA256, expected.inputs.mapSHA256),
            ("settings", inputs.settings, expected.inputs.settings),
            ("chunk", "\(chunk) of \(chunks)", "\(expected.chunk) of \(expected.chunks)"),
            ("particles used", "\(particles)", "\(expected.particles)"),
            ("particle selection SHA-256", particlesSHA256, expected.particlesSHA256),
            ("slice", "\(first)..<\(end)", "\(expected.first)..<\(expected.end)"),
        ]
        return checks.first { $0.1 != $0.2 }.map { "written for \($0.0) \($0.1), expected \($0.2)" }
    }
}

/// One slice on disk: the header, then the results in the order of the used particles, or the error.
struct ChunkFile<T: Codable>: Codable {
    var header: ChunkHeader
    var error: String?
    var results: [T]?
}
