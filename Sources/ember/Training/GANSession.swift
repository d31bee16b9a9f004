import EmberVision
import Foundation

/// A GAN trained for `options.epochs` on MNIST-format data with the tutorial's iteration
/// (`GANTraining`): live progress (D and G losses, D(x), D(G(z)), samples/s, ETA), a
/// per-epoch table, and the run folder — `metrics.csv`, `losses.svg`, per epoch
/// `samples/epoch-NNN.png` (64 samples of one fixed noise batch, the generator in
/// evaluation mode) and `last.safetensors`, which holds both nets, both optimizers, the
/// fixed noise and the random generator, so `--resume` continues the same run; and, unless
/// `--no-tensorboard`, a TensorBoard event file of the table's columns and the sample grids.
struct GANSession {
    let net: GenerativeNet
    let loss: GANTraining.Loss
    let options: TrainingOptions
    let data: MNISTData
    let folder: URL
    let scoring: SampleScoring?

    var lr: Float { options.lr ?? 2e-4 }

    @discardableResult
    func run() throws -> [GANEpoch] {
        let samples = folder.appendingPathComponent("samples")
        try FileManager.default.createDirectory(at: samples, withIntermediateDirectories: true)
        manualSeed(options.seed)
        let gan = GANTraining(generator: net.makeGenerator(), discriminator: net.makeDiscriminator(leastSquares: loss == .leastSquares),
                              loss: loss, lr: lr)
        var fixedNoise = net.noise(64)
        var history: [GANEpoch] = []
        if let resume = options.resume {
            (history, fixedNoise) = try restore(gan, from: URL(fileURLWithPath: resume))
            print("resumed \(net.title) from \(resume) after epoch \(history.last?.epoch ?? 0)")
        }
        let loader = data.trainLoader(batchSize: options.batchSize, workers: options.workers)
        let board = try TensorBoardLog(folder: folder, enabled: options.tensorboard, resumedAfter: history.count)
        print("\n\(net.title) (\(loss == .bce ? "BCE" : "least squares")): \(options.epochs) epochs, batch \(options.batchSize), Adam lr \(lr) betas (0.5, 0.999) -> \(folder.path)")
        print(GANEpoch.header)
        for epoch in (history.count + 1)..<(options.epochs + 1) {
            let start = Date()
            var metrics = try trainEpoch(gan, loader, epoch: epoch)
            let fakes: Tensor = withEvaluation(gan.generator) { net.images(gan.generator(fixedNoise)) * 0.5 + 0.5 }
            try saveImage(fakes, to: samples.appendingPathComponent(String(format: "epoch-%03d.png", epoch)))
            metrics.quality = scoring?.score(net, generator: gan.generator)
            metrics.seconds = Date().timeIntervalSince(start)
            history.append(metrics)
            print(metrics.row)
            try board.log(epoch: epoch, [
                "loss/discriminator": metrics.discriminatorLoss, "loss/generator": metrics.generatorLoss,
                "score/real": metrics.realScore, "score/fake": metrics.fakeScore,
                "quality/frechet_distance": metrics.quality?.frechetDistance ?? .nan,
                "quality/confident": metrics.quality?.confidentShare ?? .nan, "learning_rate": Double(lr),
            ], images: ["samples": makeGrid(fakes)])
            try AtomicFile.write(Data(GANEpoch.csv(history).utf8), to: folder.appendingPathComponent("metrics.csv"))
            try AtomicFile.write(Data(GANEpoch.plot(history).utf8), to: folder.appendingPathComponent("losses.svg"))
            try checkpoint(gan, fixedNoise: fixedNoise, epoch: epoch).save(to: folder.appendingPathComponent("last.safetensors"))
            try RunReport.write(title: net.title, folder: folder)
        }
        try board.close()
        return history
    }

    /// One pass over the training images: per batch a discriminator step on the real
    /// images and fakes from fresh noise, then a generator step on fresh noise.
    private func trainEpoch<D: Dataset>(_ gan: GANTraining, _ loader: DataLoader<D, (Tensor, Tensor)>, epoch: Int) throws -> GANEpoch {
        gan.generator.train()
        gan.discriminator.train()
        let progress = ProgressBar(label: "epoch \(epoch)", total: loader.count)
        var sums = (d: 0.0, g: 0.0, x: 0.0, z: 0.0), batches = 0, seen = 0
        try loader.forEachBatch { images, _ in
            let real = net.discriminatorInput(images)
            let n = real.shape[0]
            let d = gan.discriminatorStep(real: real, noise: net.noise(n))
            let g = gan.generatorStep(noise: net.noise(n))
            sums.d += Double(d.loss.item())
            sums.g += Double(g.item())
            sums.x += Double(d.real.mean().item())
            sums.z += Double(d.fake.mean().item())
            batches += 1
            seen += n
            let b = Double(batches)
            progress.update(done: batches, samples: seen, summary: String(
                format: "D %.3f  G %.3f  D(x) %.3f  D(G(z)) %.3f", sums.d / b, sums.g / b, sums.x / b, sums.z / b))
        }
        progress.finish()
        let b = Double(max(batches, 1))
        return GANEpoch(epoch: epoch, discriminatorLoss: sums.d / b, generatorLoss: sums.g / b, realScore: sums.x / b,
                        fakeScore: sums.z / b, quality: nil, seconds: 0)
    }

    private func checkpoint(_ gan: GANTraining, fixedNoise: Tensor, epoch: Int) -> Checkpoint {
        var checkpoint = Checkpoint()
        checkpoint["generator"] = gan.generator.stateDict()
        checkpoint["discriminator"] = gan.discriminator.stateDict()
        checkpoint["optimizer_g"] = gan.optimizerG.stateDict()
        checkpoint["optimizer_d"] = gan.optimizerD.stateDict()
        checkpoint["fixed_noise"] = ["noise": fixedNoise]
        checkpoint.info = ["architecture": net.rawValue, "loss": loss == .bce ? "bce" : "lsgan", "epoch": String(epoch), "data": data.root]
        checkpoint.generator = rngState()
        return checkpoint
    }

    private func restore(_ gan: GANTraining, from url: URL) throws -> ([GANEpoch], Tensor) {
        let checkpoint = try Checkpoint.load(from: url)
        guard checkpoint.info["architecture"] == net.rawValue, checkpoint.info["loss"] == (loss == .bce ? "bce" : "lsgan") else {
            throw CommandError("\(url.path) holds a \(checkpoint.info["architecture"] ?? "unknown") run with loss \(checkpoint.info["loss"] ?? "?"), not this one")
        }
        guard let g = checkpoint["generator"], let d = checkpoint["discriminator"], let og = checkpoint["optimizer_g"],
              let od = checkpoint["optimizer_d"], let noise = checkpoint["fixed_noise"]?["noise"],
              let epoch = checkpoint.info["epoch"].flatMap(Int.init) else {
            throw CommandError("\(url.path) lacks the nets, optimizers, fixed noise or epoch needed to resume")
        }
        try gan.generator.loadStateDict(g)
        try gan.discriminator.loadStateDict(d)
        try gan.optimizerG.loadStateDict(og)
        try gan.optimizerD.loadStateDict(od)
        if let generator = checkpoint.generator { setRNGState(generator) }
        let csv = metricsCSV(besides: url)
        return (GANEpoch.parse(csv: csv).filter { $0.epoch <= epoch }, noise)
    }
}
