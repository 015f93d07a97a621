import Foundation
import Testing
import TestSupport

/// Runs a program and returns its exit status and standard output (stderr is discarded unless merged).
@discardableResult
func runProcess(_ executable: String, _ args: [String], cwd: URL? = nil, mergeStderr: Bool = false) throws -> (status: Int32, output: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: executable.hasPrefix("/") ? executable : "/usr/bin/env")
    p.arguments = executable.hasPrefix("/") ? args : [executable] + args
    if let cwd { p.currentDirectoryURL = cwd }
    let out = Pipe()
    p.standardOutput = out
    p.standardError = mergeStderr ? out : FileHandle.nullDevice
    p.standardInput = FileHandle.nullDevice
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// A fresh temporary folder.
func temporaryDirectory(_ name: String = #function) throws -> URL {
    try TestScratch.directory("emv", for: name)
}

/// The repository root (for Templates/ and Fixtures/).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The warnings of a report's LaTeX log (kept in OUTDIR/.latex/) that a box is wider than the page by more than
/// `tolerancePt` (a table or a line running into the margin), each with the log's next line (what is in it).
func overfullBoxes(_ out: URL, tolerancePt: Double = 1) throws -> [String] {
    let lines = try String(contentsOf: out.appendingPathComponent(".latex/report.log"), encoding: .isoLatin1)
        .components(separatedBy: "\n")
    return lines.indices.compactMap { i in
        let line = lines[i]
        guard line.hasPrefix("Overfull \\hbox ("), let end = line.range(of: "pt too wide") else { return nil }
        let start = line.index(line.startIndex, offsetBy: "Overfull \\hbox (".count)
        guard (Double(line[start..<end.lowerBound]) ?? .infinity) > tolerancePt else { return nil }
        return i + 1 < lines.count ? line + " " + lines[i + 1] : line
    }
}

/// Expects no line or table of the report at `out` wider than the page (`overfullBoxes`).
func expectNothingWiderThanThePage(_ out: URL, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let overfull = try overfullBoxes(out)
    #expect(overfull.isEmpty, "lines or tables wider than the page: \(overfull)", sourceLocation: sourceLocation)
}

var haveLaTeX: Bool {
    ["latexmk", "pdflatex", "pdftotext"].allSatisfy { tool in
        (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").contains {
            FileManager.default.isExecutableFile(atPath: "\($0)/\(tool)")
        }
    }
}
