// SHA-256 of a file as given (compressed files are hashed as stored), through OpenSSL's libcrypto.
import COpenSSL

public enum FileHash {
    /// Lower-case hex SHA-256 of the file's bytes, read in chunks.
    /// PLACEHOLDER: implemented by the map-I/O work.
    public static func sha256(path: String) throws -> String {
        fatalError("FileHash.sha256 not implemented yet")
    }
}
