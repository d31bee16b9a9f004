import EmberVision
import Foundation

/// What a finished run reports for comparison.
struct RunResult {
    let history: [EpochMetrics]
    let parameterCount: Int
    /// The best epoch's validation accuracy, whose weights the model holds at the end.
    let bestAccuracy: Double
}

/// One model trained for `options.epochs` with the library's `ClassifierTrainer`: the live
/// progress, the per-epoch table, and the run folder — `metrics.csv`, `plot.svg`,
/// `last.safetensors` (resumable: model, optimizer, scheduler, epoch, generator),
/// `best.safetensors` (the epoch with the best validation accuracy), and that epoch's plain
/// state dict with PyTorch's keys as `model.safetensors` and `model.pth`; and, unless
/// `--no-tensorboard`, a TensorBoard event file of the table's columns and the weights'
/// histograms.
struct TrainingSession<TrainSet: Dataset, ValidSet: Dataset, TrainBatch, ValidBatch> {
    /// The model's display name.
    let title: String
    /// The name `ember evaluate` rebuilds the model from, stored in checkpoints.
    let architecture: String
    let folder: URL
    let options: TrainingOptions
    /// The whole network: what checkpoints hold. The trainer trains it, or only its head
    /// (on pre-computed features).
    let model: Module
    let trainer: ClassifierTrainer
    let train: DataLoader<TrainSet, TrainBatch>
    let valid: DataLoader<ValidSet, ValidBatch>
    /// "test" or "valid": what the second phase runs on.
    let validName: String
    /// Facts stored in every checkpoint (data folder, image size, classes).
    let info: [String: String]
    /// How the optimizer is described in the run's header line.
    let optimizerDescription: String
    /// The job this process is a rank of (`--distributed`): only rank 0 writes the run
    /// folder, and the training sampler's epoch advances after each epoch.
    var distributed: DistributedTraining? = nil

    private var table: MetricsTable { MetricsTable(validName: validName) }

    func run() throws -> RunResult {
        let writes = distributed?.isPrimary ?? true
        if writes { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
        if let resume = options.resume {
            try restore(from: URL(fileURLWithPath: resume))
            print("resumed \(title) from \(resume) after epoch \(trainer.history.last?.epoch ?? 0)")
        }
        let sampler = train.sampler as? DistributedSampler
        sampler?.setEpoch(trainer.history.count)
        var progress: ProgressBar?
        let phaseNames = (train: "train", valid: validName.padding(toLength: 5, withPad: " ", startingAt: 0))
        trainer.onBatch = { [unowned trainer] step in
            if step.batch == 1 {
                let phase = step.phase == .train ? phaseNames.train : phaseNames.valid
                progress = ProgressBar(label: "epoch \(trainer.history.count + 1) \(phase)", total: step.batches)
            }
            progress?.update(done: step.batch, samples: step.samples, loss: step.loss, accuracy: step.accuracy)
            if step.batch == step.batches { progress?.finish() }
        }
        let board = try TensorBoardLog(folder: folder, enabled: options.tensorboard && writes,
                                       resumedAfter: trainer.history.last?.epoch ?? 0)
        let batch = distributed?.describe(batchSize: options.batchSize) ?? "\(options.batchSize)"
        print("\n\(title): \(options.epochs) epochs, batch \(batch), \(optimizerDescription) -> \(folder.path)")
        print(table.header)
        try trainer.fit(train: train, valid: valid, epochs: options.epochs) { metrics in
            sampler?.setEpoch(metrics.epoch)
            print(table.row(metrics))
            guard writes else { return }
            try board.log(epoch: metrics.epoch, [
                "loss/train": metrics.train.loss, "loss/\(validName)": metrics.valid.loss,
                "accuracy/train": metrics.train.accuracy, "accuracy/\(validName)": metrics.valid.accuracy,
                "learning_rate": metrics.learningRate,
            ], weights: model.namedParameters())
            try AtomicFile.write(Data(table.csv(trainer.history).utf8), to: folder.appendingPathComponent("metrics.csv"))
            let plot = SVGPlot.training(runs: [(title, trainer.history)], validName: validName)
            try AtomicFile.write(Data(plot.utf8), to: folder.appendingPathComponent("plot.svg"))
            let checkpoint = makeCheckpoint(epoch: metrics.epoch, accuracy: metrics.valid.accuracy)
            try checkpoint.save(to: folder.appendingPathComponent("last.safetensors"))
            if trainer.bestEpoch == metrics.epoch {
                try checkpoint.save(to: folder.appendingPathComponent("best.safetensors"))
                try model.save(to: folder.appendingPathComponent("model.safetensors"))
                try PyTorchCheckpoint.save(model.stateDict(), to: folder.appendingPathComponent("model.pth"))
            }
            try RunReport.write(title: title, folder: folder)
        }
        try board.close()
        return RunResult(history: trainer.history, parameterCount: model.parameters().map(\.numel).reduce(0, +),
                         bestAccuracy: trainer.bestAccuracy)
    }

    private func makeCheckpoint(epoch: Int, accuracy: Double) -> Checkpoint {
        var checkpoint = Checkpoint()
        checkpoint["model"] = model.stateDict()
        checkpoint["optimizer"] = trainer.optimizer.stateDict()
        checkpoint["scheduler"] = trainer.scheduler?.stateDict()
        checkpoint.info = info
        checkpoint.info["architecture"] = architecture
        checkpoint.info["epoch"] = String(epoch)
        checkpoint.info["\(validName)_accuracy"] = String(accuracy)
        checkpoint.generator = rngState()
        return checkpoint
    }

    /// Loads model, optimizer, scheduler and generator state, the metrics so far and the
    /// best weights (`best.safetensors` beside the checkpoint).
    private func restore(from url: URL) throws {
        let checkpoint = try Checkpoint.load(from: url)
        guard checkpoint.info["architecture"] == architecture else {
            throw CommandError("\(url.path) holds a \(checkpoint.info["architecture"] ?? "unknown") model, not \(architecture)")
        }
        guard let weights = checkpoint["model"], let state = checkpoint["optimizer"],
              let epoch = checkpoint.info["epoch"].flatMap(Int.init) else {
            throw CommandError("\(url.path) lacks the model, optimizer or epoch needed to resume")
        }
        try model.loadStateDict(weights)
        try trainer.optimizer.loadStateDict(state)
        if let scheduler = trainer.scheduler {
            guard let state = checkpoint["scheduler"] else { throw CommandError("\(url.path) holds no scheduler state to resume") }
            try scheduler.loadStateDict(state)
        }
        if let generator = checkpoint.generator { setRNGState(generator) }
        let siblings = url.deletingLastPathComponent()
        let csv = metricsCSV(besides: url)
        let best = try? Checkpoint.load(from: siblings.appendingPathComponent("best.safetensors"))
        trainer.resume(history: MetricsTable.parse(csv: csv).filter { $0.epoch <= epoch },
                       bestWeights: best?["model"] ?? weights)
    }
}

/// The `metrics.csv` in a checkpoint's run folder, empty when there is none: the history a
/// resumed run continues.
func metricsCSV(besides checkpoint: URL) -> String {
    (try? String(contentsOf: checkpoint.deletingLastPathComponent().appendingPathComponent("metrics.csv"), encoding: .utf8)) ?? ""
}

/// A failure the CLI reports as one line and a non-zero exit.
struct CommandError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
