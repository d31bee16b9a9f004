import EmberVision
import Foundation

/// What a finished run reports for comparison.
struct RunResult {
    let history: [EpochMetrics]
    let parameterCount: Int
}

/// One model trained for `epochs` on MNIST-format data with SGD: the live progress, the
/// per-epoch table, and the run folder — `metrics.csv`, `plot.svg`, `last.safetensors`
/// (resumable) and `best.safetensors` (the weights with the best test accuracy).
struct TrainingSession {
    /// The model, by a name `ember evaluate` can rebuild it from.
    let architecture: Architecture
    let folder: URL
    let options: TrainingOptions
    let data: MNISTData
    /// Builds the optimizer for the model's parameters.
    let makeOptimizer: ([Tensor]) -> Optimizer
    /// How the optimizer is described in the run's header line.
    let optimizerDescription: String

    private var name: String { architecture.title }

    func run() throws -> RunResult {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        // Seed before building the model, so initial weights follow `--seed`.
        manualSeed(options.seed)
        let model = architecture.make()
        let optimizer = makeOptimizer(model.parameters())
        var history: [EpochMetrics] = []
        var bestAccuracy = -1.0
        if let resume = options.resume {
            history = try restore(from: URL(fileURLWithPath: resume), model: model, optimizer: optimizer)
            bestAccuracy = history.map(\.testAccuracy).max() ?? -1
            print("resumed \(name) from \(resume) after epoch \(history.last?.epoch ?? 0)")
        }
        let trainer = ClassifierTrainer(model: model, optimizer: optimizer, prepare: architecture.prepare)
        let trainLoader = data.trainLoader(batchSize: options.batchSize, workers: options.workers)
        let testLoader = data.testLoader(batchSize: options.batchSize, workers: options.workers)
        let first = (history.last?.epoch ?? 0) + 1
        print("\n\(name): \(options.epochs) epochs, batch \(options.batchSize), \(optimizerDescription) -> \(folder.path)")
        print(MetricsTable.header)
        for epoch in first...max(first, options.epochs) where epoch <= options.epochs {
            let start = Date()
            let train = try trainer.train(trainLoader, count: trainLoader.count, label: "epoch \(epoch) train")
            let test = try trainer.evaluate(testLoader, count: testLoader.count, label: "epoch \(epoch) test ")
            let metrics = EpochMetrics(
                epoch: epoch, trainLoss: train.loss, trainAccuracy: train.accuracy, testLoss: test.loss,
                testAccuracy: test.accuracy, learningRate: Float(optimizer.paramGroups[0].lr),
                seconds: Date().timeIntervalSince(start))
            history.append(metrics)
            print(MetricsTable.row(metrics))
            try save(history: history)
            let checkpoint = makeCheckpoint(model: model, epoch: epoch, optimizer: optimizer, accuracy: test.accuracy)
            try checkpoint.save(to: folder.appendingPathComponent("last.safetensors"))
            if test.accuracy > bestAccuracy {
                bestAccuracy = test.accuracy
                try checkpoint.save(to: folder.appendingPathComponent("best.safetensors"))
            }
        }
        return RunResult(history: history, parameterCount: model.parameters().map(\.numel).reduce(0, +))
    }

    private func makeCheckpoint(model: Module, epoch: Int, optimizer: Optimizer, accuracy: Double) -> Checkpoint {
        var checkpoint = Checkpoint()
        checkpoint["model"] = model.stateDict()
        checkpoint["optimizer"] = optimizer.stateDict()
        checkpoint.info["architecture"] = architecture.rawValue
        checkpoint.info["epoch"] = String(epoch)
        checkpoint.info["test_accuracy"] = String(accuracy)
        checkpoint.info["data"] = data.root
        checkpoint.generator = rngState()
        return checkpoint
    }

    /// Loads model, optimizer and generator state and the metrics so far.
    private func restore(from url: URL, model: Module, optimizer: Optimizer) throws -> [EpochMetrics] {
        let checkpoint = try Checkpoint.load(from: url)
        guard checkpoint.info["architecture"] == architecture.rawValue else {
            throw CommandError("\(url.path) holds a \(checkpoint.info["architecture"] ?? "unknown") model, not \(architecture.rawValue)")
        }
        guard let weights = checkpoint["model"], let state = checkpoint["optimizer"],
              let epoch = checkpoint.info["epoch"].flatMap(Int.init) else {
            throw CommandError("\(url.path) lacks the model, optimizer or epoch needed to resume")
        }
        try model.loadStateDict(weights)
        try optimizer.loadStateDict(state)
        if let generator = checkpoint.generator { setRNGState(generator) }
        let csv = (try? String(contentsOf: url.deletingLastPathComponent().appendingPathComponent("metrics.csv"), encoding: .utf8)) ?? ""
        return MetricsTable.parse(csv: csv).filter { $0.epoch <= epoch }
    }

    private func save(history: [EpochMetrics]) throws {
        let csv = ([MetricsTable.csvHeader] + history.map(MetricsTable.csvRow)).joined(separator: "\n") + "\n"
        try AtomicFile.write(Data(csv.utf8), to: folder.appendingPathComponent("metrics.csv"))
        let plot = SVGPlot.training(runs: [(name, history)])
        try AtomicFile.write(Data(plot.utf8), to: folder.appendingPathComponent("plot.svg"))
    }
}

/// A failure the CLI reports as one line and a non-zero exit.
struct CommandError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
