import Foundation

/// The tutorial's `train_model` as a reusable piece: each epoch a train phase and a
/// validation phase, loss and accuracy per phase, the scheduler stepped between them (as
/// PyTorch orders it: after the epoch's `optimizer.step()` calls), and a deep copy of the
/// weights with the best validation accuracy, which `fit` loads back at the end.
///
/// ```swift
/// let trainer = ClassifierTrainer(model: model, optimizer: optimizer,
///                                 scheduler: StepLR(optimizer, stepSize: 7, gamma: 0.1))
/// let history = try trainer.fit(train: trainLoader, valid: validLoader, epochs: 25)
/// print(trainer.bestAccuracy, history.last!.valid.accuracy)   // model now holds the best weights
/// ```
///
/// Loaders yield `(inputs, labels)` — `DataLoader` over `ImageFolder`, MNIST-format data
/// sets or `(Tensor, Tensor)` samples — or `[inputs, labels]`, a `TensorDataset` of two
/// tensors such as `precomputeFeatures` returns.
///
/// **Frozen parts.** Modules listed in `frozen` stay in evaluation mode during the train
/// phase, so the batch norm of a frozen backbone normalises with its stored statistics
/// and does not update them: frozen means neither its parameters nor its buffers change.
/// (PyTorch's tutorial calls `model.train()` on everything, so there a frozen backbone's
/// running statistics drift towards the new data while its weights stay; pass no `frozen`
/// to get that behaviour.) Freeze the parameters themselves with `requiresGrad(false)` and
/// give the optimizer only `model.parameters().filter(\.requiresGrad)`.
public final class ClassifierTrainer {
    /// The network trained.
    public let model: Module
    /// The loss; `CrossEntropyLoss()` by default.
    public let criterion: any LossFunction
    /// Steps once per train batch.
    public let optimizer: Optimizer
    /// Steps once per epoch, after the train phase.
    public let scheduler: LRScheduler?
    /// Parts of the model kept in evaluation mode while the rest trains.
    public let frozen: [Module]
    /// Shapes a batch of inputs into what the model takes (an MLP flattens images).
    public let prepare: (Tensor) -> Tensor
    /// Called after every batch with the phase's running figures.
    public var onBatch: ((BatchProgress) -> Void)?
    /// Combines each phase's figures with those of the other processes of a distributed
    /// run (summing them over the ranks) before they are recorded and compared; nil for
    /// a single process.
    public var reducePhase: ((PhaseMetrics) throws -> PhaseMetrics)?

    /// Every epoch so far, in order.
    public private(set) var history: [EpochMetrics] = []
    /// The best validation accuracy so far (`best_acc`), or -1 before the first epoch.
    public private(set) var bestAccuracy = -1.0
    /// The epoch that reached `bestAccuracy` (the first such on ties), 0 before any.
    public private(set) var bestEpoch = 0
    /// A copy of the state dict at `bestEpoch` (`copy.deepcopy(model.state_dict())`).
    public private(set) var bestWeights: [String: Tensor] = [:]

    /// A trainer for `model`; nothing runs until `fit` or `epoch`.
    public init(
        model: Module, criterion: any LossFunction = CrossEntropyLoss(), optimizer: Optimizer,
        scheduler: LRScheduler? = nil, frozen: [Module] = [], prepare: @escaping (Tensor) -> Tensor = { $0 }
    ) {
        self.model = model
        self.criterion = criterion
        self.optimizer = optimizer
        self.scheduler = scheduler
        self.frozen = frozen
        self.prepare = prepare
    }

    /// Continues a run stopped after `history.last`: the history and best weights it had
    /// (model, optimizer and scheduler state are restored by their own `loadStateDict`).
    public func resume(history: [EpochMetrics], bestWeights: [String: Tensor]) {
        self.history = history
        bestAccuracy = -1
        bestEpoch = 0
        for metrics in history where metrics.valid.accuracy > bestAccuracy {
            bestAccuracy = metrics.valid.accuracy
            bestEpoch = metrics.epoch
        }
        self.bestWeights = bestWeights
    }

    /// Trains until `epochs` epochs are done in all (a resumed trainer continues from its
    /// history), calling `afterEpoch` after each (to save checkpoints, print a row), then
    /// loads the best weights into the model. Returns the whole history.
    /// - Throws: the first error reading a sample gave, `TrainingError.nonFiniteLoss` when
    ///   the loss diverged (no `afterEpoch` for that epoch), or what `afterEpoch` threw.
    @discardableResult
    public func fit<Train: Dataset, Valid: Dataset, TrainBatch, ValidBatch>(
        train: DataLoader<Train, TrainBatch>, valid: DataLoader<Valid, ValidBatch>, epochs: Int,
        afterEpoch: (EpochMetrics) throws -> Void = { _ in }
    ) throws -> [EpochMetrics] {
        while history.count < epochs {
            try afterEpoch(try epoch(train: train, valid: valid))
        }
        if !bestWeights.isEmpty { try model.loadStateDict(bestWeights) }
        return history
    }

