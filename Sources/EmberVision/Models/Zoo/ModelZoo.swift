import Ember
import Foundation

/// torchvision's model zoo by name: every architecture Ember builds, keyed by the name
/// `torchvision.models.get_model` takes (`"resnet18"`, `"shufflenet_v2_x1_0"`).
///
/// ```swift
/// let model = try ModelZoo.model("mobilenet_v2", numClasses: 2)
/// for entry in ModelZoo.all { print(entry.name) }
/// ```
public enum ModelZoo {
    /// One architecture: its torchvision name and how to build it.
    public struct Entry: Sendable {
        /// torchvision's name, as `get_model` takes it.
        public let name: String
        /// The side of the square input its ImageNet weights were evaluated at (224, or
        /// 299 for Inception v3).
        public let inputSize: Int
        /// Builds the model with torchvision's defaults and `numClasses` outputs, freshly
        /// initialised as torchvision initialises it.
        public let build: @Sendable (_ numClasses: Int) -> Module
        /// Builds the model as torchvision does for its pretrained weights (Inception v3 and
        /// GoogLeNet normalise their input differently then).
        let buildForWeights: @Sendable () -> Module
        /// Rewrites an older checkpoint's keys to today's (DenseNet's `norm.1` → `norm1`).
        public let adaptStateDict: @Sendable ([String: Tensor]) -> [String: Tensor]
        /// What torchvision changes once pretrained weights are in (GoogLeNet drops its
        /// auxiliary heads unless asked for them).
        let afterLoading: @Sendable (Module) -> Void

        /// An architecture named `name` built by `build`; the other closures default to
        /// `build(1000)`, no key changes and nothing after loading.
        init(_ name: String, inputSize: Int = 224,
             buildForWeights: (@Sendable () -> Module)? = nil,
             adaptStateDict: @escaping @Sendable ([String: Tensor]) -> [String: Tensor] = { $0 },
             afterLoading: @escaping @Sendable (Module) -> Void = { _ in },
             build: @escaping @Sendable (_ numClasses: Int) -> Module) {
            self.name = name
            self.inputSize = inputSize
            self.build = build
            self.buildForWeights = buildForWeights ?? { build(1000) }
            self.adaptStateDict = adaptStateDict
            self.afterLoading = afterLoading
        }

        /// torchvision's pretrained checkpoints of the architecture.
        public var weights: [PretrainedWeights] { PretrainedWeights.all(for: name) }
    }

    /// Every architecture, family by family in torchvision's order.
    public static let all: [Entry] = resNetFamily + alexNetFamily + vggFamily + squeezeNetFamily + denseNetFamily
        + inceptionFamily + googLeNetFamily + shuffleNetV2Family + mobileNetV2Family + mnasNetFamily

    /// The architecture named `name`, or nil.
    public static func entry(_ name: String) -> Entry? { all.first { $0.name == name } }

    /// A fresh model of the architecture named `name`.
    /// - Throws: `ModelZooError.unknownArchitecture` listing the names there are.
    public static func model(_ name: String, numClasses: Int = 1000) throws -> Module {
        try knownEntry(name).build(numClasses)
    }

    /// A model of `weights`' architecture with those weights, from `cache` (PyTorch's by
    /// default), downloading them there if missing.
    /// - Throws: `WeightsError` when the file cannot be had, `PthError` or
    ///   `StateDictError` when it does not hold this model's weights.
    public static func pretrained(_ weights: PretrainedWeights, cache: WeightsCache = .pytorch, progress: Bool = true) throws -> Module {
        let entry = try knownEntry(weights.architecture)
        let file = try cache.file(for: weights, progress: progress)
        let model = skipInit { entry.buildForWeights() }
        try model.loadStateDict(entry.adaptStateDict(StateDictFile.load(from: file)), strict: true)
        entry.afterLoading(model)
        return model
    }

    /// A model of architecture `name` with the state dict in `file` (`.pth` or
    /// `.safetensors`), loaded with `strict: true`.
    public static func model(_ name: String, weightsFile file: URL, numClasses: Int = 1000) throws -> Module {
        let entry = try knownEntry(name)
        let model = skipInit { entry.build(numClasses) }
        try model.loadStateDict(entry.adaptStateDict(StateDictFile.load(from: file)), strict: true)
        return model
    }

    /// The checkpoint of architecture `name` called `weights` (`IMAGENET1K_V1`,
    /// `imagenet1k-v1`, `DEFAULT`).
    /// - Throws: `WeightsError.unknownWeights` listing the names there are.
    public static func weights(_ weights: String, for name: String) throws -> PretrainedWeights {
        _ = try knownEntry(name)
        guard let found = PretrainedWeights.named(weights, architecture: name) else {
            throw WeightsError.unknownWeights(weights, architecture: name, known: PretrainedWeights.all(for: name).map(\.name))
        }
        return found
    }

    private static func knownEntry(_ name: String) throws -> Entry {
        guard let entry = entry(name) else { throw ModelZooError.unknownArchitecture(name, known: all.map(\.name)) }
        return entry
    }
}

/// A model asked for by a name or weights that Ember does not have.
public enum ModelZooError: Error, Equatable, CustomStringConvertible {
    /// No architecture has this name.
    case unknownArchitecture(String, known: [String])

    public var description: String {
        switch self {
        case .unknownArchitecture(let name, let known):
            "unknown model '\(name)'; the models are: \(known.joined(separator: ", "))"
        }
    }
}
