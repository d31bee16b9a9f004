import Foundation
import Testing
import EmberVision

/// The README's line-for-line port of the tutorial's `train_model`, run on a tiny image
/// folder, so the documented code keeps compiling and agrees with `ClassifierTrainer`.
@Suite(.serialized)
struct ReadmeTrainModelTests {
    // The README's code, as printed there.
    func trainModel<D: Dataset>(
        _ model: Module, _ criterion: CrossEntropyLoss, _ optimizer: Optimizer, _ scheduler: LRScheduler,
        _ dataloaders: [String: DataLoader<D, (Tensor, Tensor)>], numEpochs: Int = 25
    ) throws -> Module {
        let since = Date()
        var bestModelWts = model.stateDict().mapValues { $0.clone() }
        var bestAcc = 0.0
        for epoch in 0..<numEpochs {
            print("Epoch \(epoch)/\(numEpochs - 1)")
            print(String(repeating: "-", count: 10))
            for phase in ["train", "val"] {
                if phase == "train" { model.train() } else { model.eval() }
                var runningLoss = 0.0, runningCorrects = 0
                try dataloaders[phase]!.forEachBatch { inputs, labels in
                    optimizer.zeroGrad()
                    withGradEnabled(phase == "train") {
                        let outputs = model(inputs)
                        let preds = outputs.argmax(dim: 1)
                        let loss = criterion(outputs, labels)
                        if phase == "train" {
                            loss.backward()
                            optimizer.step()
                        }
                        runningLoss += Double(loss.item()) * Double(inputs.shape[0])
                        runningCorrects += Int(preds.eq(labels).sum().item())
                    }
                }
                if phase == "train" { scheduler.step() }
                let size = Double(dataloaders[phase]!.dataset.count)
                let (epochLoss, epochAcc) = (runningLoss / size, Double(runningCorrects) / size)
                print(String(format: "%@ Loss: %.4f Acc: %.4f", phase, epochLoss, epochAcc))
                if phase == "val" && epochAcc > bestAcc {
                    bestAcc = epochAcc
                    bestModelWts = model.stateDict().mapValues { $0.clone() }
                }
            }
            print()
        }
        let elapsed = Int(Date().timeIntervalSince(since))
        print("Training complete in \(elapsed / 60)m \(elapsed % 60)s")
        print(String(format: "Best val Acc: %.4f", bestAcc))
        try model.loadStateDict(bestModelWts)
        return model
    }

    @Test func thePortAgreesWithClassifierTrainer() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("ember-train-model-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        // Bright top halves are class "a", bright bottom halves class "b".
        for (split, count) in [("training", 12), ("validation", 6)] {
            for (c, name) in ["a", "b"].enumerated() {
                let folder = root.appendingPathComponent("\(split)/\(name)")
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                for i in 0..<count {
                    let pixels = (0..<8 * 8 * 3).map { k -> UInt8 in (k / 24 < 4) == (c == 0) ? 200 : UInt8((k * 37 + i * 11) % 60) }
                    try Image(width: 8, height: 8, channels: 3, pixels: pixels).write(to: folder.appendingPathComponent("\(i).png"))
                }
            }
        }
        let transform = Compose<Image, Tensor>([ToTensor(), Normalize(mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5])])
        func folder(_ split: String) throws -> ImageFolder {
            try ImageFolder(root: root.appendingPathComponent(split), transform: transform)
        }
        func run(_ train: (Module, Optimizer, LRScheduler, [String: DataLoader<ImageFolder, (Tensor, Tensor)>]) throws -> Void) throws -> [String: Tensor] {
            manualSeed(3)
            let model = SimpleCNN(inChannels: 3, imageSize: 8, classes: 2)
            let optimizer = SGD(model.parameters(), lr: 0.01, momentum: 0.9)
            let scheduler = StepLR(optimizer, stepSize: 2, gamma: 0.1)
            let loaders = ["train": DataLoader(try folder("training"), batchSize: 4, shuffle: true),
                           "val": DataLoader(try folder("validation"), batchSize: 4)]
            try train(model, optimizer, scheduler, loaders)
            return model.stateDict()
        }
        let ported = try run { model, optimizer, scheduler, loaders in
            _ = try trainModel(model, CrossEntropyLoss(), optimizer, scheduler, loaders, numEpochs: 3)
        }
        let library = try run { model, optimizer, scheduler, loaders in
            try ClassifierTrainer(model: model, optimizer: optimizer, scheduler: scheduler)
                .fit(train: loaders["train"]!, valid: loaders["val"]!, epochs: 3)
        }
        for (key, value) in ported { #expect(value.toArray() == library[key]!.toArray(), "\(key)") }
    }
}
