// What each libFuzzer target does with one input, shared by the fuzz executables (Sources/Fuzz*) and by the
// regression tests (Tests/ReliabilityTests), so a crash file replays through exactly the fuzzed code.
//
// Conventions: a body returns normally when the reader either succeeded with a consistent result or failed
// with a typed error whose message is one line; anything else (a trap, a sanitizer report, an invariant
// below) is a finding. `FuzzInvariantViolation` describes a broken invariant; the fuzz executables turn it
// into a crash, the tests into a failure.
import Foundation
import MapIO
import ModelIO

public struct FuzzInvariantViolation: Error, CustomStringConvertible {
    public var description: String
}

public enum FuzzBodies {
    /// Maps: `MRCReader.read(bytes:name:)` on arbitrary bytes (plain, gzip or bzip2).
    public static func mrcBytes(_ bytes: [UInt8]) throws {
        let outcome = Result { try MRCReader.read(bytes: bytes, name: "fuzz.mrc") }
        try checkMap(outcome, input: bytes.count)
    }

    /// The header and data reader alone: like `mrcBytes`, but inputs that start with gzip or bzip2 magic are
    /// skipped (FuzzMapFile fuzzes the decompressors; here they would take most of the time, since a few
    /// bytes of bzip2 can expand to megabytes).
    public static func mrcPlainBytes(_ bytes: [UInt8]) throws {
        if bytes.withUnsafeBytes({ CompressionFormat.detect($0) }) != nil { return }
        let outcome = Result { try MRCReader.read(bytes: bytes, name: "fuzz.mrc") }
        try checkMap(outcome, input: bytes.count)
    }

    /// Maps through the file reader: the bytes are written to `path`, read with `MRCReader.read(path:)`, and
    /// the outcome must equal the in-memory reader's (same volume, or the same error message).
    public static func mapFile(_ bytes: [UInt8], scratch path: String) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let fromFile = Result { try MRCReader.read(path: path) }
        try checkMap(fromFile, input: bytes.count)
        let fromMemory = Result { try MRCReader.read(bytes: bytes, name: path) }
        switch (fromFile, fromMemory) {
        case let (.success(a), .success(b)):
            guard a.volume == b.volume, a.warnings == b.warnings else {
                throw FuzzInvariantViolation(description: "file and memory readers disagree on the volume or warnings")
            }
        case let (.failure(a), .failure(b)):
            guard "\(a)" == "\(b)" else {
                throw FuzzInvariantViolation(description: "file and memory readers fail differently: \(a) | \(b)")
            }
        default:
            throw FuzzInvariantViolation(description: "one reader succeeded and the other failed: \(fromFile) | \(fromMemory)")
        }
    }

    /// Models: `ModelReader.read(bytes:name:)` (gemmi behind the C wrapper) on arbitrary text.
    public static func model(_ bytes: [UInt8]) throws {
        switch Result(catching: { try ModelReader.read(bytes: bytes, name: "fuzz.pdb") }) {
        case .success(let model):
            guard !model.atoms.isEmpty else { throw FuzzInvariantViolation(description: "model read with no atoms") }
            for a in model.atoms {
                guard a.position.x.isFinite, a.position.y.isFinite, a.position.z.isFinite, a.bFactor.isFinite,
                      a.occupancy.isFinite else {
                    throw FuzzInvariantViolation(description: "atom \(a.name) has a non-finite value: \(a)")
                }
            }
        case .failure(let error):
            guard error is ModelReadError else {
                throw FuzzInvariantViolation(description: "untyped model error: \(error)")
            }
            try oneLine("\(error)")
        }
    }

    static func checkMap(_ outcome: Result<MRCFile, Error>, input: Int) throws {
        switch outcome {
        case .success(let file):
            let v = file.volume
            guard v.nx > 0, v.ny > 0, v.nz > 0, v.data.count == v.nx * v.ny * v.nz else {
                throw FuzzInvariantViolation(description: "volume \(v.nx)×\(v.ny)×\(v.nz) holds \(v.data.count) values")
            }
            guard v.data.allSatisfy({ $0.isFinite }) else {
                throw FuzzInvariantViolation(description: "a non-finite voxel was accepted")
            }
            for axis in 0..<3 where !(v.voxelSize[axis].isFinite && v.voxelSize[axis] > 0) {
                throw FuzzInvariantViolation(description: "voxel size \(v.voxelSize) is not positive and finite")
            }
            guard v.headerOrigin.x.isFinite, v.headerOrigin.y.isFinite, v.headerOrigin.z.isFinite else {
                throw FuzzInvariantViolation(description: "origin \(v.headerOrigin) is not finite")
            }
            for w in file.warnings { try oneLine(w) }
        case .failure(let error):
            guard error is MapError else { throw FuzzInvariantViolation(description: "untyped map error: \(error)") }
            try oneLine("\(error)")
        }
    }

    static func oneLine(_ message: String) throws {
        guard !message.isEmpty, !message.contains(where: { $0.isNewline }) else {
            throw FuzzInvariantViolation(description: "message is not one line: \(message.debugDescription)")
        }
    }
}

/// Runs a body on one input for libFuzzer: an invariant violation aborts with its description.
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int, _ body: ([UInt8]) throws -> Void) -> Int32 {
    let bytes = size > 0 && data != nil ? Array(UnsafeBufferPointer(start: data, count: size)) : []
    do { try body(bytes) } catch { fatalError("fuzz finding: \(error)") }
    return 0
}

/// Replays input files given on the command line through a body (the non-fuzzing build of each target).
public func replayFiles(_ body: ([UInt8]) throws -> Void) -> Int32 {
    var failures: Int32 = 0
    for path in CommandLine.arguments.dropFirst() {
        guard let data = FileManager.default.contents(atPath: path) else {
            print("\(path): cannot read"); failures += 1; continue
        }
        do { try body([UInt8](data)); print("\(path): ok") } catch { print("\(path): \(error)"); failures += 1 }
    }
    return failures == 0 ? 0 : 1
}

#if FUZZING
/// libFuzzer's driver (compiler-rt), for executables whose `main` SwiftPM renames.
@_silgen_name("LLVMFuzzerRunDriver")
public func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Int32
#endif
