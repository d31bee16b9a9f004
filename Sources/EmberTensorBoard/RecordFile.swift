import Foundation

/// TensorBoard's record framing (TFRecord): per record the data's length as a little-endian
/// `UInt64`, the masked CRC-32C of those 8 bytes, the data, and the masked CRC-32C of the
/// data.
enum RecordFile {
    /// The largest record the reader accepts: far above any summary TensorBoard itself
    /// writes, and a bound on what one damaged length field can make it allocate.
    static let maximumRecordLength = 256 << 20

    /// `data` framed as one record.
    static func frame(_ data: Data) -> Data {
        var length = UInt64(data.count).littleEndian
        let header = withUnsafeBytes(of: &length) { Data($0) }
        var record = Data(capacity: data.count + 16)
        record.append(header)
        appendLittleEndian(CRC32C.masked(header), to: &record)
        record.append(data)
        appendLittleEndian(CRC32C.masked(data), to: &record)
        return record
    }

    /// The records of a whole file, each checked against both of its checksums; `file`
    /// names it in errors. The byte offset of each record is returned with it.
    static func records(in bytes: Data, file: String) throws -> [(offset: Int, data: Data)] {
        var records: [(Int, Data)] = []
        var offset = 0
        let count = bytes.count
        func damaged(_ reason: String) -> TensorBoardError { .corruptRecord(file: file, offset: offset, reason: reason) }
        while offset < count {
            guard count - offset >= 12 else { throw damaged("the file ends inside a record's 12-byte header") }
            let header = bytes.subdata(in: bytes.startIndex + offset ..< bytes.startIndex + offset + 8)
            let length = header.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
            guard readLittleEndian(bytes, at: offset + 8) == CRC32C.masked(header) else {
                throw damaged("the length's checksum does not match")
            }
            guard length <= UInt64(maximumRecordLength) else {
                throw damaged("a length of \(length) bytes exceeds the limit of \(maximumRecordLength)")
            }
            let start = offset + 12, end = start + Int(length)
            guard end <= count - 4 else {
                throw damaged("the record claims \(length) bytes but the file ends after \(max(count - start, 0))")
            }
            let data = bytes.subdata(in: bytes.startIndex + start ..< bytes.startIndex + end)
            guard readLittleEndian(bytes, at: end) == CRC32C.masked(data) else {
                throw damaged("the data's checksum does not match")
            }
            records.append((offset, data))
            offset = end + 4
        }
        return records
    }

    private static func appendLittleEndian(_ value: UInt32, to data: inout Data) {
        var little = value.littleEndian
        withUnsafeBytes(of: &little) { data.append(contentsOf: $0) }
    }

    private static func readLittleEndian(_ bytes: Data, at offset: Int) -> UInt32 {
        bytes.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: UInt32.self)) }
    }
}
