import CEmberKernels

/// Reductions with PyTorch's `dim`/`keepDim` conventions. Integer and bool tensors sum to
/// int64, as in PyTorch (`(pred .== labels).sum()` counts matches).
extension Tensor {
    /// Shape with each of `dims` set to 1: how a reduced gradient lines up with its input.
    private func keptShape(_ dims: [Int]) -> [Int] {
        var kept = shape
        for d in dims { kept[d] = 1 }
        return kept
    }

    private func normalizedDims(_ dims: [Int], op: String) -> [Int] {
        let normalized = dims.map { Shape.normalize($0, rank: ndim, op: op) }
        precondition(Set(normalized).count == normalized.count, "\(op): dim appears multiple times in the list of dims \(dims)")
        return normalized.sorted()
    }

    // MARK: sum / mean

    /// The sum of all elements, as a 0-dimensional tensor.
    public func sum() -> Tensor { sum(dims: Array(0..<ndim)) }

    /// The sum over `dim`.
    public func sum(dim: Int, keepDim: Bool = false) -> Tensor { sum(dims: [dim], keepDim: keepDim) }

    /// The sum over several dimensions.
    public func sum(dims: [Int], keepDim: Bool = false) -> Tensor {
        let total = scaledSum(dims: dims, keepDim: keepDim, scale: nil, name: "SumBackward")
        return dtype.isFloatingPoint ? total : total.long()
    }

    /// The mean of all elements.
    public func mean() -> Tensor { mean(dims: Array(0..<ndim)) }

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
        let reduced = ndim == 0 ? [] : normalizedDims(dims, op: name)
        var out: Tensor
        if reduced.count == ndim && !keepDim {
            out = Tensor(ReduceKernels.all(EMBER_REDUCE_SUM, self))
        } else {
            out = to(.float32)
            for d in reduced.reversed() { out = ReduceKernels.dim(EMBER_REDUCE_SUM, out, dim: d, keepDim: true) }
            let kept = out.shape
            let finalShape = keepDim ? kept : shape.indices.filter { !reduced.contains($0) }.map { shape[$0] }
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
        let source = dim == nil ? reshape([-1]) : self
        let d = dim.map { Shape.normalize($0, rank: ndim, op: "var") } ?? 0
        let n = source.shape[d]
        var out = ReduceKernels.variance(source, dim: d, correction: correction, keepDim: keepDim && dim != nil)
        if dim == nil { out = out.aliased(shape: [], strides: []) }
        return Tensor.record("VarBackward", output: out, inputs: [self]) { g in
            let x = self.detach()
            let centered = x - x.mean(dims: dim.map { [$0] } ?? Array(0..<x.ndim), keepDim: true)
            let gk = dim == nil || keepDim ? g : g.unsqueeze(d)
            return [centered * gk * (2 / Float(Swift.max(n - correction, 0)))]
        }
    }

    /// The standard deviation over `dim` (all elements when nil).
    public func std(dim: Int? = nil, correction: Int = 1, keepDim: Bool = false) -> Tensor {
        self.var(dim: dim, correction: correction, keepDim: keepDim).sqrt()
    }

    // MARK: max / min / argmax / argmin

    /// The largest element (NaN if any).
    public func max() -> Tensor { extremeAll(EMBER_REDUCE_MAX, "MaxBackward") }

    /// The smallest element (NaN if any).
    public func min() -> Tensor { extremeAll(EMBER_REDUCE_MIN, "MinBackward") }

    private func extremeAll(_ op: ember_reduce_op, _ name: String) -> Tensor {
        precondition(numel > 0, "max(): Expected reduction dim to be specified for input.numel() == 0")
        let out = Tensor(ReduceKernels.all(op, self)).to(dtype)
        guard dtype.isFloatingPoint else { return out }
        let value = out.detach()
        return Tensor.record(name, output: out, inputs: [self]) { g in
            // The gradient is shared evenly among tied extremes, as in PyTorch.
            let mask = self.detach().eq(value).float()
            return [mask * (g / mask.sum())]
        }
    }

