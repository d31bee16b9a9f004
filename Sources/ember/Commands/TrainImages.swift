import ArgumentParser
import EmberVision
import Foundation

/// `ember train images`: the tutorial's image case studies (part 1 §3.4, part 3 §5–8) on an
/// image folder — a CNN from scratch, a zoo model fine-tuned from pretrained weights, a
/// frozen backbone with a new head, or that head trained on pre-computed features.
struct TrainImages: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "images",
        abstract: "Train an image classifier on a folder of training/ and validation/ class folders.",
        discussion: """
            --freeze backbone trains only the head (the last child with parameters: fc or \
            classifier); the frozen backbone stays in evaluation mode, so its batch-norm \
            statistics do not change either. --precompute-features runs that backbone once \
            over both folders and trains the head on what it computed.
            """)

    enum FreezeChoice: String, ExpressibleByArgument, CaseIterable {
        case none, backbone
    }

    @Option(help: "simplecnn, or any architecture of `ember models` (resnet18, vgg16, ...).") var model = "simplecnn"
    @Option(help: "Pretrained weights: torchvision's (imagenet1k-v1, DEFAULT) or a .pth/.safetensors file; a head of another shape is left out.")
    var weights: String?
    @Option(help: "none, or backbone: train only the head.") var freeze: FreezeChoice = .none
    @Flag(help: "With --freeze backbone: compute the backbone's features once, then train the head on them.")
    var precomputeFeatures = false
    @Option(help: "Side of the square the images are resized and cropped to (default: 32 for simplecnn, 224 otherwise).")
    var imageSize: Int?
    @Flag(help: "Augment training images: RandomResizedCrop and RandomHorizontalFlip.") var augment = false
    @Option(help: "Probability of every Dropout layer of the model.") var dropout: Float?
    @Option(help: "L2 penalty (weight_decay).") var weightDecay: Float = 0
    @Option(help: "Optimizer: sgd or adam.") var optimizer: OptimizerChoice = .sgd
    @Option(help: "SGD momentum.") var momentum: Float = 0.9
    @Option(help: "StepLR: multiply the learning rate by --gamma every this many epochs.") var stepSize: Int?
    @Option(help: "StepLR's factor.") var gamma: Float = 0.1
    @Option(help: "Use only each class's first N training images (in sorted order).") var trainPerClass: Int?
    @OptionGroup var options: TrainingOptions
    @OptionGroup var distribution: DistributedOption

    private var size: Int { imageSize ?? (model == "simplecnn" ? 32 : 224) }

    func validate() throws {
        guard options.data != nil else { throw ValidationError("--data DIR is required: a folder holding training/ and validation/") }
        if let imageSize, imageSize < 1 { throw ValidationError("--image-size must be positive, got \(imageSize)") }
        if let stepSize, stepSize < 1 { throw ValidationError("--step-size must be at least 1, got \(stepSize)") }
        if let trainPerClass, trainPerClass < 1 { throw ValidationError("--train-per-class must be at least 1, got \(trainPerClass)") }
        if let dropout, !(0...1).contains(dropout) { throw ValidationError("--dropout must be within 0...1, got \(dropout)") }
        guard momentum >= 0, weightDecay >= 0, gamma > 0 else {
            throw ValidationError("--momentum and --weight-decay cannot be negative, --gamma must be positive")
        }
        if precomputeFeatures {
            guard freeze == .backbone else { throw ValidationError("--precompute-features needs --freeze backbone") }
            guard !augment else { throw ValidationError("--precompute-features computes each image's features once: it cannot be combined with --augment") }
            guard options.resume == nil else { throw ValidationError("--precompute-features runs are not resumable; start it again") }
            guard !distribution.distributed else { throw ValidationError("--precompute-features trains the head in one process; leave out --distributed") }
        }
    }

    func run() throws {
        if let threads = options.threads { setNumThreads(threads) }
        let distributed = try DistributedTraining.start(distribution, options)
        let root = options.data!
        let imageNet = weights.map { !FileManager.default.fileExists(atPath: $0) } ?? false
        let data = try ImageData(root: root, imageSize: size, augment: augment,
                                 normalization: imageNet ? .imageNet : .half, perClass: trainPerClass)
        print("data: \(root) (\(data.train.count) training, \(data.valid.count) validation images, classes \(data.classes.joined(separator: ", ")))")
        let spec = ImageModel(name: model, classes: data.classes.count, imageSize: size)
        try spec.validate()
        manualSeed(options.seed)
        let network = try spec.make()
        if let weights {
            let skipped = try spec.loadWeights(weights, into: network)
            print("weights: \(weights)" + (skipped.isEmpty ? "" : " (left out for their shape: \(skipped.joined(separator: ", ")))"))
        }
        if let dropout { try ImageModel.setDropout(dropout, in: network) }
        let backbone = freeze == .backbone ? ImageModel.backbone(of: network) : []
        for part in backbone { part.requiresGrad(false) }
        let optimizer = self.optimizer.make(network.parameters().filter(\.requiresGrad), lr: options.learningRate,
                                            momentum: momentum, weightDecay: weightDecay)
        let scheduler = stepSize.map { StepLR(optimizer, stepSize: $0, gamma: gamma) }
        let sampler = distributed?.trainSampler(data.train, seed: options.seed)
        let train = DataLoader(data.train, batchSize: options.batchSize, shuffle: sampler == nil, numWorkers: options.workers,
                               sampler: sampler)
        let validIndices = distributed?.validIndices(count: data.valid.count) ?? Array(0..<data.valid.count)
        let valid = DataLoader(Subset(data.valid, indices: validIndices), batchSize: options.batchSize, numWorkers: options.workers)
        var description = self.optimizer.describe(lr: options.learningRate, momentum: momentum, weightDecay: weightDecay)
        if let stepSize { description += ", StepLR(\(stepSize), \(gamma))" }
        if freeze == .backbone { description += ", backbone frozen" }
        let folder = URL(fileURLWithPath: options.out).appendingPathComponent(model)
        let info = ["task": "images", "data": root, "image_size": String(size), "classes": data.classes.joined(separator: ",")]
            .merging(data.normalization.info) { a, _ in a }
        func session<T, V, TB, VB>(_ trainer: ClassifierTrainer, _ train: DataLoader<T, TB>, _ valid: DataLoader<V, VB>) -> TrainingSession<T, V, TB, VB> {
            TrainingSession(title: model, architecture: model, folder: folder, options: options, model: network,
                            trainer: trainer, train: train, valid: valid, validName: "valid", info: info,
                            optimizerDescription: description, distributed: distributed)
        }
        if precomputeFeatures {
            let head = ImageModel.head(of: network).module
            let start = Date()
            let (trainFeatures, validFeatures) = try (HeadInput.precompute(network, head: head, train),
                                                      HeadInput.precompute(network, head: head, valid))
            print(String(format: "features: %@ computed once in %.1fs, %@ per image", ImageModel.head(of: network).name,
                         Date().timeIntervalSince(start), "\(trainFeatures.tensors[0].shape.dropFirst())"))
            let trainer = ClassifierTrainer(model: head, optimizer: optimizer, scheduler: scheduler)
            _ = try session(trainer, DataLoader(trainFeatures, batchSize: options.batchSize, shuffle: true),
                            DataLoader(validFeatures, batchSize: options.batchSize)).run()
        } else {
            let trainer = ClassifierTrainer(model: try distributed?.wrap(network) ?? network, optimizer: optimizer,
                                            scheduler: scheduler, frozen: backbone)
            distributed?.reduceMetrics(of: trainer)
            _ = try session(trainer, train, valid).run()
        }
        if distributed?.isPrimary ?? true {
            try ValidationReport(model: network, valid: data.valid, normalization: data.normalization, batchSize: options.batchSize)
                .run(writingTo: folder)
            try RunReport.write(title: model, folder: folder)
        }
        try distributed?.finish()
    }
}
