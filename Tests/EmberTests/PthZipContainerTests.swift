import Foundation
import Testing
@testable import Ember

/// The zip container of `.pth` files, read and written through libzip: broken archives give
/// a `PthError`, and written archives are laid out as `torch.save` lays them out.
struct PthZipContainerTests {
    static let local: [UInt8] = [0x50, 0x4B, 0x03, 0x04], central: [UInt8] = [0x50, 0x4B, 0x01, 0x02]
    static let end: [UInt8] = [0x50, 0x4B, 0x05, 0x06], zip64End: [UInt8] = [0x50, 0x4B, 0x06, 0x06]

    /// Where the signature occurs in `bytes`.
    static func occurrences(of signature: [UInt8], in bytes: [UInt8]) -> [Int] {
        (0...(bytes.count - signature.count)).filter { Array(bytes[$0..<($0 + signature.count)]) == signature }
    }

    /// `bytes` with `width` bytes at `offset` from the `occurrence`th `signature` set to `value`, little-endian.
    static func patched(_ bytes: Data, _ signature: [UInt8], occurrence: Int = 0, at offset: Int, width: Int, _ value: UInt64) -> Data {
        var bytes = [UInt8](bytes)
        let found = occurrences(of: signature, in: bytes)
        #expect(found.count > occurrence)
        for k in 0..<width { bytes[found[occurrence] + offset + k] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(k))) }
        return Data(bytes)
    }

    static func u16(_ bytes: [UInt8], _ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }

    static let values: [Float] = [1.5, -2.25, 3.125, 4.0625]

    /// An Ember-written checkpoint: `w` (four floats) and `n` (an int64 view of another storage).
    static func written() throws -> Data {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ember-zip-\(UUID().uuidString).pth")
        defer { try? FileManager.default.removeItem(at: url) }
        let n = Tensor(shape: [5], scalars: [Int64(7), 8, 9, 10, 11])
        try PyTorchCheckpoint.save(["w": Tensor(shape: [4], scalars: values), "n": n, "tail": n.narrow(dim: 0, start: 2, length: 3)], to: url)
        return try Data(contentsOf: url)
    }

    static func message(_ data: Data) -> String? { PthReaderTests.error(data)?.description }

    @Test func writtenArchivesReadBack() throws {
        let tensors = try PyTorchCheckpoint.load(data: try Self.written(), options: .exact)
        #expect(tensors["w"]?.toArray() == Self.values && tensors["tail"]?.toArray(as: Int64.self) == [9, 10, 11])
        #expect(tensors["n"]?.sharesStorage(with: tensors["tail"]!) == true)
    }

    /// torch.save starts every record's data at a multiple of 64 bytes; so does Ember.
    @Test func recordsAreAlignedTo64BytesAsTorchSaveAlignsThem() throws {
        let bytes = [UInt8](try Self.written())
        let headers = Self.occurrences(of: Self.local, in: bytes)
        #expect(headers.count == 5)  // data.pkl, byteorder, data/0, data/1, version
        for header in headers {
            let start = header + 30 + Self.u16(bytes, header + 26) + Self.u16(bytes, header + 28)
            #expect(start % 64 == 0, "entry at byte \(header): data at \(start)")
        }
        // Stored, not deflated.
        #expect(headers.allSatisfy { Self.u16(bytes, $0 + 8) == 0 })
    }

    @Test func truncatedArchivesAreRefused() throws {
        let data = try Self.written()
        for length in [data.count - 1, data.count - 22, data.count / 2, 40] {
            let message = Self.message(data.prefix(length))
            #expect(message?.contains("zip archive: cannot open it") == true, "\(length): \(message ?? "accepted")")
        }
    }

    @Test func aFlippedDataByteFailsTheCRCCheck() throws {
        var bytes = [UInt8](try Self.written())
        let pattern = Self.values.withUnsafeBytes { [UInt8]($0) }
        let at = try #require(Self.occurrences(of: pattern, in: bytes).first)
        bytes[at + 5] ^= 0x40
        let message = Self.message(Data(bytes))
        #expect(message?.contains("fails its CRC-32 check") == true, "\(message ?? "accepted")")
    }

    @Test func aCentralDirectoryPastTheEndIsRefused() throws {
        let data = try Self.written()
        for offset in [UInt64(data.count), 0xFFFF_FFF0] {
            let message = Self.message(Self.patched(data, Self.end, at: 16, width: 4, offset))
            #expect(message?.contains("zip archive: cannot open it") == true, "\(message ?? "accepted")")
        }
    }

    @Test func hugeDeclaredSizesAreRefusedBeforeAllocating() throws {
        let data = try Self.written()
        // data/0, stored, declaring 4 GiB in both headers: more than the file holds.
        var stored = data
        for (signature, offset) in [(Self.local, 18), (Self.local, 22), (Self.central, 20), (Self.central, 24)] {
            stored = Self.patched(stored, signature, occurrence: 2, at: offset, width: 4, 0xFFFF_FFF0)
        }
        let storedMessage = Self.message(stored)
        #expect(storedMessage?.contains("zip archive: cannot open it") == true, "\(storedMessage ?? "accepted")")
        // data.pkl said to be deflated to 4 GiB: more than deflate expands its bytes to.
        var bomb = data
        for (signature, offset) in [(Self.local, 8), (Self.central, 10)] {
            bomb = Self.patched(bomb, signature, at: offset, width: 2, 8)
        }
        for (signature, offset) in [(Self.local, 22), (Self.central, 24)] {
            bomb = Self.patched(bomb, signature, at: offset, width: 4, 0xFFFF_FFF0)
        }
        let bombMessage = Self.message(bomb)
        #expect(bombMessage?.contains("more than deflate expands to") == true, "\(bombMessage ?? "accepted")")
    }

    @Test func aDeflatedEntryDeclaringMoreThanItsStreamHoldsIsRefused() throws {
        // data.pkl (321 deflated bytes, 473 inflated) said to inflate to 300,000: within
        // deflate's ratio, so only reading the stream can tell.
        var data = try Data(contentsOf: PthReaderTests.url("deflated.pth"))
        for (signature, offset) in [(Self.local, 22), (Self.central, 24)] {
            data = Self.patched(data, signature, at: offset, width: 4, 300_000)
        }
        let message = Self.message(data)
        #expect(message?.contains("entry 'sequential/data.pkl'") == true, "\(message ?? "accepted")")
    }

    // ZIPFoundation 0.9.20 trapped on each of these (past-the-end reads of its in-memory
    // archive, `off_t` of an offset of 2^63 and more); libzip refuses them when it opens the
    // archive, except a size that only the central directory changes: torch.save's local
    // headers defer their sizes to a data descriptor, and the reader's own check refuses it.
    @Test func zipOffsetsOutsideTheFileAreRefused() throws {
        let data = try Data(contentsOf: PthReaderTests.url("sequential.pth"))
        let opening = "zip archive: cannot open it"
        let cases: [(Data, String)] = [
            (Self.patched(data, Self.central, at: 42, width: 4, 0x7FFF_FFF0), opening),
            (Self.patched(data, Self.central, occurrence: 4, at: 42, width: 4, 0xFFFF_FFFF), opening),
            (Self.patched(data, Self.zip64End, at: 48, width: 8, 0xFFFF_FFFF_FFFF_FFF0), opening),
            (Self.patched(data, Self.zip64End, at: 40, width: 8, 0x8000_0000_0000_0000), opening),
            (Self.patched(data, Self.zip64End, at: 32, width: 8, 1 << 40), opening),
            (Self.patched(data, Self.central, at: 24, width: 4, 1 << 30), "is stored but declares 473 stored and 1073741824 actual bytes"),
        ]
        for (i, (bytes, problem)) in cases.enumerated() {
            let message = Self.message(bytes)
            #expect(message?.contains(problem) == true, "case \(i): \(message ?? "accepted")")
        }
    }
}
