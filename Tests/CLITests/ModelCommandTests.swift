import Foundation
import Testing
import EmberVision

/// `ember models` and `ember predict`, with a checkpoint placed in a private PyTorch cache.
struct ModelCommandTests {
    static let photo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/images/baseline_444.jpg")

    @Test func modelsListsEveryArchitectureWithItsCost() throws {
        let result = try Ember.run(["models"])
        #expect(result.status == 0, "\(result.stderr)")
        for entry in ModelZoo.all { #expect(result.stdout.contains("\n\(entry.name) "), "\(entry.name) missing") }
        let resnet18 = result.stdout.split(separator: "\n").first { $0.hasPrefix("resnet18 ") }.map(String.init) ?? ""
        #expect(resnet18.contains("11.7M") && resnet18.contains("1.81") && resnet18.contains("IMAGENET1K_V1 (69.8)"), "\(resnet18)")
    }

    @Test func predictReadsPyTorchsCacheAndPrintsTheTopClasses() throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("ember-torch-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: home) }
        let cache = home.appendingPathComponent("hub/checkpoints")
        try FileManager.default.createDirectory(at: cache, withIntermediateDirectories: true)
        manualSeed(5)
        let model = resnet18()
        try model.save(to: cache.appendingPathComponent("resnet18-f37072fd.pth"))

        let result = try Ember.run(["predict", "--model", "resnet18", "--weights", "imagenet1k-v1", "--top", "3", "--json", Self.photo.path],
                                   environment: ["TORCH_HOME": home.path])
        #expect(result.status == 0, "\(result.stderr)")
        let parsed = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]]
        let predictions = try #require(parsed?.first?["predictions"] as? [[String: Any]])
        #expect(predictions.count == 3)

        // The same numbers as the library computes with torchvision's evaluation transform.
        let image = try Image(contentsOf: Self.photo).rgb()
        let logits = withNoGrad { model.eval()(ResNet18Weights.imagenet1kV1.info.transforms(image).unsqueeze(0)) }
        let probabilities = logits.softmax(dim: 1)[0].toArray()
        let best = probabilities.indices.max { probabilities[$0] < probabilities[$1] }!
        #expect(predictions[0]["index"] as? Int == best)
        #expect(predictions[0]["label"] as? String == imageNetCategories[best])
        let printed = try #require(predictions[0]["probability"] as? Double)
        #expect(abs(printed - Double(probabilities[best])) < 1e-6)

        let table = try Ember.run(["predict", "--model", "resnet18", "--weights", "imagenet1k-v1", Self.photo.path],
                                  environment: ["TORCH_HOME": home.path])
        #expect(table.stdout.contains(imageNetCategories[best]))
    }

    @Test func predictWithoutTheCheckpointSaysWhereToPutIt() throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("ember-torch-\(UUID().uuidString)")
        let result = try Ember.run(["predict", "--model", "alexnet", "--weights", "imagenet1k-v1", Self.photo.path],
                                   environment: ["TORCH_HOME": home.path, "http_proxy": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("alexnet-owt-7be5be79.pth") && result.stderr.contains(home.path + "/hub/checkpoints"))
        #expect(!FileManager.default.fileExists(atPath: home.path))
        let unknown = try Ember.run(["predict", "--model", "resnet19", Self.photo.path])
        #expect(unknown.status != 0 && unknown.stderr.contains("unknown model 'resnet19'"))
    }
}
