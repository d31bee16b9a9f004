import CEmberKernels

/// Cross entropy with class-index targets as one recorded op over fused kernels: the
/// forward pass computes each row's log-sum-exp and picks the target, the backward pass
/// writes `softmax - onehot` (with class weights and label smoothing) scaled by the
/// upstream gradient. This is the loss of every classification training step, so it
/// allocates only the loss, two floats per row and the gradient.
///
/// The backward pass is a kernel, so it supports first-order gradients only.
extension ClassIndexBatch {
    func crossEntropy(reduction: Reduction, labelSmoothing: Float) -> Tensor {
        let x = rows.detach().contiguous()
        let (m, c) = (x.shape[0], classCount)
        let rowLosses = Tensor(uninitialized: lossShape)
        let stats = Tensor(uninitialized: [2, m])  // row maxima, then log-sums of exp
        let ignore = Int64(ignoreIndex)
        do {
            let px = x.floatPointer, pt = targets.int64Pointer, pw = weight?.floatPointer
            let pl = rowLosses.floatPointer, pmax = stats.floatPointer
            ClassIndexBatch.overRows(m, c) { r in
                ember_cross_entropy_forward_f32(
                    px, pt, pw, Int64(c), ignore, labelSmoothing, Int64(r.lowerBound), Int64(r.upperBound),
                    pl, pmax, pmax + m)
            }
        }
        return Tensor.record("CrossEntropyLossBackward", output: reduce(rowLosses, reduction), inputs: [rows]) { g in
            let (scales, step) = rowScales(g, reduction)
            let grad = Tensor(uninitialized: [m, c])
            let px = x.floatPointer, pt = targets.int64Pointer, pw = weight?.floatPointer
            let pmax = stats.floatPointer, ps = scales.floatPointer, pg = grad.floatPointer
            ClassIndexBatch.overRows(m, c) { r in
                ember_cross_entropy_backward_f32(
                    px, pt, pw, Int64(c), ignore, labelSmoothing, pmax, pmax + m, ps, Int64(step),
                    Int64(r.lowerBound), Int64(r.upperBound), pg)
            }
            return [grad]
        }
    }

    /// Runs `body` over row ranges of `[rows, c]` work, split across threads when large
    /// (each element costs an exp, hence the smaller grain than plain elementwise loops).
    private static func overRows(_ rows: Int, _ c: Int, _ body: (Range<Int>) -> Void) {
        parallelFor(rows, grain: Swift.max(1, elementwiseGrain / 4 / Swift.max(c, 1)), body)
    }
}
