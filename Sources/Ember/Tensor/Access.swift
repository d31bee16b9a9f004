/// Reading values out of a tensor.
extension Tensor {
    /// The value of a one-element tensor (`x.item()`), converted to Float.
    public func item() -> Float {
        precondition(numel == 1, "a Tensor with \(numel) elements cannot be converted to Scalar")
        switch dtype {
        case .float32: return floatPointer.pointee
        case .int64: return Float(int64Pointer.pointee)
        case .bool: return boolPointer.pointee != 0 ? 1 : 0
        case .uint8: return Float(uint8Pointer.pointee)
        }
    }

    /// The value of a one-element tensor as the given type.
    public func item<T: TensorScalar>(as type: T.Type) -> T {
        toArray(as: type)[0]
    }

    /// All elements in row-major order, converted to Float.
    public func toArray() -> [Float] { toArray(as: Float.self) }

    /// All elements in row-major order, converted to `T`.
    public func toArray<T: TensorScalar>(as type: T.Type) -> [T] {
        let dense = to(T.dtype).contiguous()
        let n = dense.numel
        switch T.dtype {
        case .float32: return Array(UnsafeBufferPointer(start: dense.floatPointer, count: n)) as! [T]
        case .int64: return Array(UnsafeBufferPointer(start: dense.int64Pointer, count: n)) as! [T]
        case .bool: return UnsafeBufferPointer(start: dense.boolPointer, count: n).map { $0 != 0 } as! [T]
        case .uint8: return Array(UnsafeBufferPointer(start: dense.uint8Pointer, count: n)) as! [T]
        }
    }
}

extension Tensor: ExpressibleByFloatLiteral, ExpressibleByIntegerLiteral {
    /// A 0-dimensional float tensor, so literals mix with tensors: `x * 2`, `a[0, 1] = 100`.
    public init(floatLiteral value: Float) { self.init(value) }
    /// A 0-dimensional float tensor from an integer literal, as in `a[0, 1] = 100`.
    public init(integerLiteral value: Int) { self.init(Float(value)) }
}
