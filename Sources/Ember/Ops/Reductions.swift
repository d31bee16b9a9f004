import CEmberKernels

/// Reductions with PyTorch's `dim`/`keepDim` conventions: each takes one `dim`, several
/// `dims` at once, or none for all elements. Integer and bool tensors sum to int64, as in
/// PyTorch (`(pred .== labels).sum()` counts matches).
extension Tensor {
    /// Shape with each of `dims` set to 1: how a reduced gradient lines up with its input.
    func keptShape(_ dims: [Int]) -> [Int] {
        var kept = shape
        for d in dims { kept[d] = 1 }
        return kept
    }

    /// Shape with `dims` removed (or kept as 1 when `keepDim`).
    func reducedShape(_ dims: [Int], keepDim: Bool) -> [Int] {
        keepDim ? keptShape(dims) : shape.indices.filter { !dims.contains($0) }.map { shape[$0] }
    }

    /// `dims` made non-negative and sorted; every dim for a 0-d tensor reduces nothing.
    func normalizedDims(_ dims: [Int], op: String) -> [Int] {
        if ndim == 0 { return [] }
        let normalized = dims.map { Shape.normalize($0, rank: ndim, op: op) }
        precondition(Set(normalized).count == normalized.count, "\(op): dim appears multiple times in the list of dims \(dims)")
        return normalized.sorted()
    }

    /// All dimensions, for the reductions over every element.
    var allDims: [Int] { Array(0..<ndim) }

    // MARK: sum / mean

    /// The sum of all elements, as a 0-dimensional tensor.
    public func sum() -> Tensor { sum(dims: allDims) }

    /// The sum over `dim`.
    public func sum(dim: Int, keepDim: Bool = false) -> Tensor { sum(dims: [dim], keepDim: keepDim) }

    /// The sum over several dimensions (`x.sum(dim=(0, 2))`).
    public func sum(dims: [Int], keepDim: Bool = false) -> Tensor {
        let total = scaledSum(dims: dims, keepDim: keepDim, scale: nil, name: "SumBackward")
        return dtype.isFloatingPoint ? total : total.long()
    }

    /// The mean of all elements.
    public func mean() -> Tensor { mean(dims: allDims) }

    /// The mean over `dim`.
    public func mean(dim: Int, keepDim: Bool = false) -> Tensor { mean(dims: [dim], keepDim: keepDim) }

    /// The mean over several dimensions.
    public func mean(dims: [Int], keepDim: Bool = false) -> Tensor {
        precondition(dtype.isFloatingPoint, "mean(): could not infer output dtype. Input dtype must be floating point, but got \(dtype)")
        let count = normalizedDims(dims, op: "mean").map { shape[$0] }.reduce(1, *)
        return scaledSum(dims: dims, keepDim: keepDim, scale: 1 / Float(count), name: "MeanBackward")
    }

    /// `scale * sum` over `dims` (all elements for a 0-d tensor), recorded as one op.
    private func scaledSum(dims: [Int], keepDim: Bool, scale: Float?, name: String) -> Tensor {
        let reduced = normalizedDims(dims, op: name)
        var out: Tensor
        if reduced.count == ndim && !keepDim {
            out = Tensor(ReduceKernels.all(EMBER_REDUCE_SUM, self))
        } else {
            out = to(.float32)
            for d in reduced.reversed() { out = ReduceKernels.dim(EMBER_REDUCE_SUM, out, dim: d, keepDim: true) }
            let finalShape = reducedShape(reduced, keepDim: keepDim)
            out = out.contiguous().aliased(shape: finalShape, strides: Shape.contiguousStrides(finalShape))
        }
        if let scale { out = BinaryKernels.apply(EMBER_BINARY_MUL, out, scalar: scale) }
        guard dtype.isFloatingPoint else { return out }
        let inputShape = shape
        let kept = keptShape(reduced)
        return Tensor.record(name, output: out, inputs: [self]) { g in
            let spread = g.reshape(kept).expand(inputShape)
            return [scale.map { spread * $0 } ?? spread]
        }
    }

