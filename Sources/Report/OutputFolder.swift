// Atomic output: everything is written to a hidden staging folder beside OUTDIR and moved into place only
// when complete, so a failed run leaves no half-written report. An existing OUTDIR is replaced only if it
// is an earlier emvalidate report (it holds metrics.json) or empty; a folder that holds the inputs is refused.
import Foundation

public struct OutputError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

public struct OutputFolder {
    public let final: URL
    public let staging: URL

    /// Checks that `final` can be written and creates the staging folder beside it.
    public init(final: URL, inputs: [String]) throws {
        let fm = FileManager.default
        let final = final.standardizedFileURL
        let parent = final.deletingLastPathComponent()
        var isDir: ObjCBool = false
        if fm.fileExists(atPath: final.path, isDirectory: &isDir) {
            guard isDir.boolValue else {
                throw OutputError(message: "output \(final.path) exists and is a file, not a folder")
            }
            let contents = (try? fm.contentsOfDirectory(atPath: final.path)) ?? []
            guard contents.isEmpty || contents.contains("metrics.json") else {
                throw OutputError(message: "output folder \(final.path) exists and is not an emvalidate report (no metrics.json); choose another folder or empty it")
            }
        }
        for input in inputs {
            let resolved = URL(fileURLWithPath: input).standardizedFileURL.resolvingSymlinksInPath().path
            let outPath = final.resolvingSymlinksInPath().path
            if resolved.hasPrefix(outPath + "/") {
                throw OutputError(message: "output folder \(final.path) contains the input \(input); write the report elsewhere")
            }
        }
        do {
            try fm.createDirectory(at: parent, withIntermediateDirectories: true)
        } catch {
            throw OutputError(message: "cannot create the output's parent folder \(parent.path): \(error.localizedDescription)")
        }
        guard fm.isWritableFile(atPath: parent.path) else {
            throw OutputError(message: "cannot write in \(parent.path): permission denied")
        }
        let stagingName = ".\(final.lastPathComponent).emvalidate-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))"
        let staging = parent.appendingPathComponent(stagingName)
        do {
            try fm.createDirectory(at: staging, withIntermediateDirectories: false)
        } catch {
            throw OutputError(message: "cannot create a folder in \(parent.path): \(error.localizedDescription)")
        }
        self.final = final
        self.staging = staging
    }

    /// Moves the staging folder into place, replacing an earlier report.
    public func commit() throws {
        let fm = FileManager.default
        var old: URL?
        if fm.fileExists(atPath: final.path) {
            let o = staging.deletingLastPathComponent().appendingPathComponent(staging.lastPathComponent + ".old")
            try fm.moveItem(at: final, to: o)
            old = o
        }
        do {
            try fm.moveItem(at: staging, to: final)
        } catch {
            if let old { try? fm.moveItem(at: old, to: final) }
            throw OutputError(message: "cannot move the report into \(final.path): \(error.localizedDescription)")
        }
        if let old { try? fm.removeItem(at: old) }
    }

    /// Removes the staging folder (after a failure).
    public func discard() {
        try? FileManager.default.removeItem(at: staging)
    }
}
