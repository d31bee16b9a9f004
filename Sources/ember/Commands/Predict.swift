import ArgumentParser
import EmberVision
import Foundation

/// `ember predict`: the top classes of images under a zoo model, with torchvision's
/// evaluation transform.
struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Classify images with a model of the zoo and pretrained or local weights.")

    @Option(help: "Architecture, as torchvision names it (`ember models` lists them).")
    var model: String = "resnet18"
    @Option(help: "torchvision's weights (imagenet1k-v1, DEFAULT, ...; from PyTorch's cache or downloaded), a local .pth/.safetensors file, or a checkpoint of `ember train images` (its model, classes and transform).")
    var weights: String = "DEFAULT"
    @Option(help: "Outputs of the model in a local file, when not ImageNet's 1000.")
    var numClasses: Int = 1000
    @Option(help: "Class names for a local file's outputs, comma-separated (default: ImageNet's for 1000 outputs, else indices).")
    var classes: String?
    @Option(help: "How many classes to show per image.")
    var top: Int = 5
    @Flag(help: "Print JSON: per image a list of {\"index\", \"label\", \"probability\", \"logit\"}.")
    var json = false
    @Argument(help: "Image files (JPEG or PNG).")
    var images: [String]

    func validate() throws {
        guard !images.isEmpty else { throw ValidationError("give at least one image") }
        guard top > 0 else { throw ValidationError("--top must be positive") }
    }

    func run() throws {
        let (network, evaluation, labels) = try load()
        network.eval()
        var results: [(image: String, classes: [Prediction])] = []
        for path in images {
            let image = try Image(contentsOf: URL(fileURLWithPath: path)).rgb()
            let batch = evaluation(image).unsqueeze(0)
            let logits = withNoGrad { network(batch) }
            let probabilities = logits.softmax(dim: 1)[0].toArray(), scores = logits[0].toArray()
            // Ranked by logit: the same order as by probability, without the ties of probabilities that underflow to 0.
            let ranked = scores.indices.sorted { scores[$0] > scores[$1] }.prefix(top)
            results.append((path, ranked.map {
                Prediction(index: $0, label: $0 < labels.count ? labels[$0] : String($0), probability: probabilities[$0], logit: scores[$0])
            }))
        }
        json ? printJSON(results) : printTable(results)
    }

    /// The model, its evaluation transform and its class names.
    private func load() throws -> (Module, Compose<Image, Tensor>, [String]) {
        if let run = try? Checkpoint.load(from: URL(fileURLWithPath: weights)), run.info["task"] == "images" {
            let (network, spec, names, normalization) = try ImageModel.restore(run, path: weights)
            return (network, ImageData.transform(imageSize: spec.imageSize, normalization: normalization), names)
        }
        if FileManager.default.fileExists(atPath: weights) {
            let network = try ModelZoo.model(model, weightsFile: URL(fileURLWithPath: weights), numClasses: numClasses)
            // The architecture's default checkpoint says how its images are prepared.
            let preparation = try ModelZoo.weights("DEFAULT", for: model)
            let names = classes.map { $0.split(separator: ",").map(String.init) } ?? (numClasses == 1000 ? imageNetCategories : [])
            return (network, preparation.transforms, names)
        }
        let chosen = try ModelZoo.weights(weights, for: model)
        return (try ModelZoo.pretrained(chosen), chosen.transforms, chosen.categories)
    }

    /// One class of one image.
    private struct Prediction {
        let index: Int
        let label: String
        let probability: Float
        let logit: Float
    }

    private func printTable(_ results: [(image: String, classes: [Prediction])]) {
        for (image, classes) in results {
            print(image)
            for entry in classes {
                print(String(format: "  %6.2f%%  %4d  ", entry.probability * 100, entry.index) + entry.label)
            }
        }
    }

    private func printJSON(_ results: [(image: String, classes: [Prediction])]) {
        let objects: [[String: Any]] = results.map { image, classes in
            ["image": image, "predictions": classes.map {
                ["index": $0.index, "label": $0.label, "probability": Double($0.probability), "logit": Double($0.logit)]
            }]
        }
        let data = try! JSONSerialization.data(withJSONObject: objects, options: [.prettyPrinted, .sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    }
}
