// Where archive files come from: a base URL (HTTPS/HTTP) or a local folder with the same layout.
//
// EMDB layout (ftp.ebi.ac.uk/pub/databases/emdb, also the wwPDB and RCSB EMDB mirrors):
//   structures/EMD-NNNN/header/emd-NNNN-v30.xml, structures/EMD-NNNN/map/emd_NNNN.map.gz,
//   structures/EMD-NNNN/other/<half map files>
// PDB layout (files.wwpdb.org/pub/pdb, ftp.ebi.ac.uk/pub/databases/pdb):
//   data/structures/divided/mmCIF/<2nd–3rd characters of the id>/<id>.cif.gz
import EntryMetadata
import Foundation

public struct ArchiveMirror: Sendable, CustomStringConvertible {
    public enum Location: Sendable { case remote(URL), local(URL) }
    public let location: Location

    public static let defaultEMDB = "https://ftp.ebi.ac.uk/pub/databases/emdb"
    public static let defaultPDB = "https://files.wwpdb.org/pub/pdb"

    /// `text` is an http(s) or file URL, or a folder path. Throws a message naming the flag when it is neither.
    public init(_ text: String, flag: String) throws {
        let t = text.hasSuffix("/") ? String(text.dropLast()) : text
        if t.lowercased().hasPrefix("http://") || t.lowercased().hasPrefix("https://") {
            guard let u = URL(string: t), u.host != nil else {
                throw FetchError(.notFound, "\(flag) “\(text)” is not a valid URL")
            }
            location = .remote(u)
            return
        }
        let path = t.lowercased().hasPrefix("file://") ? (URL(string: t)?.path ?? "") : t
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue else {
            throw FetchError(.notFound, "\(flag) “\(text)” is neither an http(s) URL nor an existing folder")
        }
        location = .local(URL(fileURLWithPath: path).standardizedFileURL)
    }

    public var description: String {
        switch location {
        case .remote(let u): return u.absoluteString
        case .local(let u): return u.path
        }
    }

    /// The URL (remote) or file URL (local) of a path relative to the archive's root.
    public func url(_ relative: String) -> URL {
        switch location {
        case .remote(let u): return u.appendingPathComponent(relative)
        case .local(let u): return u.appendingPathComponent(relative)
        }
    }

    public var isLocal: Bool { if case .local = location { return true } else { return false } }

    // MARK: layouts

    public static func emdbHeader(_ id: EMDBID) -> String { "structures/\(id)/header/\(id.headerFileName)" }
    public static func emdbMap(_ id: EMDBID, file: String) -> String { "structures/\(id)/map/\(file)" }
    public static func emdbOther(_ id: EMDBID, file: String) -> String { "structures/\(id)/other/\(file)" }
    public static func pdbModel(_ pdbID: String) -> String {
        let id = pdbID.lowercased()
        let chars = Array(id)
        let middle = chars.count >= 3 ? String(chars[1...2]) : id
        return "data/structures/divided/mmCIF/\(middle)/\(id).cif.gz"
    }
}
