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
    let normalization: (mean: [Float], std: [Float])

    var classes: [String] { valid.classes }

    /// The recipe's `Normalize([0.5]*3, [0.5]*3)`, or torchvision's ImageNet statistics
    /// for ImageNet-pretrained weights.
    static func normalization(imageNet: Bool) -> (mean: [Float], std: [Float]) {
        imageNet ? ([0.485, 0.456, 0.406], [0.229, 0.224, 0.225]) : ([0.5, 0.5, 0.5], [0.5, 0.5, 0.5])
    }

    /// Reads both folders; `perClass` keeps only each class's first images of `training/`
    /// (in `ImageFolder`'s sorted order), for small-data recipes.
    init(root: String, imageSize: Int, augment: Bool, imageNetNormalization: Bool, perClass: Int?) throws {
        self.root = URL(fileURLWithPath: root)
        normalization = Self.normalization(imageNet: imageNetNormalization)
        let finish: [any Transform] = [ToTensor(), Normalize(mean: normalization.mean, std: normalization.std)]
        func pipeline(_ geometry: [any Transform]) -> Compose<Image, Tensor> { Compose<Image, Tensor>(geometry + finish) }
        let plain = pipeline([Resize(imageSize), CenterCrop(imageSize)])
        let training = augment ? pipeline([RandomResizedCrop(imageSize), RandomHorizontalFlip()]) : plain
        let trainFolder = try ImageFolder(root: self.root.appendingPathComponent("training"), transform: training)
        valid = try ImageFolder(root: self.root.appendingPathComponent("validation"), transform: plain)
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
