// The marker `.emvalidate-report` that emvalidate writes into every folder it creates. It lists every file
// and folder we wrote (paths relative to the folder, folders with a trailing "/") and the SHA-256 of that
// list. An existing output folder is replaced only if it is empty or its marker is intact and it holds
// nothing the marker does not list: a folder with someone else's metrics.json, notes or raw data is
// refused, and so is an earlier report into which the user put files of their own (issue 17, point 1).
import Foundation
import MapIO
#if canImport(Glibc)
import Glibc
#endif

public struct ReportMarker: Codable, Sendable, Equatable {
    public static let fileName = ".emvalidate-report"
    public static let formatID = "emvalidate-report-marker/1"

    public var format: String
    /// What the folder is: "report" (a complete report) or "latex-failed" (a failed attempt kept for debugging).
    public var kind: String
    public var metricsSchema: String
    public var toolVersion: String
    /// Relative paths of everything we wrote; folders end with "/".
    public var files: [String]
    /// SHA-256 of `files` joined with newlines: a marker edited by hand or truncated is not trusted.
    public var filesSHA256: String

    enum CodingKeys: String, CodingKey {
        case format, kind, files, metricsSchema = "metrics_schema", toolVersion = "tool_version",
             filesSHA256 = "files_sha256"
    }

    static func listHash(_ files: [String]) -> String {
        FileHash.sha256(bytes: Array(files.joined(separator: "\n").utf8))
    }

    /// Every file and folder below `dir` (not following symbolic links), relative, sorted; the marker excluded.
    static func contents(of dir: URL) -> [String] {
        var out: [String] = []
        func walk(_ url: URL, _ prefix: String) {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: url.path) else { return }
            for name in names {
                let rel = prefix + name
                if prefix.isEmpty, name == fileName { continue }
                let child = url.appendingPathComponent(name)
                var st = stat()
                guard lstat(child.path, &st) == 0 else { out.append(rel); continue }
                if (st.st_mode & S_IFMT) == S_IFDIR {
                    out.append(rel + "/")
                    walk(child, rel + "/")
                } else {
                    out.append(rel)
                }
            }
        }
        walk(dir, "")
        return out.sorted()
    }

    /// Writes the marker of `dir`, listing everything in it now.
    static func write(in dir: URL, kind: String, files: [String]? = nil) throws {
        let list = files ?? contents(of: dir)
        let m = ReportMarker(format: formatID, kind: kind, metricsSchema: ReportDocument.schemaID,
                             toolVersion: ReportPipeline.version, files: list, filesSHA256: listHash(list))
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try OutputWriting.write(try e.encode(m), to: dir.appendingPathComponent(fileName),
                                describedAs: dir.appendingPathComponent(fileName).path)
    }

    /// The intact marker of `dir`, or why there is none.
    static func read(in dir: URL) -> Result<ReportMarker, OutputError> {
        let url = dir.appendingPathComponent(fileName)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            return .failure(OutputError(message: "no \(fileName) marker"))
        }
        guard let m = try? JSONDecoder().decode(ReportMarker.self, from: data), m.format == formatID,
              m.filesSHA256 == listHash(m.files) else {
            return .failure(OutputError(message: "its \(fileName) marker is damaged"))
        }
        return .success(m)
    }

    /// Why `dir` must not be replaced by a folder of `kind`, or nil when it may be (it does not exist, is
    /// empty, or is ours with nothing added).
    static func refusal(toReplace dir: URL, kind: String = "report") -> String? {
        let present = contents(of: dir)
        let hasMarker = FileManager.default.fileExists(atPath: dir.appendingPathComponent(fileName).path)
        if present.isEmpty && !hasMarker { return nil }
        func listed(_ names: [String]) -> String {
            let shown = names.prefix(5).joined(separator: ", ")
            return names.count > 5 ? shown + " and \(names.count - 5) more" : shown
        }
        switch read(in: dir) {
        case .failure(let why):
            let top = present.filter { !$0.dropLast().contains("/") }
            return "output folder \(dir.path) exists and is not an emvalidate \(kind == "report" ? "report" : "folder") "
                + "(\(why.message); it holds \(top.isEmpty ? "nothing else" : listed(top))); "
                + "nothing was changed: choose another folder"
        case .success(let m):
            guard m.kind == kind else {
                return "output folder \(dir.path) holds an emvalidate \(m.kind) folder, not a \(kind); nothing was changed: choose another folder"
            }
            let ours = Set(m.files)
            let foreign = present.filter { !ours.contains($0) }
            guard foreign.isEmpty else {
                return "output folder \(dir.path) holds files emvalidate did not write (\(listed(foreign))); "
                    + "nothing was changed: move them out or choose another folder"
            }
            return nil
        }
    }
}
