/// Cross entropy between logits and targets (`F.cross_entropy`): log-softmax over the class
/// dimension followed by the negative log-likelihood, computed stably (logits of ±1000 give
/// finite losses and gradients).
///
/// - Parameters:
///   - input: unnormalised logits `[N, C]`, `[N, C, d1, ...]` or `[C]`.
///   - target: either int64 class indices shaped like `input` without its class dimension
///     (`[N]`, `[N, d1, ...]` or `[]`), each in `[0, C)` or equal to `ignoreIndex`; or
///     float32 class probabilities shaped like `input`.
///   - weight: a float32 `[C]` rescaling weight per class.
///   - ignoreIndex: class-index targets equal to it contribute neither loss nor gradient.
///   - reduction: `.mean` divides by the summed weight of the non-ignored targets (by the
///     number of samples `N * d1 * ...` for probability targets), as PyTorch does.
///   - labelSmoothing: in `[0, 1]`; mixes the target with the uniform distribution over
///     the classes, `(1 - labelSmoothing) * target + labelSmoothing / C`.
///
/// Class-index targets run as one fused op whose backward supports first-order gradients.
public func crossEntropy(
    _ input: Tensor, _ target: Tensor, weight: Tensor? = nil, ignoreIndex: Int = -100,
    reduction: Reduction = .mean, labelSmoothing: Float = 0
) -> Tensor {
    precondition(
        labelSmoothing >= 0 && labelSmoothing <= 1,
        "CrossEntropyLoss: labelSmoothing must be between 0.0 and 1.0, got \(labelSmoothing)")
    if target.dtype == .float32 {
        return crossEntropyWithProbabilities(
            input, target, weight: weight, reduction: reduction, labelSmoothing: labelSmoothing)
    }
    let batch = ClassIndexBatch(
        input: input, target: target, weight: weight, ignoreIndex: ignoreIndex, op: "CrossEntropyLoss")
    return batch.crossEntropy(reduction: reduction, labelSmoothing: labelSmoothing)
}

/// Cross entropy against class probabilities, composed of differentiable ops (so the target
/// gets a gradient too).
private func crossEntropyWithProbabilities(
    _ input: Tensor, _ target: Tensor, weight: Tensor?, reduction: Reduction, labelSmoothing: Float
) -> Tensor {
    precondition(
        input.ndim >= 1 && input.dtype == .float32 && target.shape == input.shape,
        "CrossEntropyLoss: class-probability targets must have the input's shape \(input.shape), got \(target.shape) (class-index targets must be int64)")
    let classDim = input.ndim == 1 ? 0 : 1
    let c = input.shape[classDim]
    let smoothed = labelSmoothing > 0 ? target * (1 - labelSmoothing) + labelSmoothing / Float(c) : target
    var logProbabilities = input.logSoftmax(dim: classDim)
    ClassIndexBatch.checkWeight(weight, classCount: c, op: "CrossEntropyLoss")
    if let weight {
        var broadcastShape = [Int](repeating: 1, count: input.ndim)
        broadcastShape[classDim] = c
        logProbabilities = logProbabilities * weight.reshape(broadcastShape)
    }
    return reduction.apply(-(logProbabilities * smoothed).sum(dim: classDim))
}

/// `nn.CrossEntropyLoss`: `crossEntropy` with its options stored.
public struct CrossEntropyLoss: LossFunction, Sendable {
    /// A float32 `[C]` rescaling weight per class.
    public var weight: Tensor?
    /// Class-index targets equal to it are ignored.
    public var ignoreIndex: Int
    /// How per-sample losses are combined (`.mean` by default).
    public var reduction: Reduction
    /// Label smoothing in `[0, 1]`.
    public var labelSmoothing: Float

    /// A criterion with `nn.CrossEntropyLoss`'s arguments and defaults.
    public init(weight: Tensor? = nil, ignoreIndex: Int = -100, reduction: Reduction = .mean, labelSmoothing: Float = 0) {
        self.weight = weight
        self.ignoreIndex = ignoreIndex
        self.reduction = reduction
        self.labelSmoothing = labelSmoothing
    }

    /// The loss of logits `input` against `target` (see `crossEntropy`).
    public func callAsFunction(_ input: Tensor, _ target: Tensor) -> Tensor {
        crossEntropy(
            input, target, weight: weight, ignoreIndex: ignoreIndex, reduction: reduction,
            labelSmoothing: labelSmoothing)
    }
}
