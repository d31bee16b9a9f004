/// Ops that return a new view of the same storage: only shape, strides and offset change.
/// Each records a backward that maps the view's gradient back to the base's shape.
extension Tensor {
    /// A view with new geometry over the same storage (no autograd).
    func aliased(shape: [Int], strides: [Int], offset: Int? = nil) -> Tensor {
        Tensor(storage: impl.storage, shape: shape, strides: strides, offset: offset ?? storageOffset,
               dtype: dtype)
    }

    /// A view with a new shape; `-1` infers one size. Fails when the strides make that
    /// impossible without a copy, as PyTorch's `view` does (use `reshape`).
    public func view(_ shape: [Int]) -> Tensor {
        let target = Shape.infer(shape, count: numel, op: "view")
        guard let newStrides = Shape.viewStrides(shape: self.shape, strides: strides, newShape: target) else {
            preconditionFailure(
                "view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces); view(\(shape)) of a tensor with shape \(self.shape) and strides \(strides). Use reshape(...) instead.")
        }
        let inputShape = self.shape
        return Tensor.record("ViewBackward", output: aliased(shape: target, strides: newStrides), inputs: [self]) { g in
            [g.reshape(inputShape)]
        }
    }

    /// `x.view(a, b, ...)`.
    public func view(_ shape: Int...) -> Tensor { view(shape) }

    /// A tensor with a new shape: a view when the layout allows, a copy otherwise.
    public func reshape(_ shape: [Int]) -> Tensor {
        let target = Shape.infer(shape, count: numel, op: "reshape")
        if Shape.viewStrides(shape: self.shape, strides: strides, newShape: target) != nil {
            return view(target)
        }
        return contiguous().view(target)
    }

    /// `x.reshape(a, b, ...)`.
    public func reshape(_ shape: Int...) -> Tensor { reshape(shape) }

    /// Flattens dimensions `startDim...endDim` into one (`torch.flatten`).
    public func flatten(startDim: Int = 0, endDim: Int = -1) -> Tensor {
        if ndim == 0 { return reshape([1]) }
        let start = Shape.normalize(startDim, rank: ndim, op: "flatten")
        let end = Shape.normalize(endDim, rank: ndim, op: "flatten")
        precondition(start <= end, "flatten() has invalid args: start_dim cannot come after end_dim")
        let merged = shape[start...end].reduce(1, *)
        return reshape(Array(shape[..<start]) + [merged] + Array(shape[(end + 1)...]))
    }

    /// Splits dimension `dim` into `sizes` (`torch.unflatten`).
    public func unflatten(dim: Int, sizes: [Int]) -> Tensor {
        let d = Shape.normalize(dim, rank: ndim, op: "unflatten")
        let inner = Shape.infer(sizes, count: shape[d], op: "unflatten")
        return view(Array(shape[..<d]) + inner + Array(shape[(d + 1)...]))
    }

    /// Removes all size-1 dimensions, or only `dim` when given and of size 1.
    public func squeeze(dim: Int? = nil) -> Tensor {
        var keep = Array(0..<ndim)
        if let dim {
            let d = Shape.normalize(dim, rank: ndim, op: "squeeze")
            if ndim > 0 && shape[d] == 1 { keep.remove(at: d) }
        } else {
            keep = keep.filter { shape[$0] != 1 }
        }
        let inputShape = shape
        let out = aliased(shape: keep.map { shape[$0] }, strides: keep.map { strides[$0] })
        return Tensor.record("SqueezeBackward", output: out, inputs: [self]) { g in [g.reshape(inputShape)] }
    }

    /// Inserts a size-1 dimension at `dim` (`torch.unsqueeze`).
    public func unsqueeze(_ dim: Int) -> Tensor {
        let d = Shape.normalize(dim, rank: ndim + 1, op: "unsqueeze")
        var newShape = shape
        var newStrides = strides
        newShape.insert(1, at: d)
        newStrides.insert(d < ndim ? strides[d] * shape[d] : 1, at: d)
        let inputShape = shape
        return Tensor.record("UnsqueezeBackward", output: aliased(shape: newShape, strides: newStrides), inputs: [self]) { g in
            [g.reshape(inputShape)]
        }
    }

