import ArgumentParser
import EmberVision
import Foundation

/// `ember score`: the quality score of `ember train gan|dcgan` for samples made elsewhere
/// (a PyTorch run), so both are judged by the same classifier.
struct Score: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Score generated images with the classifier ember train gan uses: confidence, class entropy, Fréchet distance.")

    @Option(help: "An MNIST-format folder whose test split (t10k-images-idx3-ubyte) holds the samples.") var samples: String
    @Option(help: "The real data the samples imitate (default: Fashion-MNIST from /usr/share/datasets/fashion-mnist).")
    var data: String?
    @Option(help: "A checkpoint of `ember train cnn` (default: the one kept in OUT/scorer, trained there if missing).")
    var scorer: String?
    @Option(help: "Folder of the cached scorer.") var out = "runs"
    @Flag(help: "Print one JSON object instead of a line.") var json = false

    func run() throws {
        let real = try MNISTData(root: data)
        let generated = try MNISTFormatDataset<FashionMNISTSource>(root: samples, train: false, transform: MNISTData.transform())
        var batches = DataLoader(generated, batchSize: generated.count).makeIterator()
        let images = try batches.nextBatch()!.0
        let scoring = try SampleScoring(checkpoint: scorer, data: real, out: URL(fileURLWithPath: out), count: images.shape[0])
        let q = scoring.score(images: images)
        if json {
            print("{\"samples\": \(images.shape[0]), \"confident\": \(q.confidentShare), \"class_entropy\": \(q.classEntropy), \"frechet_distance\": \(q.frechetDistance)}")
        } else {
            print(String(format: "%d samples: confident %.1f%%, class entropy %.3f, Fréchet distance %.2f",
                         images.shape[0], q.confidentShare * 100, q.classEntropy, q.frechetDistance))
        }
    }
}
