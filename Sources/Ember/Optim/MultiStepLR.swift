import Foundation

/// Multiplies the learning rates by `gamma` at each milestone epoch, like
/// `torch.optim.lr_scheduler.MultiStepLR`; a milestone listed n times applies gamma^n.
public final class MultiStepLR: LRScheduler {
    /// Epochs at which the learning rates decay.
    public let milestones: [Int]
    /// Factor applied at each milestone.
    public let gamma: Float

    /// Decays `optimizer`'s learning rates by `gamma` at each of the `milestones` epochs.
    public init(_ optimizer: Optimizer, milestones: [Int], gamma: Float = 0.1) {
        self.milestones = milestones.sorted()
        self.gamma = gamma
        super.init(optimizer)
    }

    /// The current rates times `gamma` once for each time `milestones` lists `lastEpoch`.
    public override func getLR() -> [Double] {
        let hits = milestones.filter { $0 == lastEpoch }.count
        if hits == 0 { return currentLRs }
        return currentLRs.map { $0 * pow(Double(decimal: gamma), Double(hits)) }
    }
}
