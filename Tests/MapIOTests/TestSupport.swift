// Shared helpers for the MapIO tests: fixture paths, the mrcfile oracle, scratch files, and a hand-made
// MRC byte builder (independent of MRCHeader's encoder, so that synthetic files test the reader).
import Foundation
import Testing
import TestSupport
@testable import MapIO

enum TestPaths {
    /// Package root, found from this file's location (Tests/MapIOTests/TestSupport.swift).
    static let root: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static func fixture(_ relative: String) -> String { root.appendingPathComponent("Fixtures/\(relative)").path }
    static let oracle = root.appendingPathComponent("Tests/Oracles/mrc_read.py").path

    /// A fresh scratch directory under /tmp, removed by the caller with `cleanUp`.
    static func scratchDirectory() throws -> String {
        let dir = TestScratch.root
            .appendingPathComponent("mapio-tests-\(getpid())-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }
    static func cleanUp(_ dir: String) { try? FileManager.default.removeItem(atPath: dir) }
}

/// What Tests/Oracles/mrc_read.py (Python mrcfile + numpy) says about a map.
struct OracleReading {
    var json: [String: Any]
    /// Voxels in X, Y, Z order, x fastest.
    var data: [Float]

    func ints(_ key: String) -> [Int] { (json[key] as? [NSNumber] ?? []).map { $0.intValue } }
    func doubles(_ key: String) -> [Double] { (json[key] as? [NSNumber] ?? []).map { $0.doubleValue } }
    func double(_ key: String) -> Double { (json[key] as? NSNumber)?.doubleValue ?? .nan }
    func string(_ key: String) -> String { json[key] as? String ?? "" }
    func bool(_ key: String) -> Bool { (json[key] as? NSNumber)?.boolValue ?? false }
}

enum Oracle {
    static func read(_ path: String, validate: Bool = false) throws -> OracleReading {
        let dir = try TestPaths.scratchDirectory()
        defer { TestPaths.cleanUp(dir) }
        let raw = dir + "/oracle.raw"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", TestPaths.oracle, path, raw] + (validate ? ["--validate"] : [])
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw OracleFailure(message: "mrc_read.py failed on \(path): " + (String(data: stderr, encoding: .utf8) ?? ""))
        }
        let json = try JSONSerialization.jsonObject(with: stdout) as? [String: Any] ?? [:]
        let bytes = try Data(contentsOf: URL(fileURLWithPath: raw))
        let data = bytes.withUnsafeBytes { raw in
            (0..<(bytes.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
        }
        return OracleReading(json: json, data: data)
    }
}

struct OracleFailure: Error, CustomStringConvertible { var message: String; var description: String { message } }

/// Builds MRC files byte by byte: header words at their specification offsets, in either byte order.
struct MRCBytes {
    var header = [UInt8](repeating: 0, count: 1024)
    var extended: [UInt8] = []
    var data: [UInt8] = []
    let bigEndian: Bool

    /// A header with the usual fields set: box, mode, cell = box (1 Å voxels), angles 90°, axes 1,2,3,
    /// 'MAP ' stamp and the MACHST matching the byte order.
    init(nx: Int32, ny: Int32, nz: Int32, mode: Int32, bigEndian: Bool = false) {
        self.bigEndian = bigEndian
        setInt(1, nx); setInt(2, ny); setInt(3, nz); setInt(4, mode)
        setInt(8, nx); setInt(9, ny); setInt(10, nz)
        setFloat(11, Float(nx)); setFloat(12, Float(ny)); setFloat(13, Float(nz))
        setFloat(14, 90); setFloat(15, 90); setFloat(16, 90)
        setInt(17, 1); setInt(18, 2); setInt(19, 3)
        setInt(23, 1)
        setBytes(53, Array("MAP ".utf8))
        setBytes(54, bigEndian ? [0x11, 0x11, 0, 0] : [0x44, 0x44, 0, 0])
    }

    mutating func setUInt(_ word: Int, _ v: UInt32) {
        let o = 4 * (word - 1)
        let b = bigEndian ? v.bigEndian : v.littleEndian
        withUnsafeBytes(of: b) { for i in 0..<4 { header[o + i] = $0[i] } }
    }
    mutating func setInt(_ word: Int, _ v: Int32) { setUInt(word, UInt32(bitPattern: v)) }
    mutating func setFloat(_ word: Int, _ v: Float) { setUInt(word, v.bitPattern) }
    mutating func setBytes(_ word: Int, _ b: [UInt8]) { for (i, x) in b.enumerated() { header[4 * (word - 1) + i] = x } }

    /// Sets dmin, dmax, dmean, rms (words 20-22, 55).
    mutating func setStatistics(min: Float, max: Float, mean: Float, rms: Float) {
        setFloat(20, min); setFloat(21, max); setFloat(22, mean); setFloat(55, rms)
    }

    mutating func append16(_ v: UInt16) {
        let b = bigEndian ? v.bigEndian : v.littleEndian
        withUnsafeBytes(of: b) { data += $0 }
    }
    mutating func append32(_ v: UInt32) {
        let b = bigEndian ? v.bigEndian : v.littleEndian
        withUnsafeBytes(of: b) { data += $0 }
    }

    var bytes: [UInt8] { header + extended + data }

    func write(to path: String) throws { try Data(bytes).write(to: URL(fileURLWithPath: path)) }
}

/// Statistics computed here, in the test, for comparison with what the code reports.
func referenceStatistics(_ values: [Float]) -> (min: Double, max: Double, mean: Double, std: Double) {
    let d = values.map(Double.init)
    let mean = d.reduce(0, +) / Double(d.count)
    let variance = d.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(d.count)
    return (d.min()!, d.max()!, mean, variance.squareRoot())
}

/// Asserts |observed − expected| ≤ tolerance, printing both and the error.
func expectClose(_ observed: Double, _ expected: Double, _ tolerance: Double, _ what: String,
                 sourceLocation: SourceLocation = #_sourceLocation) {
    let error = abs(observed - expected)
    #expect(error <= tolerance, "\(what): expected \(expected), observed \(observed), error \(error) > \(tolerance)",
            sourceLocation: sourceLocation)
}

/// The error a throwing read gives, as text (nil if it did not throw a MapError).
func mapErrorText(_ body: () throws -> Any) -> String? {
    do { _ = try body(); return nil } catch let e as MapError { return e.description } catch { return "non-MapError: \(error)" }
}
