extension Tensor {
    /// A contiguous float32 tensor whose elements `body` writes, in row-major order, straight
    /// into the tensor's storage: the way to turn raw data (file bytes, decoded pixels) into
    /// a tensor without an intermediate array. `body` must set every element.
    public init(
        shape: [Int], initializingWith body: (UnsafeMutableBufferPointer<Float>) throws -> Void
    ) rethrows {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor(shape:initializingWith:): negative size in \(shape)")
        self.init(uninitialized: shape)
        try body(UnsafeMutableBufferPointer(start: floatPointer, count: numel))
    }
}
