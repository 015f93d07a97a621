// One file over HTTP(S) into a partial file, through URLSession (FoundationNetworking on Linux).
//
// - Timeouts: a request that receives nothing for `idleTimeoutSeconds` fails (and is retried).
// - Retries with back-off: up to `attempts` tries, waiting backoff, 2·backoff, 4·backoff, … between them.
//   A 404/410 is final at once; 5xx, dropped connections and short transfers are retried.
// - Resuming: bytes already in the partial file are kept and the next attempt asks for the rest with a
//   Range header (RFC 9110 §14.2); a server answering 200 instead of 206 sends the whole file again.
// - Size check: the file must have exactly the length the server announced (Content-Length, or the total of
//   Content-Range), so a connection closed early is never taken for a complete file.
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

public struct FetchOptions: Sendable {
    /// Tries per file (first try included).
    public var attempts: Int
    /// Wait before the second try, seconds; doubled before each further try.
    public var backoffSeconds: Double
    /// A request that receives nothing for this long fails, seconds.
    public var idleTimeoutSeconds: Double
    /// Files at least this large get progress lines (bytes).
    public var progressThresholdBytes: Int64
    public init(attempts: Int = 4, backoffSeconds: Double = 1, idleTimeoutSeconds: Double = 60,
                progressThresholdBytes: Int64 = 8 << 20) {
        self.attempts = attempts; self.backoffSeconds = backoffSeconds
        self.idleTimeoutSeconds = idleTimeoutSeconds; self.progressThresholdBytes = progressThresholdBytes
    }
}

enum HTTPDownloader {
    /// Downloads `url` into `partial` (resuming what is there), checks the length, and for `.gz` names the
    /// gzip stream. Returns the number of bytes transferred over the network in this call.
    @discardableResult
    static func download(_ url: URL, to partial: URL, options: FetchOptions,
                         progress: @escaping @Sendable (String) -> Void) throws -> Int64 {
        var lastProblem = ""
        var transferred: Int64 = 0
        let name = url.lastPathComponent
        for attempt in 1...max(1, options.attempts) {
            if attempt > 1 {
                let wait = options.backoffSeconds * pow(2, Double(attempt - 2))
                progress("retrying \(name) in \(String(format: "%.1f", wait)) s (attempt \(attempt) of \(options.attempts)): \(lastProblem)")
                Thread.sleep(forTimeInterval: wait)
            }
            let have = fileSize(partial)
            let result = Transfer(url: url, partial: partial, offset: have, options: options, progress: progress).run()
            transferred += result.bytes
            switch result.outcome {
            case .notFound(let status):
                try? FileManager.default.removeItem(at: partial)
                throw FetchError(.notFound, "\(url.absoluteString): HTTP \(status) (not found)")
            case .failed(let why):
                lastProblem = why
                continue
            case .complete(let expected):
                let size = fileSize(partial)
                if let expected, size != expected {
                    lastProblem = "received \(size) of \(expected) bytes"
                    if size > expected { try? FileManager.default.removeItem(at: partial) }
                    continue
                }
                if name.lowercased().hasSuffix(".gz"), let why = GzipCheck.problem(path: partial.path) {
                    // The server's copy (or what reached us) is damaged: start again from nothing.
                    lastProblem = "\(name) is not a complete gzip file: \(why)"
                    try? FileManager.default.removeItem(at: partial)
                    continue
                }
                return transferred
            }
        }
        throw FetchError(.unavailable, "\(url.absoluteString): \(lastProblem) (gave up after \(options.attempts) attempts)")
    }

    static func fileSize(_ url: URL) -> Int64 {
        ((try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? NSNumber)?.int64Value ?? 0
    }
}

/// One HTTP request, appended to the partial file as the bytes arrive.
private final class Transfer: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    enum Outcome {
        case complete(expectedSize: Int64?)
        case notFound(status: Int)
        case failed(String)
    }

    let url: URL, partial: URL, offset: Int64, options: FetchOptions
    let progress: @Sendable (String) -> Void
    private let done = DispatchSemaphore(value: 0)
    private var handle: FileHandle?
    private var outcome: Outcome = .failed("no answer")
    private var expectedSize: Int64?
    private var written: Int64 = 0
    private var bytes: Int64 = 0
    private var nextReport = 0.1

