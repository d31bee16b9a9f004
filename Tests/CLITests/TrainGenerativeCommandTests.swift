import EmberVision
import Foundation
import Testing

/// `ember train gan|dcgan|autoencoder` and `ember sample` end to end on tiny generated data.
@Suite(.serialized)
struct TrainGenerativeCommandTests {
    private static func rows(_ csv: URL) throws -> [String] {
        try String(contentsOf: csv, encoding: .utf8).split(separator: "\n").map { row in
            row.split(separator: ",", omittingEmptySubsequences: false).dropLast().joined(separator: ",")   // without the time
        }
    }

    @Test func ganTrainsScoresResumesAndSamples() throws {
        let data = try TinyMNIST(train: 320, test: 80)
        defer { data.remove() }
        let common = ["train", "gan", "--data", data.root.path, "--batch-size", "32", "--score-samples", "100"]
        let whole = data.root.appendingPathComponent("whole"), parts = data.root.appendingPathComponent("parts")
        let run = try Ember.run(common + ["--epochs", "2", "--out", whole.path])
        try #require(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("scorer: training SimpleCNN"))
        #expect(run.stdout.contains("D loss  G loss    D(x)  D(G(z))  confident  class entropy  frechet distance"))
        let folder = whole.appendingPathComponent("gan")
        for file in ["metrics.csv", "losses.svg", "last.safetensors", "samples/epoch-001.png", "samples/epoch-002.png"] {
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(file).path), "\(file) missing")
        }
        let csv = try Self.rows(folder.appendingPathComponent("metrics.csv"))
        #expect(csv.first == "epoch,d_loss,g_loss,d_x,d_g_z,confident,class_entropy,frechet_distance")
        #expect(csv.dropFirst().allSatisfy { Double($0.split(separator: ",")[7]) != nil })

        // Stopped after epoch 1 and resumed: the same epoch 2, and the same samples.
        let first = try Ember.run(common + ["--epochs", "1", "--out", parts.path, "--scorer",
                                            whole.appendingPathComponent("scorer/cnn/best.safetensors").path])
        try #require(first.status == 0, "\(first.stderr)")
        let resumed = try Ember.run(common + ["--epochs", "2", "--out", parts.path, "--resume",
                                              parts.appendingPathComponent("gan/last.safetensors").path, "--scorer",
                                              whole.appendingPathComponent("scorer/cnn/best.safetensors").path])
        try #require(resumed.status == 0, "\(resumed.stderr)")
        #expect(try Self.rows(parts.appendingPathComponent("gan/metrics.csv")) == csv)
        #expect(try Data(contentsOf: parts.appendingPathComponent("gan/samples/epoch-002.png"))
                == Data(contentsOf: folder.appendingPathComponent("samples/epoch-002.png")))

        let grid = data.root.appendingPathComponent("grid.png")
        let sample = try Ember.run(["sample", "--checkpoint", folder.appendingPathComponent("last.safetensors").path,
                                    "--count", "16", "--out", grid.path])
        try #require(sample.status == 0, "\(sample.stderr)")
        let image = try Image(contentsOf: grid)
        #expect(image.width == 8 * 30 + 2 && image.height == 2 * 30 + 2)
    }

    @Test func scoringTheRealTestImagesGivesDistanceZero() throws {
        let data = try TinyMNIST(train: 320, test: 80)
        defer { data.remove() }
        let result = try Ember.run(["score", "--samples", data.root.path, "--data", data.root.path, "--json",
                                    "--out", data.root.appendingPathComponent("runs").path])
        try #require(result.status == 0, "\(result.stderr)")
        let line = try #require(result.stdout.split(separator: "\n").last)
        let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
        #expect(object["samples"] as? Int == 80)
        #expect(abs(object["frechet_distance"] as! Double) < 1e-3)
    }

    @Test func dcganAndLeastSquaresGANTrain() throws {
        let data = try TinyMNIST(train: 64, test: 16)
        defer { data.remove() }
        let out = data.root.appendingPathComponent("runs")
        for command in [["dcgan"], ["gan", "--loss", "lsgan"], ["dcgan", "--loss", "lsgan"]] {
            let run = try Ember.run(["train"] + command + ["--data", data.root.path, "--epochs", "1", "--batch-size", "16",
                                                           "--score-samples", "0", "--out", out.path])
            try #require(run.status == 0, "\(run.stderr)")
        }
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("dcgan/samples/epoch-001.png").path))
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("gan-lsgan/samples/epoch-001.png").path))
        let lsgan = out.appendingPathComponent("dcgan-lsgan")
        #expect(FileManager.default.fileExists(atPath: lsgan.appendingPathComponent("samples/epoch-001.png").path))
    }

    @Test func autoencoderTrainsAndResumes() throws {
        let data = try TinyMNIST(train: 128, test: 40)
        defer { data.remove() }
        let common = ["train", "autoencoder", "--data", data.root.path, "--batch-size", "32"]
        let whole = data.root.appendingPathComponent("whole"), parts = data.root.appendingPathComponent("parts")
        let run = try Ember.run(common + ["--epochs", "2", "--out", whole.path])
        try #require(run.status == 0, "\(run.stderr)")
        let folder = whole.appendingPathComponent("autoencoder")
        for file in ["metrics.csv", "last.safetensors", "codes.svg", "reconstructions/epoch-002.png"] {
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(file).path), "\(file) missing")
        }
        _ = try Ember.run(common + ["--epochs", "1", "--out", parts.path])
        let resumed = try Ember.run(common + ["--epochs", "2", "--out", parts.path, "--resume",
                                              parts.appendingPathComponent("autoencoder/last.safetensors").path])
        try #require(resumed.status == 0, "\(resumed.stderr)")
        let a = try String(contentsOf: folder.appendingPathComponent("metrics.csv"), encoding: .utf8)
        let b = try String(contentsOf: parts.appendingPathComponent("autoencoder/metrics.csv"), encoding: .utf8)
        #expect(a == b)
    }
}
