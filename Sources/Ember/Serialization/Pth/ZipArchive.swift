import CSystemZlib
import Foundation

/// The part of the zip format that `torch.save` archives use, read from bytes in memory:
/// the end records (zip64 included, which PyTorch always writes), the central directory,
/// and stored (uncompressed) entries, checked against their CRC-32.
///
/// Every offset and size from the file is checked against the bytes there before it is
/// used, so a hostile archive gives `PthError.corrupt`, never a trap or an allocation
/// beyond the file. (ZIPFoundation 0.9.20 traps on such archives: its in-memory reader on
/// offsets past the end, its file reader on offsets of 2^63 and more.)
struct ZipArchive {
    struct Entry {
        let name: String
        let flags: UInt16
        let method: UInt16
        let crc: UInt32
        let compressedSize: UInt64
        let size: UInt64
        let localHeaderOffset: UInt64
    }

    let data: Data
    let path: String
    /// The entries in directory order.
    private(set) var entries: [Entry] = []

    init(data: Data, path: String) throws {
        self.data = data
        self.path = path
        try readDirectory()
    }

    private func corrupt(_ reason: String) -> PthError { .corrupt(path: path, reason: "zip archive: \(reason)") }

    // MARK: Little-endian fields

    /// `width` bytes at `offset`, or nil past the end.
    private func field(_ offset: UInt64, _ width: Int) -> UInt64? {
        guard offset <= UInt64(data.count), UInt64(width) <= UInt64(data.count) - offset else { return nil }
        var value: UInt64 = 0
        let start = data.startIndex + Int(offset)
        for i in 0..<width { value |= UInt64(data[start + i]) << (8 * UInt64(i)) }
        return value
    }

    private func u16(_ offset: UInt64) throws -> UInt64 { try require(field(offset, 2)) }
    private func u32(_ offset: UInt64) throws -> UInt64 { try require(field(offset, 4)) }
    private func u64(_ offset: UInt64) throws -> UInt64 { try require(field(offset, 8)) }

    private func require(_ value: UInt64?) throws -> UInt64 {
        guard let value else { throw corrupt("a record runs past the end of the \(data.count) bytes") }
        return value
    }

    // MARK: The directory

    /// Where the end-of-central-directory record starts: searched backwards over the last
    /// 22 + 65535 bytes (the record and the longest comment).
    private func endRecordOffset() throws -> UInt64 {
        guard data.count >= 22 else { throw corrupt("\(data.count) bytes are too few for an end record") }
        let lowest = max(0, data.count - 22 - 65535)
        for offset in stride(from: data.count - 22, through: lowest, by: -1) {
            let o = UInt64(offset)
            if field(o, 4) == 0x0605_4B50, let comment = field(o + 20, 2), o + 22 + comment == UInt64(data.count) {
                return o
            }
        }
        throw corrupt("no end-of-central-directory record (truncated?)")
    }

