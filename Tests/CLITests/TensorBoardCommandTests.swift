import EmberTensorBoard
import EmberVision
import Foundation
import Testing

/// What `ember train …` writes for TensorBoard: the table's columns per epoch, the sample
/// grids, a purge step on resume, and nothing with `--no-tensorboard`.
@Suite(.serialized)
struct TensorBoardCommandTests {
    /// Every scalar of every event file in `folder`, by tag, as (step, value) in file order.
    static func scalars(in folder: URL) throws -> [String: [(step: Int, value: Double)]] {
        var series: [String: [(step: Int, value: Double)]] = [:]
        for file in try EventFileReader.eventFiles(in: folder) {
            for event in try EventFileReader.read(contentsOf: file) {
                for value in event.values {
                    if case .scalar(let number) = value.content { series[value.tag, default: []].append((event.step, number)) }
                }
            }
        }
        return series
    }

    @Test func classifierRunsLogTheirTableAndResumeWithAPurgeStep() throws {
        let data = try TinyMNIST()
        defer { data.remove() }
        let out = data.root.appendingPathComponent("runs")
        let common = ["train", "mlp", "--model", "activation", "--batch-size", "32", "--data", data.root.path, "--out", out.path]
        try #require(try Ember.run(common + ["--epochs", "2"]).status == 0)
        let folder = out.appendingPathComponent("mlp-activation")
        let resumed = try Ember.run(common + ["--epochs", "3", "--resume", folder.appendingPathComponent("last.safetensors").path])
        try #require(resumed.status == 0, "\(resumed.stderr)")

        let files = try EventFileReader.eventFiles(in: folder)
        try #require(files.count == 2)
        let second = try EventFileReader.read(contentsOf: files[1])
        #expect(second.contains { $0.purgesLaterSteps && $0.step == 3 }, "the resumed run's file purges from epoch 3")
        let series = try Self.scalars(in: folder)
        let rows = try String(contentsOf: folder.appendingPathComponent("metrics.csv"), encoding: .utf8)
            .split(separator: "\n").dropFirst().map { $0.split(separator: ",").map { Double($0)! } }
        for (tag, column) in [("loss/train", 1), ("accuracy/train", 2), ("loss/test", 3), ("accuracy/test", 4), ("learning_rate", 5)] {
            let logged = try #require(series[tag], "\(tag) missing")
            #expect(logged.map(\.step) == [1, 2, 3], "\(tag)")
            #expect(zip(logged, rows).allSatisfy { Float($0.value) == Float($1[column]) }, "\(tag): \(logged.map(\.value)) vs the CSV")
        }
        try expectWholeReport(in: folder, epochs: 3)
    }

    @Test func ganRunsLogLossesAndSampleGrids() throws {
        let data = try TinyMNIST(train: 64, test: 16)
        defer { data.remove() }
        let out = data.root.appendingPathComponent("runs")
        let run = try Ember.run(["train", "gan", "--data", data.root.path, "--epochs", "2", "--batch-size", "16",
                                 "--score-samples", "0", "--out", out.path])
        try #require(run.status == 0, "\(run.stderr)")
        let folder = out.appendingPathComponent("gan")
        let events = try EventFileReader.eventFiles(in: folder).flatMap { try EventFileReader.read(contentsOf: $0) }
        let grids = events.flatMap { event in event.values.compactMap { value -> (Int, Int, Int)? in
            if case .image(let width, let height, _, _) = value.content, value.tag == "samples" { return (event.step, width, height) }
            return nil
        } }
        let saved = try Image(contentsOf: folder.appendingPathComponent("samples/epoch-002.png"))
        #expect(grids.map(\.0) == [1, 2])
        #expect(grids.allSatisfy { $0.1 == saved.width && $0.2 == saved.height })
        let series = try Self.scalars(in: folder)
        for tag in ["loss/discriminator", "loss/generator", "score/real", "score/fake", "learning_rate"] {
            #expect(series[tag]?.map(\.step) == [1, 2], "\(tag)")
        }
        #expect(series["quality/frechet_distance"] == nil, "not scored, so not logged")
        try expectWholeReport(in: folder, epochs: 2)
    }

    @Test func noTensorboardWritesNoEventFile() throws {
        let data = try TinyMNIST(train: 64, test: 16)
        defer { data.remove() }
        let out = data.root.appendingPathComponent("runs")
        let run = try Ember.run(["train", "autoencoder", "--data", data.root.path, "--epochs", "1", "--no-tensorboard", "--out", out.path])
        try #require(run.status == 0, "\(run.stderr)")
        #expect(try EventFileReader.eventFiles(in: out.appendingPathComponent("autoencoder")).isEmpty)
        try expectWholeReport(in: out.appendingPathComponent("autoencoder"), epochs: 1)
    }
}
