// SHA-256 of a file as given (compressed files are hashed as stored), through OpenSSL's libcrypto EVP API.
//
// Conventions: the file is read in 1 MiB chunks, so memory does not grow with the file; the digest is
// lower-case hexadecimal, as printed by sha256sum(1).
import COpenSSL

public enum FileHash {
    /// Lower-case hex SHA-256 of the file's bytes, read in chunks. Throws `MapError.unreadable`.
    public static func sha256(path: String) throws -> String {
        let file = try PosixInputFile(path: path)
        guard let context = EVP_MD_CTX_new() else {
            throw MapError.unreadable(file: path, reason: "libcrypto could not allocate a digest context")
        }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestInit_ex(context, EVP_sha256(), nil) == 1 else {
            throw MapError.unreadable(file: path, reason: "libcrypto could not start SHA-256")
        }
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { chunk.deallocate() }
        while true {
            let n = try file.read(into: chunk)
            if n == 0 { break }
            guard EVP_DigestUpdate(context, chunk.baseAddress, n) == 1 else {
                throw MapError.unreadable(file: path, reason: "libcrypto SHA-256 update failed")
            }
        }
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        guard EVP_DigestFinal_ex(context, &digest, &length) == 1 else {
            throw MapError.unreadable(file: path, reason: "libcrypto SHA-256 finalisation failed")
        }
        let hexDigits = Array("0123456789abcdef")
        return String(digest.prefix(Int(length)).flatMap { [hexDigits[Int($0 >> 4)], hexDigits[Int($0 & 0xF)]] })
    }

    /// Lower-case hex SHA-256 of bytes in memory (e.g. the file list of an output folder's marker).
    public static func sha256(bytes: [UInt8]) -> String {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        _ = EVP_Digest(bytes, bytes.count, &digest, &length, EVP_sha256(), nil)
        let hexDigits = Array("0123456789abcdef")
        return String(digest.prefix(Int(length)).flatMap { [hexDigits[Int($0 >> 4)], hexDigits[Int($0 & 0xF)]] })
    }
}
