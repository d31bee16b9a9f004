import CEmberKernels

/// Activation functions as tensor methods (the `nn` layers wrap these).
extension Tensor {
    public func relu() -> Tensor { unary(EMBER_UNARY_RELU, "ReluBackward", saving: .input) }

    public func leakyRelu(negativeSlope: Float = 0.01) -> Tensor {
        unary(EMBER_UNARY_LEAKY_RELU, "LeakyReluBackward", saving: .input, negativeSlope)
    }

    public func sigmoid() -> Tensor { unary(EMBER_UNARY_SIGMOID, "SigmoidBackward", saving: .output) }

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
