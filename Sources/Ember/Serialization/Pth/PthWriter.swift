import Foundation

/// Writes state dicts in the zip format `torch.save` uses, readable by
/// `torch.load(path, weights_only=True)`: a protocol-2 pickle of an `OrderedDict` of
/// `_rebuild_tensor_v2` calls whose storages are persistent ids, one stored entry per storage.
enum PthWriter {
    /// The archive's bytes. Keys go in sorted order; tensors sharing an Ember storage share
    /// one PyTorch storage, with their offsets and strides, as `torch.save` keeps views.
    static func encode(_ tensors: [String: Tensor], folder: String, path: String) throws -> Data {
        var pickle = Pickle()
        var storages: [(storage: TensorStorage, byteCount: Int, key: String)] = []
        var storageKeys: [ObjectIdentifier: String] = [:]
        pickle.global("collections", "OrderedDict")
        pickle.op(0x29)  // EMPTY_TUPLE
        pickle.op(0x52)  // REDUCE
        pickle.op(0x28)  // MARK
        for name in tensors.keys.sorted() {
            let tensor = tensors[name]!.detach()
            let storage = tensor.impl.storage
            let itemSize = tensor.dtype.itemSize
            let key: String
            if let known = storageKeys[ObjectIdentifier(storage)] {
                key = known
            } else {
                key = String(storages.count)
                storageKeys[ObjectIdentifier(storage)] = key
                storages.append((storage, storage.byteCount / itemSize * itemSize, key))
            }
            pickle.string(name)
            pickle.global("torch._utils", "_rebuild_tensor_v2")
            pickle.op(0x28)  // MARK: the arguments
            pickle.op(0x28)  // MARK: the persistent id
            pickle.string("storage")
            pickle.global("torch", storageType(tensor.dtype))
            pickle.string(key)
            pickle.string("cpu")
            pickle.int(storage.byteCount / itemSize)
            pickle.op(0x74)  // TUPLE
            pickle.op(0x51)  // BINPERSID
            pickle.int(tensor.storageOffset)
            pickle.tuple(tensor.shape)
            pickle.tuple(tensor.strides)
            pickle.op(0x89)  // NEWFALSE: requires_grad
            pickle.global("collections", "OrderedDict")
            pickle.op(0x29)
            pickle.op(0x52)  // backward_hooks = OrderedDict()
            pickle.op(0x74)  // TUPLE
            pickle.op(0x52)  // REDUCE
        }
        pickle.op(0x75)  // SETITEMS
        pickle.op(0x2E)  // STOP
        let zip = try ZipWriter(path: path)
        try zip.add("\(folder)/data.pkl", pickle.bytes)
        try zip.add("\(folder)/byteorder", Data("little".utf8))
        for (storage, byteCount, key) in storages {
            try zip.add("\(folder)/data/\(key)", borrowing: UnsafeRawBufferPointer(start: storage.data, count: byteCount))
        }
        try zip.add("\(folder)/version", Data("3\n".utf8))
        // The storages' memory is read when the archive is built.
        return try withExtendedLifetime(storages) { try zip.finish() }
    }

    private static func storageType(_ dtype: DType) -> String {
        switch dtype {
        case .float32: StoredScalarType.float32.rawValue
        case .int64: StoredScalarType.int64.rawValue
        case .bool: StoredScalarType.bool.rawValue
        case .uint8: StoredScalarType.uint8.rawValue
        }
    }

    /// The opcodes the writer needs, protocol 2.
    private struct Pickle {
        var bytes = Data([0x80, 0x02])

        mutating func op(_ code: UInt8) { bytes.append(code) }

        mutating func global(_ module: String, _ name: String) {
            bytes.append(0x63)
            bytes.append(contentsOf: Array("\(module)\n\(name)\n".utf8))
        }

        mutating func string(_ s: String) {
            let utf8 = Array(s.utf8)
            bytes.append(0x58)  // BINUNICODE
            withUnsafeBytes(of: UInt32(utf8.count).littleEndian) { bytes.append(contentsOf: $0) }
            bytes.append(contentsOf: utf8)
        }

        mutating func int(_ n: Int) {
            if let small = Int32(exactly: n) {
                bytes.append(0x4A)  // BININT
                withUnsafeBytes(of: small.littleEndian) { bytes.append(contentsOf: $0) }
            } else {
                bytes.append(contentsOf: [0x8A, 8])  // LONG1 of 8 bytes
                withUnsafeBytes(of: Int64(n).littleEndian) { bytes.append(contentsOf: $0) }
            }
        }

        mutating func tuple(_ values: [Int]) {
            op(0x28)
            values.forEach { int($0) }
            op(0x74)
        }
    }
}
