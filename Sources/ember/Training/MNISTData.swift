import EmberVision
import Foundation

/// The MNIST-format data a command trains on: Fashion-MNIST from Debian's
/// `dataset-fashion-mnist` by default, or any folder of MNIST-format IDX files.
struct MNISTData {
    typealias Loader = DataLoader<MNISTFormatDataset<FashionMNISTSource>, (Tensor, Tensor)>

    let root: String
    let classes: [String]
    let train: MNISTFormatDataset<FashionMNISTSource>
    let test: MNISTFormatDataset<FashionMNISTSource>

    /// Loads both splits with the tutorial's transform, `ToTensor` then
    /// `Normalize([0.5], [0.5])`. Class names come from the folder: Fashion-MNIST's for the
    /// default folder and folders whose path mentions "fashion", the digits otherwise.
    init(root: String?) throws {
        let root = root ?? FashionMNIST.debianRoot
        let transform = Compose<Image, Tensor>([ToTensor(), Normalize(mean: [0.5], std: [0.5])])
        self.root = root
        train = try MNISTFormatDataset(root: root, train: true, transform: transform)
        test = try MNISTFormatDataset(root: root, train: false, transform: transform)
        classes = root.lowercased().contains("fashion") ? FashionMNISTSource.classes : MNISTDigitsSource.classes
    }

    func trainLoader(batchSize: Int, workers: Int) -> Loader {
        DataLoader(train, batchSize: batchSize, shuffle: true, numWorkers: workers)
    }

    func testLoader(batchSize: Int, workers: Int) -> Loader {
        DataLoader(test, batchSize: batchSize, shuffle: false, numWorkers: workers)
    }
}
