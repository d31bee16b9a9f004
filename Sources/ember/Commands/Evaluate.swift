import ArgumentParser
import EmberVision
import Foundation

/// `ember evaluate`: accuracy and confusion matrix of a saved checkpoint on the test split.
struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Evaluate a training checkpoint on the test split (an image run: its validation folder): accuracy and confusion matrix.")

    @Option(help: "A checkpoint written by `ember train` (best.safetensors or last.safetensors).")
    var checkpoint: String
    @Option(help: "Folder of MNIST-format IDX files, or for an image run the folder holding validation/ (default: the folder the model was trained on).")
    var data: String?
    @Option(help: "Samples per batch.") var batchSize: Int = 256

    func run() throws {
        let url = URL(fileURLWithPath: checkpoint)
        let saved = try Checkpoint.load(from: url)
        if saved.info["task"] == "images" { return try evaluateImages(saved) }
        let architecture = saved.info["architecture"] ?? "unknown"
        guard let kind = Architecture(rawValue: architecture) else {
            throw CommandError("\(checkpoint): cannot rebuild a model of architecture '\(architecture)'")
        }
        guard let weights = saved["model"] else { throw CommandError("\(checkpoint) holds no model weights") }
        let model = kind.make()
        try model.loadStateDict(weights)
        let dataset = try MNISTData(root: data ?? saved.info["data"])
        var confusion = ConfusionMatrix(classes: dataset.classes)
        let trainer = ClassifierTrainer(model: model, optimizer: SGD(model.parameters(), lr: 0), prepare: kind.prepare)
        let loader = dataset.testLoader(batchSize: batchSize, workers: 0)
        let result = try trainer.validPhase(loader) { labels, predicted in
            confusion.add(truth: labels.toArray(as: Int64.self), predicted: predicted.toArray(as: Int64.self))
        }
        print("\(kind.title) from \(checkpoint) (epoch \(saved.info["epoch"] ?? "?")) on \(dataset.root)")
        print(String(format: "test loss %.4f, accuracy %.2f%% (%d of %d)\n", result.loss, result.accuracy * 100,
                     confusion.correct, confusion.total))
        print(confusion.table)
    }

    /// An `ember train images` checkpoint on its (or `--data`'s) `validation/` folder.
    private func evaluateImages(_ saved: Checkpoint) throws {
        let (model, spec, classes, normalization) = try ImageModel.restore(saved, path: checkpoint)
        guard let root = data ?? saved.info["data"] else { throw CommandError("\(checkpoint) names no data folder; give --data") }
        let valid = try ImageData.validation(root: URL(fileURLWithPath: root), imageSize: spec.imageSize, normalization: normalization)
        guard valid.classes == classes else {
            throw CommandError("\(root)/validation has the classes \(valid.classes), the model was trained on \(classes)")
        }
        print("\(spec.name) from \(checkpoint) (epoch \(saved.info["epoch"] ?? "?"))")
        try ValidationReport(model: model, valid: valid, normalization: normalization, batchSize: batchSize).run(writingTo: nil)
    }
}
