// SHA-256 of bytes in memory (cache keys from URLs, header checksums), through libcrypto's one-shot EVP call.
import COpenSSL
import Foundation

enum Digest {
    static func sha256(_ data: Data) -> String {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        _ = data.withUnsafeBytes { EVP_Digest($0.baseAddress, $0.count, &digest, &length, EVP_sha256(), nil) }
        return digest.prefix(Int(length)).map { String(format: "%02x", $0) }.joined()
    }
}
