// `report --emdb EMD-NNNN`: the fetch step before the report pipeline. Reads the entry's header from the
// EMDB archive (or a mirror), downloads the map, half maps and first fitted model through the cache, and
// turns them into the inputs of an ordinary report. Flags given on the command line override the archive's
// values; metrics.json records which values came from where (inputs.emdb.sources).
import ArgumentParser
import EntryFetch
import EntryMetadata
import Foundation
import Report

struct PublicDataOptions: ParsableArguments {
    @Option(name: .long, help: "EMDB entry to report on (EMD-NNNN): the map, half maps, model, contour level, resolution, title and authors come from the archive.")
    var emdb: String?

    @Option(name: .customLong("emdb-mirror"), help: "EMDB archive: a URL or a folder with its layout structures/EMD-NNNN/{header,map,other}/.")
    var emdbMirror: String = ArchiveMirror.defaultEMDB

    @Option(name: .customLong("pdb-mirror"), help: "PDB archive: a URL or a folder with its layout data/structures/divided/mmCIF/.")
    var pdbMirror: String = ArchiveMirror.defaultPDB

    @Option(name: .long, help: "Cache of downloaded files (default $XDG_CACHE_HOME/emvalidate or ~/.cache/emvalidate).")
    var cache: String?

    func validate() throws {
        if let e = emdb, EMDBID(e) == nil {
            throw ValidationError("--emdb “\(e)” is not an EMDB id; expected EMD- and digits, e.g. EMD-1009")
        }
    }
}

/// What the command line gave besides --emdb; each non-nil value overrides the archive's.
struct UserInputs {
    var threshold: Double?
    var resolution: Double?
    var half1: String?, half2: String?
    var model: String?
    var title: String?, pdbID: String?, authors: String?
}

/// Exit codes of the fetch step (sysexits.h): 69 the archive or the file is unavailable (404, offline, a
/// file still incomplete after the retries); 65 the header is invalid; 73 the cache cannot be written;
/// 64 the entry has no contour level and none was given.
struct PublicDataFailure: Error, CustomStringConvertible {
    let message: String
    let exitCode: Int32
    var description: String { message }
}

enum PublicData {
    struct Resolved {
        var request: ReportRequest
        var fetched: FetchedEntry
    }

    static func resolve(_ options: PublicDataOptions, id: EMDBID, user: UserInputs, base: ReportRequest,
                        progress: @escaping @Sendable (String) -> Void) throws -> Resolved {
        let fetched: FetchedEntry
        var threshold: Double
        do {
            let fetcher = EntryFetcher(
                emdb: try ArchiveMirror(options.emdbMirror, flag: "--emdb-mirror"),
                pdb: try ArchiveMirror(options.pdbMirror, flag: "--pdb-mirror"),
                cache: try DownloadCache(root: options.cache.map { URL(fileURLWithPath: $0) } ?? DownloadCache.defaultRoot))
            let header = try fetcher.fetchHeader(id, progress: progress)
            // Before any large download: a report needs a contour level.
            guard let t = user.threshold ?? header.metadata.contourLevel else {
                throw PublicDataFailure(message: "\(id): the entry gives no contour level; give one with --threshold T (map units)",
                                        exitCode: 64)
            }
            threshold = t
            fetched = try fetcher.fetchInputs(header, halfMaps: user.half1 == nil, model: user.model == nil,
                                              progress: progress)
        } catch let e as FetchError {
            throw PublicDataFailure(message: e.message, exitCode: e.kind == .cache ? 73 : 69)
        } catch let e as EntryMetadataError {
            throw PublicDataFailure(message: e.message, exitCode: 65)
        }

        let m = fetched.metadata
        if fetched.downloadedBytes > 0 {
            progress(String(format: "%@: downloaded %.1f MB", id.description, Double(fetched.downloadedBytes) / 1e6))
        }
        for line in fetched.absent { progress("note: \(line)") }

        var r = base
        r.mapPath = fetched.mapPath
        r.threshold = threshold
        r.resolution = user.resolution ?? m.resolutionA
        if let h1 = user.half1, let h2 = user.half2 { r.half1Path = h1; r.half2Path = h2 }
        else if let h = fetched.halfMapPaths { r.half1Path = h.0; r.half2Path = h.1 }
        r.modelPath = user.model ?? fetched.modelPath
        r.title = user.title ?? m.title
        r.emdbID = id.description
        r.pdbID = user.pdbID ?? (user.model == nil ? fetched.modelPDBID?.uppercased() : nil)
        r.authors = user.authors ?? (m.authors.isEmpty ? nil : m.authors.joined(separator: ", "))
        func source(user: Bool, archive: Bool) -> ReportDocument.EMDBEntry.Source {
            user ? .user : (archive ? .archive : .none)
        }
        r.emdb = ReportDocument.EMDBEntry(
            id: id.description, title: m.title, authors: m.authors, depositionDate: m.depositionDate,
            contourLevel: m.contourLevel, contourSource: m.contourSource, resolutionA: m.resolutionA,
            resolutionMethod: m.resolutionMethod, fittedPDBIDs: m.fittedPDBIDs, headerSHA256: fetched.headerSHA256,
            headerURL: fetched.headerURL.absoluteString,
            sources: .init(threshold: source(user: user.threshold != nil, archive: true),
                           resolution: source(user: user.resolution != nil, archive: m.resolutionA != nil),
                           halfMaps: source(user: user.half1 != nil, archive: fetched.halfMapPaths != nil),
                           model: source(user: user.model != nil, archive: fetched.modelPath != nil)),
            absentInputs: fetched.absent)
        return Resolved(request: r, fetched: fetched)
    }
}
