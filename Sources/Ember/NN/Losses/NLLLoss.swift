/// Negative log-likelihood of class-index targets (`F.nll_loss`): row `i`'s loss is
/// `-weight[t] * input[i, t]` for its target `t`, 0 when `t == ignoreIndex`.
///
/// - Parameters:
///   - input: log-probabilities `[N, C]`, `[N, C, d1, ...]` or `[C]` (e.g. `logSoftmax`).
///   - target: int64 class indices shaped like `input` without its class dimension.
///   - weight: a float32 `[C]` rescaling weight per class.
///   - ignoreIndex: targets equal to it contribute neither loss nor gradient.
///   - reduction: `.mean` divides by the summed weight of the non-ignored targets.
public func nllLoss(
    _ input: Tensor, _ target: Tensor, weight: Tensor? = nil, ignoreIndex: Int = -100,
    reduction: Reduction = .mean
) -> Tensor {
    ClassIndexBatch(input: input, target: target, weight: weight, ignoreIndex: ignoreIndex, op: "NLLLoss")
        .negativeLogLikelihood(reduction: reduction)
}

extension ClassIndexBatch {
    /// Picks `-weight[t] * rows[i, t]` per row; the backward pass scatters the scaled
    /// `-weight[t]` back to those positions.
    func negativeLogLikelihood(reduction: Reduction) -> Tensor {
        let x = rows.detach().contiguous()
        let (m, c) = (x.shape[0], classCount)
        let rowLosses = Tensor.zeros(lossShape)  // ignored rows stay 0
        let px = x.floatPointer, pl = rowLosses.floatPointer
        forEachCountedRow { i, t, w in pl[i] = -w * px[i * c + t] }
        return Tensor.record("NllLossBackward", output: reduce(rowLosses, reduction), inputs: [rows]) { g in
            let (scales, step) = rowScales(g, reduction)
            let grad = Tensor.zeros([m, c])
            let ps = scales.floatPointer, pg = grad.floatPointer
            forEachCountedRow { i, t, w in pg[i * c + t] = -w * ps[i * step] }
            return [grad]
        }
    }

    /// Calls `body(row, target, weight of target)` for each row whose target is not ignored.
    private func forEachCountedRow(_ body: (Int, Int, Float) -> Void) {
        let t = targets.int64Pointer, w = weight?.floatPointer
        for i in 0..<targets.numel {
            let k = Int(t[i])
            if k != ignoreIndex { body(i, k, w?[k] ?? 1) }
        }
    }
}

/// `nn.NLLLoss`: `nllLoss` with its options stored.
public struct NLLLoss: LossFunction, Sendable {
    /// A float32 `[C]` rescaling weight per class.
    public var weight: Tensor?
    /// Targets equal to it are ignored.
    public var ignoreIndex: Int
    /// How per-sample losses are combined (`.mean` by default).
    public var reduction: Reduction

    /// A criterion with `nn.NLLLoss`'s arguments and defaults.
    public init(weight: Tensor? = nil, ignoreIndex: Int = -100, reduction: Reduction = .mean) {
        self.weight = weight
        self.ignoreIndex = ignoreIndex
        self.reduction = reduction
    }

    /// The loss of log-probabilities `input` against class indices `target` (see `nllLoss`).
    public func callAsFunction(_ input: Tensor, _ target: Tensor) -> Tensor {
        nllLoss(input, target, weight: weight, ignoreIndex: ignoreIndex, reduction: reduction)
    }
}
