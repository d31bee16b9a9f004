import EmberVision
import Foundation

/// The tutorial's autoencoder (part 4) trained on MNIST-format images: MSE against the
/// input, Adam (lr 1e-3, weight decay 1e-5). Per epoch the train loss and the test
/// reconstruction error, and `reconstructions/epoch-NNN.png` — 32 test images (top four
/// rows) above their reconstructions; at the end `codes.svg`, the 3-D codes of 2,000 test
/// images coloured by class. `last.safetensors` resumes with `--resume`. Unless
/// `--no-tensorboard`, the losses and the pictures also go to a TensorBoard event file.
struct AutoencoderSession {
    let options: TrainingOptions
    let data: MNISTData
    let folder: URL

    var lr: Float { options.lr ?? 1e-3 }
    static let header = " epoch  train loss  test loss    time"
    static let title = "autoencoder 784-128-64-12-3"

    @discardableResult
    func run() throws -> [(epoch: Int, train: Double, test: Double)] {
        let pictures = folder.appendingPathComponent("reconstructions")
        try FileManager.default.createDirectory(at: pictures, withIntermediateDirectories: true)
        manualSeed(options.seed)
        let model = Autoencoder()
        let optimizer = Adam(model.parameters(), lr: lr, weightDecay: 1e-5)
        var history: [(epoch: Int, train: Double, test: Double)] = []
        if let resume = options.resume {
            history = try restore(model, optimizer, from: URL(fileURLWithPath: resume))
            print("resumed the autoencoder from \(resume) after epoch \(history.last?.epoch ?? 0)")
        }
        let train = data.trainLoader(batchSize: options.batchSize, workers: options.workers)
        let test = data.testLoader(batchSize: 500, workers: options.workers)
        let board = try TensorBoardLog(folder: folder, enabled: options.tensorboard, resumedAfter: history.count)
        print("\n\(Self.title): \(options.epochs) epochs, batch \(options.batchSize), Adam lr \(lr) weight decay 1e-05 -> \(folder.path)")
        print(Self.header)
        for epoch in (history.count + 1)..<(options.epochs + 1) {
            let start = Date()
            model.train()
            let progress = ProgressBar(label: "epoch \(epoch)", total: train.count)
            var sum = 0.0, seen = 0, batches = 0
            try train.forEachBatch { images, _ in
                let x = images.view(images.shape[0], -1)
                sum += Double(model.trainStep(x, optimizer: optimizer).item()) * Double(x.shape[0])
                seen += x.shape[0]
                batches += 1
                progress.update(done: batches, samples: seen, summary: String(format: "MSE %.4f", sum / Double(seen)))
            }
            progress.finish()
            let testError = try reconstructionError(model, test)
            history.append((epoch, sum / Double(max(seen, 1)), testError))
            print(String(format: "%6d  %10.4f  %9.4f  %6.1fs", epoch, history.last!.train, testError, Date().timeIntervalSince(start)))
            let comparison = try reconstructions(model, test)
            try saveImage(comparison, to: pictures.appendingPathComponent(String(format: "epoch-%03d.png", epoch)))
            try board.log(epoch: epoch, ["loss/train": history.last!.train, "loss/test": testError, "learning_rate": Double(lr)],
                          images: ["reconstructions": makeGrid(comparison)])
            let csv = (["epoch,train_mse,test_mse"] + history.map { "\($0.epoch),\($0.train),\($0.test)" }).joined(separator: "\n") + "\n"
            try AtomicFile.write(Data(csv.utf8), to: folder.appendingPathComponent("metrics.csv"))
            var checkpoint = Checkpoint()
            checkpoint["model"] = model.stateDict()
            checkpoint["optimizer"] = optimizer.stateDict()
            checkpoint.info = ["architecture": "autoencoder", "epoch": String(epoch), "data": data.root]
            checkpoint.generator = rngState()
            try checkpoint.save(to: folder.appendingPathComponent("last.safetensors"))
            try RunReport.write(title: Self.title, folder: folder)
        }
        try board.close()
        try saveCodes(model, test)
        try RunReport.write(title: Self.title, folder: folder)
        return history
    }

    /// The mean squared error per pixel over the whole test split.
    private func reconstructionError<D: Dataset>(_ model: Autoencoder, _ loader: DataLoader<D, (Tensor, Tensor)>) throws -> Double {
        var sum = 0.0, count = 0
        try withEvaluation(model) {
            try loader.forEachBatch { images, _ in
                let x = images.view(images.shape[0], -1)
                sum += Double(mseLoss(model(x), x, reduction: .sum).item())
                count += x.numel
            }
        }
        return sum / Double(max(count, 1))
    }

    /// The first 32 test images (all of them when there are fewer) above their
    /// reconstructions, in 0...1.
    private func reconstructions<D: Dataset>(_ model: Autoencoder, _ loader: DataLoader<D, (Tensor, Tensor)>) throws -> Tensor {
        var batches = loader.makeIterator()
        let first = try batches.nextBatch()!.0
        let count = min(32, first.shape[0])
        let images = first.narrow(dim: 0, start: 0, length: count)
        let reconstructed = withEvaluation(model) { model(images.view(count, -1)) }.view(count, 1, 28, 28)
        return Tensor.cat([images, reconstructed], dim: 0) * 0.5 + 0.5
    }

    private func saveCodes<D: Dataset>(_ model: Autoencoder, _ loader: DataLoader<D, (Tensor, Tensor)>) throws {
        var codes: [Tensor] = [], labels: [Tensor] = []
        var iterator = loader.makeIterator()
        while codes.count * 500 < 2000, let (images, targets) = try iterator.nextBatch() {
            codes.append(withEvaluation(model) { model(images.view(images.shape[0], -1)).code })
            labels.append(targets)
        }
        let svg = CodesPlot.render(codes: Tensor.cat(codes, dim: 0), labels: Tensor.cat(labels, dim: 0).toArray(as: Int64.self).map(Int.init),
                                   classes: data.classes)
        try AtomicFile.write(Data(svg.utf8), to: folder.appendingPathComponent("codes.svg"))
    }

    private func restore(_ model: Autoencoder, _ optimizer: Adam, from url: URL) throws -> [(epoch: Int, train: Double, test: Double)] {
        let checkpoint = try Checkpoint.load(from: url)
        guard checkpoint.info["architecture"] == "autoencoder", let weights = checkpoint["model"], let state = checkpoint["optimizer"],
              let epoch = checkpoint.info["epoch"].flatMap(Int.init) else {
            throw CommandError("\(url.path) is not a resumable checkpoint of `ember train autoencoder`")
        }
        try model.loadStateDict(weights)
        try optimizer.loadStateDict(state)
        if let generator = checkpoint.generator { setRNGState(generator) }
        let csv = metricsCSV(besides: url)
        return csv.split(separator: "\n").dropFirst().compactMap { line -> (Int, Double, Double)? in
            let f = line.split(separator: ",").compactMap { Double($0) }
            return f.count == 3 && Int(f[0]) <= epoch ? (Int(f[0]), f[1], f[2]) : nil
        }
    }
}