    init(url: URL, partial: URL, offset: Int64, options: FetchOptions, progress: @escaping @Sendable (String) -> Void) {
        self.url = url; self.partial = partial; self.offset = offset; self.options = options; self.progress = progress
    }

    func run() -> (outcome: Outcome, bytes: Int64) {
        let config = URLSessionConfiguration.ephemeral
        config.timeoutIntervalForRequest = options.idleTimeoutSeconds
        config.requestCachePolicy = .reloadIgnoringLocalCacheData
        config.urlCache = nil
        let queue = OperationQueue()
        queue.maxConcurrentOperationCount = 1
        let session = URLSession(configuration: config, delegate: self, delegateQueue: queue)
        var request = URLRequest(url: url, timeoutInterval: options.idleTimeoutSeconds)
        // Compressed files must arrive as stored: no transfer encoding that would change their bytes.
        request.setValue("identity", forHTTPHeaderField: "Accept-Encoding")
        if offset > 0 { request.setValue("bytes=\(offset)-", forHTTPHeaderField: "Range") }
        session.dataTask(with: request).resume()
        done.wait()
        session.finishTasksAndInvalidate()
        try? handle?.close()
        return (outcome, bytes)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        // Answers we do not keep are still allowed to complete (their body is read and dropped): with
        // FoundationNetworking, cancelling here never reaches didCompleteWithError and the transfer would hang.
        guard let http = response as? HTTPURLResponse else {
            outcome = .failed("not an HTTP answer"); completionHandler(.allow); return
        }
        let status = http.statusCode
        if status == 404 || status == 410 {
            outcome = .notFound(status: status); completionHandler(.allow); return
        }
        var start: Int64 = 0
        switch status {
        case 200:
            expectedSize = http.expectedContentLength >= 0 ? http.expectedContentLength : nil
        case 206:
            // Content-Range: bytes FIRST-LAST/TOTAL
            let range = http.value(forHTTPHeaderField: "Content-Range") ?? ""
            let parts = range.replacingOccurrences(of: "bytes ", with: "").split(whereSeparator: { $0 == "-" || $0 == "/" })
            guard parts.count == 3, let first = Int64(parts[0]), first == offset else {
                // Not the part we asked for: drop what we have and start over on the next attempt.
                try? FileManager.default.removeItem(at: partial)
                outcome = .failed("unexpected Content-Range “\(range)”"); completionHandler(.allow); return
            }
            start = first
            expectedSize = Int64(parts[2])
        case 416:
            try? FileManager.default.removeItem(at: partial)
            outcome = .failed("the server refused to resume (HTTP 416)"); completionHandler(.allow); return
        default:
            outcome = .failed("HTTP \(status)"); completionHandler(.allow); return
        }
        do {
            if start == 0 || !FileManager.default.fileExists(atPath: partial.path) {
                _ = FileManager.default.createFile(atPath: partial.path, contents: nil)
                start = 0
            }
            let h = try FileHandle(forWritingTo: partial)
            try h.truncate(atOffset: UInt64(start))
            try h.seekToEnd()
            handle = h
            written = start
        } catch {
            outcome = .failed("cannot write \(partial.path): \(error.localizedDescription)"); completionHandler(.allow); return
        }
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        guard let handle else { return }
        do { try handle.write(contentsOf: data) } catch {
            outcome = .failed("cannot write \(partial.path): \(error.localizedDescription)")
            try? handle.close(); self.handle = nil
            dataTask.cancel(); return
        }
        written += Int64(data.count)
        bytes += Int64(data.count)
        if let total = expectedSize, total >= options.progressThresholdBytes, total > 0 {
            let fraction = Double(written) / Double(total)
            if fraction >= nextReport {
                progress(String(format: "downloading %@: %3.0f%% of %.1f MB", url.lastPathComponent,
                                100 * fraction, Double(total) / 1e6))
                nextReport = (fraction * 10).rounded(.down) / 10 + 0.1
            }
        }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        if case .notFound = outcome {
        } else if handle == nil {
            // Refused before any byte (outcome already says why), or no answer at all.
            if let error, case .failed("no answer") = outcome { outcome = .failed(error.localizedDescription) }
        } else if let error {
            outcome = .failed("the connection closed after \(written) bytes (\(error.localizedDescription))")
        } else {
            outcome = .complete(expectedSize: expectedSize)
        }
        done.signal()
    }
}
