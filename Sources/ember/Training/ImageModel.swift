import EmberVision
import Foundation

/// The networks `ember train images` builds, by name: the tutorial's `simplecnn` or any
/// architecture of the model zoo, with `classes` outputs.
struct ImageModel {
    let name: String
    let classes: Int
    let imageSize: Int

    /// Names `--model` accepts.
    static var names: [String] { ["simplecnn"] + ModelZoo.all.map(\.name) }

    func validate() throws {
        guard name == "simplecnn" || ModelZoo.entry(name) != nil else {
            throw CommandError("unknown model '\(name)'; the models are: \(Self.names.joined(separator: ", "))")
        }
        if name == "simplecnn" && imageSize % 8 != 0 {
            throw CommandError("simplecnn halves its input three times: --image-size must be a multiple of 8, got \(imageSize)")
        }
    }

    /// The network an `ember train images` checkpoint holds, with its weights, its class
    /// names and how its images were normalised.
    static func restore(_ checkpoint: Checkpoint, path: String) throws -> (model: Module, spec: ImageModel, classes: [String], normalization: ImageData.Normalization) {
        let info = checkpoint.info
        guard let name = info["architecture"], let classes = info["classes"]?.split(separator: ",").map(String.init),
              let size = info["image_size"].flatMap(Int.init), let weights = checkpoint["model"] else {
            throw CommandError("\(path) lacks the architecture, classes, image size or weights of an `ember train images` run")
        }
        let spec = ImageModel(name: name, classes: classes.count, imageSize: size)
        try spec.validate()
        let model = try skipInit { try spec.make() }
        try model.loadStateDict(weights)
        return (model, spec, classes, ImageData.Normalization(info: info))
    }

    /// A freshly initialised network (drawing from the default generator).
    func make() throws -> Module {
        if name == "simplecnn" { return SimpleCNN(inChannels: 3, imageSize: imageSize, classes: classes) }
        return try ModelZoo.model(name, numClasses: classes)
    }

    /// The top-level child that ends in the class outputs — `fc` (ResNet, SimpleCNN,
    /// Inception, ShuffleNet) or `classifier` (VGG, AlexNet, DenseNet, MobileNet, …): the
    /// last child with parameters. Everything before it is the backbone.
    static func head(of model: Module) -> (name: String, module: Module) {
        guard let head = model.namedChildren().last(where: { !$0.module.parameters().isEmpty }) else {
            preconditionFailure("\(model.typeName) has no child with parameters")
        }
        return head
    }

    /// The backbone: every top-level child but the head.
    static func backbone(of model: Module) -> [Module] {
        let head = head(of: model).module
        return model.children().filter { $0 !== head }
    }

    /// Loads the weights `source` names — torchvision's (`imagenet1k-v1`, `DEFAULT`) from
    /// PyTorch's cache or a download, or a file: a plain state dict (`.pth`,
    /// `.safetensors`) or an Ember checkpoint. Entries whose shape differs from the model's
    /// (a head for other classes) are left out and returned; every other key must match.
    func loadWeights(_ source: String, into model: Module) throws -> [String] {
        var state = try Self.stateDict(source, architecture: name)
        if let entry = ModelZoo.entry(name) { state = entry.adaptStateDict(state) }
        let own = Dictionary(uniqueKeysWithValues: model.orderedStateDict().map { ($0.key, $0.value.shape) })
        let skipped = state.filter { key, value in own[key].map { $0 != value.shape } ?? false }.keys.sorted()
        for key in skipped { state[key] = nil }
        let keys = try model.loadStateDict(state, strict: false)
        let missing = keys.missingKeys.filter { !skipped.contains($0) }
        guard missing.isEmpty && keys.unexpectedKeys.isEmpty else {
            throw CommandError("\(source) does not hold \(name)'s weights: missing keys \(missing), unexpected keys \(keys.unexpectedKeys)")
        }
        return skipped
    }

    private static func stateDict(_ source: String, architecture: String) throws -> [String: Tensor] {
        let url = URL(fileURLWithPath: source)
        guard FileManager.default.fileExists(atPath: source) else {
            let weights = try ModelZoo.weights(source, for: architecture)
            return try StateDictFile.load(from: WeightsCache.pytorch.file(for: weights))
        }
        if let checkpoint = try? Checkpoint.load(from: url), let model = checkpoint["model"] { return model }
        return try StateDictFile.load(from: url)
    }

    /// Sets every `Dropout` layer's probability, as torchvision's `dropout=` does for its
    /// classifiers.
    static func setDropout(_ p: Float, in model: Module) throws {
        let layers = model.modules().compactMap { $0 as? Dropout }
        guard !layers.isEmpty else { throw CommandError("--dropout: \(model.typeName) has no Dropout layer") }
        for layer in layers { layer.p = p }
    }
}
