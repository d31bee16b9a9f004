import ArgumentParser
import EmberVision
import Foundation

/// `ember train autoencoder`: the tutorial's part 4 autoencoder.
struct TrainAutoencoder: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "autoencoder",
        abstract: "Train the tutorial's autoencoder (784-128-64-12-3 and back) with MSE and Adam.")

    @OptionGroup var options: TrainingOptions

    func run() throws {
        if let threads = options.threads { setNumThreads(threads) }
        let data = try MNISTData(root: options.data)
        print("data: \(data.root) (\(data.train.count) train, \(data.test.count) test images)")
        try AutoencoderSession(options: options, data: data, folder: URL(fileURLWithPath: options.out).appendingPathComponent("autoencoder")).run()
    }
}

/// Options of `ember train gan` and `ember train dcgan`.
struct GANOptions: ParsableArguments {
    enum LossChoice: String, ExpressibleByArgument, CaseIterable {
        case bce, lsgan
    }

    @Option(help: "bce (BCELoss on the discriminator's sigmoid), or lsgan (MSELoss on its raw score, the discriminator without its sigmoid).")
    var loss: LossChoice = .bce
    @Option(help: "A checkpoint of `ember train cnn` that scores the samples (default: one trained once on the data and kept in OUT/scorer).")
    var scorer: String?
    @Option(help: "Samples scored per epoch (0: no scoring).") var scoreSamples = 10_000

    func validate() throws {
        guard scoreSamples >= 0 else { throw ValidationError("--score-samples cannot be negative, got \(scoreSamples)") }
        if scoreSamples == 1 { throw ValidationError("--score-samples needs at least 2 samples for a covariance") }
    }

    /// Trains `net` into `OUT/<net>` (`-lsgan` appended for the least-squares loss).
    func train(_ net: GenerativeNet, options: TrainingOptions) throws {
        if let threads = options.threads { setNumThreads(threads) }
        let data = try MNISTData(root: options.data, imageSize: net.imageSize)
        print("data: \(data.root) (\(data.train.count) train images)")
        let out = URL(fileURLWithPath: options.out)
        let scoring = scoreSamples > 0
            ? try SampleScoring(checkpoint: scorer, data: net.imageSize == 28 ? data : try MNISTData(root: options.data), out: out, count: scoreSamples)
            : nil
        let folder = out.appendingPathComponent(net.rawValue + (loss == .lsgan ? "-lsgan" : ""))
        try GANSession(net: net, loss: loss == .bce ? .bce : .leastSquares, options: options, data: data, folder: folder,
                       scoring: scoring).run()
    }
}

/// `ember train gan`: the tutorial's MLP GAN, or LSGAN with `--loss lsgan`.
struct TrainGAN: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gan",
        abstract: "Train the tutorial's MLP GAN (100-256-256-784 against 784-256-256-1), BCE or least squares.")

    @OptionGroup var gan: GANOptions
    @OptionGroup var options: TrainingOptions

    func run() throws { try gan.train(.gan, options: options) }
}

/// `ember train dcgan`: the DCGAN for 28×28 images, or the paper's 64×64 nets.
struct TrainDCGAN: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dcgan",
        abstract: "Train a DCGAN: the 28×28 nets, or the DCGAN paper's 64×64 nets with --image-size 64.")

    @Option(help: "28, or 64 (images resized to 64×64, the paper's nets with ngf = ndf = 64).") var imageSize = 28
    @OptionGroup var gan: GANOptions
    @OptionGroup var options: TrainingOptions

    func validate() throws {
        guard imageSize == 28 || imageSize == 64 else { throw ValidationError("--image-size must be 28 or 64, got \(imageSize)") }
    }

    func run() throws { try gan.train(imageSize == 64 ? .dcgan64 : .dcgan28, options: options) }
}
