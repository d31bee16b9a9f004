import EmberVision
import Foundation

/// The quality score of `ember train gan|dcgan` (DESIGN §11): Ember's SimpleCNN trained on
/// the same data judges the samples — `--scorer CKPT` (a checkpoint of `ember train cnn`)
/// or, by default, one trained once with `train cnn`'s loop (3 epochs, SGD lr 0.01,
/// momentum 0.9, seed 0) and cached in `<out>/scorer/cnn`.
struct SampleScoring {
    let scorer: SampleScorer
    /// Generated samples scored per epoch.
    let count: Int
    static let epochs = 3

    /// The scorer, compared with up to `realCount` test images.
    init(checkpoint: String?, data: MNISTData, out: URL, count: Int, realCount: Int = 10_000) throws {
        let classifier = try checkpoint.map { try Self.load(URL(fileURLWithPath: $0), data: data, strict: false) }
            ?? Self.cached(data: data, out: out)
        var batches = data.testLoader(batchSize: min(realCount, data.test.count), workers: 0).makeIterator()
        let real = try batches.nextBatch()!.0
        scorer = SampleScorer(classifier: classifier, featureLayer: classifier.fc.children().last!, real: real)
        self.count = count
    }

    /// Scores `count` samples of `generator` from noise seeded the same way every epoch, so
    /// epochs are compared on the same noise; the default generator's state is left as it
    /// was, so scoring does not change the training run.
    func score(_ net: GenerativeNet, generator: Module) -> SampleScorer.Quality {
        let state = rngState()
        defer { setRNGState(state) }
        manualSeed(20_061_204)
        let samples = withEvaluation(generator) {
            Tensor.cat(stride(from: 0, to: count, by: 500).map { start in
                net.images(generator(net.noise(min(500, count - start))))
            }, dim: 0)
        }
        return score(images: samples)
    }

    /// Scores images `[N, 1, H, W]` in -1...1, resized to 28×28 (bilinear) when larger.
    func score(images: Tensor) -> SampleScorer.Quality {
        scorer.score(images.shape[2] == 28 ? images : interpolate(images, size: IntPair(28, 28), mode: .bilinear))
    }

    private static func cached(data: MNISTData, out: URL) throws -> SimpleCNN {
        let folder = out.appendingPathComponent("scorer")
        let best = folder.appendingPathComponent("cnn/best.safetensors")
        if let classifier = try? load(best, data: data, strict: true) {
            print("scorer: \(best.path)")
            return classifier
        }
        print("scorer: training SimpleCNN on \(data.root) for \(epochs) epochs into \(folder.path)")
        let options = try TrainingOptions.parse(["--epochs", String(epochs), "--out", folder.path, "--data", data.root])
        let session = try data.session(.cnn, folder: folder.appendingPathComponent("cnn"), options: options,
                                   makeOptimizer: { SGD($0, lr: 0.01, momentum: 0.9) }, optimizerDescription: "SGD lr 0.01 momentum 0.9")
        _ = try session.run()
        return session.model as! SimpleCNN
    }

    /// A `train cnn` checkpoint's model; with `strict`, only one trained on `data`.
    private static func load(_ url: URL, data: MNISTData, strict: Bool) throws -> SimpleCNN {
        let checkpoint = try Checkpoint.load(from: url)
        guard checkpoint.info["architecture"] == Architecture.cnn.rawValue, let weights = checkpoint["model"] else {
            throw CommandError("\(url.path) is not a checkpoint of `ember train cnn`")
        }
        if strict && checkpoint.info["data"] != data.root { throw CommandError("\(url.path) was trained on other data") }
        let model = skipInit { SimpleCNN(inChannels: 1, imageSize: 28) }
        try model.loadStateDict(weights)
        return model
    }
}