    /// `unsqueeze(_:)` with the label the other dim-taking methods use.
    public func unsqueeze(dim: Int) -> Tensor { unsqueeze(dim) }

    /// Reorders dimensions (`x.permute(2, 0, 1)`).
    public func permute(_ dims: [Int]) -> Tensor {
        precondition(dims.count == ndim, "permute: number of dims \(dims.count) doesn't match the tensor's \(ndim) dims (shape \(shape))")
        let order = dims.map { Shape.normalize($0, rank: ndim, op: "permute") }
        precondition(Set(order).count == ndim, "permute: repeated dim in \(dims)")
        var inverse = [Int](repeating: 0, count: ndim)
        for (i, d) in order.enumerated() { inverse[d] = i }
        let out = aliased(shape: order.map { shape[$0] }, strides: order.map { strides[$0] })
        return Tensor.record("PermuteBackward", output: out, inputs: [self]) { g in [g.permute(inverse)] }
    }

    /// `x.permute(a, b, ...)`.
    public func permute(_ dims: Int...) -> Tensor { permute(dims) }

    /// `permute(_:)` with the label of PyTorch's keyword (`x.permute(dims=(2, 0, 1))`).
    public func permute(dims: [Int]) -> Tensor { permute(dims) }

    /// Swaps two dimensions (`torch.transpose`).
    public func transpose(_ dim0: Int, _ dim1: Int) -> Tensor {
        let a = Shape.normalize(dim0, rank: ndim, op: "transpose")
        let b = Shape.normalize(dim1, rank: ndim, op: "transpose")
        var order = Array(0..<ndim)
        order.swapAt(a, b)
        let out = aliased(shape: order.map { shape[$0] }, strides: order.map { strides[$0] })
        return Tensor.record("TransposeBackward", output: out, inputs: [self]) { g in [g.transpose(a, b)] }
    }

    /// `transpose(_:_:)` with PyTorch's keyword labels.
    public func transpose(dim0: Int, dim1: Int) -> Tensor { transpose(dim0, dim1) }

    /// The transpose of a matrix (`x.t()`); vectors and scalars are returned as they are.
    public func t() -> Tensor {
        precondition(ndim <= 2, "t() expects a tensor with <= 2 dimensions, but self is \(ndim)D")
        return ndim < 2 ? self : transpose(0, 1)
    }

    /// The last two dimensions swapped (`x.mT`).
    public var mT: Tensor { transpose(-2, -1) }

    /// A view broadcasting size-1 dimensions to `shape` without copying (`expand`);
    /// -1 keeps a size.
    public func expand(_ shape: [Int]) -> Tensor {
        precondition(
            shape.count >= ndim,
            "expand: the number of sizes provided (\(shape.count)) must be greater or equal to the number of dimensions in the tensor (\(ndim))")
        let lead = shape.count - ndim
        var target = shape
        for i in 0..<ndim where shape[lead + i] == -1 { target[lead + i] = self.shape[i] }
        for i in 0..<ndim {
            precondition(
                self.shape[i] == target[lead + i] || self.shape[i] == 1,
                "expand: the expanded size of the tensor (\(target[lead + i])) must match the existing size (\(self.shape[i])) at non-singleton dimension \(lead + i). Target sizes: \(shape). Tensor sizes: \(self.shape)")
        }
        if target == self.shape { return self }
        let newStrides = Shape.broadcastStrides(shape: self.shape, strides: strides, to: target)
        let inputShape = self.shape
        return Tensor.record("ExpandBackward", output: aliased(shape: target, strides: newStrides), inputs: [self]) { g in
            [g.sumToShape(inputShape)]
        }
    }

    /// `x.expand(a, b, ...)`.
    public func expand(_ shape: Int...) -> Tensor { expand(shape) }

    /// `x.expand_as(other)`.
    public func expandAs(_ other: Tensor) -> Tensor { expand(other.shape) }

