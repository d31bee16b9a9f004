/// Multiplies the learning rates by `gamma` every epoch, like
/// `torch.optim.lr_scheduler.ExponentialLR`: lr = initial_lr * gamma^epoch.
public final class ExponentialLR: LRScheduler {
    /// Factor applied every epoch.
    public let gamma: Float

    /// Decays `optimizer`'s learning rates by `gamma` every epoch.
    public init(_ optimizer: Optimizer, gamma: Float) {
        self.gamma = gamma
        super.init(optimizer)
    }

    /// The current rates times `gamma` (unchanged at the initial step).
    public override func getLR() -> [Double] {
        isInitial ? currentLRs : currentLRs.map { $0 * Double(decimal: gamma) }
    }
}
