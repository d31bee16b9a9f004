import Foundation

/// The storages a checkpoint's pickle names, by key, and the tensors built over them.
///
/// Both container formats fill the table while unpickling (a persistent id registers its
/// storage's key, type and element count), then supply each storage's raw bytes; the table
/// converts them once into an Ember storage that every tensor viewing it shares.
struct PthStorageTable {
    struct Entry {
        var key: String
        var type: StoredScalarType
        var count: Int
    }

    let path: String
    private(set) var entries: [Entry] = []
    private var indexByKey: [String: Int] = [:]

    init(path: String) { self.path = path }

    /// The table index of storage `key`, registering it on first sight. A key seen again must
    /// have the same type and count: PyTorch refuses to save one storage under two dtypes.
    mutating func register(key: String, typeName: String, count: Int) throws -> PthStorageRef {
        guard let type = StoredScalarType(rawValue: typeName) else {
            throw PthError.unsupportedDType(path: path, storageType: "torch.\(typeName)")
        }
        guard count >= 0, count.multipliedReportingOverflow(by: type.byteSize).overflow == false else {
            throw PthError.corrupt(path: path, reason: "storage '\(key)' has \(count) elements")
        }
        if let index = indexByKey[key] {
            guard entries[index].type == type, entries[index].count == count else {
                throw PthError.corrupt(path: path, reason: "storage '\(key)' is named as both \(entries[index].type.rawValue) of \(entries[index].count) and \(typeName) of \(count)")
            }
            return PthStorageRef(index: index, type: type, offset: 0, count: count)
        }
        indexByKey[key] = entries.count
        entries.append(Entry(key: key, type: type, count: count))
        return PthStorageRef(index: entries.count - 1, type: type, offset: 0, count: count)
    }

    /// The persistent id of a storage: `('storage', torch.XStorage, key, location, numel)`,
    /// with a sixth item, the view `(view_key, offset, size)` or None, in legacy files.
    mutating func persistentLoad(_ id: PickleValue, legacy: Bool) throws -> PickleValue {
        func bad() -> PthError { .corrupt(path: path, reason: "persistent id is not a storage tuple") }
        guard case .tuple(let items, _) = id, items.count == (legacy ? 6 : 5),
              case .string("storage") = items[0], case .global(.storageType(let typeName)) = items[1],
              case .string(let key) = items[2], case .string = items[3], case .int(let count) = items[4]
        else { throw bad() }
        var ref = try register(key: key, typeName: typeName, count: count)
        if legacy, case .tuple(let view, _) = items[5] {
            // A legacy storage view: a window of the root storage.
            guard view.count == 3, case .int(let offset) = view[1], case .int(let size) = view[2],
                  offset >= 0, size >= 0, size <= count, offset <= count - size
            else { throw PthError.corrupt(path: path, reason: "storage '\(key)' has an invalid view \(view.map(\.typeName))") }
            ref.offset = offset
            ref.count = size
        } else if legacy, items[5] != .none {
            throw bad()
        }
        return .storage(ref)
    }

    /// The table index of storage `key`, if the pickle named it.
    func index(of key: String) -> Int? { indexByKey[key] }

    /// Bytes each storage takes in the file.
    func byteCount(_ index: Int) -> Int { entries[index].count * entries[index].type.byteSize }

    /// Ember tensors for `refs`: each storage converted once from `raw(index)` (its bytes in
    /// the file, exactly `byteCount(index)` of them), each tensor a view of it, copied into
    /// its own memory only when the view is not contiguous.
    func tensors(_ refs: [(key: String, ref: PthTensorRef)], bigEndian: Bool,
                 raw: (Int) throws -> Data) throws -> [String: Tensor] {
        var storages: [Int: TensorStorage] = [:]
        var made: [PthTensorRef: Tensor] = [:]
        let stored = entries.reduce(0) { $0 + $1.count }
        // Overlapping strides (an expanded tensor) can describe far more elements than the
        // file stores; copies are bounded by a multiple of what it stores.
        let copyLimit = 4 * stored + (1 << 24)
        var copied = 0
        var result: [String: Tensor] = [:]
        for (key, ref) in refs {
            if let tensor = made[ref] { result[key] = tensor; continue }
            let index = ref.storage.index
            let storage: TensorStorage
            if let known = storages[index] {
                storage = known
            } else {
                let bytes = try raw(index)
                guard bytes.count == byteCount(index) else {
                    throw PthError.corrupt(path: path, reason: "storage '\(entries[index].key)' holds \(bytes.count) bytes, its \(entries[index].count) elements of \(entries[index].type.rawValue) need \(byteCount(index))")
                }
                storage = entries[index].type.convert(bytes, count: entries[index].count, bigEndian: bigEndian)
                storages[index] = storage
            }
            let dtype = ref.storage.type.dtype
            var tensor = Tensor(storage: storage, shape: ref.shape, strides: ref.strides,
                                offset: ref.storage.offset + ref.offset, dtype: dtype)
            if !tensor.isContiguous {
                copied += tensor.numel
                guard copied <= copyLimit else {
                    throw PthError.corrupt(path: path, reason: "tensor views describe more than \(copyLimit) elements over \(stored) stored ones")
                }
                tensor = tensor.contiguous()
            }
            made[ref] = tensor
            result[key] = tensor
        }
        return result
    }
}
