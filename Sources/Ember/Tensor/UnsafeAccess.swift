extension Tensor {
    /// Calls `body` with the bytes of this contiguous tensor's elements, in row-major order
    /// (`tensor.data_ptr()` with `numel * element_size` bytes): the way to hand a tensor to
    /// a C library (MPI, a file writer) without copying. Writes through the pointer change
    /// the tensor and every view of its storage; autograd does not see them. Stops with a
    /// message when the tensor is not contiguous (call `contiguous()` first).
    public func withUnsafeMutableRawBytes<R, E: Error>(
        _ body: (UnsafeMutableRawBufferPointer) throws(E) -> R
    ) throws(E) -> R {
        precondition(isContiguous, "withUnsafeMutableRawBytes: the tensor of shape \(shape) is not contiguous")
        return try body(UnsafeMutableRawBufferPointer(start: impl.baseAddress, count: numel * dtype.itemSize))
    }
}
