import Foundation

/// The element types checkpoint files store, and how each becomes an Ember dtype. The raw
/// values are PyTorch's storage class names; safetensors codes map through `init(safetensorsCode:)`.
enum StoredScalarType: String {
    case float32 = "FloatStorage", float64 = "DoubleStorage", float16 = "HalfStorage", bfloat16 = "BFloat16Storage"
    case int64 = "LongStorage", int32 = "IntStorage", int16 = "ShortStorage", int8 = "CharStorage"
    case uint8 = "ByteStorage", bool = "BoolStorage"

    /// Bytes per element in the file.
    var byteSize: Int {
        switch self {
        case .float64, .int64: 8
        case .float32, .int32: 4
        case .float16, .bfloat16, .int16: 2
        case .int8, .uint8, .bool: 1
        }
    }

    /// Ember's dtype for this type: real floats become float32; uint8 and bool stay, one
    /// byte each; int32, int16 and int8 widen to int64. Ember computes integers in int64
    /// and has no signed narrow dtype, and these three are rare in checkpoints (indices
    /// and counters are int64), so widening them costs little and keeps every value exact.
    var dtype: DType {
        switch self {
        case .float32, .float64, .float16, .bfloat16: .float32
        case .int64, .int32, .int16, .int8: .int64
        case .uint8: .uint8
        case .bool: .bool
        }
    }

    /// The type of a safetensors dtype code (`F32`, `BF16`, `I8`, ...), or nil.
    init?(safetensorsCode code: String) {
        switch code {
        case "F32": self = .float32
        case "F64": self = .float64
        case "F16": self = .float16
        case "BF16": self = .bfloat16
        case "I64": self = .int64
        case "I32": self = .int32
        case "I16": self = .int16
        case "I8": self = .int8
        case "U8": self = .uint8
        case "BOOL": self = .bool
        default: return nil
        }
    }

    /// `count` elements of this type from a file (at least `count * byteSize` bytes) as an
    /// Ember storage: float32, int64, uint8 or 0/1 bytes.
    func convert(_ bytes: Data, count: Int, bigEndian: Bool) -> TensorStorage {
        let storage = TensorStorage(byteCount: count * dtype.itemSize)
        bytes.withUnsafeBytes { (source: UnsafeRawBufferPointer) in
            // Little-endian float32 and int64 are Ember's own layout: one copy.
            if !bigEndian, self == .float32 || self == .int64 {
                if count > 0 { storage.data.copyMemory(from: source.baseAddress!, byteCount: count * byteSize) }
                return
            }
            func load<T: FixedWidthInteger>(_ i: Int, _: T.Type) -> T {
                let v = source.loadUnaligned(fromByteOffset: i * MemoryLayout<T>.size, as: T.self)
                return bigEndian ? T(bigEndian: v) : T(littleEndian: v)
            }
            let floats = storage.data.assumingMemoryBound(to: Float.self)
            let longs = storage.data.assumingMemoryBound(to: Int64.self)
            let flags = storage.data.assumingMemoryBound(to: UInt8.self)
            switch self {
            case .float32: for i in 0..<count { floats[i] = Float(bitPattern: load(i, UInt32.self)) }
            case .float64: for i in 0..<count { floats[i] = Float(Double(bitPattern: load(i, UInt64.self))) }
            case .float16: for i in 0..<count { floats[i] = Float(Float16(bitPattern: load(i, UInt16.self))) }
            // bfloat16 is the top half of a float32.
            case .bfloat16: for i in 0..<count { floats[i] = Float(bitPattern: UInt32(load(i, UInt16.self)) << 16) }
            case .int64: for i in 0..<count { longs[i] = Int64(bitPattern: load(i, UInt64.self)) }
            case .int32: for i in 0..<count { longs[i] = Int64(Int32(bitPattern: load(i, UInt32.self))) }
            case .int16: for i in 0..<count { longs[i] = Int64(Int16(bitPattern: load(i, UInt16.self))) }
            case .int8: for i in 0..<count { longs[i] = Int64(Int8(bitPattern: source[i])) }
            case .bool: for i in 0..<count { flags[i] = source[i] != 0 ? 1 : 0 }
            case .uint8: for i in 0..<count { flags[i] = source[i] }
            }
        }
        return storage
    }
}
