import ArgumentParser
import EmberVision
import Foundation

/// `ember train cnn`: the tutorial's part 3 SimpleCNN on MNIST-format data.
struct TrainCNN: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cnn",
        abstract: "Train the tutorial's SimpleCNN (three conv+ReLU+max-pool blocks, then 1152-512-64-10).")

    @Option(help: "Optimizer: sgd or adam.") var optimizer: OptimizerChoice = .sgd
    @Option(help: "SGD momentum.") var momentum: Float = 0.9
    @OptionGroup var options: TrainingOptions
    @OptionGroup var distribution: DistributedOption

    func validate() throws {
        guard momentum >= 0 else { throw ValidationError("--momentum cannot be negative, got \(momentum)") }
    }

    func run() throws {
        if let threads = options.threads { setNumThreads(threads) }
        let distributed = try DistributedTraining.start(distribution, options)
        let data = try MNISTData(root: options.data)
        print("data: \(data.root) (\(data.train.count) train, \(data.test.count) test images)")
        let (lr, momentum) = (options.learningRate, momentum)
        let session = try data.session(
            .cnn, folder: URL(fileURLWithPath: options.out).appendingPathComponent("cnn"), options: options,
            makeOptimizer: { [optimizer] in optimizer.make($0, lr: lr, momentum: momentum) },
            optimizerDescription: optimizer.describe(lr: lr, momentum: momentum), distributed: distributed)
        _ = try session.run()
        try distributed?.finish()
    }
}