    // MARK: var / std

    /// The variance over `dim` (all elements when nil); `correction` 1 is the unbiased
    /// estimator (PyTorch's default), 0 the population variance.
    public func `var`(dim: Int? = nil, correction: Int = 1, keepDim: Bool = false) -> Tensor {
        self.var(dims: dim.map { [$0] } ?? allDims, correction: correction, keepDim: keepDim)
    }

    /// The variance over several dimensions.
    public func `var`(dims: [Int], correction: Int = 1, keepDim: Bool = false) -> Tensor {
        let (value, backward) = varianceParts(dims: dims, correction: correction, keepDim: keepDim, op: "var")
        return Tensor.record("VarBackward", output: value, inputs: [self]) { g in [backward(g)] }
    }

    /// The variance with PyTorch's older spelling: `unbiased` true is `correction: 1`.
    public func `var`(dim: Int? = nil, unbiased: Bool, keepDim: Bool = false) -> Tensor {
        self.var(dim: dim, correction: unbiased ? 1 : 0, keepDim: keepDim)
    }

    /// The variance over several dimensions, `unbiased` or not.
    public func `var`(dims: [Int], unbiased: Bool, keepDim: Bool = false) -> Tensor {
        self.var(dims: dims, correction: unbiased ? 1 : 0, keepDim: keepDim)
    }

    /// The standard deviation over `dim` (all elements when nil). Where it is 0 (a
    /// constant slice) the gradient is 0, as in PyTorch, not NaN.
    public func std(dim: Int? = nil, correction: Int = 1, keepDim: Bool = false) -> Tensor {
        std(dims: dim.map { [$0] } ?? allDims, correction: correction, keepDim: keepDim)
    }

    /// The standard deviation over several dimensions.
    public func std(dims: [Int], correction: Int = 1, keepDim: Bool = false) -> Tensor {
        let (variance, varianceBackward) = varianceParts(dims: dims, correction: correction, keepDim: keepDim, op: "std")
        let out = variance.sqrt()
        let result = out.detach()  // saved without its graph node, which would be a cycle
        return Tensor.record("StdBackward", output: out, inputs: [self]) { g in
            [varianceBackward((g / (result * 2)).maskedFill(result.eq(0), 0))]
        }
    }

    /// The standard deviation with PyTorch's older spelling: `unbiased` true is `correction: 1`.
    public func std(dim: Int? = nil, unbiased: Bool, keepDim: Bool = false) -> Tensor {
        std(dim: dim, correction: unbiased ? 1 : 0, keepDim: keepDim)
    }

    /// The standard deviation over several dimensions, `unbiased` or not.
    public func std(dims: [Int], unbiased: Bool, keepDim: Bool = false) -> Tensor {
        std(dims: dims, correction: unbiased ? 1 : 0, keepDim: keepDim)
    }

    /// The variance over `dims` (not recorded) and the map from its gradient to the input's.
    private func varianceParts(
        dims: [Int], correction: Int, keepDim: Bool, op: String
    ) -> (value: Tensor, backward: (Tensor) -> Tensor) {
        let reduced = normalizedDims(dims, op: op)
        let others = allDims.filter { !reduced.contains($0) }
        let n = reduced.map { shape[$0] }.reduce(1, *)
        // The reduced dimensions go last, so the kernel reduces one contiguous run per output.
        let x = detach()
        let rows = x.permute(others + reduced).contiguous().reshape(others.map { shape[$0] } + [n])
        let value = ReduceKernels.variance(rows, dim: others.count, correction: correction, keepDim: false)
            .reshape(reducedShape(reduced, keepDim: keepDim))
        let kept = keptShape(reduced)
        return (value, { g in
            let centered = x - x.mean(dims: reduced, keepDim: true)
            return centered * g.reshape(kept) * (2 / Float(Swift.max(n - correction, 0)))
        })
    }
}
