import Foundation
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

/// Text of a PDF, via poppler's pdftotext, with runs of white space folded to one space.
func pdfText(_ pdf: URL) throws -> String {
    let (status, text) = try runProcess("pdftotext", ["-enc", "UTF-8", pdf.path, "-"])
    precondition(status == 0, "pdftotext failed on \(pdf.path)")
    return text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
}

var haveLaTeX: Bool {
    ["latexmk", "pdflatex", "pdftotext"].allSatisfy { tool in
        (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").contains {
            FileManager.default.isExecutableFile(atPath: "\($0)/\(tool)")
        }
    }
}
