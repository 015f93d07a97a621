// Why a download or an archive look-up failed. Messages name the URL (or file), what happened and, for the
// last attempt, how many attempts were made; `EntryFetcher` prefixes the entry id.
import Foundation

public struct FetchError: Error, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The server answered that the file does not exist (HTTP 404/410, or a missing file in a local mirror).
        case notFound
        /// No answer, a dropped connection, a short or corrupt file after every retry, or another HTTP status.
        case unavailable
        /// The cache folder cannot be written.
        case cache
    }
    public let kind: Kind
    public let message: String
    public init(_ kind: Kind, _ message: String) { self.kind = kind; self.message = message }
    public var description: String { message }
}
