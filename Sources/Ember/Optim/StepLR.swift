/// Multiplies the learning rates by `gamma` every `stepSize` epochs, like
/// `torch.optim.lr_scheduler.StepLR`: lr = initial_lr * gamma^(epoch / stepSize).
public final class StepLR: LRScheduler {
    /// Epochs between decays (`step_size`).
    public let stepSize: Int
    /// Factor applied at each decay.
    public let gamma: Float

    /// Decays `optimizer`'s learning rates by `gamma` every `stepSize` epochs.
    public init(_ optimizer: Optimizer, stepSize: Int, gamma: Float = 0.1) {
        precondition(stepSize >= 1, "StepLR: step_size must be at least 1, got \(stepSize)")
        self.stepSize = stepSize
        self.gamma = gamma
        super.init(optimizer)
    }

    /// The current rates times `gamma` at every `stepSize`-th epoch, unchanged otherwise.
    public override func getLR() -> [Double] {
        if lastEpoch == 0 || lastEpoch % stepSize != 0 { return currentLRs }
        return currentLRs.map { $0 * Double(decimal: gamma) }
    }
}