    /// One epoch: the train phase, the scheduler's step, the validation phase, and a copy
    /// of the weights if validation accuracy beat every earlier epoch.
    public func epoch<Train: Dataset, Valid: Dataset, TrainBatch, ValidBatch>(
        train: DataLoader<Train, TrainBatch>, valid: DataLoader<Valid, ValidBatch>
    ) throws -> EpochMetrics {
        let learningRate = optimizer.paramGroups[0].lr
        let trained = try trainPhase(train)
        scheduler?.step()
        let validated = try validPhase(valid)
        let metrics = EpochMetrics(epoch: history.count + 1, train: trained, valid: validated, learningRate: learningRate)
        history.append(metrics)
        if validated.accuracy > bestAccuracy {
            bestAccuracy = validated.accuracy
            bestEpoch = metrics.epoch
            bestWeights = withNoGrad { model.stateDict().mapValues { $0.clone() } }
        }
        return metrics
    }

    /// One pass over `loader` in training mode (the `frozen` parts in evaluation mode):
    /// zero the gradients, forward, loss, backward, optimizer step, per batch.
    /// - Throws: `TrainingError.nonFiniteLoss` at the first batch whose loss is NaN or
    ///   infinite, before stepping the optimizer with it: a diverged run stops instead of
    ///   training on, and what `afterEpoch` saved for the previous epoch stays the last.
    public func trainPhase<D: Dataset, Batch>(_ loader: DataLoader<D, Batch>) throws -> PhaseMetrics {
        model.train()
        for part in frozen { part.eval() }
        return try run(.train, loader) { inputs, labels, batch in
            optimizer.zeroGrad()
            let output = model(prepare(inputs))
            let loss = criterion(output, labels)
            let value = loss.item()
            guard value.isFinite else { throw TrainingError.nonFiniteLoss(epoch: history.count + 1, batch: batch, value: value) }
            loss.backward()
            optimizer.step()
            return (output.detach(), value)
        }
    }

    /// One pass over `loader` in evaluation mode without gradients; `record` sees each
    /// batch's labels and predicted classes (for a confusion matrix).
    public func validPhase<D: Dataset, Batch>(
        _ loader: DataLoader<D, Batch>, record: ((_ labels: Tensor, _ predicted: Tensor) -> Void)? = nil
    ) throws -> PhaseMetrics {
        model.eval()
        return try withNoGrad {
            try run(.valid, loader) { inputs, labels, _ in
                let output = model(prepare(inputs))
                record?(labels, output.argmax(dim: 1))
                return (output, criterion(output, labels).item())
            }
        }
    }

    private func run<D: Dataset, Batch>(
        _ phase: TrainingPhase, _ loader: DataLoader<D, Batch>,
        step: (_ inputs: Tensor, _ labels: Tensor, _ batch: Int) throws -> (output: Tensor, loss: Float)
    ) throws -> PhaseMetrics {
        let start = Date()
        var lossSum = 0.0, correct = 0, seen = 0, done = 0
        try loader.forEachBatch { batch in
            let (inputs, labels) = inputsAndLabels(batch)
            let (output, loss) = try step(inputs, labels, done + 1)
            let n = labels.shape[0]
            lossSum += Double(loss) * Double(n)
            correct += Int(output.argmax(dim: 1).eq(labels).sum().item())
            seen += n
            done += 1
            onBatch?(BatchProgress(phase: phase, batch: done, batches: loader.count, samples: seen,
                                   loss: lossSum / Double(seen), accuracy: Double(correct) / Double(seen)))
        }
        let samples = max(seen, 1)
        let metrics = PhaseMetrics(loss: lossSum / Double(samples), accuracy: Double(correct) / Double(samples),
                                   samples: seen, seconds: Date().timeIntervalSince(start))
        return try reducePhase?(metrics) ?? metrics
    }
}

/// `(inputs, labels)` from a batch that is that pair or a two-tensor array (`TensorDataset`).
func inputsAndLabels<Batch>(_ batch: Batch) -> (Tensor, Tensor) {
    if let pair = batch as? (Tensor, Tensor) { return pair }
    if let tensors = batch as? [Tensor], tensors.count == 2 { return (tensors[0], tensors[1]) }
    preconditionFailure("batches must be (inputs, labels) or [inputs, labels], got \(type(of: batch))")
}