    /// The largest values along `dim` and their indices (`torch.max(x, dim)`).
    public func max(dim: Int, keepDim: Bool = false) -> (values: Tensor, indices: Tensor) {
        extremeDim(EMBER_REDUCE_MAX, dim: dim, keepDim: keepDim, name: "MaxBackward")
    }

    /// The smallest values along `dim` and their indices (`torch.min(x, dim)`).
    public func min(dim: Int, keepDim: Bool = false) -> (values: Tensor, indices: Tensor) {
        extremeDim(EMBER_REDUCE_MIN, dim: dim, keepDim: keepDim, name: "MinBackward")
    }

    private func extremeDim(_ op: ember_reduce_op, dim: Int, keepDim: Bool, name: String) -> (values: Tensor, indices: Tensor) {
        let d = Shape.normalize(dim, rank: ndim, op: name)
        let source = ndim == 0 ? reshape([1]) : self
        let (values, indices) = ReduceKernels.arg(op, source, dim: d, keepDim: keepDim || ndim == 0)
        if ndim == 0 { return (values.reshape([]).to(dtype), indices.reshape([])) }
        let inputShape = shape
        let savedIndices = keepDim ? indices : indices.unsqueeze(d)
        let recorded = Tensor.record(name, output: values.to(dtype), inputs: [self]) { g in
            let gk = keepDim ? g : g.unsqueeze(d)
            return [Tensor.zeros(inputShape).scatter(dim: d, index: savedIndices, src: gk)]
        }
        return (recorded, indices)
    }

    /// The index of the largest element along `dim`, or of the flattened tensor when nil.
    public func argmax(dim: Int? = nil, keepDim: Bool = false) -> Tensor {
        guard let dim else { return reshape([-1]).max(dim: 0).indices }
        return max(dim: dim, keepDim: keepDim).indices
    }

    /// The index of the smallest element along `dim`, or of the flattened tensor when nil.
    public func argmin(dim: Int? = nil, keepDim: Bool = false) -> Tensor {
        guard let dim else { return reshape([-1]).min(dim: 0).indices }
        return min(dim: dim, keepDim: keepDim).indices
    }

    // MARK: prod / logSumExp / norm

    /// The product of all elements.
    public func prod() -> Tensor { reshape([-1]).prod(dim: 0) }

    /// The product along `dim`. The gradient is `prod / x`, so inputs must be nonzero.
    public func prod(dim: Int, keepDim: Bool = false) -> Tensor {
        let d = Shape.normalize(dim, rank: ndim, op: "prod")
        let out = ReduceKernels.dim(EMBER_REDUCE_PROD, self, dim: d, keepDim: keepDim)
        let result = out.detach()
        return Tensor.record("ProdBackward", output: out, inputs: [self]) { g in
            let gk = keepDim ? g : g.unsqueeze(d)
            let pk = keepDim ? result : result.unsqueeze(d)
            return [gk * pk / self.detach()]
        }
    }

    /// `log(sum(exp(x)))` along `dim`, computed stably (`torch.logsumexp`).
    public func logSumExp(dim: Int, keepDim: Bool = false) -> Tensor {
        let d = Shape.normalize(dim, rank: ndim, op: "logsumexp")
        let peak = withNoGrad { max(dim: d, keepDim: true).values }
        // An all -inf row would give inf - inf; shift it by 0 instead.
        let shift = peak.maskedFill(peak.abs().eq(Tensor(Float.infinity)), 0)
        let out = (self - shift).exp().sum(dim: d, keepDim: true).log() + shift
        return keepDim ? out : out.squeeze(dim: d)
    }

    /// The vector p-norm of all elements, or along `dim` (`torch.linalg.vector_norm`).
    public func norm(p: Float = 2, dim: Int? = nil, keepDim: Bool = false) -> Tensor {
        let dims = dim.map { [$0] } ?? Array(0..<ndim)
        if p == 2 { return (self * self).sum(dims: dims, keepDim: keepDim).sqrt() }
        if p == 1 { return abs().sum(dims: dims, keepDim: keepDim) }
        if p == .infinity { return dim.map { abs().max(dim: $0, keepDim: keepDim).values } ?? abs().max() }
        return abs().pow(p).sum(dims: dims, keepDim: keepDim).pow(1 / p)
    }
}
