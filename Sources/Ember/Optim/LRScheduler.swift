/// Base class of the schedulers that change the learning rates once per epoch, like
/// `torch.optim.lr_scheduler.LRScheduler`. Call `step()` after the epoch's
/// `optimizer.step()` calls:
///
/// ```swift
/// let scheduler = StepLR(optimizer, stepSize: 7, gamma: 0.1)
/// for epoch in 0..<25 {
///     train(...)             // optimizer.step() per batch
///     scheduler.step()
/// }
/// ```
///
/// Building a scheduler records each group's `initial_lr` (unless a scheduler already did)
/// and performs the initial step to epoch 0, as in PyTorch. Subclasses override `getLR()`.
open class LRScheduler {
    /// The optimizer whose learning rates are scheduled.
    public let optimizer: Optimizer
    /// Each group's `initial_lr` in double precision, the start of the schedule.
    public internal(set) var initialLRs: [Double]
    /// The epoch the current learning rates belong to (`last_epoch`); 0 after construction.
    public internal(set) var lastEpoch = -1
    /// The learning rates set by the latest step, one per group (`get_last_lr()`).
    public internal(set) var lastLR: [Double] = []
    /// True only during the initial step made by the constructor (`_is_initial`).
    public private(set) var isInitial = false
    /// Steps taken, the initial one included (`_step_count`).
    private var stepCount = 0

    /// Attaches to `optimizer` and sets the learning rates of epoch 0.
    public init(_ optimizer: Optimizer) {
        self.optimizer = optimizer
        for g in optimizer.paramGroups.indices where optimizer.paramGroups[g]["initial_lr"] == nil {
            optimizer.paramGroups[g]["initial_lr"] = optimizer.paramGroups[g]["lr"]
        }
        initialLRs = optimizer.paramGroups.map { $0.number("initial_lr") }
        isInitial = true
        step()
        isInitial = false
    }

    /// Each group's `initial_lr` (`base_lrs`).
    public var baseLRs: [Double] { initialLRs }

    /// The groups' learning rates as they are now, in double precision.
    public var currentLRs: [Double] { optimizer.paramGroups.map { $0.number("lr") } }

    /// The learning rates for `lastEpoch`, one per group, in double precision: computed
    /// from `currentLRs` (PyTorch's recursive form) or from `initialLRs`.
    open func getLR() -> [Double] {
        preconditionFailure("\(type(of: self)) must override getLR()")
    }

    /// Advances one epoch and sets the groups' learning rates.
    public func step() {
        if stepCount == 1 && optimizer.stepCount == 0 {
            UserWarning.emit(
                "Detected call of `lr_scheduler.step()` before `optimizer.step()`. In PyTorch 1.1.0 and later, you should call them in the opposite order: `optimizer.step()` before `lr_scheduler.step()`.  Failure to do this will result in PyTorch skipping the first value of the learning rate schedule. See more details at https://pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate")
        }
        stepCount += 1
        lastEpoch += 1
        let values = getLR()
        precondition(
            values.count == optimizer.paramGroups.count,
            "\(type(of: self)): \(values.count) learning rates for \(optimizer.paramGroups.count) parameter groups (was a group added after the scheduler was built?)")
        for (g, lr) in values.enumerated() { optimizer.paramGroups[g]["lr"] = .number(lr) }
        lastLR = optimizer.paramGroups.map(\.lr)
    }

    /// The learning rates set by the latest step (`get_last_lr()`).
    public func getLastLR() -> [Double] { lastLR }

    // MARK: State dict

    /// The schedule's progress (`base_lrs`, `last_epoch`, `_step_count`, `_last_lr`, with
    /// PyTorch's names). Settings such as `gamma` come from the constructor, so resume by
    /// building the same scheduler, loading the optimizer's state dict, then this one.
    public func stateDict() -> [String: Tensor] {
        ["base_lrs": StateDictCoding.tensor(initialLRs), "last_epoch": StateDictCoding.tensor(count: lastEpoch),
         "_step_count": StateDictCoding.tensor(count: stepCount), "_last_lr": StateDictCoding.tensor(lastLR)]
    }

    /// Restores progress saved by `stateDict()`; throws `OptimizerStateError` naming the
    /// key when an entry is missing, does not fit the optimizer's groups, or holds a value
    /// no scheduler saves (a negative learning rate or counter).
    public func loadStateDict(_ dict: [String: Tensor]) throws {
        let reader = StateDictReader(dict)
        let groups = optimizer.paramGroups.count
        let base = try reader.learningRates("base_lrs", count: groups)
        let epoch = try reader.count("last_epoch")
        let steps = try reader.count("_step_count")
        let last = try reader.learningRates("_last_lr", count: groups)
        (initialLRs, lastEpoch, stepCount, lastLR) = (base, epoch, steps, last)
    }
}
