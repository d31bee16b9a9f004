/// How a loss combines its per-element values (`reduction=` in PyTorch).
public enum Reduction: Sendable {
    /// Per-element losses, shaped like the target.
    case none
    /// Their mean (PyTorch's default). Losses with class weights divide by the total weight.
    case mean
    /// Their sum.
    case sum

    /// Applies the reduction to per-element losses, as a differentiable op.
    func apply(_ loss: Tensor) -> Tensor {
        switch self {
        case .none: loss
        case .mean: loss.mean()
        case .sum: loss.sum()
        }
    }
}

/// A loss criterion: `criterion(output, target)` gives the loss, like an `nn` loss module.
public protocol LossFunction {
    /// The loss of `input` (the model's output) against `target`.
    func callAsFunction(_ input: Tensor, _ target: Tensor) -> Tensor
}
