import CEmberKernels

/// `prod`, `logSumExp` and `norm`, whose gradients PyTorch defines at the points where the
/// textbook formula divides by zero: zeros in a product, an all-zero slice of a norm.
extension Tensor {
    // MARK: prod

    /// The product of all elements.
    public func prod() -> Tensor { reshape([-1]).prod(dim: 0) }

    /// The product along `dim`. Each input's gradient is the product of the other elements
    /// of its slice, computed without division, so zeros in the input give PyTorch's finite
    /// gradients (the one zero of a slice gets the product of the rest).
    public func prod(dim: Int, keepDim: Bool = false) -> Tensor {
        let d = Shape.normalize(dim, rank: ndim, op: "prod")
        let out = ReduceKernels.dim(EMBER_REDUCE_PROD, self, dim: d, keepDim: keepDim)
        return Tensor.record("ProdBackward", output: out, inputs: [self]) { g in
            let gk = keepDim ? g : g.unsqueeze(d)
            return [gk * ReduceKernels.exclusiveProducts(self.detach(), dim: d)]
        }
    }

    // MARK: logSumExp

    /// `log(sum(exp(x)))` along `dim`, computed stably (`torch.logsumexp`).
    public func logSumExp(dim: Int, keepDim: Bool = false) -> Tensor { logSumExp(dims: [dim], keepDim: keepDim) }

    /// `log(sum(exp(x)))` over several dimensions at once.
    public func logSumExp(dims: [Int], keepDim: Bool = false) -> Tensor {
        let reduced = normalizedDims(dims, op: "logsumexp")
        let peak = withNoGrad { amax(dims: reduced.isEmpty ? allDims : reduced, keepDim: true) }
        // An all -inf slice would give inf - inf; shift it by 0 instead.
        let shift = peak.maskedFill(peak.abs().eq(Tensor(Float.infinity)), 0)
        let out = (self - shift).exp().sum(dims: reduced, keepDim: true).log() + shift
        return keepDim ? out : out.reshape(reducedShape(reduced, keepDim: false))
    }

    // MARK: norm

    /// The vector p-norm of all elements, or along `dim` (`torch.linalg.vector_norm`).
    public func norm(p: Float = 2, dim: Int? = nil, keepDim: Bool = false) -> Tensor {
        norm(p: p, dims: dim.map { [$0] } ?? allDims, keepDim: keepDim)
    }

    /// The vector p-norm over several dimensions. p may be any real, 0 (the count of
    /// nonzeros) or infinity; the gradient of an all-zero slice is 0, as in PyTorch.
    public func norm(p: Float = 2, dims: [Int], keepDim: Bool = false) -> Tensor {
        precondition(dtype.isFloatingPoint, "linalg.vector_norm: Expected a floating point input, got \(dtype)")
        let reduced = normalizedDims(dims, op: "linalg.vector_norm")
        let x = detach()
        let value: Tensor = withNoGrad {
            switch p {
            case 0: x.ne(0).float().sum(dims: reduced, keepDim: true)
            case 1: x.abs().sum(dims: reduced, keepDim: true)
            case 2: (x * x).sum(dims: reduced, keepDim: true).sqrt()
            case .infinity: x.abs().amax(dims: reduced.isEmpty ? allDims : reduced, keepDim: true)
            default: x.abs().pow(p).sum(dims: reduced, keepDim: true).pow(1 / p)
            }
        }
        let out = value.reshape(reducedShape(reduced, keepDim: keepDim))
        let kept = keptShape(reduced)
        return Tensor.record("NormBackward", output: out, inputs: [self]) { g in
            let gk = g.reshape(kept)
            let atZero = value.eq(0)
            switch p {
            case 0:
                return [Tensor.zerosLike(x)]
            case 1:
                return [x.sign() * gk]
            case 2:
                return [gk * (x / value).maskedFill(atZero, 0)]
            case .infinity:
                let magnitude = x.abs()
                let ties = magnitude.eq(value).float().maximum(magnitude.isNaN().float())
                return [x.sign() * (gk / ties.sum(dims: reduced, keepDim: true)) * ties]
            case ..<1:
                let scaled = x.sign() * x.abs().pow(p - 1).maskedFill(x.eq(0), 0)
                return [scaled * gk * value.pow(1 - p)]
            default:
                let scaled = p < 2 ? x.sign() * x.abs().pow(p - 1) : x * x.abs().pow(p - 2)
                return [scaled * (gk / value.pow(p - 1)).maskedFill(atZero, 0)]
            }
        }
    }
}
