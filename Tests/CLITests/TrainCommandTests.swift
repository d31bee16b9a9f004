import EmberVision
import Foundation
import Testing

/// `ember train mlp` and `ember evaluate` end to end on tiny generated data.
@Suite(.serialized)
struct TrainCommandTests {
    @Test func trainsResumesAndEvaluates() throws {
        let data = try TinyMNIST()
        defer { data.remove() }
        let out = data.root.appendingPathComponent("runs")
        let common = ["--model", "batchnorm", "--batch-size", "32", "--data", data.root.path, "--out", out.path]

        let first = try Ember.run(["train", "mlp", "--epochs", "2"] + common)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("train loss  train acc  test loss  test acc"))
        let folder = out.appendingPathComponent("mlp-batchnorm")
        for file in ["metrics.csv", "plot.svg", "best.safetensors", "last.safetensors"] {
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(file).path), "\(file) missing")
        }
        let plot = try String(contentsOf: folder.appendingPathComponent("plot.svg"), encoding: .utf8)
        #expect(plot.hasPrefix("<svg") && plot.contains("polyline"))

        let resumed = try Ember.run(["train", "mlp", "--epochs", "4", "--resume", folder.appendingPathComponent("last.safetensors").path] + common)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout.contains("resumed Batch_Net"))
        let csv = try String(contentsOf: folder.appendingPathComponent("metrics.csv"), encoding: .utf8)
        let epochs = csv.split(separator: "\n").dropFirst().map { $0.split(separator: ",")[0] }
        #expect(epochs == ["1", "2", "3", "4"])
        // The rows are learnable: four epochs reach well above chance (10%).
        let lastAccuracy = Double(csv.split(separator: "\n").last!.split(separator: ",")[4])!
        #expect(lastAccuracy > 0.5)

        let evaluation = try Ember.run(["evaluate", "--checkpoint", folder.appendingPathComponent("best.safetensors").path, "--data", data.root.path])
        #expect(evaluation.status == 0, "\(evaluation.stderr)")
        #expect(evaluation.stdout.contains("accuracy") && evaluation.stdout.contains("recall"))
    }

    @Test func missingDataFolderIsAClearError() throws {
        let result = try Ember.run(["train", "mlp", "--model", "simple", "--epochs", "1", "--data", "/nonexistent/mnist", "--out", NSTemporaryDirectory()])
        #expect(result.status != 0)
        #expect(result.stderr.contains("/nonexistent/mnist"))
    }

    @Test func corruptCheckpointIsAClearError() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("ember-bad-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data("not a checkpoint".utf8).write(to: file)
        let result = try Ember.run(["evaluate", "--checkpoint", file.path])
        #expect(result.status != 0)
        #expect(result.stderr.contains(file.path))
    }

    @Test func badOptionsAreRejected() throws {
        let result = try Ember.run(["train", "mlp", "--epochs", "0"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("--epochs must be at least 1"))
    }

    @Test func aDivergingRunStopsAndKeepsTheLastGoodCheckpoint() throws {
        let data = try TinyMNIST(train: 160, test: 40)
        defer { data.remove() }
        let out = data.root.appendingPathComponent("runs")
        let common = ["--model", "simple", "--batch-size", "32", "--data", data.root.path, "--out", out.path]
        let good = try Ember.run(["train", "mlp", "--epochs", "1"] + common)
        #expect(good.status == 0, "\(good.stderr)")
        let last = out.appendingPathComponent("mlp-simple/last.safetensors")
        let before = try Data(contentsOf: last)

        let diverging = try Ember.run(["train", "mlp", "--epochs", "2", "--lr", "1e30"] + common)
        #expect(diverging.status != 0)
        let message = diverging.stderr.split(separator: "\n").filter { $0.contains("training stopped") }
        #expect(message.count == 1 && message[0].contains("epoch 1, batch") && message[0].contains("the loss is"), "\(diverging.stderr)")
        #expect(try Data(contentsOf: last) == before, "last.safetensors was replaced by a diverged run")
    }

    @Test func resumingFromATamperedCheckpointNamesTheBadOption() throws {
        let data = try TinyMNIST(train: 64, test: 16)
        defer { data.remove() }
        let out = data.root.appendingPathComponent("runs")
        let common = ["--model", "simple", "--batch-size", "32", "--data", data.root.path, "--out", out.path]
        #expect(try Ember.run(["train", "mlp", "--epochs", "1"] + common).status == 0)
        let last = out.appendingPathComponent("mlp-simple/last.safetensors")
        var checkpoint = try Checkpoint.load(from: last)
        checkpoint["optimizer"]?["param_groups.0.lr"] = Tensor(-1)
        try checkpoint.save(to: last)

        let resumed = try Ember.run(["train", "mlp", "--epochs", "2", "--resume", last.path] + common)
        #expect(resumed.status != 0)
        #expect(resumed.stderr.contains("'param_groups.0.lr'") && resumed.stderr.contains("invalid learning rate: -1.0"), "\(resumed.stderr)")
    }
}
