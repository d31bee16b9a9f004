import Foundation

/// Anneals the learning rates from their initial values to `etaMin` along half a cosine
/// over `tMax` epochs, then back up, like `torch.optim.lr_scheduler.CosineAnnealingLR`:
///
///     lr = etaMin + (initial_lr - etaMin) * (1 + cos(pi * epoch / tMax)) / 2
///
/// computed, as PyTorch does, recursively from the current learning rates, so changes made
/// to them by other code carry through.
public final class CosineAnnealingLR: LRScheduler {
    /// Epochs of half a period (`T_max`).
    public let tMax: Int
    /// The lowest learning rate (`eta_min`).
    public let etaMin: Float

    /// Anneals `optimizer`'s learning rates to `etaMin` over `tMax` epochs.
    public init(_ optimizer: Optimizer, tMax: Int, etaMin: Float = 0) {
        precondition(tMax >= 1, "CosineAnnealingLR: T_max must be at least 1, got \(tMax)")
        self.tMax = tMax
        self.etaMin = etaMin
        super.init(optimizer)
    }

    /// The next point of the cosine schedule, from the current rates as PyTorch computes it.
    public override func getLR() -> [Double] {
        if isInitial { return currentLRs }
        let epoch = Double(lastEpoch), period = Double(tMax), etaMin = Double(decimal: etaMin)
        if (lastEpoch - 1 - tMax) % (2 * tMax) == 0 {
            return zip(initialLRs, currentLRs).map { base, lr in
                lr + (base - etaMin) * (1 - cos(Double.pi / period)) / 2
            }
        }
        let ratio = (1 + cos(Double.pi * epoch / period)) / (1 + cos(Double.pi * (epoch - 1) / period))
        return currentLRs.map { lr in ratio * (lr - etaMin) + etaMin }
    }
}
