import CEmberKernels

/// Elementwise math: `neg abs exp log sqrt rsqrt sin cos sign clamp square reciprocal`.
extension Tensor {
    /// `-x` elementwise (`torch.neg`).
    public func neg() -> Tensor {
        Tensor.record("NegBackward", output: UnaryKernels.apply(EMBER_UNARY_NEG, self), inputs: [self]) { g in [g.neg()] }
    }
    /// `|x|` elementwise (`torch.abs`).
    public func abs() -> Tensor { unary(EMBER_UNARY_ABS, "AbsBackward", saving: .input) }
    /// `e^x` elementwise (`torch.exp`).
    public func exp() -> Tensor { unary(EMBER_UNARY_EXP, "ExpBackward", saving: .output) }
    /// The natural logarithm, elementwise (`torch.log`).
    public func log() -> Tensor { unary(EMBER_UNARY_LOG, "LogBackward", saving: .input) }
    /// The square root, elementwise (`torch.sqrt`).
    public func sqrt() -> Tensor { unary(EMBER_UNARY_SQRT, "SqrtBackward", saving: .output) }
    /// `1 / sqrt(x)` elementwise (`torch.rsqrt`).
    public func rsqrt() -> Tensor { unary(EMBER_UNARY_RSQRT, "RsqrtBackward", saving: .output) }
    /// The sine, elementwise (`torch.sin`).
    public func sin() -> Tensor { unary(EMBER_UNARY_SIN, "SinBackward", saving: .input) }
    /// The cosine, elementwise (`torch.cos`).
    public func cos() -> Tensor { unary(EMBER_UNARY_COS, "CosBackward", saving: .input) }
    /// -1, 0 or 1; its gradient is zero.
    public func sign() -> Tensor { unary(EMBER_UNARY_SIGN, "SignBackward", saving: .none) }
    /// `x * x` elementwise (`torch.square`).
    public func square() -> Tensor { unary(EMBER_UNARY_SQUARE, "PowBackward", saving: .input) }
    /// `1 / x` elementwise (`torch.reciprocal`).
    public func reciprocal() -> Tensor { unary(EMBER_UNARY_RECIPROCAL, "ReciprocalBackward", saving: .output) }

    /// Limits values to [min, max]; either bound may be omitted (`torch.clamp`).
    public func clamp(min: Float? = nil, max: Float? = nil) -> Tensor {
        precondition(min != nil || max != nil, "clamp: at least one of 'min' or 'max' must not be None")
        return unary(EMBER_UNARY_CLAMP, "ClampBackward", saving: .input, min ?? -.infinity, max ?? .infinity)
    }
}
