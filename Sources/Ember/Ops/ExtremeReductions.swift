import CEmberKernels

/// `max`, `min`, `amax`, `amin`, `argmax`, `argmin`. Where several elements tie for the
/// extreme, the gradient is shared evenly among them, as in PyTorch.
extension Tensor {
    /// The largest element (NaN if any).
    public func max() -> Tensor { extreme(EMBER_REDUCE_MAX, dims: allDims, keepDim: false, name: "MaxBackward") }

    /// The smallest element (NaN if any).
    public func min() -> Tensor { extreme(EMBER_REDUCE_MIN, dims: allDims, keepDim: false, name: "MinBackward") }

    /// The largest values over `dim` (`torch.amax`), without indices.
    public func amax(dim: Int, keepDim: Bool = false) -> Tensor { amax(dims: [dim], keepDim: keepDim) }

    /// The largest values over several dimensions; no dims means all of them, as in PyTorch.
    public func amax(dims: [Int] = [], keepDim: Bool = false) -> Tensor {
        extreme(EMBER_REDUCE_MAX, dims: dims.isEmpty ? allDims : dims, keepDim: keepDim, name: "AmaxBackward")
    }

    /// The smallest values over `dim` (`torch.amin`), without indices.
    public func amin(dim: Int, keepDim: Bool = false) -> Tensor { amin(dims: [dim], keepDim: keepDim) }

    /// The smallest values over several dimensions; no dims means all of them.
    public func amin(dims: [Int] = [], keepDim: Bool = false) -> Tensor {
        extreme(EMBER_REDUCE_MIN, dims: dims.isEmpty ? allDims : dims, keepDim: keepDim, name: "AminBackward")
    }

    private func extreme(_ op: ember_reduce_op, dims: [Int], keepDim: Bool, name: String) -> Tensor {
        let reduced = normalizedDims(dims, op: name)
        for d in reduced {
            precondition(shape[d] > 0, "\(name): Expected reduction dim \(d) to have non-zero size (shape \(shape))")
        }
        precondition(numel > 0, "\(name): Expected reduction dim to be specified for input.numel() == 0")
        let kept = keptShape(reduced)
        var peak: Tensor
        if reduced.count == ndim {
            peak = Tensor(ReduceKernels.all(op, self)).reshape(kept)
        } else {
            peak = to(.float32)
            for d in reduced.reversed() { peak = ReduceKernels.dim(op, peak, dim: d, keepDim: true) }
        }
        let out = peak.reshape(reducedShape(reduced, keepDim: keepDim)).to(dtype)
        guard dtype.isFloatingPoint else { return out }
        return Tensor.record(name, output: out, inputs: [self]) { g in
            let mask = self.detach().eq(peak).float()
            return [mask * (g.reshape(kept) / mask.sum(dims: reduced, keepDim: true))]
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

    /// Values with indices: the gradient goes to the first extreme only, as PyTorch's does.
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
}
