// Compiles report.tex to report.pdf with latexmk and pdflatex: non-interactive, halting on the first error,
// shell escape disabled (flag and kpathsea environment), file access restricted to the output folder, and a
// time limit enforced by coreutils' `timeout`, which stops latexmk and the pdflatex it started. The auxiliary
// files are kept in <dir>/.latex/ so that a recompilation (`emvalidate render`) can often stop after one pass.
import Foundation
import RelionBridge

public struct LatexError: Error, CustomStringConvertible {
    /// The first error in the LaTeX log (the line starting with "!" and the line number that follows).
    public let firstError: String
    public let logPath: String
    public var description: String { "LaTeX failed: \(firstError) (full log: \(logPath))" }

    /// The same error with the log in `folder` (where the failed attempt was kept).
    public func movedTo(_ folder: URL) -> LatexError {
        guard !logPath.isEmpty else { return self }
        return LatexError(firstError: firstError,
                          logPath: folder.appendingPathComponent((logPath as NSString).lastPathComponent).path)
    }
}

public enum LatexCompiler {
    /// Whether latexmk and pdflatex are on the PATH.
    public static var isAvailable: Bool { ProgramSearch.path(of: "latexmk") != nil && ProgramSearch.path(of: "pdflatex") != nil }

    /// Compiles `<directory>/<name>.tex`; returns the PDF's path. On success the auxiliary files and the log move
    /// to `cacheFolder`; on failure the log is kept beside the .tex.
    @discardableResult
    public static func compile(directory: URL, name: String = "report", timeoutSeconds: Int = 300) throws -> URL {
        guard let latexmk = ProgramSearch.path(of: "latexmk"), ProgramSearch.path(of: "pdflatex") != nil else {
            throw LatexError(firstError: "latexmk or pdflatex not found on PATH (Debian: apt-get install latexmk texlive-latex-extra)",
                             logPath: "")
        }
        let logFile = directory.appendingPathComponent("\(name).latexmk.log")
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let out = try FileHandle(forWritingTo: logFile)
        defer { try? out.close() }

        // latexmk's record of the last run and LaTeX's auxiliary files are kept in .latex/ between runs, so
        // that `emvalidate render` after an edit usually needs one pdflatex pass instead of two.
        let cache = directory.appendingPathComponent(cacheFolder)
        for ext in cachedExtensions {
            let kept = cache.appendingPathComponent("\(name).\(ext)")
            let here = directory.appendingPathComponent("\(name).\(ext)")
            if FileManager.default.fileExists(atPath: kept.path), !FileManager.default.fileExists(atPath: here.path) {
                try? FileManager.default.copyItem(at: kept, to: here)
            }
        }

        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
        p.arguments = ["--kill-after=10", String(timeoutSeconds), latexmk,
                       "-pdf", "-no-shell-escape", "-interaction=nonstopmode", "-halt-on-error",
                       "-file-line-error", "-quiet", "\(name).tex"]
        p.currentDirectoryURL = directory
        var env = ProcessInfo.processInfo.environment
        env["shell_escape"] = "f"      // kpathsea: no \write18, whatever texmf.cnf says
        env["openout_any"] = "p"       // paranoid: write only below the current folder
        env["openin_any"] = "p"        // and read no dot files or absolute paths outside it
        env["max_print_line"] = "200"
        p.environment = env
        p.standardInput = FileHandle.nullDevice
        p.standardOutput = out
        p.standardError = out
        try p.run()
        // `timeout` runs latexmk in a process group of its own: on SIGINT/SIGTERM the whole group is stopped.
        let guardToken = Interruption.guardChild(p.processIdentifier, group: true)
        p.waitUntilExit()
        Interruption.release(guardToken)

        let pdf = directory.appendingPathComponent("\(name).pdf")
        let log = directory.appendingPathComponent("\(name).log")
        if p.terminationStatus == 124 || p.terminationStatus == 137 {
            throw LatexError(firstError: "timed out after \(timeoutSeconds) s", logPath: log.path)
        }
        guard p.terminationStatus == 0, FileManager.default.fileExists(atPath: pdf.path) else {
            throw LatexError(firstError: firstError(inLog: log) ?? "latexmk exited with status \(p.terminationStatus)",
                             logPath: log.path)
        }
        try? FileManager.default.createDirectory(at: cache, withIntermediateDirectories: true)
        for ext in cachedExtensions {
            let kept = cache.appendingPathComponent("\(name).\(ext)")
            try? FileManager.default.removeItem(at: kept)
            try? FileManager.default.moveItem(at: directory.appendingPathComponent("\(name).\(ext)"), to: kept)
        }
        // The last pass's log is kept too (never put back before a run: latexmk reads it), for its warnings:
        // a table or line wider than the page ("Overfull \hbox") shows there and nowhere else.
        let keptLog = cache.appendingPathComponent("\(name).log")
        try? FileManager.default.removeItem(at: keptLog)
        try? FileManager.default.moveItem(at: log, to: keptLog)
        for ext in ["aux", "log", "toc", "out", "fls", "fdb_latexmk", "latexmk.log"] {
            try? FileManager.default.removeItem(at: directory.appendingPathComponent("\(name).\(ext)"))
        }
        return pdf
    }

    /// Folder beside the .tex keeping the files below between compilations.
    public static let cacheFolder = ".latex"
    static let cachedExtensions = ["aux", "toc", "out", "fls", "fdb_latexmk"]

    /// The first error of a LaTeX log: its "!" or "file:line:" line, with the "l.NN" context line after it.
    public static func firstError(inLog url: URL) -> String? {
        guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
        let lines = String(decoding: data, as: UTF8.self).components(separatedBy: "\n")
        guard let i = lines.firstIndex(where: { $0.hasPrefix("!") || $0.range(of: #"^[^ ]+\.tex:\d+: "#, options: .regularExpression) != nil })
        else { return nil }
        var msg = lines[i].trimmingCharacters(in: .whitespaces)
        if let l = lines[(i + 1)...].prefix(12).first(where: { $0.hasPrefix("l.") }) {
            msg += " [" + l.trimmingCharacters(in: .whitespaces) + "]"
        }
        return msg
    }
}
