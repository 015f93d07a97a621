// Level 0 test support shared by AnalysisTests and VolumeNumericsTests: a seeded random generator and a
// runner for the Python oracles in Tests/Oracles.
import Foundation

/// SplitMix64: a small deterministic generator, so that phantoms are the same on every run.
public struct Level0RNG: RandomNumberGenerator, Sendable {
    public var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// A standard normal deviate (Box–Muller).
    public mutating func normal() -> Double {
        let u1 = Double.random(in: Double.ulpOfOne..<1, using: &self)
        let u2 = Double.random(in: 0..<1, using: &self)
        return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
    }
}

public enum Level0Oracle {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Path of a script in Tests/Oracles.
    public static func script(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Oracles").appendingPathComponent(name).path
    }

    /// Runs `python3 Tests/Oracles/<name> args…` and returns its standard output.
    public static func run(_ name: String, _ args: [String]) throws -> Data {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", script(name)] + args
        let out = Pipe(), err = Pipe()
        p.standardOutput = out; p.standardError = err
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw Failure(description: "oracle \(name) exited with \(p.terminationStatus): "
                          + (String(data: errData, encoding: .utf8) ?? ""))
        }
        return data
    }

    /// A fresh temporary file path.
    public static func tempPath(_ suffix: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("emv-l0-\(UUID().uuidString)-\(suffix)").path
    }
}
