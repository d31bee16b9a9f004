import Foundation

/// The safetensors format, Ember's native file format: an 8-byte little-endian header
/// length, a JSON header naming each tensor's dtype, shape and byte range, then the raw
/// little-endian data. Files are interchangeable with Python's `safetensors`.
public enum SafeTensors {
    /// Reads every tensor in a safetensors file, validating the header before trusting it:
    /// a key named twice in one JSON object, metadata values that are not strings, byte
    /// ranges that overlap or leave gaps throw `SerializationError.corrupt` naming the file.
    /// Element types convert to Ember's as in `PyTorchCheckpoint`: F32, F64, F16 and BF16
    /// become float32; I64, I32, I16 and I8 become int64; U8 stays uint8 and BOOL bool, one
    /// byte per element as in the file.
    public static func load(from url: URL) throws -> [String: Tensor] {
        try loadWithMetadata(from: url).tensors
    }

    /// Reads the `__metadata__` string map of a safetensors file.
    public static func metadata(from url: URL) throws -> [String: String] {
        try loadWithMetadata(from: url).metadata
    }

    /// Reads every tensor and the `__metadata__` string map.
    public static func loadWithMetadata(from url: URL) throws -> (tensors: [String: Tensor], metadata: [String: String]) {
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .alwaysMapped)
        } catch {
            throw SerializationError.io(path: url.path, reason: "cannot read file (\(error.localizedDescription))")
        }
        return try decode(data, path: url.path)
    }

    /// Reads every tensor and the `__metadata__` string map from safetensors bytes in
    /// memory (`safetensors.torch.load(data)`); `source` names them in errors.
    public static func loadWithMetadata(data: Data, source: String = "<memory>") throws
        -> (tensors: [String: Tensor], metadata: [String: String])
    {
        try decode(data, path: source)
    }

    /// Writes tensors (and optional string metadata) atomically.
    public static func save(_ tensors: [String: Tensor], metadata: [String: String] = [:], to url: URL) throws {
        try AtomicFile.write(encode(tensors, metadata: metadata), to: url)
    }

    // MARK: Encoding

    static func encode(_ tensors: [String: Tensor], metadata: [String: String]) throws -> Data {
        var header: [String: Any] = [:]
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var payload = Data()
        for name in tensors.keys.sorted() {
            let tensor = tensors[name]!.detach().contiguous()
            let byteCount = tensor.numel * tensor.dtype.itemSize
            let begin = payload.count
            payload.append(Data(bytes: tensor.impl.baseAddress, count: byteCount))
            header[name] = ["dtype": code(for: tensor.dtype), "shape": tensor.shape,
                            "data_offsets": [begin, begin + byteCount]] as [String: Any]
        }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        // Pad with spaces so the data starts 8-byte aligned, as the reference writer does.
        json.append(contentsOf: [UInt8](repeating: 0x20, count: (8 - json.count % 8) % 8))
        var file = Data()
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { file.append(contentsOf: $0) }
        file.append(json)
        file.append(payload)
        return file
    }

    private static func code(for dtype: DType) -> String {
        switch dtype {
        case .float32: "F32"
        case .int64: "I64"
        case .bool: "BOOL"
        case .uint8: "U8"
        }
    }

    // MARK: Decoding

    static func decode(_ data: Data, path: String) throws -> (tensors: [String: Tensor], metadata: [String: String]) {
        func corrupt(_ reason: String) -> SerializationError { .corrupt(path: path, reason: reason) }
        guard data.count >= 8 else { throw corrupt("file is \(data.count) bytes, shorter than the 8-byte header length") }
        let headerLength = data.prefix(8).withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        guard headerLength <= UInt64(data.count - 8), headerLength <= 100_000_000 else {
            throw corrupt("header length \(headerLength) exceeds the file size \(data.count)")
        }
        let headerEnd = 8 + Int(headerLength)
        let headerText = data.subdata(in: 8..<headerEnd)
        guard let header = try? JSONSerialization.jsonObject(with: headerText) as? [String: Any] else {
            throw corrupt("header is not a JSON object")
        }
        if let (key, path) = JSONDuplicateKeys.first(in: headerText) {
            throw corrupt(path.isEmpty ? "the header names '\(key)' twice"
                                       : "'\(path.joined(separator: "."))' in the header names '\(key)' twice")
        }
        let dataStart = headerEnd
        let dataCount = data.count - dataStart
        var metadata: [String: String] = [:]
        if let value = header["__metadata__"] {
            guard let strings = value as? [String: String] else { throw corrupt("__metadata__ is not a map of strings to strings") }
            metadata = strings
        }
        // Every entry is checked before any tensor is made, in name order, so that a file
        // gives the same error in every process (dictionary order is randomised).
        var entries: [(name: String, code: String, shape: [Int], begin: Int, end: Int)] = []
        for name in header.keys.sorted() where name != "__metadata__" {
            guard let entry = header[name] as? [String: Any],
                  let dtypeCode = entry["dtype"] as? String,
                  let shape = entry["shape"] as? [Int],
                  let offsets = entry["data_offsets"] as? [Int], offsets.count == 2
            else { throw corrupt("entry '\(name)' lacks dtype, shape or data_offsets") }
            guard Shape.checkedElementCount(shape) != nil else {
                throw corrupt("entry '\(name)' has shape \(shape), negative or too large to address")
            }
            let (begin, end) = (offsets[0], offsets[1])
            guard begin >= 0, begin <= end, end <= dataCount else {
                throw corrupt("entry '\(name)' data_offsets [\(begin), \(end)] fall outside the \(dataCount) data bytes")
            }
            entries.append((name, dtypeCode, shape, begin, end))
        }
        // As safetensors' own reader: the byte ranges tile the data exactly, no overlap, no gap.
        var covered = 0
        for entry in entries.sorted(by: { ($0.begin, $0.end, $0.name) < ($1.begin, $1.end, $1.name) }) {
            guard entry.begin == covered else {
                throw corrupt(entry.begin < covered
                    ? "entry '\(entry.name)' data_offsets [\(entry.begin), \(entry.end)] overlap another entry's bytes"
                    : "the data bytes \(covered)..<\(entry.begin) before entry '\(entry.name)' belong to no entry")
            }
            covered = entry.end
        }
        guard covered == dataCount else { throw corrupt("the last \(dataCount - covered) data bytes belong to no entry") }
        var tensors: [String: Tensor] = [:]
        for entry in entries {
            tensors[entry.name] = try makeTensor(name: entry.name, code: entry.code, shape: entry.shape, bytes: data,
                                                 range: (dataStart + entry.begin)..<(dataStart + entry.end), path: path)
        }
        return (tensors, metadata)
    }

    private static func makeTensor(name: String, code: String, shape: [Int], bytes: Data, range: Range<Int>, path: String) throws -> Tensor {
        let count = Shape.checkedElementCount(shape)!  // checked by decode
        guard let type = StoredScalarType(safetensorsCode: code) else {
            throw SerializationError.unsupportedDType(path: path, name: name, dtype: code)
        }
        let (needed, overflow) = count.multipliedReportingOverflow(by: type.byteSize)
        guard !overflow, range.count == needed else {
            throw SerializationError.corrupt(
                path: path, reason: "entry '\(name)' of shape \(shape) and dtype \(code) needs \(overflow ? "more" : "\(needed)") bytes, its data_offsets span \(range.count)")
        }
        let storage = type.convert(bytes[(bytes.startIndex + range.lowerBound)..<(bytes.startIndex + range.upperBound)],
                                   count: count, bigEndian: false)
        return Tensor(storage: storage, shape: shape, strides: Shape.contiguousStrides(shape), offset: 0, dtype: type.dtype)
    }
}
