import Foundation
import Testing
@testable import Ember

/// Records, for each forward call, whether it ran in training mode and with gradients on.
private final class ModeProbe: Module {
    var calls: [(training: Bool, grad: Bool)] = []
    override func forward(_ input: Tensor) -> Tensor {
        calls.append((training, Tensor.isGradEnabled))
        return input
    }
}

/// Points in the plane labelled by the sign of their first coordinate, `flipped` inverts it.
private func signData(count: Int, flipped: Bool, seed: UInt64) -> TensorDataset {
    manualSeed(seed)
    let x = Tensor.randn([count, 2])
    let positive = x.toArray().enumerated().filter { $0.offset % 2 == 0 }.map { $0.element > 0 }
    let labels = positive.map { Int64(($0 != flipped) ? 1 : 0) }
    return TensorDataset(x, Tensor(shape: [count], scalars: labels))
}

private func snapshot(_ model: Module) -> [String: Tensor] {
    withNoGrad { model.stateDict().mapValues { $0.clone() } }
}

private func expectEqual(_ a: [String: Tensor], _ b: [String: Tensor], sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(a.keys.sorted() == b.keys.sorted(), sourceLocation: sourceLocation)
    for (key, value) in a { #expect(value.toArray() == b[key]?.toArray(), "\(key)", sourceLocation: sourceLocation) }
}

@Suite(.serialized) struct ClassifierTrainerTests {
    @Test func bestWeightsAreTheBestEpochsNotTheLast() throws {
        // Starts at the right rule, then trains on inverted labels: validation accuracy
        // falls epoch by epoch, so the best epoch is an early one.
        let model = Linear(2, 2)
        withNoGrad {
            model.weight.copy(from: Tensor([[-1, 0], [1, 0]]))
            model.bias!.zero()
        }
        let train = DataLoader(signData(count: 64, flipped: true, seed: 1), batchSize: 16, shuffle: true)
        let valid = DataLoader(signData(count: 64, flipped: false, seed: 2), batchSize: 16)
        let trainer = ClassifierTrainer(model: model, optimizer: SGD(model.parameters(), lr: 0.3))
        var weights: [[String: Tensor]] = []
        let history = try trainer.fit(train: train, valid: valid, epochs: 6) { _ in weights.append(snapshot(model)) }
        let accuracies = history.map(\.valid.accuracy)
        let best = accuracies.firstIndex(of: accuracies.max()!)!
        #expect(best < accuracies.count - 1, "validation accuracy should fall: \(accuracies)")
        #expect(accuracies.last! < accuracies[best])
        #expect(trainer.bestEpoch == best + 1 && trainer.bestAccuracy == accuracies[best])
        expectEqual(trainer.bestWeights, weights[best])
        expectEqual(snapshot(model), weights[best])   // loaded back at the end
        #expect(weights.last!["weight"]!.toArray() != weights[best]["weight"]!.toArray())
    }

    @Test func phasesAndSchedulerRunInPyTorchsOrder() throws {
        let probe = ModeProbe()
        let model = Sequential([probe, Linear(2, 2)])
        let optimizer = SGD(model.parameters(), lr: 0.4)
        let scheduler = StepLR(optimizer, stepSize: 1, gamma: 0.5)
        let trainer = ClassifierTrainer(model: model, optimizer: optimizer, scheduler: scheduler)
        var phases: [TrainingPhase] = []
        trainer.onBatch = { phases.append($0.phase) }
        let train = DataLoader(signData(count: 24, flipped: false, seed: 3), batchSize: 8, shuffle: true)
        let valid = DataLoader(signData(count: 10, flipped: false, seed: 4), batchSize: 5)
        let warnings = capturingWarnings {
            _ = try? trainer.fit(train: train, valid: valid, epochs: 3)
        }
        #expect(warnings.isEmpty, "no lr_scheduler-before-optimizer warning: \(warnings)")
        #expect(trainer.history.map(\.learningRate) == [0.4, 0.2, 0.1])
        #expect(phases == Array(repeating: Array(repeating: .train, count: 3) + Array(repeating: .valid, count: 2), count: 3).flatMap { $0 })
        let expected = Array(repeating: Array(repeating: (true, true), count: 3) + Array(repeating: (false, false), count: 2), count: 3).flatMap { $0 }
        #expect(probe.calls.map(\.training) == expected.map(\.0))
        #expect(probe.calls.map(\.grad) == expected.map(\.1))
        #expect(trainer.history.map(\.epoch) == [1, 2, 3])
        #expect(trainer.history.allSatisfy { $0.train.samples == 24 && $0.valid.samples == 10 })
    }

    @Test func phaseMetricsAreSampleWeightedMeans() throws {
        manualSeed(5)
        let model = Linear(2, 3)
        let data = TensorDataset(Tensor.randn([10, 2]), Tensor.randint(0, 3, [10]))
        let trainer = ClassifierTrainer(model: model, optimizer: SGD(model.parameters(), lr: 0.1))
        let metrics = try trainer.validPhase(DataLoader(data, batchSize: 4))   // batches of 4, 4, 2
        let output = withNoGrad { model(data.tensors[0]) }
        let loss = CrossEntropyLoss()(output, data.tensors[1]).item()
        let correct = Int(output.argmax(dim: 1).eq(data.tensors[1]).sum().item())
        #expect(abs(metrics.loss - Double(loss)) < 1e-6)
        #expect(metrics.accuracy == Double(correct) / 10 && metrics.samples == 10)
    }

    /// `reducePhase` sees each phase's own figures and what it returns is what the trainer
    /// records and picks the best epoch by (a distributed run sums over ranks there).
    @Test func reducePhaseReplacesTheRecordedFigures() throws {
        let model = Linear(2, 2)
        let data = signData(count: 8, flipped: false, seed: 1)
        let trainer = ClassifierTrainer(model: model, optimizer: SGD(model.parameters(), lr: 0.1))
        var seen: [Int] = []
        trainer.reducePhase = { metrics in
            seen.append(metrics.samples)
            var combined = metrics
            combined.samples *= 2
            combined.accuracy = seen.count == 2 ? 0.75 : 0.25
            return combined
        }
        let history = try trainer.fit(train: DataLoader(data, batchSize: 4), valid: DataLoader(data, batchSize: 4), epochs: 1)
        #expect(seen == [8, 8])
        #expect(history[0].train.samples == 16 && history[0].valid.samples == 16)
        #expect(history[0].train.accuracy == 0.25 && history[0].valid.accuracy == 0.75)
        #expect(trainer.bestAccuracy == 0.75)
    }

    @Test func aFrozenBackboneKeepsItsWeightsAndBatchNormStatistics() throws {
        manualSeed(6)
        let backbone = Sequential([Linear(2, 8), BatchNorm1d(8), ReLU()])
        let head = Linear(8, 2)
        let model = Sequential([backbone, head])
        backbone.requiresGrad(false)
        let before = snapshot(backbone), headBefore = snapshot(head)
        let trainable = model.parameters().filter(\.requiresGrad)
        #expect(trainable.count == 2)
        let trainer = ClassifierTrainer(model: model, optimizer: SGD(trainable, lr: 0.1, momentum: 0.9), frozen: [backbone])
        let data = DataLoader(signData(count: 32, flipped: false, seed: 7), batchSize: 8, shuffle: true)
        try trainer.fit(train: data, valid: data, epochs: 2)
        expectEqual(snapshot(backbone), before)
        #expect(snapshot(head)["weight"]!.toArray() != headBefore["weight"]!.toArray())
        #expect(!backbone.modules().contains { $0.training })
    }

    @Test func precomputedFeaturesTrainTheHeadAsTheFrozenBackboneDoes() throws {
        manualSeed(8)
        let backbone = Sequential([Linear(2, 16), BatchNorm1d(16), ReLU(), Linear(16, 6), ReLU()])
        backbone.requiresGrad(false)
        let initialHead = snapshot(Linear(6, 2))
        let data = signData(count: 48, flipped: false, seed: 9)

        func trainHead(_ run: (Linear, Optimizer) throws -> Void) throws -> [String: Tensor] {
            let head = Linear(6, 2)
            try head.loadStateDict(initialHead)
            manualSeed(10)   // the same shuffles on both sides
            try run(head, SGD(head.parameters(), lr: 0.2, momentum: 0.9))
            return snapshot(head)
        }
        let inLoop = try trainHead { head, optimizer in
            let model = Sequential([backbone, head])
            try ClassifierTrainer(model: model, optimizer: optimizer, frozen: [backbone])
                .fit(train: DataLoader(data, batchSize: 8, shuffle: true), valid: DataLoader(data, batchSize: 16), epochs: 3)
        }
        let features = try precomputeFeatures(backbone, DataLoader(data, batchSize: 16))
        #expect(features.tensors[0].shape == [48, 6] && features.tensors[1].toArray(as: Int64.self) == data.tensors[1].toArray(as: Int64.self))
        let precomputed = try trainHead { head, optimizer in
            try ClassifierTrainer(model: head, optimizer: optimizer)
                .fit(train: DataLoader(features, batchSize: 8, shuffle: true), valid: DataLoader(features, batchSize: 16), epochs: 3)
        }
        for (key, value) in inLoop {
            expectClose(precomputed[key]!, value, rtol: 1e-5, atol: 1e-6, key)
        }
        #expect(inLoop["weight"]!.toArray() != initialHead["weight"]!.toArray())
    }

    @Test func aNonFiniteLossStopsBeforeTheOptimizerSteps() throws {
        manualSeed(11)
        let model = Linear(2, 2)
        var values = Tensor.randn([48, 2]).toArray()
        values[80] = .nan   // sample 40, in the third batch of 16
        let x = Tensor(shape: [48, 2], scalars: values)
        let data = TensorDataset(x, Tensor.randint(0, 2, [48]))
        let optimizer = SGD(model.parameters(), lr: 0.1)
        let trainer = ClassifierTrainer(model: model, optimizer: optimizer)
        var afterBatch: [[String: Tensor]] = []
        trainer.onBatch = { _ in afterBatch.append(snapshot(model)) }
        var saved = 0
        #expect(throws: TrainingError.nonFiniteLoss(epoch: 1, batch: 3, value: .nan)) {
            try trainer.fit(train: DataLoader(data, batchSize: 16), valid: DataLoader(data, batchSize: 16), epochs: 2) { _ in saved += 1 }
        }
        #expect(optimizer.stepCount == 2 && saved == 0 && trainer.history.isEmpty)
        #expect(TrainingError.nonFiniteLoss(epoch: 1, batch: 3, value: -.nan).description.contains("the loss is nan ("))
        expectEqual(snapshot(model), afterBatch[1])   // the weights after the last finite batch
        #expect(model.weight.toArray().allSatisfy { $0.isFinite })
    }

    @Test func aDivergingRunStopsInTheEpochItDiverges() throws {
        // An absurd learning rate from epoch 2 on: both layers' weights become huge, and
        // their product overflows within the epoch.
        manualSeed(12)
        let model = Sequential([Linear(2, 8), ReLU(), Linear(8, 2)])
        let data = TensorDataset(Tensor.randn([256, 2]), Tensor.randint(0, 2, [256]))
        let optimizer = SGD(model.parameters(), lr: 0.1)
        let trainer = ClassifierTrainer(model: model, optimizer: optimizer)
        var saved: [Int] = []
        let error = try #require(throws: TrainingError.self) {
            try trainer.fit(train: DataLoader(data, batchSize: 16, shuffle: true), valid: DataLoader(data, batchSize: 64), epochs: 4) {
                saved.append($0.epoch)
                optimizer.paramGroups[0].lr = 1e38
            }
        }
        guard case .nonFiniteLoss(let epoch, let batch, let value) = error else { return }
        #expect(epoch == 2 && batch > 1 && !value.isFinite)
        #expect(saved == [1] && trainer.history.map(\.epoch) == [1])
        #expect(error.description.hasPrefix("training stopped in epoch 2, batch \(batch): the loss is"))
    }
}