    /// Sums a broadcast gradient back down to `target` (the inverse of broadcasting).
    func sumToShape(_ target: [Int]) -> Tensor {
        if shape == target { return self }
        var result = self
        let lead = ndim - target.count
        if lead > 0 { result = result.sum(dims: Array(0..<lead)) }
        let ones = target.indices.filter { target[$0] == 1 && result.shape[$0] != 1 }
        if !ones.isEmpty { result = result.sum(dims: ones, keepDim: true) }
        return result
    }
}

// MARK: - Slicing

/// One dimension of a slicing view.
enum SliceItem {
    /// Picks one index and drops the dimension.
    case index(Int)
    /// Keeps `count` elements from `start` every `step`.
    case range(start: Int, step: Int, count: Int)
    /// Inserts a size-1 dimension.
    case newAxis
}

extension Tensor {
    /// The view selected by `items`, one per dimension (trailing dimensions kept whole),
    /// recorded with a backward that writes the gradient into zeros of the base's shape.
    func sliced(_ items: [SliceItem], name: String = "SliceBackward") -> Tensor {
        let out = slicedView(items)
        let inputShape = shape
        return Tensor.record(name, output: out, inputs: [self]) { g in
            let base = Tensor.zeros(inputShape, dtype: g.dtype)
            base.slicedView(items).copy(from: g)
            return [base]
        }
    }

    /// The slicing view without autograd; indices are already validated.
    func slicedView(_ items: [SliceItem]) -> Tensor {
        var newShape: [Int] = []
        var newStrides: [Int] = []
        var offset = storageOffset
        var dim = 0
        for item in items {
            switch item {
            case .index(let i):
                offset += i * strides[dim]
                dim += 1
            case .range(let start, let step, let count):
                offset += start * strides[dim]
                newShape.append(count)
                newStrides.append(strides[dim] * step)
                dim += 1
            case .newAxis:
                newShape.append(1)
                newStrides.append(1)
            }
        }
        newShape += shape[dim...]
        newStrides += strides[dim...]
        return aliased(shape: newShape, strides: newStrides, offset: offset)
    }

    /// `length` elements of dimension `dim` from `start` (`torch.narrow`), a view.
    public func narrow(dim: Int, start: Int, length: Int) -> Tensor {
        let d = Shape.normalize(dim, rank: ndim, op: "narrow")
        let begin = start < 0 ? start + shape[d] : start
        precondition(
            begin >= 0 && length >= 0 && begin + length <= shape[d],
            "narrow: start (\(start)) + length (\(length)) exceeds dimension size (\(shape[d])) of shape \(shape)")
        var items = [SliceItem](repeating: .newAxis, count: d + 1)
        for i in 0..<d { items[i] = .range(start: 0, step: 1, count: shape[i]) }
        items[d] = .range(start: begin, step: 1, count: length)
        return sliced(items)
    }

    /// Elements `start..<end` by `step` along `dim` (`x[:, start:end:step]` in Python), a
    /// view. Bounds follow Python: negative values count from the end, nil means the start
    /// or the end, and out-of-range bounds are clamped.
    public func slice(dim: Int, start: Int? = nil, end: Int? = nil, step: Int = 1) -> Tensor {
        let d = Shape.normalize(dim, rank: ndim, op: "slice")
        var parts = [any TensorIndex](repeating: TensorRange.all, count: d + 1)
        parts[d] = PythonSlice(start: start, end: end, step: step)
        return self[indices: parts]
    }

    /// The slice at `index` along `dim`, dropping that dimension (`torch.select`), a view.
    public func select(dim: Int, index: Int) -> Tensor {
        let d = Shape.normalize(dim, rank: ndim, op: "select")
        let i = index < 0 ? index + shape[d] : index
        precondition(
            i >= 0 && i < shape[d],
            "select(): index \(index) out of range for tensor of size \(shape) at dimension \(d)")
        var items = [SliceItem](repeating: .newAxis, count: d + 1)
        for j in 0..<d { items[j] = .range(start: 0, step: 1, count: shape[j]) }
        items[d] = .index(i)
        return sliced(items, name: "SelectBackward")
    }
}
