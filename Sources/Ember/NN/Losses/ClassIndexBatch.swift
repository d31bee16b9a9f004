/// Class-index targets checked against scores of shape `[N, C, d1, ...]` (or `[C]` for one
/// sample), with the scores laid out as rows `[M, C]` (classes last) and the targets as
/// `[M]`: the form `crossEntropy` and `nllLoss` both compute on.
struct ClassIndexBatch {
    /// The scores as `[M, C]`, a differentiable view (or copy) of the input.
    let rows: Tensor
    /// The targets as contiguous int64 `[M]`, each in `[0, C)` or equal to `ignoreIndex`.
    let targets: Tensor
    let classCount: Int
    /// The shape of the unreduced loss: the target's shape.
    let lossShape: [Int]
    /// The class weights as contiguous float32 `[C]`.
    let weight: Tensor?
    let ignoreIndex: Int
    /// The summed weight of the targets that are not ignored (their count without class
    /// weights): what `.mean` divides by, as in PyTorch.
    let totalWeight: Float

    init(input: Tensor, target: Tensor, weight: Tensor?, ignoreIndex: Int, op: String) {
        precondition(
            input.ndim >= 1 && input.dtype == .float32,
            "\(op): expected float32 input of shape [N, C, *] or [C], got \(input.dtype) of shape \(input.shape)")
        let classDim = input.ndim == 1 ? 0 : 1
        let c = input.shape[classDim]
        var expected = input.shape
        expected.remove(at: classDim)
        precondition(
            target.dtype == .int64 && target.shape == expected,
            "\(op): expected int64 class indices of shape \(expected) for input of shape \(input.shape), got a \(target.dtype) target of shape \(target.shape)")
        ClassIndexBatch.checkWeight(weight, classCount: c, op: op)
        switch input.ndim {
        case 1: rows = input.reshape([1, c])
        case 2: rows = input
        default: rows = input.permute([0] + Array(2..<input.ndim) + [1]).reshape([-1, c])
        }
        targets = (target.ndim == 1 ? target : target.reshape([-1])).contiguous()
        classCount = c
        lossShape = expected
        self.weight = weight?.contiguous()
        self.ignoreIndex = ignoreIndex

        let t = targets.int64Pointer, w = self.weight?.floatPointer
        var total = 0.0
        for i in 0..<targets.numel {
            let k = Int(t[i])
            if k == ignoreIndex { continue }
            precondition(k >= 0 && k < c, "\(op): target \(k) is out of bounds: class indices must be in [0, \(c)) or equal ignoreIndex (\(ignoreIndex))")
            total += Double(w?[k] ?? 1)
        }
        totalWeight = Float(total)
    }

    /// Stops unless `weight` is absent or float32 `[classCount]`.
    static func checkWeight(_ weight: Tensor?, classCount: Int, op: String) {
        guard let weight else { return }
        precondition(
            weight.dtype == .float32 && weight.shape == [classCount],
            "\(op): weight should be float32 with one value per class, shape [\(classCount)], got \(weight.dtype) of shape \(weight.shape)")
    }

    /// The reduced loss from per-row losses (shaped `lossShape`), as `nll_loss` reduces:
    /// `.mean` divides the sum by `totalWeight`. Not recorded; the caller records its op.
    func reduce(_ rowLosses: Tensor, _ reduction: Reduction) -> Tensor {
        if reduction == .none { return rowLosses }
        let p = rowLosses.floatPointer
        var sum = 0.0
        for i in 0..<rowLosses.numel { sum += Double(p[i]) }
        return Tensor(Float(reduction == .mean ? sum / Double(totalWeight) : sum))
    }

    /// What each row's loss gradient is multiplied by, given the gradient `g` of the reduced
    /// loss: one factor per row for `.none` (step 1), one shared factor otherwise (step 0).
    func rowScales(_ g: Tensor, _ reduction: Reduction) -> (scales: Tensor, step: Int) {
        switch reduction {
        case .none: (g.reshape([-1]).contiguous(), 1)
        case .sum: (Tensor([g.item()]), 0)
        case .mean: (Tensor([g.item() / totalWeight]), 0)
        }
    }
}
