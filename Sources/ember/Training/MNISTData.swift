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
    /// `Normalize([0.5], [0.5])` (values in -1...1), after `Resize(imageSize)` when that is
    /// not 28. Class names come from the folder: Fashion-MNIST's for the default folder and
    /// folders whose path mentions "fashion", the digits otherwise.
    init(root: String?, imageSize: Int = 28) throws {
        let root = root ?? FashionMNIST.debianRoot
        let transform = Self.transform(imageSize: imageSize)
        self.root = root
        train = try MNISTFormatDataset(root: root, train: true, transform: transform)
        test = try MNISTFormatDataset(root: root, train: false, transform: transform)
        classes = root.lowercased().contains("fashion") ? FashionMNISTSource.classes : MNISTDigitsSource.classes
    }

    /// `ToTensor` then `Normalize([0.5], [0.5])`, after `Resize(imageSize)` when that is not 28.
    static func transform(imageSize: Int = 28) -> Compose<Image, Tensor> {
        let resize: [any Transform] = imageSize == 28 ? [] : [Resize(imageSize)]
        return Compose<Image, Tensor>(resize + [ToTensor(), Normalize(mean: [0.5], std: [0.5])])
    }

    /// Shuffled batches of the train split; in a distributed run, of this rank's shard.
    func trainLoader(batchSize: Int, workers: Int, distributed: DistributedTraining? = nil, seed: UInt64 = 0) -> Loader {
        let sampler = distributed?.trainSampler(train, seed: seed)
        return DataLoader(train, batchSize: batchSize, shuffle: sampler == nil, numWorkers: workers, sampler: sampler)
    }

    /// The test split in order; in a distributed run, this rank's part of it.
    func testLoader(batchSize: Int, workers: Int, distributed: DistributedTraining? = nil) -> DataLoader<Subset<MNISTFormatDataset<FashionMNISTSource>>, (Tensor, Tensor)> {
        let indices = distributed?.validIndices(count: test.count) ?? Array(0..<test.count)
        return DataLoader(Subset(test, indices: indices), batchSize: batchSize, shuffle: false, numWorkers: workers)
    }
}

extension MNISTData {
    /// A session training `architecture` on the train split and testing it each epoch on
    /// the test split, with the optimizer `makeOptimizer` builds; seeded by `--seed` before
    /// the model is built, so initial weights follow it. With `distributed`, the trainer
    /// trains the model wrapped in `DistributedDataParallel` on this rank's shards.
    func session(
        _ architecture: Architecture, folder: URL, options: TrainingOptions,
        makeOptimizer: ([Tensor]) -> Optimizer, optimizerDescription: String, distributed: DistributedTraining? = nil
    ) throws -> TrainingSession<MNISTFormatDataset<FashionMNISTSource>, Subset<MNISTFormatDataset<FashionMNISTSource>>, (Tensor, Tensor), (Tensor, Tensor)> {
        manualSeed(options.seed)
        let model = architecture.make()
        let trained = try distributed?.wrap(model) ?? model
        let trainer = ClassifierTrainer(model: trained, optimizer: makeOptimizer(trained.parameters()), prepare: architecture.prepare)
        distributed?.reduceMetrics(of: trainer)
        return TrainingSession(
            title: architecture.title, architecture: architecture.rawValue, folder: folder, options: options,
            model: model, trainer: trainer,
            train: trainLoader(batchSize: options.batchSize, workers: options.workers, distributed: distributed, seed: options.seed),
            valid: testLoader(batchSize: options.batchSize, workers: options.workers, distributed: distributed), validName: "test",
            info: ["data": root], optimizerDescription: optimizerDescription, distributed: distributed)
    }
}
