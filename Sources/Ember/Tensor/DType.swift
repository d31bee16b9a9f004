/// The element type of a tensor, chosen at run time as in PyTorch.
public enum DType: String, Sendable, CustomStringConvertible {
    /// 32-bit IEEE float: the default for data, weights and gradients.
    case float32
    /// 64-bit signed integer: labels and indices.
    case int64
    /// Boolean, stored as one byte (0 or 1): masks and comparison results.
    case bool
    /// 8-bit unsigned integer (`torch.uint8`), one byte per element: image bytes and the
    /// `U8` tensors of safetensors and `.pth` files, kept at their size in the file.
    /// Arithmetic computes in int64 (a uint8 result wraps modulo 256, as in PyTorch).
    case uint8

    /// Bytes per element.
    public var itemSize: Int {
        switch self {
        case .float32: 4
        case .int64: 8
        case .bool, .uint8: 1
        }
    }

    /// Whether values of this type can carry gradients.
    public var isFloatingPoint: Bool { self == .float32 }

    /// The dtype code understood by the C kernels (`ember_cast`).
    var kernelCode: Int32 {
        switch self {
        case .float32: 0
        case .int64: 1
        case .bool: 2
        case .uint8: 3
        }
    }

    /// PyTorch's name: `torch.float32`, `torch.int64`, `torch.bool`, `torch.uint8`.
    public var description: String { "torch.\(rawValue)" }
}

/// Where a tensor's storage lives. Only the CPU exists today; `.cuda(n)` is the seam for
/// an accelerator backend.
public enum Device: Sendable, Equatable, CustomStringConvertible {
    /// The host's memory, the only device today.
    case cpu
    /// An accelerator by index, reserved for a CUDA backend.
    case cuda(Int)

    /// `cpu` or `cuda:0`, as PyTorch prints devices.
    public var description: String {
        switch self {
        case .cpu: "cpu"
        case .cuda(let index): "cuda:\(index)"
        }
    }
}

/// Swift types that map to a `DType`, used by typed accessors such as `toArray(as:)`.
public protocol TensorScalar: Sendable {
    /// The dtype whose elements this Swift type holds.
    static var dtype: DType { get }
}

/// `Float` elements are `.float32`.
extension Float: TensorScalar { public static var dtype: DType { .float32 } }
/// `Int64` elements are `.int64`.
extension Int64: TensorScalar { public static var dtype: DType { .int64 } }
/// `Bool` elements are `.bool`.
extension Bool: TensorScalar { public static var dtype: DType { .bool } }
/// `UInt8` elements are `.uint8`.
extension UInt8: TensorScalar { public static var dtype: DType { .uint8 } }
