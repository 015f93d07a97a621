// The text of a PDF (a report, a figure), for tests that check what a reader sees.
import Foundation

/// Text of a PDF via poppler's pdftotext, runs of white space folded to one space.
public func pdfText(_ pdf: URL) throws -> String {
    let p = Process(), out = Pipe()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["pdftotext", "-enc", "UTF-8", pdf.path, "-"]
    p.standardOutput = out
    p.standardError = FileHandle.nullDevice
    p.standardInput = FileHandle.nullDevice
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    precondition(p.terminationStatus == 0, "pdftotext failed on \(pdf.path)")
    return String(decoding: data, as: UTF8.self).split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
}
