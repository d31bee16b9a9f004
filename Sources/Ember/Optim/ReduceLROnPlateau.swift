/// Reduces the learning rates when a metric has stopped improving, like
/// `torch.optim.lr_scheduler.ReduceLROnPlateau`. Call `step(_:)` once per epoch with the
/// validation metric:
///
/// ```swift
/// let scheduler = ReduceLROnPlateau(optimizer, mode: .min, patience: 3)
/// for epoch in 0..<50 {
///     train(...)
///     scheduler.step(validationLoss)
/// }
/// ```
///
/// After more than `patience` epochs without improvement each learning rate is multiplied
/// by `factor` (not below its minimum), then `cooldown` epochs pass before bad epochs
/// count again.
public final class ReduceLROnPlateau {
    /// Whether the metric should go down (a loss) or up (an accuracy).
    public enum Mode: Sendable {
        /// `.min`: lower is better (a loss); `.max`: higher is better (an accuracy).
        case min, max
    }

    /// How `threshold` defines a significant improvement over the best value so far.
    public enum ThresholdMode: Sendable {
        /// best * (1 ∓ threshold)
        case rel
        /// best ∓ threshold
        case abs
    }

    /// The optimizer whose learning rates are reduced.
    public let optimizer: Optimizer
    /// Whether lower (`.min`) or higher (`.max`) metrics are better.
    public let mode: Mode
    /// Whether `threshold` is relative or absolute.
    public let thresholdMode: ThresholdMode
    /// Factor applied to a learning rate at each reduction.
    public var factor: Float
    /// Epochs without improvement tolerated before a reduction.
    public var patience: Int
    /// Smallest significant improvement (see `thresholdMode`).
    public var threshold: Float
    /// Epochs to wait after a reduction before counting bad epochs again.
    public var cooldown: Int
    /// The lowest learning rate of every group, unless `minLRs` is set.
    public var minLR: Float
    /// Per-group lowest learning rates, overriding `minLR` (one value per group).
    public var minLRs: [Float]?
    /// Reductions smaller than this are skipped.
    public var eps: Float
    /// The best metric so far (`best`); starts at the worst value for the mode.
    public private(set) var best: Float
    /// Consecutive epochs without improvement (`num_bad_epochs`).
    public private(set) var numBadEpochs = 0
    /// Epochs of cooldown left (`cooldown_counter`).
    public private(set) var cooldownCounter = 0
    /// Epochs stepped so far (`last_epoch`).
    public private(set) var lastEpoch = 0
    /// The learning rates after the latest step, one per group (`get_last_lr()`).
    public private(set) var lastLR: [Double]

    /// Watches a metric for `optimizer`; the arguments are PyTorch's, with `minLR` the floor
    /// of every group (set `minLRs` for one per group).
    public init(
        _ optimizer: Optimizer, mode: Mode = .min, factor: Float = 0.1, patience: Int = 10,
        threshold: Float = 1e-4, thresholdMode: ThresholdMode = .rel, cooldown: Int = 0,
        minLR: Float = 0, eps: Float = 1e-8
    ) {
        precondition(factor < 1, "ReduceLROnPlateau: Factor should be < 1.0.")
        self.optimizer = optimizer
        self.mode = mode
        self.factor = factor
        self.patience = patience
        self.threshold = threshold
        self.thresholdMode = thresholdMode
        self.cooldown = cooldown
        self.minLR = minLR
        self.eps = eps
        self.best = mode == .min ? .infinity : -.infinity
        self.lastLR = optimizer.paramGroups.map(\.lr)
    }

    /// Records one epoch's metric and reduces the learning rates if it has plateaued.
    public func step(_ metric: Float) {
        lastEpoch += 1
        if isBetter(metric) {
            best = metric
            numBadEpochs = 0
        } else {
            numBadEpochs += 1
        }
        if cooldownCounter > 0 {
            cooldownCounter -= 1
            numBadEpochs = 0  // bad epochs during cooldown do not count
        }
        if numBadEpochs > patience {
            reduceLRs()
            cooldownCounter = cooldown
            numBadEpochs = 0
        }
        lastLR = optimizer.paramGroups.map(\.lr)
    }

    /// The learning rates after the latest step (`get_last_lr()`).
    public func getLastLR() -> [Double] { lastLR }

    /// PyTorch's comparison, in Python float arithmetic.
    private func isBetter(_ metric: Float) -> Bool {
        let (value, best, threshold) = (Double(metric), Double(best), Double(decimal: threshold))
        return switch (mode, thresholdMode) {
        case (.min, .rel): value < best * (1 - threshold)
        case (.min, .abs): value < best - threshold
        case (.max, .rel): value > best * (threshold + 1)
        case (.max, .abs): value > best + threshold
        }
    }

    private func reduceLRs() {
        let groups = optimizer.paramGroups.count
        if let minLRs {
            precondition(
                minLRs.count == groups,
                "ReduceLROnPlateau: minLRs has \(minLRs.count) values for \(groups) parameter groups; update minLRs after adding a group")
        }
        for g in 0..<groups {
            let old = optimizer.paramGroups[g].number("lr")
            let new = Swift.max(old * Double(decimal: factor), Double(decimal: minLRs?[g] ?? minLR))
            if old - new > Double(decimal: eps) { optimizer.paramGroups[g]["lr"] = .number(new) }
        }
    }

    // MARK: State dict

    /// The scheduler's progress (`best`, `num_bad_epochs`, `cooldown_counter`,
    /// `last_epoch`, `_last_lr`, with PyTorch's names); settings come from the constructor.
    public func stateDict() -> [String: Tensor] {
        ["best": Tensor(best), "num_bad_epochs": StateDictCoding.tensor(count: numBadEpochs),
         "cooldown_counter": StateDictCoding.tensor(count: cooldownCounter),
         "last_epoch": StateDictCoding.tensor(count: lastEpoch), "_last_lr": StateDictCoding.tensor(lastLR)]
    }

    /// Restores progress saved by `stateDict()`; throws `OptimizerStateError` naming the
    /// key when an entry is missing, does not fit the optimizer's groups, or holds a value
    /// no scheduler saves (a negative learning rate or counter).
    public func loadStateDict(_ dict: [String: Tensor]) throws {
        let reader = StateDictReader(dict)
        let best = try reader.float("best")
        let bad = try reader.count("num_bad_epochs")
        let cooldown = try reader.count("cooldown_counter")
        let epoch = try reader.count("last_epoch")
        let last = try reader.learningRates("_last_lr", count: optimizer.paramGroups.count)
        (self.best, numBadEpochs, cooldownCounter, lastEpoch, lastLR) = (best, bad, cooldown, epoch, last)
    }
}
