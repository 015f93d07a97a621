// Level 0 test support shared by AnalysisTests and VolumeNumericsTests: a seeded random generator and a
// runner for the Python oracles in Tests/Oracles.
import Foundation
import VolumeNumerics

/// The Level 0 tests' seeded generator: VolumeNumerics' SplitMix64 (the same stream), with the normal deviate the
/// Level 0 phantoms were made with.
public typealias Level0RNG = SplitMix64

extension SplitMix64 {
    /// A standard normal deviate (Box–Muller on Double.random(in:using:)).
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
        TestScratch.root.appendingPathComponent("emv-l0-\(UUID().uuidString)-\(suffix)").path
    }
}
