// Everything a public-data report needs from the archives for one EMDB entry: the header (read into
// EntryMetadata), the primary map, the half maps and the first fitted model, each from the cache when it is
// there. A missing header or map stops the run; missing half maps or model are recorded as absent (an entry
// may have none, and fitted PDB entries can be obsoleted) so that the report gives the levels it can.
import EntryMetadata
import Foundation
import MapIO

public struct FetchedEntry: Sendable {
    public var metadata: EntryMetadata
    /// SHA-256 of the header file as stored in the archive.
    public var headerSHA256: String
    public var headerURL: URL
    public var mapPath: String
    public var halfMapPaths: (String, String)?
    public var modelPath: String?
    /// The PDB id of `modelPath` (the first fitted model).
    public var modelPDBID: String?
    /// One sentence per input the archive did not provide ("The entry has no half maps, …").
    public var absent: [String]
    /// Bytes transferred over the network in this run (0 when everything came from the cache).
    public var downloadedBytes: Int64
}

public struct FetchedHeader: Sendable {
    public var metadata: EntryMetadata
    public var file: CachedFile
}

public struct EntryFetcher: Sendable {
    public var emdb: ArchiveMirror
    public var pdb: ArchiveMirror
    public var cache: DownloadCache
    public var options: FetchOptions

    public init(emdb: ArchiveMirror, pdb: ArchiveMirror, cache: DownloadCache, options: FetchOptions = .init()) {
        self.emdb = emdb; self.pdb = pdb; self.cache = cache; self.options = options
    }

    /// The entry's header, read. Fetch it first: it says which files to fetch and whether a contour level exists.
    public func fetchHeader(_ id: EMDBID, progress: @escaping @Sendable (String) -> Void = { _ in }) throws -> FetchedHeader {
        let header = try get(id, emdb, ArchiveMirror.emdbHeader(id), what: "header", progress: progress)
        let metadata: EntryMetadata
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: header.path))
            metadata = try EMDBHeaderXML.read(data, document: header.url.absoluteString)
        } catch let e as EntryMetadataError {
            throw EntryMetadataError("\(id): \(e.message)")
        } catch {
            throw FetchError(.cache, "\(id): cannot read the cached header \(header.path): \(error.localizedDescription)")
        }
        guard metadata.id == id else {
            throw EntryMetadataError("\(id): the header \(header.url.absoluteString) describes \(metadata.id)")
        }
        return FetchedHeader(metadata: metadata, file: header)
    }

    /// The map, and unless the user gave their own (`halfMaps` / `model` false) the half maps and the model.
    public func fetchInputs(_ header: FetchedHeader, halfMaps: Bool, model: Bool,
                            progress: @escaping @Sendable (String) -> Void = { _ in }) throws -> FetchedEntry {
        let metadata = header.metadata, id = metadata.id
        var downloaded = header.file.downloadedBytes
        func get(_ mirror: ArchiveMirror, _ relative: String, what: String) throws -> CachedFile {
            let f = try self.get(id, mirror, relative, what: what, progress: progress)
            downloaded += f.downloadedBytes
            return f
        }
        let map = try get(emdb, ArchiveMirror.emdbMap(id, file: metadata.mapFile ?? id.defaultMapFileName), what: "map")

        var absent: [String] = []
        var halves: (String, String)?
        if halfMaps {
            if metadata.halfMapFiles.count >= 2 {
                let h = try metadata.halfMapFiles.prefix(2).map {
                    try get(emdb, ArchiveMirror.emdbOther(id, file: $0), what: "half map \($0)").path
                }
                halves = (h[0], h[1])
            } else {
                absent.append(metadata.halfMapFiles.isEmpty
                              ? "The entry has no half maps, so Level 1 is not run."
                              : "The entry has only one half map (\(metadata.halfMapFiles[0])), so Level 1 is not run.")
            }
        }

        var modelPath: String?, modelID: String?
        if model {
            if let pdbID = metadata.fittedPDBIDs.first {
                do {
                    let f = try file(pdb, ArchiveMirror.pdbModel(pdbID), progress: progress)
                    downloaded += f.downloadedBytes
                    modelPath = f.path
                    modelID = pdbID
                } catch let e as FetchError where e.kind == .notFound {
                    // Obsoleted PDB entries disappear from the archive; report the levels we can.
                    absent.append("The fitted model PDB \(pdbID.uppercased()) is not in the PDB archive (\(e.message)), so Level A is not run.")
                } catch let e as FetchError {
                    throw FetchError(e.kind, "\(id): cannot get the model PDB \(pdbID.uppercased()): \(e.message)")
                }
            } else {
                absent.append("The entry has no fitted PDB model, so Level A is not run.")
            }
        }
        return FetchedEntry(metadata: metadata, headerSHA256: header.file.sha256, headerURL: header.file.url,
                            mapPath: map.path, halfMapPaths: halves, modelPath: modelPath, modelPDBID: modelID,
                            absent: absent, downloadedBytes: downloaded)
    }

    func get(_ id: EMDBID, _ mirror: ArchiveMirror, _ relative: String, what: String,
             progress: @escaping @Sendable (String) -> Void) throws -> CachedFile {
        do { return try file(mirror, relative, progress: progress) }
        catch let e as FetchError { throw FetchError(e.kind, "\(id): cannot get the \(what): \(e.message)") }
    }

    /// A file from a local mirror in place, or from a remote one through the cache.
    func file(_ mirror: ArchiveMirror, _ relative: String,
              progress: @escaping @Sendable (String) -> Void) throws -> CachedFile {
        let url = mirror.url(relative)
        if mirror.isLocal {
            guard FileManager.default.isReadableFile(atPath: url.path) else {
                throw FetchError(.notFound, "\(url.path): no such file in the local mirror")
            }
            // Files in a local mirror are used in place; only the header's checksum is recorded.
            var sha = ""
            if relative.hasSuffix(".xml") {
                do { sha = try FileHash.sha256(path: url.path) } catch {
                    throw FetchError(.unavailable, "\(url.path): cannot be read (\(error))")
                }
            }
            return CachedFile(url: url, path: url.path, sha256: sha, downloadedBytes: 0)
        }
        return try cache.file(for: url, options: options, progress: progress)
    }
}
