import Crypto
import Foundation

/// Checksums of downloaded files, through swift-crypto.
enum Digests {
    /// The MD5 digest of `data` as 32 lowercase hex digits, to compare with a data set's
    /// published checksum (MD5 identifies files here; it is not used for security).
    static func md5Hex(_ data: Data) -> String { hex(Insecure.MD5.hash(data: data)) }

    /// The SHA-256 digest of `data` as 64 lowercase hex digits.
    static func sha256Hex(_ data: Data) -> String { hex(SHA256.hash(data: data)) }

    private static func hex(_ digest: some Sequence<UInt8>) -> String {
        digest.map { String(format: "%02x", $0) }.joined()
    }
}
