import Ember

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

        /// An architecture named `name` built by `build`.
        public init(_ name: String, inputSize: Int = 224, build: @escaping @Sendable (_ numClasses: Int) -> Module) {
            self.name = name
            self.inputSize = inputSize
            self.build = build
        }
    }

    /// Every architecture, family by family in torchvision's order.
    public static let all: [Entry] = resNetFamily + denseNetFamily + inceptionFamily + googLeNetFamily

    /// The architecture named `name`, or nil.
    public static func entry(_ name: String) -> Entry? { all.first { $0.name == name } }

    /// A fresh model of the architecture named `name`.
    /// - Throws: `ModelZooError.unknownArchitecture` listing the names there are.
    public static func model(_ name: String, numClasses: Int = 1000) throws -> Module {
        guard let entry = entry(name) else { throw ModelZooError.unknownArchitecture(name, known: all.map(\.name)) }
        return entry.build(numClasses)
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
