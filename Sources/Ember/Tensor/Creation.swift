import CEmberKernels

extension Tensor {
    // MARK: From Swift values

    /// A tensor of the given shape filled from row-major `scalars`, like `torch.tensor`
    /// followed by `view(shape)`.
    public init(shape: [Int], scalars: [Float], requiresGrad: Bool = false) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor(shape:scalars:): negative size in \(shape)")
        precondition(
            shape.reduce(1, *) == scalars.count,
            "Tensor(shape:scalars:): shape \(shape) needs \(shape.reduce(1, *)) values, got \(scalars.count)")
        self.init(uninitialized: shape)
        scalars.withUnsafeBufferPointer { source in
            floatPointer.update(from: source.baseAddress!, count: Swift.max(scalars.count, 0))
        }
        self.requiresGrad = requiresGrad
    }

    /// An int64 tensor of the given shape from row-major `scalars`.
    public init(shape: [Int], scalars: [Int64]) {
        precondition(
            shape.reduce(1, *) == scalars.count,
            "Tensor(shape:scalars:): shape \(shape) needs \(shape.reduce(1, *)) values, got \(scalars.count)")
        self.init(uninitialized: shape, dtype: .int64)
        scalars.withUnsafeBufferPointer { source in
            if let base = source.baseAddress { int64Pointer.update(from: base, count: scalars.count) }
        }
    }

    /// A bool tensor of the given shape from row-major `scalars`.
    public init(shape: [Int], scalars: [Bool]) {
        precondition(
            shape.reduce(1, *) == scalars.count,
            "Tensor(shape:scalars:): shape \(shape) needs \(shape.reduce(1, *)) values, got \(scalars.count)")
        self.init(uninitialized: shape, dtype: .bool)
        for (i, value) in scalars.enumerated() { boolPointer[i] = value ? 1 : 0 }
    }

    /// A uint8 tensor of the given shape from row-major bytes — `[UInt8]`, `Data` — as
    /// `torch.tensor(..., dtype=torch.uint8)`. It is generic so that a plain literal such as
    /// `[0, 1]` keeps picking the float32 and int64 initialisers it picked before.
    public init<Bytes: Collection<UInt8>>(shape: [Int], scalars: Bytes) {
        precondition(
            shape.reduce(1, *) == scalars.count,
            "Tensor(shape:scalars:): shape \(shape) needs \(shape.reduce(1, *)) values, got \(scalars.count)")
        self.init(uninitialized: shape, dtype: .uint8)
        _ = UnsafeMutableBufferPointer(start: uint8Pointer, count: scalars.count).initialize(from: scalars)
    }

    /// A 0-dimensional tensor holding one value.
    public init(_ value: Float, requiresGrad: Bool = false) {
        self.init(shape: [], scalars: [value], requiresGrad: requiresGrad)
    }

    /// A 1-D tensor, like `torch.Tensor([1, 2, 3])`; `dtype` converts the values.
    public init(_ values: [Float], dtype: DType = .float32, requiresGrad: Bool = false) {
        self = Tensor(shape: [values.count], scalars: values).to(dtype)
        self.requiresGrad = requiresGrad
    }

    /// A 2-D tensor from nested arrays, like `torch.Tensor([[2, 3], [4, 8]])`.
    public init(_ rows: [[Float]], dtype: DType = .float32, requiresGrad: Bool = false) {
        let width = rows.first?.count ?? 0
        precondition(rows.allSatisfy { $0.count == width }, "Tensor: rows have different lengths")
        self = Tensor(shape: [rows.count, width], scalars: rows.flatMap { $0 }).to(dtype)
        self.requiresGrad = requiresGrad
    }

    /// A 3-D tensor from nested arrays.
    public init(_ planes: [[[Float]]], dtype: DType = .float32, requiresGrad: Bool = false) {
        let rows = planes.first?.count ?? 0
        let width = planes.first?.first?.count ?? 0
        precondition(
            planes.allSatisfy { $0.count == rows && $0.allSatisfy { $0.count == width } },
            "Tensor: nested arrays have different lengths")
        self = Tensor(shape: [planes.count, rows, width], scalars: planes.flatMap { $0.flatMap { $0 } })
            .to(dtype)
        self.requiresGrad = requiresGrad
    }

    // MARK: Filled

    /// A tensor with every element set to `value` (`torch.full`).
    public static func full(_ shape: [Int], _ value: Float, dtype: DType = .float32, requiresGrad: Bool = false) -> Tensor {
        let t = Tensor(uninitialized: shape, dtype: dtype)
        t.fillRaw(value)
        t.requiresGrad = requiresGrad
        return t
    }

    /// `torch.zeros`.
    public static func zeros(_ shape: [Int], dtype: DType = .float32, requiresGrad: Bool = false) -> Tensor {
        full(shape, 0, dtype: dtype, requiresGrad: requiresGrad)
    }

    /// `torch.ones`.
    public static func ones(_ shape: [Int], dtype: DType = .float32, requiresGrad: Bool = false) -> Tensor {
        full(shape, 1, dtype: dtype, requiresGrad: requiresGrad)
    }

    /// A tensor whose values are unspecified (`torch.empty`).
    public static func empty(_ shape: [Int], dtype: DType = .float32) -> Tensor {
        Tensor(uninitialized: shape, dtype: dtype)
    }

    /// `torch.zeros_like`.
    public static func zerosLike(_ other: Tensor, dtype: DType? = nil) -> Tensor {
        zeros(other.shape, dtype: dtype ?? other.dtype)
    }

    /// `torch.ones_like`.
    public static func onesLike(_ other: Tensor, dtype: DType? = nil) -> Tensor {
        ones(other.shape, dtype: dtype ?? other.dtype)
    }

    /// `torch.full_like`.
    public static func fullLike(_ other: Tensor, _ value: Float, dtype: DType? = nil) -> Tensor {
        full(other.shape, value, dtype: dtype ?? other.dtype)
    }

    /// `torch.empty_like`.
    public static func emptyLike(_ other: Tensor, dtype: DType? = nil) -> Tensor {
        empty(other.shape, dtype: dtype ?? other.dtype)
    }

    // MARK: Ranges

    /// Values from `start` up to (not including) `end` by `step` (`torch.arange`).
    public static func arange(_ start: Float, _ end: Float, step: Float = 1, dtype: DType = .float32) -> Tensor {
        precondition(step != 0, "arange: step must be nonzero")
        precondition(
            (end - start) / step >= 0,
            "arange: upper bound and larger bound inconsistent with step sign")
        let count = Int((Double(end - start) / Double(step)).rounded(.up))
        let values = (0..<count).map { Float(Double(start) + Double($0) * Double(step)) }
        return Tensor(shape: [count], scalars: values).to(dtype)
    }

    /// `torch.arange(end)`.
    public static func arange(_ end: Int, dtype: DType = .int64) -> Tensor {
        Tensor(shape: [end], scalars: (0..<Int64(end)).map { $0 }).to(dtype)
    }

    /// `steps` evenly spaced values from `start` to `end` inclusive (`torch.linspace`).
    public static func linspace(_ start: Float, _ end: Float, steps: Int) -> Tensor {
        precondition(steps >= 0, "linspace: number of steps must be non-negative")
        let step = steps > 1 ? (Double(end) - Double(start)) / Double(steps - 1) : 0
        // Like PyTorch, the second half counts back from `end` so both ends are exact.
        let values = (0..<steps).map { i -> Float in
            i < steps / 2 ? Float(Double(start) + step * Double(i))
                : Float(Double(end) - step * Double(steps - 1 - i))
        }
        return Tensor(shape: [steps], scalars: values)
    }

    /// A 2-D tensor with ones on the diagonal (`torch.eye`).
    public static func eye(_ n: Int, _ m: Int? = nil, dtype: DType = .float32) -> Tensor {
        let columns = m ?? n
        let t = zeros([n, columns])
        for i in 0..<Swift.min(n, columns) { t.floatPointer[i * columns + i] = 1 }
        return t.to(dtype)
    }

    // MARK: Copies and conversion

    /// A contiguous tensor with the same values: `self` when already contiguous.
    public func contiguous() -> Tensor {
        if isContiguous { return self }
        return clone()
    }

    /// A copy with its own storage, recorded for autograd (`clone()`).
    public func clone() -> Tensor {
        let out = Tensor(uninitialized: shape, dtype: dtype)
        copyRaw(into: out)
        return Tensor.record("CloneBackward", output: out, inputs: [self]) { g in [g] }
    }

    /// Converts to another dtype (`x.to(torch.int64)`); `self` when already of that type.
    public func to(_ dtype: DType) -> Tensor {
        if dtype == self.dtype { return self }
        let source = contiguous()
        let out = Tensor(uninitialized: shape, dtype: dtype)
        ember_cast(source.dtype.kernelCode, source.impl.baseAddress, dtype.kernelCode,
                   out.impl.baseAddress, Int64(numel))
        return out
    }

    /// `x.float()`.
    public func float() -> Tensor { to(.float32) }
    /// `x.long()`.
    public func long() -> Tensor { to(.int64) }
    /// `x.bool()`.
    public func bool() -> Tensor { to(.bool) }
    /// `x.byte()`: uint8, wrapping modulo 256 as PyTorch's cast does.
    public func byte() -> Tensor { to(.uint8) }

    // MARK: Raw memory helpers (no autograd)

    /// Writes this tensor's elements, in row-major order, into contiguous `out` of the same
    /// dtype and element count.
    func copyRaw(into out: Tensor) {
        precondition(out.isContiguous && out.dtype == dtype && out.numel == numel)
        if isContiguous {
            out.impl.baseAddress.copyMemory(from: impl.baseAddress, byteCount: numel * dtype.itemSize)
            return
        }
        ember_copy_strided(Int32(dtype.itemSize), Int32(ndim), shape.map { Int64($0) }, impl.baseAddress,
                           strides.map { Int64($0) }, out.impl.baseAddress)
    }

    /// Sets every element (of any dtype) to `value`, through the view's strides.
    func fillRaw(_ value: Float) {
        if dtype == .float32 && isContiguous {
            ember_fill_f32(floatPointer, value, Int64(numel))
            return
        }
        let filled = Tensor(uninitialized: shape, dtype: dtype)
        switch dtype {
        case .float32: ember_fill_f32(filled.floatPointer, value, Int64(numel))
        case .int64: filled.int64Pointer.update(repeating: Int64(value), count: numel)
        case .bool: filled.boolPointer.update(repeating: value != 0 ? 1 : 0, count: numel)
        case .uint8:
            // As PyTorch: fractions truncate and negative values wrap, beyond a byte's range is refused.
            precondition(value > -256 && value < 256, "value cannot be converted to type uint8_t without overflow: \(value)")
            filled.uint8Pointer.update(repeating: UInt8(truncatingIfNeeded: Int64(value)), count: numel)
        }
        filled.writeRaw(into: self)
    }

    /// Writes this contiguous tensor's elements into the (possibly strided) view `target`
    /// of the same shape and dtype.
    func writeRaw(into target: Tensor) {
        precondition(isContiguous && target.shape == shape && target.dtype == dtype)
        if target.isContiguous {
            target.impl.baseAddress.copyMemory(from: impl.baseAddress, byteCount: numel * dtype.itemSize)
            return
        }
        ember_copy_to_strided(Int32(dtype.itemSize), Int32(ndim), shape.map { Int64($0) }, impl.baseAddress,
                              target.impl.baseAddress, target.strides.map { Int64($0) })
    }
}
