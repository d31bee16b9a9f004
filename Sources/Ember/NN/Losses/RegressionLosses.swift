/// Mean squared error `(input - target)^2` per element (`F.mse_loss`). Shapes must match.
public func mseLoss(_ input: Tensor, _ target: Tensor, reduction: Reduction = .mean) -> Tensor {
    ElementwiseLossChecks.pair(input, target, op: "MSELoss")
    return reduction.apply((input - target).square())
}

/// Mean absolute error `|input - target|` per element (`F.l1_loss`). Shapes must match.
public func l1Loss(_ input: Tensor, _ target: Tensor, reduction: Reduction = .mean) -> Tensor {
    ElementwiseLossChecks.pair(input, target, op: "L1Loss")
    return reduction.apply((input - target).abs())
}

/// `0.5 * z^2 / beta` where `z = |input - target| < beta`, `z - 0.5 * beta` elsewhere
/// (`F.smooth_l1_loss`); `beta` 0 is the L1 loss. Shapes must match.
public func smoothL1Loss(_ input: Tensor, _ target: Tensor, reduction: Reduction = .mean, beta: Float = 1) -> Tensor {
    ElementwiseLossChecks.pair(input, target, op: "SmoothL1Loss")
    precondition(beta >= 0, "SmoothL1Loss: beta must be non-negative, got \(beta)")
    if beta == 0 { return reduction.apply((input - target).abs()) }
    // Smooth L1 with beta is the Huber loss with delta = beta, divided by beta.
    return reduction.apply(huberTerms(input - target, delta: beta) / beta)
}

/// `0.5 * z^2` where `z = |input - target| < delta`, `delta * (z - 0.5 * delta)` elsewhere
/// (`F.huber_loss`). Shapes must match.
public func huberLoss(_ input: Tensor, _ target: Tensor, reduction: Reduction = .mean, delta: Float = 1) -> Tensor {
    ElementwiseLossChecks.pair(input, target, op: "HuberLoss")
    precondition(delta > 0, "HuberLoss: delta must be positive, got \(delta)")
    return reduction.apply(huberTerms(input - target, delta: delta))
}

/// The unreduced Huber loss of differences `d`: quadratic inside `delta`, linear outside.
private func huberTerms(_ d: Tensor, delta: Float) -> Tensor {
    let z = d.abs()
    return Tensor.where(z.lt(Tensor(delta)), z.square() * 0.5, (z - 0.5 * delta) * delta)
}

/// `nn.MSELoss`.
public struct MSELoss: LossFunction, Sendable {
    /// How per-element losses are combined (`.mean` by default).
    public var reduction: Reduction
    /// A criterion with `nn.MSELoss`'s arguments and defaults.
    public init(reduction: Reduction = .mean) { self.reduction = reduction }
    /// See `mseLoss`.
    public func callAsFunction(_ input: Tensor, _ target: Tensor) -> Tensor {
        mseLoss(input, target, reduction: reduction)
    }
}

/// `nn.L1Loss`.
public struct L1Loss: LossFunction, Sendable {
    /// How per-element losses are combined (`.mean` by default).
    public var reduction: Reduction
    /// A criterion with `nn.L1Loss`'s arguments and defaults.
    public init(reduction: Reduction = .mean) { self.reduction = reduction }
    /// See `l1Loss`.
    public func callAsFunction(_ input: Tensor, _ target: Tensor) -> Tensor {
        l1Loss(input, target, reduction: reduction)
    }
}

/// `nn.SmoothL1Loss`.
public struct SmoothL1Loss: LossFunction, Sendable {
    /// How per-element losses are combined (`.mean` by default).
    public var reduction: Reduction
    /// Where the loss turns from quadratic to linear.
    public var beta: Float
    /// A criterion with `nn.SmoothL1Loss`'s arguments and defaults.
    public init(reduction: Reduction = .mean, beta: Float = 1) {
        self.reduction = reduction
        self.beta = beta
    }
    /// See `smoothL1Loss`.
    public func callAsFunction(_ input: Tensor, _ target: Tensor) -> Tensor {
        smoothL1Loss(input, target, reduction: reduction, beta: beta)
    }
}

/// `nn.HuberLoss`.
public struct HuberLoss: LossFunction, Sendable {
    /// How per-element losses are combined (`.mean` by default).
    public var reduction: Reduction
    /// Where the loss turns from quadratic to linear.
    public var delta: Float
    /// A criterion with `nn.HuberLoss`'s arguments and defaults.
    public init(reduction: Reduction = .mean, delta: Float = 1) {
        self.reduction = reduction
        self.delta = delta
    }
    /// See `huberLoss`.
    public func callAsFunction(_ input: Tensor, _ target: Tensor) -> Tensor {
        huberLoss(input, target, reduction: reduction, delta: delta)
    }
}
