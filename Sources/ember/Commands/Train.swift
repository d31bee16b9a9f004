import ArgumentParser
import Ember

/// `ember train ...`: one subcommand per case study.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a tutorial model on real data.",
        subcommands: [TrainMLP.self, TrainCNN.self, TrainImages.self, TrainAutoencoder.self, TrainGAN.self, TrainDCGAN.self])
}

/// Options every training command shares.
struct TrainingOptions: ParsableArguments {
    @Option(help: "Epochs to train.") var epochs: Int = 20
    @Option(help: "Samples per batch.") var batchSize: Int = 64
    @Option(help: "Learning rate (default: 0.01; gan and dcgan: 0.0002; autoencoder: 0.001).") var lr: Float?
    @Option(help: "mlp, cnn: a folder of MNIST-format IDX files (default: Fashion-MNIST from /usr/share/datasets/fashion-mnist); images: an image folder holding training/ and validation/.")
    var data: String?
    @Option(help: "Background threads loading batches.") var workers: Int = 0
    @Option(help: "Run folder for metrics, plots and checkpoints.") var out: String = "runs"
    @Option(help: "Resume from a checkpoint written by an earlier run (its last.safetensors).") var resume: String?
    @Option(help: "Random seed.") var seed: UInt64 = 0
    @Option(help: "Threads for kernels (default: all cores; with --distributed, the cores divided among the ranks on each machine).") var threads: Int?
    @Flag(inversion: .prefixedNo, help: "Write TensorBoard event files into the run folder.") var tensorboard = true

    /// `--lr`, or the classifiers' default 0.01.
    var learningRate: Float { lr ?? 0.01 }

    func validate() throws {
        guard epochs >= 1 else { throw ValidationError("--epochs must be at least 1, got \(epochs)") }
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1, got \(batchSize)") }
        if let lr, lr <= 0 { throw ValidationError("--lr must be positive, got \(lr)") }
        guard workers >= 0 else { throw ValidationError("--workers cannot be negative, got \(workers)") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
    }
}

/// `--optimizer`: the tutorial's SGD with momentum, or Adam.
enum OptimizerChoice: String, ExpressibleByArgument, CaseIterable {
    case sgd, adam

    func make(_ parameters: [Tensor], lr: Float, momentum: Float, weightDecay: Float = 0) -> Optimizer {
        self == .adam ? Adam(parameters, lr: lr, weightDecay: weightDecay)
            : SGD(parameters, lr: lr, momentum: momentum, weightDecay: weightDecay)
    }

    func describe(lr: Float, momentum: Float, weightDecay: Float = 0) -> String {
        let decay = weightDecay > 0 ? " weight decay \(weightDecay)" : ""
        return (self == .adam ? "Adam lr \(lr)" : "SGD lr \(lr) momentum \(momentum)") + decay
    }
}
