import CEmberKernels

/// Activation functions as tensor methods (the `nn` layers wrap these).
extension Tensor {
    /// `max(0, x)` elementwise (`torch.relu`, `F.relu`).
    ///
    /// The backward reads the output, as PyTorch's does (`y > 0` exactly where `x > 0`): the
    /// input, often a batch norm's output, is then free once nothing else needs it.
    public func relu() -> Tensor { unary(EMBER_UNARY_RELU, "ReluBackward", saving: .output) }

    /// `min(max(0, x), 6)` (`F.relu6`); the gradient is 0 at and beyond both bounds.
    public func relu6() -> Tensor { hardtanh(minVal: 0, maxVal: 6) }

    /// `x` limited to `[minVal, maxVal]` (`F.hardtanh`). Unlike `clamp`, NaN passes its
    /// gradient; at and beyond either bound the gradient is 0, as in PyTorch.
    public func hardtanh(minVal: Float = -1, maxVal: Float = 1) -> Tensor {
        precondition(maxVal >= minVal, "hardtanh: max_val (\(maxVal)) must be greater than or equal to min_val (\(minVal))")
        // The output decides the gradient as well as the input does (see relu()).
        return unary(EMBER_UNARY_HARDTANH, "HardtanhBackward", saving: .output, minVal, maxVal)
    }

    /// `x` where positive, `negativeSlope * x` elsewhere (`F.leaky_relu`).
    public func leakyRelu(negativeSlope: Float = 0.01) -> Tensor {
        unary(EMBER_UNARY_LEAKY_RELU, "LeakyReluBackward", saving: .input, negativeSlope)
    }

    /// `1 / (1 + exp(-x))` elementwise (`torch.sigmoid`).
    public func sigmoid() -> Tensor { unary(EMBER_UNARY_SIGMOID, "SigmoidBackward", saving: .output) }

    /// The hyperbolic tangent, elementwise (`torch.tanh`).
    public func tanh() -> Tensor { unary(EMBER_UNARY_TANH, "TanhBackward", saving: .output) }

    /// `log(1 + exp(beta * x)) / beta`, linear above `threshold` (`F.softplus`).
    public func softplus(beta: Float = 1, threshold: Float = 20) -> Tensor {
        unary(EMBER_UNARY_SOFTPLUS, "SoftplusBackward", saving: .input, beta, threshold)
    }

    /// How `gelu` is computed.
    public enum GELUApproximation: Sendable { case none, tanh }

    /// Gaussian error linear unit, exact or with the tanh approximation (`F.gelu`).
    public func gelu(approximate: GELUApproximation = .none) -> Tensor {
        approximate == .none
            ? unary(EMBER_UNARY_GELU, "GeluBackward", saving: .input)
            : unary(EMBER_UNARY_GELU_TANH, "GeluBackward", saving: .input)
    }
}