    private mutating func readDirectory() throws {
        let end = try endRecordOffset()
        var count = try u16(end + 10)
        var directorySize = try u32(end + 12)
        var directoryOffset = try u32(end + 16)
        var directoryLimit = end
        if count == 0xFFFF || directorySize == 0xFFFF_FFFF || directoryOffset == 0xFFFF_FFFF || end >= 20 && field(end - 20, 4) == 0x0706_4B50 {
            // The zip64 locator sits just before the end record and points at the zip64 end record.
            guard end >= 20, try u32(end - 20) == 0x0706_4B50 else { throw corrupt("the zip64 end-record locator is missing") }
            let record = try u64(end - 20 + 8)
            guard record <= end - 20, try u32(record) == 0x0606_4B50 else { throw corrupt("the zip64 end record is not where its locator says") }
            count = try u64(record + 32)
            directorySize = try u64(record + 40)
            directoryOffset = try u64(record + 48)
            directoryLimit = record
        }
        guard directoryOffset <= directoryLimit, directorySize <= directoryLimit - directoryOffset else {
            throw corrupt("the central directory (\(directorySize) bytes at \(directoryOffset)) lies outside the file")
        }
        guard count <= directorySize / 46 else { throw corrupt("\(count) entries cannot fit a \(directorySize)-byte directory") }
        var offset = directoryOffset
        let directoryEnd = directoryOffset + directorySize
        for _ in 0..<count {
            guard directoryEnd - offset >= 46, try u32(offset) == 0x0201_4B50 else {
                throw corrupt("directory entry at byte \(offset) is malformed")
            }
            let nameLength = try u16(offset + 28), extraLength = try u16(offset + 30), commentLength = try u16(offset + 32)
            let next = offset + 46 + nameLength + extraLength + commentLength
            guard next <= directoryEnd else { throw corrupt("directory entry at byte \(offset) runs past the directory") }
            let nameStart = data.startIndex + Int(offset + 46)
            let name = String(decoding: data[nameStart..<(nameStart + Int(nameLength))], as: UTF8.self)
            var compressedSize = try u32(offset + 20), size = try u32(offset + 24), local = try u32(offset + 42)
            // zip64 extra field (id 1): the 64-bit values of the fields that hold 0xFFFFFFFF, in order.
            var extra = offset + 46 + nameLength
            let extraEnd = extra + extraLength
            var sawZip64 = false
            while extra + 4 <= extraEnd {
                let id = try u16(extra), length = try u16(extra + 2)
                guard extra + 4 + length <= extraEnd else { throw corrupt("entry '\(name)' has a malformed extra field") }
                if id == 1, !sawZip64 {
                    sawZip64 = true
                    var cursor = extra + 4
                    if size == 0xFFFF_FFFF { size = try zip64Value(&cursor, extra + 4 + length, name) }
                    if compressedSize == 0xFFFF_FFFF { compressedSize = try zip64Value(&cursor, extra + 4 + length, name) }
                    if local == 0xFFFF_FFFF { local = try zip64Value(&cursor, extra + 4 + length, name) }
                }
                extra += 4 + length
            }
            guard sawZip64 || (size != 0xFFFF_FFFF && compressedSize != 0xFFFF_FFFF && local != 0xFFFF_FFFF) else {
                throw corrupt("entry '\(name)' lacks a zip64 size or offset")
            }
            entries.append(Entry(name: name, flags: UInt16(try u16(offset + 8)), method: UInt16(try u16(offset + 10)),
                                 crc: UInt32(try u32(offset + 16)), compressedSize: compressedSize, size: size,
                                 localHeaderOffset: local))
            offset = next
        }
    }

    private func zip64Value(_ cursor: inout UInt64, _ end: UInt64, _ name: String) throws -> UInt64 {
        guard cursor + 8 <= end else { throw corrupt("entry '\(name)' lacks a zip64 size or offset") }
        defer { cursor += 8 }
        return try u64(cursor)
    }

    // MARK: Contents

    /// The bytes of a stored entry (a slice of the archive's data), after checking that they
    /// lie inside the file, that `expected` (when given) is their size, and their CRC-32.
    func contents(of entry: Entry, expected: Int? = nil) throws -> Data {
        func bad(_ reason: String) -> PthError { corrupt("entry '\(entry.name)' \(reason)") }
        guard entry.flags & 1 == 0 else { throw bad("is encrypted") }
        guard entry.method == 0 else {
            throw bad("is compressed (method \(entry.method)); torch.save writes uncompressed entries, which is all this reader reads")
        }
        guard entry.compressedSize == entry.size else { throw bad("is stored but declares \(entry.compressedSize) stored and \(entry.size) actual bytes") }
        if let expected, entry.size != UInt64(expected) { throw bad("holds \(entry.size) bytes, \(expected) expected") }
        let local = entry.localHeaderOffset
        guard field(local, 4) == 0x0403_4B50, local + 30 <= UInt64(data.count) else { throw bad("has no local header at byte \(local)") }
        let start = local + 30 + (try u16(local + 26)) + (try u16(local + 28))
        guard start <= UInt64(data.count), entry.size <= UInt64(data.count) - start else {
            throw bad("declares \(entry.size) bytes at byte \(start) of a \(data.count)-byte file")
        }
        let lower = data.startIndex + Int(start)
        let bytes = data[lower..<(lower + Int(entry.size))]
        guard Self.crc32(bytes) == entry.crc else { throw bad("fails its CRC-32 check") }
        return bytes
    }

    /// zlib's CRC-32, in chunks that fit its 32-bit length.
    static func crc32(_ bytes: Data) -> UInt32 {
        bytes.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> UInt32 in
            var crc: uLong = CSystemZlib.crc32(0, nil, 0)
            var offset = 0
            while offset < raw.count {
                let chunk = min(raw.count - offset, 1 << 30)
                crc = CSystemZlib.crc32(crc, raw.baseAddress!.advanced(by: offset).assumingMemoryBound(to: Bytef.self), uInt(chunk))
                offset += chunk
            }
            return UInt32(truncatingIfNeeded: crc)
        }
    }
}
