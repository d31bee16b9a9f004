import EmberVision
import Foundation

/// An image folder as `ember split` and `ember export --layout folders` make it:
/// `DIR/training/<class>/` and `DIR/validation/<class>/`, read by `ImageFolder` with
/// `Resize` + `CenterCrop` to `imageSize` (or, with `augment`, the training images through
/// `RandomResizedCrop` + `RandomHorizontalFlip`, part 3 §7.7), `ToTensor` and `Normalize`.
struct ImageData {
    let root: URL
    let train: Subset<ImageFolder>
    let valid: ImageFolder
    let normalization: Normalization

    var classes: [String] { valid.classes }

    /// `Normalize`'s statistics: the recipe's 0.5 per channel, or torchvision's ImageNet
    /// statistics for ImageNet-pretrained weights. Stored in checkpoints, so evaluation
    /// and prediction prepare images as training did.
    struct Normalization {
        var mean: [Float], std: [Float]

        static let half = Normalization(mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5])
        static let imageNet = Normalization(mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225])

        var info: [String: String] {
            ["mean": mean.map { "\($0)" }.joined(separator: ","), "std": std.map { "\($0)" }.joined(separator: ",")]
        }

        init(mean: [Float], std: [Float]) {
            self.mean = mean
            self.std = std
        }

        /// Read back from a checkpoint's facts; the recipe's when absent.
        init(info: [String: String]) {
            func values(_ key: String) -> [Float]? { info[key].map { $0.split(separator: ",").compactMap { Float($0) } } }
            guard let mean = values("mean"), let std = values("std"), mean.count == 3, std.count == 3 else {
                self = .half
                return
            }
            self.init(mean: mean, std: std)
        }
    }

    /// The evaluation transform: `Resize`, `CenterCrop`, `ToTensor`, `Normalize`; with
    /// `augment`, the training one with random crops and flips instead.
    static func transform(imageSize: Int, normalization: Normalization, augment: Bool = false) -> Compose<Image, Tensor> {
        let geometry: [any Transform] = augment
            ? [RandomResizedCrop(imageSize), RandomHorizontalFlip()] : [Resize(imageSize), CenterCrop(imageSize)]
        return Compose<Image, Tensor>(geometry + [ToTensor(), Normalize(mean: normalization.mean, std: normalization.std)])
    }

    /// `DIR/validation/` with the evaluation transform.
    static func validation(root: URL, imageSize: Int, normalization: Normalization) throws -> ImageFolder {
        try ImageFolder(root: root.appendingPathComponent("validation"),
                        transform: transform(imageSize: imageSize, normalization: normalization))
    }

    /// Reads both folders; `perClass` keeps only each class's first images of `training/`
    /// (in `ImageFolder`'s sorted order), for small-data recipes.
    init(root: String, imageSize: Int, augment: Bool, normalization: Normalization, perClass: Int?) throws {
        self.root = URL(fileURLWithPath: root)
        self.normalization = normalization
        let trainFolder = try ImageFolder(
            root: self.root.appendingPathComponent("training"),
            transform: Self.transform(imageSize: imageSize, normalization: normalization, augment: augment))
        valid = try Self.validation(root: self.root, imageSize: imageSize, normalization: normalization)
        guard trainFolder.classes == valid.classes else {
            throw CommandError("\(root): training/ has the classes \(trainFolder.classes) but validation/ has \(valid.classes)")
        }
        var indices = Array(trainFolder.samples.indices)
        if let perClass {
            var kept: [Int: Int] = [:]
            indices = indices.filter { index in
                let label = trainFolder.samples[index].classIndex
                kept[label, default: 0] += 1
                return kept[label]! <= perClass
            }
        }
        train = Subset(trainFolder, indices: indices)
    }
}
