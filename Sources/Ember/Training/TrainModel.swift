import Foundation

/// The tutorial's `train_model(model, criterion, optimizer, scheduler, num_epochs=25)` in
/// one call: trains with `ClassifierTrainer`, prints what the tutorial prints (each
/// phase's loss and accuracy per epoch, the total time, the best validation accuracy),
/// and leaves the best epoch's weights in `model`. Returns the per-epoch history.
///
/// ```swift
/// let optimizer = SGD(model.parameters(), lr: 0.001, momentum: 0.9)
/// try trainModel(model, optimizer: optimizer, scheduler: StepLR(optimizer, stepSize: 7, gamma: 0.1),
///                train: trainLoader, valid: validLoader, numEpochs: 25)
/// ```
@discardableResult
public func trainModel<Train: Dataset, Valid: Dataset, TrainBatch, ValidBatch>(
    _ model: Module, criterion: any LossFunction = CrossEntropyLoss(), optimizer: Optimizer,
    scheduler: LRScheduler? = nil, train: DataLoader<Train, TrainBatch>, valid: DataLoader<Valid, ValidBatch>,
    numEpochs: Int = 25, frozen: [Module] = []
) throws -> [EpochMetrics] {
    let trainer = ClassifierTrainer(model: model, criterion: criterion, optimizer: optimizer, scheduler: scheduler, frozen: frozen)
    let start = Date()
    let history = try trainer.fit(train: train, valid: valid, epochs: numEpochs) { metrics in
        print("Epoch \(metrics.epoch - 1)/\(numEpochs - 1)\n----------")
        for (phase, result) in [(TrainingPhase.train, metrics.train), (.valid, metrics.valid)] {
            print(String(format: "%@ Loss: %.4f Acc: %.4f", phase.rawValue, result.loss, result.accuracy))
        }
        print()
    }
    let elapsed = Int(Date().timeIntervalSince(start))
    print("Training complete in \(elapsed / 60)m \(elapsed % 60)s")
    print(String(format: "Best val Acc: %.4f", trainer.bestAccuracy))
    return history
}
