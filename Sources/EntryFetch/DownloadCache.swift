// A content-addressed cache of downloaded files, shared by every run (and every Slurm task) on a machine.
//
// Layout under the cache root (default $XDG_CACHE_HOME/emvalidate, else ~/.cache/emvalidate):
//   blobs/<sha256>/<file name>   the bytes, stored once per content (the name keeps .gz visible)
//   urls/<sha256 of URL>.json    which content a URL gave: {url, sha256, size, file, fetched_utc}
//   partial/<sha256 of URL>      an unfinished download, resumed by the next attempt or run
//   locks/<sha256 of URL>.lock   held (flock) while the URL is being fetched
// A URL found in urls/ whose blob has the recorded size is used without any network access: archive files
// of a released entry are not rewritten in place. Two processes asking for the same URL take turns on its
// lock, and the second finds the first one's result, so a file is never fetched twice at once.
import Foundation
import MapIO
#if canImport(Glibc)
import Glibc
#endif

public struct CachedFile: Sendable {
    public let url: URL
    public let path: String
    /// SHA-256 of the file's bytes (lower-case hex).
    public let sha256: String
    /// Bytes transferred over the network to get it in this call (0 when it came from the cache).
    public let downloadedBytes: Int64
}

public struct DownloadCache: Sendable {
    public let root: URL

    /// $XDG_CACHE_HOME/emvalidate, or ~/.cache/emvalidate (XDG Base Directory Specification).
    public static var defaultRoot: URL {
        let env = ProcessInfo.processInfo.environment
        if let x = env["XDG_CACHE_HOME"], x.hasPrefix("/") {
            return URL(fileURLWithPath: x).appendingPathComponent("emvalidate")
        }
        let home = env["HOME"].map { URL(fileURLWithPath: $0) } ?? FileManager.default.homeDirectoryForCurrentUser
        return home.appendingPathComponent(".cache").appendingPathComponent("emvalidate")
    }

    public init(root: URL) throws {
        self.root = root.standardizedFileURL
        for sub in ["blobs", "urls", "partial", "locks"] {
            do {
                try FileManager.default.createDirectory(at: self.root.appendingPathComponent(sub), withIntermediateDirectories: true)
            } catch {
                throw FetchError(.cache, "cache folder \(self.root.path) cannot be written: \(error.localizedDescription)")
            }
        }
    }

    struct IndexEntry: Codable {
        var url: String
        var sha256: String
        var size: Int64
        var file: String
        var fetchedUTC: String
        enum CodingKeys: String, CodingKey { case url, sha256, size, file, fetchedUTC = "fetched_utc" }
    }

    /// The file behind `url`: from the cache, or downloaded (resuming an earlier partial download) and added.
    public func file(for url: URL, options: FetchOptions,
                     progress: @escaping @Sendable (String) -> Void = { _ in }) throws -> CachedFile {
        let key = Digest.sha256(Data(url.absoluteString.utf8))
        return try withLock(key) {
            if let hit = lookup(url, key: key) { return hit }
            let partial = root.appendingPathComponent("partial").appendingPathComponent(key)
            let bytes = try HTTPDownloader.download(url, to: partial, options: options, progress: progress)
            let sha: String
            do { sha = try FileHash.sha256(path: partial.path) }
            catch { throw FetchError(.cache, "cannot read back \(partial.path): \(error)") }
            let name = url.lastPathComponent.isEmpty ? "file" : url.lastPathComponent
            let blobDir = root.appendingPathComponent("blobs").appendingPathComponent(sha)
            let blob = blobDir.appendingPathComponent(name)
            let fm = FileManager.default
            do {
                try fm.createDirectory(at: blobDir, withIntermediateDirectories: true)
                if fm.fileExists(atPath: blob.path) { try fm.removeItem(at: partial) }
                else { try fm.moveItem(at: partial, to: blob) }
                let entry = IndexEntry(url: url.absoluteString, sha256: sha, size: HTTPDownloader.fileSize(blob),
                                       file: "blobs/\(sha)/\(name)",
                                       fetchedUTC: ISO8601DateFormatter().string(from: Date()))
                let e = JSONEncoder()
                e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                try e.encode(entry).write(to: indexURL(key), options: .atomic)
            } catch {
                throw FetchError(.cache, "cannot store \(url.absoluteString) in the cache \(root.path): \(error.localizedDescription)")
            }
            return CachedFile(url: url, path: blob.path, sha256: sha, downloadedBytes: bytes)
        }
    }

    func indexURL(_ key: String) -> URL { root.appendingPathComponent("urls").appendingPathComponent(key + ".json") }

    func lookup(_ url: URL, key: String) -> CachedFile? {
        guard let d = FileManager.default.contents(atPath: indexURL(key).path),
              let e = try? JSONDecoder().decode(IndexEntry.self, from: d), e.url == url.absoluteString else { return nil }
        let path = root.appendingPathComponent(e.file)
        guard HTTPDownloader.fileSize(path) == e.size, FileManager.default.fileExists(atPath: path.path) else { return nil }
        return CachedFile(url: url, path: path.path, sha256: e.sha256, downloadedBytes: 0)
    }

    /// Runs `body` holding locks/<key>.lock exclusively (flock: released by the kernel if the process dies).
    func withLock<T>(_ key: String, _ body: () throws -> T) throws -> T {
        let path = root.appendingPathComponent("locks").appendingPathComponent(key + ".lock").path
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FetchError(.cache, "cannot open the lock file \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else { throw FetchError(.cache, "cannot lock \(path): \(String(cString: strerror(errno)))") }
        }
        defer { flock(fd, LOCK_UN) }
        return try body()
    }
}
