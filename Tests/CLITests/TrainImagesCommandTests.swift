import EmberVision
import Foundation
import Testing

/// `ember train images` end to end on a tiny image folder exported from generated
/// MNIST-format data: the run folder, resuming, the plain state dicts, evaluate and
/// predict, and transfer learning with a frozen backbone and pre-computed features.
@Suite(.serialized)
struct TrainImagesCommandTests {
    /// Runs `body` with a scratch folder and, in it, `images/training/` (16 images per
    /// class) and `images/validation/` (4 per class) of classes 0 and 1.
    private static func withImageFolder(_ body: (_ scratch: URL, _ images: URL) throws -> Void) throws {
        let data = try TinyMNIST(train: 160, test: 40)
        defer { data.remove() }
        let folder = data.root.appendingPathComponent("images")
        let export = try Ember.run(["export", "--data", data.root.path, "--out", folder.path, "--classes", "0,1", "--layout", "folders"])
        try #require(export.status == 0, "\(export.stderr)")
        try body(data.root, folder)
    }

    @Test func trainsResumesEvaluatesAndPredicts() throws {
        try Self.withImageFolder { scratch, images in
            let common = ["train", "images", "--data", images.path, "--image-size", "16", "--batch-size", "8", "--step-size", "2"]
            let whole = scratch.appendingPathComponent("whole"), parts = scratch.appendingPathComponent("parts")

            let uninterrupted = try Ember.run(common + ["--epochs", "3", "--out", whole.path])
            try #require(uninterrupted.status == 0, "\(uninterrupted.stderr)")
            #expect(uninterrupted.stdout.contains("train loss  train acc  valid loss  valid acc"))
            #expect(uninterrupted.stdout.contains("32 training, 8 validation images, classes 0, 1"))
            let run = whole.appendingPathComponent("simplecnn")
            for file in ["metrics.csv", "plot.svg", "best.safetensors", "last.safetensors", "model.safetensors", "model.pth",
                         "confusion.txt"] {
                #expect(FileManager.default.fileExists(atPath: run.appendingPathComponent(file).path), "\(file) missing")
            }
            try expectWholeReport(in: run, epochs: 3)
            #expect(try String(contentsOf: run.appendingPathComponent("report.html"), encoding: .utf8).contains("Confusion matrix"))

            // Stopped after epoch 2 and resumed: the same epoch 3 as the uninterrupted run.
            let first = try Ember.run(common + ["--epochs", "2", "--out", parts.path])
            try #require(first.status == 0, "\(first.stderr)")
            let last = parts.appendingPathComponent("simplecnn/last.safetensors").path
            let resumed = try Ember.run(common + ["--epochs", "3", "--out", parts.path, "--resume", last])
            try #require(resumed.status == 0, "\(resumed.stderr)")
            #expect(try metricsRows(parts.appendingPathComponent("simplecnn")) == metricsRows(run))
            // StepLR(2, 0.1): epochs 1-2 at 0.01, epoch 3 at 0.001.
            #expect(try metricsRows(run).map { $0.split(separator: ",")[5] } == ["0.01", "0.01", "0.001"])

            // The plain state dicts have PyTorch's keys, without the checkpoint's `model/` prefix.
            let pth = try PyTorchCheckpoint.load(from: run.appendingPathComponent("model.pth"))
            let model = SimpleCNN(inChannels: 3, imageSize: 16, classes: 2)
            try model.loadStateDict(pth, strict: true)
            try model.loadStateDict(from: run.appendingPathComponent("model.safetensors"), strict: true)

            let evaluation = try Ember.run(["evaluate", "--checkpoint", run.appendingPathComponent("best.safetensors").path])
            #expect(evaluation.status == 0, "\(evaluation.stderr)")
            #expect(evaluation.stdout.contains("validation accuracy") && evaluation.stdout.contains("recall"))

            let image = try FileManager.default.contentsOfDirectory(atPath: images.appendingPathComponent("validation/1").path).sorted()[0]
            let prediction = try Ember.run(["predict", "--weights", run.appendingPathComponent("best.safetensors").path, "--top", "2",
                                            images.appendingPathComponent("validation/1/\(image)").path])
            #expect(prediction.status == 0, "\(prediction.stderr)")
            #expect(prediction.stdout.split(separator: "\n").count == 3)
        }
    }

    @Test func resumesBitExactlyWithWorkersAugmentationDropoutAndASchedule() throws {
        try Self.withImageFolder { scratch, images in
            let common = ["train", "images", "--data", images.path, "--model", "squeezenet1_1", "--image-size", "32",
                          "--batch-size", "8", "--workers", "2", "--augment", "--dropout", "0.3", "--step-size", "2", "--seed", "4"]
            let whole = scratch.appendingPathComponent("whole"), parts = scratch.appendingPathComponent("parts")
            let uninterrupted = try Ember.run(common + ["--epochs", "3", "--out", whole.path])
            try #require(uninterrupted.status == 0, "\(uninterrupted.stderr)")
            let first = try Ember.run(common + ["--epochs", "2", "--out", parts.path])
            try #require(first.status == 0, "\(first.stderr)")
            let last = parts.appendingPathComponent("squeezenet1_1/last.safetensors").path
            let resumed = try Ember.run(common + ["--epochs", "3", "--out", parts.path, "--resume", last])
            try #require(resumed.status == 0, "\(resumed.stderr)")
            #expect(try metricsRows(parts.appendingPathComponent("squeezenet1_1")) == metricsRows(whole.appendingPathComponent("squeezenet1_1")))
            let a = try PyTorchCheckpoint.load(from: whole.appendingPathComponent("squeezenet1_1/model.pth"))
            let b = try PyTorchCheckpoint.load(from: parts.appendingPathComponent("squeezenet1_1/model.pth"))
            for (key, value) in a { #expect(value.toArray() == b[key]?.toArray(), "\(key)") }
        }
    }

    @Test func transferLearningKeepsTheBackboneAndPrecomputesFeatures() throws {
        try Self.withImageFolder { scratch, images in
            let common = ["train", "images", "--data", images.path, "--model", "resnet18", "--image-size", "32", "--batch-size", "16"]
            let pretrained = scratch.appendingPathComponent("pretrained"), tuned = scratch.appendingPathComponent("tuned")
            let pretraining = try Ember.run(common + ["--epochs", "1", "--out", pretrained.path])
            try #require(pretraining.status == 0, "\(pretraining.stderr)")
            let weights = pretrained.appendingPathComponent("resnet18/model.pth")

            let frozen = try Ember.run(common + ["--epochs", "2", "--out", tuned.path, "--weights", weights.path,
                                                 "--freeze", "backbone", "--precompute-features", "--lr", "0.001"])
            try #require(frozen.status == 0, "\(frozen.stderr)")
            #expect(frozen.stdout.contains("features: fc computed once"))
            let before = try PyTorchCheckpoint.load(from: weights)
            let after = try PyTorchCheckpoint.load(from: tuned.appendingPathComponent("resnet18/model.pth"))
            #expect(before.keys.sorted() == after.keys.sorted())
            for key in before.keys where !key.hasPrefix("fc.") {
                #expect(before[key]!.toArray() == after[key]!.toArray(), "\(key) changed in the frozen backbone")
            }
            #expect(before["fc.weight"]!.toArray() != after["fc.weight"]!.toArray())

            let bad = try Ember.run(common + ["--precompute-features", "--out", tuned.path])
            #expect(bad.status != 0 && bad.stderr.contains("--precompute-features needs --freeze backbone"))
        }
    }
}
