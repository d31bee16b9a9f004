/// An n-dimensional array with optional gradient tracking, shaped like `torch.Tensor`.
///
/// `Tensor` is a small value wrapping a reference to its implementation. Views (`view`,
/// `transpose`, slicing, ...) share storage with their base, so an in-place update through
/// one alias is visible through all of them, as in PyTorch.
public struct Tensor: @unchecked Sendable {
    let impl: TensorImpl

    init(impl: TensorImpl) {
        self.impl = impl
    }

    /// A view over `storage` with the given geometry.
    init(storage: TensorStorage, shape: [Int], strides: [Int], offset: Int, dtype: DType) {
        self.impl = TensorImpl(
            storage: storage, shape: shape, strides: strides, offset: offset, dtype: dtype)
    }

    /// An uninitialised contiguous tensor.
    init(uninitialized shape: [Int], dtype: DType = .float32) {
        let count = shape.reduce(1, *)
        let storage = TensorStorage(byteCount: count * dtype.itemSize)
        self.init(storage: storage, shape: shape, strides: Shape.contiguousStrides(shape),
                  offset: 0, dtype: dtype)
    }

    // MARK: Geometry

    /// The size of each dimension, like `x.size()` / `x.shape`.
    public var shape: [Int] { impl.shape }
    /// Element strides of each dimension.
    public var strides: [Int] { impl.strides }
    /// Offset of the first element into the storage, in elements.
    public var storageOffset: Int { impl.offset }
    /// The number of dimensions (`x.dim()`).
    public var ndim: Int { impl.shape.count }
    /// The number of elements (`x.numel()`).
    public var numel: Int { impl.shape.reduce(1, *) }
    /// The element type.
    public var dtype: DType { impl.dtype }
    /// Where the data lives.
    public var device: Device { .cpu }
    /// Whether elements are laid out densely in row-major order.
    public var isContiguous: Bool { impl.isContiguous }

    /// The size of one dimension; negative dimensions count from the end.
    public func size(_ dim: Int) -> Int {
        shape[Shape.normalize(dim, rank: ndim, op: "size")]
    }

    /// `size(_:)` with the label the other dim-taking methods use.
    public func size(dim: Int) -> Int { size(dim) }

    // MARK: Autograd state

    /// Whether operations on this tensor are recorded for differentiation.
    /// Only floating-point tensors can require gradients.
    public var requiresGrad: Bool {
        get { impl.requiresGrad }
        nonmutating set {
            precondition(
                !newValue || dtype.isFloatingPoint,
                "only Tensors of floating point dtype can require gradients (got \(dtype))")
            precondition(
                newValue || impl.gradFn == nil,
                "you can only change requiresGrad flags of leaf variables; use detach()")
            impl.requiresGrad = newValue
        }
    }

    /// The accumulated gradient of a leaf (or of a tensor that called `retainGrad()`).
    public var grad: Tensor? {
        get { impl.grad }
        nonmutating set { impl.grad = newValue }
    }

    /// The graph node that produced this tensor, nil for leaves.
    public var gradFn: Node? { impl.gradFn }

    /// True for tensors created by the user rather than by a recorded operation.
    public var isLeaf: Bool { impl.gradFn == nil }

    /// Whether two tensors are the same object (not the same values).
    public func isSameTensor(_ other: Tensor) -> Bool { impl === other.impl }

    /// Whether the two tensors view the same storage.
    func sharesStorage(with other: Tensor) -> Bool { impl.storage === other.impl.storage }
}

/// The shared state behind a `Tensor` value.
final class TensorImpl {
    var storage: TensorStorage
    var shape: [Int]
    var strides: [Int]
    var offset: Int
    let dtype: DType
    var requiresGrad = false
    var grad: Tensor?
    var gradFn: Node?
    let isContiguous: Bool
    /// The indices a `MaxPool2d(returnIndices: true)` found for these values, so that
    /// `MaxUnpool2d` can take the values alone (`unpool(pool(x))`).
    var maxPoolIndices: Tensor?
    /// Hooks run when a backward pass has accumulated this leaf's gradient; nil when none.
    var gradHooks: GradHooks?

    init(storage: TensorStorage, shape: [Int], strides: [Int], offset: Int, dtype: DType) {
        self.storage = storage
        self.shape = shape
        self.strides = strides
        self.offset = offset
        self.dtype = dtype
        self.isContiguous = Shape.isContiguous(shape: shape, strides: strides)
    }

    /// Address of the first element.
    var baseAddress: UnsafeMutableRawPointer {
        storage.data + offset * dtype.itemSize
    }
}

extension Tensor {
    /// Pointer to the first float element; the tensor must be float32.
    var floatPointer: UnsafeMutablePointer<Float> {
        precondition(dtype == .float32, "expected a float32 tensor, got \(dtype)")
        return impl.baseAddress.assumingMemoryBound(to: Float.self)
    }

    /// Pointer to the first int64 element; the tensor must be int64.
    var int64Pointer: UnsafeMutablePointer<Int64> {
        precondition(dtype == .int64, "expected an int64 tensor, got \(dtype)")
        return impl.baseAddress.assumingMemoryBound(to: Int64.self)
    }

    /// Pointer to the first bool byte; the tensor must be bool.
    var boolPointer: UnsafeMutablePointer<UInt8> {
        precondition(dtype == .bool, "expected a bool tensor, got \(dtype)")
        return impl.baseAddress.assumingMemoryBound(to: UInt8.self)
    }

    /// Pointer to the first uint8 element; the tensor must be uint8.
    var uint8Pointer: UnsafeMutablePointer<UInt8> {
        precondition(dtype == .uint8, "expected a uint8 tensor, got \(dtype)")
        return impl.baseAddress.assumingMemoryBound(to: UInt8.self)
    }
}
