import Foundation

/// The format `torch.save` wrote before PyTorch 1.6 (and still writes with
/// `_use_new_zipfile_serialization=False`): five pickles in a row, then the storages.
///
/// The pickles are the magic number `0x1950a86a20f9469cfc6c`, the protocol version 1001, a
/// `sys_info` dict (byte order and C type sizes), the object itself, and the list of storage
/// keys in the order their data follows. Each storage is then an 8-byte element count and
/// the raw elements (`torch/serialization.py`, `_legacy_load`).
enum PthLegacy {
    static let magic: [UInt8] = [0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19]  // little-endian
    static let protocolVersion = 1001

    /// The state dict in a legacy checkpoint.
    static func read(_ data: Data, path: String, options: PyTorchCheckpoint.Options) throws -> [String: Tensor] {
        func corrupt(_ reason: String) -> PthError { .corrupt(path: path, reason: reason) }
        var table = PthStorageTable(path: path)
        var unpickler = Unpickler(data: data, path: path)
        guard case .bigInt(magic) = try unpickler.load() else { throw corrupt("the legacy magic number is missing") }
        guard case .int(protocolVersion) = try unpickler.load() else { throw corrupt("the legacy protocol version is not \(protocolVersion)") }
        let info = try unpickler.load()
        var bigEndian = false
        if case .dict(let index) = info, case .bool(let little)? = unpickler.dicts[index][.string("little_endian")] {
            bigEndian = !little
        }
        unpickler.persistentLoad = { try table.persistentLoad($0, legacy: true) }
        let root = try unpickler.load()
        let mainEnd = unpickler.position
        unpickler.persistentLoad = { _ in throw corrupt("a persistent id in the storage key list") }
        guard case .list(let keysIndex) = try unpickler.load() else { throw corrupt("the storage key list is missing") }
        var keys: [String] = []
        for value in unpickler.lists[keysIndex] {
            guard case .string(let key) = value else { throw corrupt("a storage key is a \(value.typeName), not a string") }
            keys.append(key)
        }
        let refs = try PthStateDict.tensorRefs(root, in: unpickler, budget: mainEnd, path: path, options: options)

        // The storages follow in key-list order; find where each one's bytes are.
        var ranges: [String: Range<Int>] = [:]
        var offset = unpickler.position
        for key in keys {
            guard data.count - offset >= 8 else { throw corrupt("the file ends before storage '\(key)'") }
            var count: UInt64 = 0
            for i in 0..<8 { count |= UInt64(data[data.startIndex + offset + i]) << (8 * UInt64(i)) }
            if bigEndian { count = count.byteSwapped }
            offset += 8
            guard let entry = table.index(of: key).map({ table.entries[$0] }) else {
                throw corrupt("storage key '\(key)' is not named by the pickle")
            }
            let (bytes, overflow) = entry.type.byteSize.multipliedReportingOverflow(by: Int(truncatingIfNeeded: count))
            guard count == UInt64(entry.count), !overflow, bytes <= data.count - offset else {
                throw corrupt("storage '\(key)' records \(count) elements where the pickle says \(entry.count), or more bytes than the file has left")
            }
            ranges[key] = offset..<(offset + bytes)
            offset += bytes
        }
        return try table.tensors(refs, bigEndian: bigEndian) { index in
            let key = table.entries[index].key
            guard let range = ranges[key] else { throw corrupt("storage '\(key)' is not in the storage key list") }
            return data[(data.startIndex + range.lowerBound)..<(data.startIndex + range.upperBound)]
        }
    }
}
