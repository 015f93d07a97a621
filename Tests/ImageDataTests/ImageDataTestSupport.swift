import Foundation
import MapIO
import TestSupport
@testable import ImageData

/// A fresh temporary folder.
func imageDataTempDir(_ name: String = #function) throws -> URL {
    try TestScratch.directory("emv-img", for: name)
}

/// The repository root (for Fixtures/ and Tests/Oracles/).
let imageDataRepositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// Writes images as an MRC stack (float32, ispg 0 as written by MRCWriter for a .mrcs path).
func writeStack(_ images: [Image2D], to path: String, pixelSizeA: Double) throws {
    let n = images[0].nx, m = images[0].ny
    let vol = Volume(nx: n, ny: m, nz: images.count, data: images.flatMap { $0.data },
                     voxelSize: SIMD3(pixelSizeA, pixelSizeA, pixelSizeA))
    try MRCWriter.write(vol, to: path, labels: ["emvalidate test stack"])
}

/// Runs a program; returns exit status and merged output.
@discardableResult
func runTool(_ executable: String, _ args: [String], cwd: URL? = nil) throws -> (status: Int32, output: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = [executable] + args
    if let cwd { p.currentDirectoryURL = cwd }
    let out = Pipe()
    p.standardOutput = out
    p.standardError = out
    p.standardInput = FileHandle.nullDevice
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: data, as: UTF8.self))
}

func toolExists(_ name: String) -> Bool {
    (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":").contains {
        FileManager.default.isExecutableFile(atPath: "\($0)/\(name)")
    }
}
