// Helpers for the reliability tests: the built `emvalidate` binary, processes, hashes, temporary folders.
import Foundation
import MapIO
import TestSupport

/// The repository root (for Tests/BadInputs and Fixtures).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
let badInputs = repositoryRoot.appendingPathComponent("Tests/BadInputs/files")

/// The emvalidate executable built beside the test bundle (as in Tests/ReportTests/EndToEndTests.swift).
let emvalidateBinary: String = {
    let dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for candidate in [dir, dir.deletingLastPathComponent()] {
        let p = candidate.appendingPathComponent("emvalidate").path
        if FileManager.default.isExecutableFile(atPath: p) { return p }
    }
    return repositoryRoot.appendingPathComponent(".build/release/emvalidate").path
}()

struct Run {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs a program; stdout and stderr are kept apart.
func runProcess(_ executable: String, _ args: [String], environment: [String: String]? = nil) throws -> Run {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: executable.hasPrefix("/") ? executable : "/usr/bin/env")
    p.arguments = executable.hasPrefix("/") ? args : [executable] + args
    if let environment { p.environment = environment }
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    p.standardInput = FileHandle.nullDevice
    try p.run()
    // Read stderr on another thread so that neither pipe can fill and block the child.
    final class Box: @unchecked Sendable { var data = Data() }
    let errBox = Box()
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async { errBox.data = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    let errData = errBox.data
    p.waitUntilExit()
    return Run(status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
               stderr: String(decoding: errData, as: UTF8.self))
}

func emvalidate(_ args: [String]) throws -> Run { try runProcess(emvalidateBinary, args) }

/// A fresh temporary folder.
func temporaryDirectory(_ name: String = #function) throws -> URL {
    try TestScratch.directory("emv-rel", for: name)
}

/// SHA-256 of a file, or of every file under a folder (path → hash), to show inputs are untouched.
func hashes(of paths: [String]) throws -> [String: String] {
    var result: [String: String] = [:]
    for p in paths { result[p] = try FileHash.sha256(path: p) }
    return result
}

var haveLaTeX: Bool {
    ["latexmk", "pdflatex", "pdftotext"].allSatisfy { tool in
        (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").contains {
            FileManager.default.isExecutableFile(atPath: "\($0)/\(tool)")
        }
    }
}

/// A Gaussian blob of σ = n/8 voxels centred in an n³ box (values 0…1), voxel size 1.5 Å.
func blobVolume(_ n: Int, voxel: Double = 1.5) -> Volume {
    var data = [Float](repeating: 0, count: n * n * n)
    let c = Double(n - 1) / 2, s2 = 2 * pow(Double(n) / 8, 2)
    for z in 0..<n { for y in 0..<n { for x in 0..<n {
        let r2 = pow(Double(x) - c, 2) + pow(Double(y) - c, 2) + pow(Double(z) - c, 2)
        data[x + n * (y + n * z)] = Float(exp(-r2 / s2))
    } } }
    return Volume(nx: n, ny: n, nz: n, data: data, voxelSize: SIMD3(repeating: voxel))
}
