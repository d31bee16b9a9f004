/// Joining and splitting: `cat`, `stack`, `split`, `chunk`.
extension Tensor {
    /// Concatenates tensors along an existing dimension (`torch.cat`).
    public static func cat(_ tensors: [Tensor], dim: Int = 0) -> Tensor {
        precondition(!tensors.isEmpty, "cat(): expected a non-empty list of Tensors")
        let first = tensors[0]
        let d = Shape.normalize(dim, rank: first.ndim, op: "cat")
        let dtype = tensors.contains { $0.dtype == .float32 } ? DType.float32 : first.dtype
        for t in tensors {
            precondition(
                t.ndim == first.ndim && t.shape.indices.allSatisfy { $0 == d || t.shape[$0] == first.shape[$0] },
                "cat(): Sizes of tensors must match except in dimension \(d). Expected \(first.shape) but got \(t.shape)")
        }
        var outShape = first.shape
        outShape[d] = tensors.map { $0.shape[d] }.reduce(0, +)
        let out = Tensor(uninitialized: outShape, dtype: dtype)
        var start = 0
        var sizes: [Int] = []
        for t in tensors {
            let size = t.shape[d]
            out.narrowRaw(dim: d, start: start, length: size).copyRawConverting(from: t)
            sizes.append(size)
            start += size
        }
        return record("CatBackward", output: out, inputs: tensors) { g in
            var offset = 0
            return sizes.map { size in
                defer { offset += size }
                return g.narrow(dim: d, start: offset, length: size)
            }
        }
    }

    /// Stacks equally shaped tensors along a new dimension (`torch.stack`).
    public static func stack(_ tensors: [Tensor], dim: Int = 0) -> Tensor {
        precondition(!tensors.isEmpty, "stack expects a non-empty TensorList")
        let shape = tensors[0].shape
        precondition(tensors.allSatisfy { $0.shape == shape }, "stack expects each tensor to be equal size, but got \(tensors.map(\.shape))")
        let d = Shape.normalize(dim, rank: shape.count + 1, op: "stack")
        return cat(tensors.map { $0.unsqueeze(d) }, dim: d)
    }

    /// Splits into pieces of `splitSize` along `dim` (the last may be smaller), as views.
    public func split(_ splitSize: Int, dim: Int = 0) -> [Tensor] {
        precondition(splitSize > 0, "split expects split_size be positive, got \(splitSize)")
        let d = Shape.normalize(dim, rank: ndim, op: "split")
        let size = shape[d]
        return stride(from: 0, to: Swift.max(size, 1), by: splitSize).map { start in
            narrow(dim: d, start: start, length: Swift.min(splitSize, size - start))
        }
    }

    /// Splits into pieces with the given sizes along `dim`, as views.
    public func split(sizes: [Int], dim: Int = 0) -> [Tensor] {
        let d = Shape.normalize(dim, rank: ndim, op: "split")
        precondition(sizes.reduce(0, +) == shape[d], "split_with_sizes expects split_sizes to sum exactly to \(shape[d]) (input tensor's size at dimension \(d)), but got split_sizes=\(sizes)")
        var start = 0
        return sizes.map { length in
            defer { start += length }
            return narrow(dim: d, start: start, length: length)
        }
    }

    /// Splits into `chunks` nearly equal pieces along `dim` (`torch.chunk`).
    public func chunk(_ chunks: Int, dim: Int = 0) -> [Tensor] {
        precondition(chunks > 0, "chunk expects `chunks` to be greater than 0, got: \(chunks)")
        let d = Shape.normalize(dim, rank: ndim, op: "chunk")
        return split((shape[d] + chunks - 1) / chunks, dim: d)
    }

    /// `narrow` without autograd, for writing into part of a fresh tensor.
    func narrowRaw(dim: Int, start: Int, length: Int) -> Tensor {
        var newShape = shape
        newShape[dim] = length
        return aliased(shape: newShape, strides: strides, offset: storageOffset + start * strides[dim])
    }

    /// Copies `source` (same shape, any dtype) into this view, without autograd.
    func copyRawConverting(from source: Tensor) {
        source.to(dtype).contiguous().writeRaw(into: self)
    }
}
