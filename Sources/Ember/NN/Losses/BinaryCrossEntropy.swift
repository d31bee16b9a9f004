/// Binary cross entropy between probabilities and targets (`F.binary_cross_entropy`):
/// `-weight * (y * log(x) + (1 - y) * log(1 - x))` per element, each log clamped to at
/// least -100 as PyTorch does, so `x` of exactly 0 or 1 gives a finite loss.
///
/// - Parameters:
///   - input: probabilities in `[0, 1]` (e.g. after `sigmoid`).
///   - target: float32 of the input's shape, usually 0 or 1.
///   - weight: a rescaling weight per element, broadcast to the input's shape.
///   - reduction: how the per-element losses are combined (`.mean` by default).
public func binaryCrossEntropy(
    _ input: Tensor, _ target: Tensor, weight: Tensor? = nil, reduction: Reduction = .mean
) -> Tensor {
    let op = "BCELoss"
    ElementwiseLossChecks.pair(input, target, op: op)
    ElementwiseLossChecks.broadcastable(weight, named: "weight", to: input.shape, op: op)
    let (x, y) = (input.detach(), target.detach())
    precondition(
        withNoGrad { x.ge(Tensor(0)).all() && x.le(Tensor(1)).all() },
        "\(op): all elements of input should be between 0 and 1; for logits use binaryCrossEntropyWithLogits (BCEWithLogitsLoss)")
    let loss = withNoGrad {
        -(y * x.log().clamp(min: -100) + (1 - y) * (1 - x).log().clamp(min: -100))
    }
    let (needInput, needTarget) = (input.requiresGrad, target.requiresGrad)
    let recorded = Tensor.record("BinaryCrossEntropyBackward", output: loss, inputs: [input, target]) { g in
        // PyTorch's formulas: the input's denominator is kept away from 0, the target's
        // gradient (-logit(x)) is not clamped.
        [needInput ? g * (x - y) / ((1 - x) * x).clamp(min: 1e-12) : nil,
         needTarget ? g * ((1 - x).log() - x.log()) : nil]
    }
    return reduction.apply(weight.map { recorded * $0 } ?? recorded)
}

/// Binary cross entropy on logits (`F.binary_cross_entropy_with_logits`): sigmoid and
/// binary cross entropy in one stable expression,
/// `(1 - y) * x + (1 + (posWeight - 1) * y) * log(1 + exp(-x))`, finite for any logit.
///
/// - Parameters:
///   - input: logits.
///   - target: float32 of the input's shape, in `[0, 1]`.
///   - weight: a rescaling weight per element, broadcast to the input's shape.
///   - posWeight: a weight of positive examples, broadcast along the trailing (class)
///     dimension, e.g. `[C]` for `[N, C]` input: `negatives / positives` balances a class.
///   - reduction: how the per-element losses are combined (`.mean` by default).
public func binaryCrossEntropyWithLogits(
    _ input: Tensor, _ target: Tensor, weight: Tensor? = nil, posWeight: Tensor? = nil,
    reduction: Reduction = .mean
) -> Tensor {
    let op = "BCEWithLogitsLoss"
    ElementwiseLossChecks.pair(input, target, op: op)
    ElementwiseLossChecks.broadcastable(weight, named: "weight", to: input.shape, op: op)
    ElementwiseLossChecks.broadcastable(posWeight, named: "posWeight", to: input.shape, op: op)
    let negativeLogSigmoid = (-input).softplus()  // log(1 + exp(-x)), linear for large -x
    let logWeight = posWeight.map { ($0 - 1) * target + 1 }
    let loss = (1 - target) * input + (logWeight.map { $0 * negativeLogSigmoid } ?? negativeLogSigmoid)
    return reduction.apply(weight.map { loss * $0 } ?? loss)
}

/// `nn.BCELoss`.
public struct BCELoss: LossFunction, Sendable {
    /// A rescaling weight per element, broadcast to the input's shape.
    public var weight: Tensor?
    /// How per-element losses are combined (`.mean` by default).
    public var reduction: Reduction
    /// A criterion with `nn.BCELoss`'s arguments and defaults.
    public init(weight: Tensor? = nil, reduction: Reduction = .mean) {
        self.weight = weight
        self.reduction = reduction
    }
    /// See `binaryCrossEntropy`.
    public func callAsFunction(_ input: Tensor, _ target: Tensor) -> Tensor {
        binaryCrossEntropy(input, target, weight: weight, reduction: reduction)
    }
}

/// `nn.BCEWithLogitsLoss`.
public struct BCEWithLogitsLoss: LossFunction, Sendable {
    /// A rescaling weight per element, broadcast to the input's shape.
    public var weight: Tensor?
    /// A weight of positive examples per class, broadcast along the trailing dimension.
    public var posWeight: Tensor?
    /// How per-element losses are combined (`.mean` by default).
    public var reduction: Reduction
    /// A criterion with `nn.BCEWithLogitsLoss`'s arguments and defaults.
    public init(weight: Tensor? = nil, reduction: Reduction = .mean, posWeight: Tensor? = nil) {
        self.weight = weight
        self.reduction = reduction
        self.posWeight = posWeight
    }
    /// See `binaryCrossEntropyWithLogits`.
    public func callAsFunction(_ input: Tensor, _ target: Tensor) -> Tensor {
        binaryCrossEntropyWithLogits(input, target, weight: weight, posWeight: posWeight, reduction: reduction)
    }
}
