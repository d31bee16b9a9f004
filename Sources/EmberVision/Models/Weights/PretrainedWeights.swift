import Ember
import Foundation

/// One of torchvision's pretrained checkpoints: where it comes from, how its images were
/// prepared, and what it scored on ImageNet (torchvision's `Weights` and its `meta`).
///
/// ```swift
/// let weights = ResNet18Weights.imagenet1kV1.info
/// weights.fileName        // "resnet18-f37072fd.pth"
/// weights.categories[207] // "golden retriever"
/// ```
public struct PretrainedWeights: Sendable, Hashable, CustomStringConvertible {
    /// The architecture's torchvision name (`"resnet18"`).
    public let architecture: String
    /// torchvision's name for the checkpoint (`"IMAGENET1K_V1"`).
    public let name: String
    /// Where torchvision downloads it from.
    public let url: URL
    /// The side of the centre crop evaluated (`crop_size`).
    public let cropSize: Int
    /// The size the shorter side is resized to before cropping (`resize_size`).
    public let resizeSize: Int
    /// Parameters of the model (`num_params`).
    public let parameterCount: Int
    /// Billions of multiply-adds per image at `cropSize` (torchvision's `_ops`, GFLOPs).
    public let gflops: Double
    /// Published ImageNet-1K top-1 and top-5 accuracy, in percent (NaN where none is given).
    public let acc1: Double, acc5: Double
    /// Whether the checkpoint has a 1000-class ImageNet head; VGG-16's `IMAGENET1K_FEATURES`
    /// has only valid `features`.
    public let hasCategories: Bool

    init(architecture: String, name: String, url: String, cropSize: Int, resizeSize: Int, parameterCount: Int,
         gflops: Double, acc1: Double, acc5: Double, hasCategories: Bool) {
        self.architecture = architecture
        self.name = name
        self.url = URL(string: url)!
        self.cropSize = cropSize
        self.resizeSize = resizeSize
        self.parameterCount = parameterCount
        self.gflops = gflops
        self.acc1 = acc1
        self.acc5 = acc5
        self.hasCategories = hasCategories
    }

    /// The checkpoint's file name, as PyTorch's cache keeps it (`resnet18-f37072fd.pth`).
    public var fileName: String { url.lastPathComponent }

    /// The hex digits between the first `-` and the `.` after them in the file name
    /// (`torch.hub`'s `HASH_REGEX`): the first digits of the file's SHA-256, which a
    /// download must match (`check_hash`).
    public var hashPrefix: String? {
        guard let match = fileName.firstMatch(of: /-([a-f0-9]*)\./), !match.1.isEmpty else { return nil }
        return String(match.1)
    }

    /// The class names the checkpoint predicts, by index; empty without a class head.
    public var categories: [String] { hasCategories ? imageNetCategories : [] }

    /// torchvision's evaluation transform for it (`weights.transforms()`): resize the shorter
    /// side to `resizeSize` (bilinear, antialiased), centre-crop `cropSize`, `ToTensor`,
    /// normalise with ImageNet's mean and standard deviation.
    public var transforms: Compose<Image, Tensor> {
        Compose([
            Resize(resizeSize), CenterCrop(cropSize), ToTensor(),
            Normalize(mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225]),
        ])
    }

    /// `resnet18 IMAGENET1K_V1`.
    public var description: String { "\(architecture) \(name)" }

    /// The checkpoints of `architecture`, in torchvision's order.
    public static func all(for architecture: String) -> [PretrainedWeights] { catalog[architecture] ?? [] }

    /// The checkpoint of `architecture` named `name`: torchvision's `IMAGENET1K_V1`, the
    /// command-line spelling `imagenet1k-v1`, or `DEFAULT` for torchvision's default.
    public static func named(_ name: String, architecture: String) -> PretrainedWeights? {
        let wanted = name.uppercased().replacingOccurrences(of: "-", with: "_")
        let candidates = all(for: architecture)
        if wanted == "DEFAULT" { return defaults[architecture].flatMap { d in candidates.first { $0.name == d } } }
        return candidates.first { $0.name == wanted }
    }
}

/// The checkpoints of one architecture, as torchvision's `ResNet18_Weights` enum:
/// `resnet18(weights: .imagenet1kV1)`.
public protocol PretrainedWeightsEnum: RawRepresentable<String>, CaseIterable, Sendable {
    /// The architecture's torchvision name.
    static var architecture: String { get }
    /// torchvision's `DEFAULT` checkpoint.
    static var `default`: Self { get }
}

extension PretrainedWeightsEnum {
    /// The checkpoint's file, sizes and scores.
    public var info: PretrainedWeights {
        guard let weights = PretrainedWeights.named(rawValue, architecture: Self.architecture) else {
            preconditionFailure("\(Self.self).\(rawValue) is missing from the weights catalog")
        }
        return weights
    }
}
