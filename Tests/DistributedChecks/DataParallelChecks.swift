import Ember
import EmberDistributed
import EmberVision
import Foundation

/// DistributedDataParallel against one process doing the same work: the tutorial CNN, a
/// batch-norm net (PyTorch's buffer semantics) and gradient accumulation with `noSync`.
enum DataParallelChecks {
    static let tolerance: Float = 1e-5

    /// Seeded random samples, the same on every rank: `[count, 1, side, side]` images and
    /// labels in 0..<10.
    static func data(count: Int, side: Int) -> TensorDataset {
        manualSeed(0)
        return TensorDataset([Tensor.randn([count, 1, side, side]), Tensor.randint(0, 10, [count])])
    }

    /// A fresh model whose initial weights differ per rank (DDP must broadcast rank 0's),
    /// wrapped, and an unwrapped twin starting from the broadcast weights.
    static func replicas<M: Module>(
        _ make: () -> M, bucketCapMB: Double? = nil, broadcastBuffers: Bool = true, findUnusedParameters: Bool = false
    ) throws -> (DistributedDataParallel, M, Bool) {
        manualSeed(UInt64(100 + Distributed.rank))
        let ddp = try DistributedDataParallel(make(), bucketCapMB: bucketCapMB, broadcastBuffers: broadcastBuffers,
                                              findUnusedParameters: findUnusedParameters)
        let reference = make()
        try reference.loadStateDict(ddp.stateDict())
        let keysOK = ddp.stateDictKeys() == reference.stateDictKeys() && !ddp.stateDictKeys().contains { $0.hasPrefix("module.") }
        let broadcastOK = try identicalOnAllRanks(ddp.parameters() + ddp.buffers().filter { $0.dtype == .float32 })
        return (ddp, reference, report("construction (rank 0's weights, unprefixed keys)", keysOK && broadcastOK,
                                       "\(ddp.bucketIndices.count) buckets"))
    }

    /// The largest relative difference between two lists of tensors, pairwise.
    static func worst(_ a: [Tensor], _ b: [Tensor]) -> Float {
        zip(a, b).map { relativeDifference($0.float(), $1.float()) }.max() ?? 0
    }

    /// The first `count` Fashion-MNIST training images (Debian's package, which CI
    /// installs) as the tutorial transforms them, with their labels.
    static func fashionMNIST(count: Int) throws -> TensorDataset {
        let transform = Compose<Image, Tensor>([ToTensor(), Normalize(mean: [0.5], std: [0.5])])
        let train = try FashionMNIST(root: FashionMNIST.debianRoot, train: true, transform: transform)
        var batches = DataLoader(Subset(train, indices: Array(0..<count)), batchSize: count).makeIterator()
        let (images, labels) = try batches.nextBatch()!
        return TensorDataset([images, labels])
    }

    /// 20 SGD-momentum steps of SimpleCNN on Fashion-MNIST, `worldSize` ranks × batch 32
    /// against one process × batch 32·worldSize over the same samples; and against one
    /// process that accumulates the ranks' batches of 32 itself (the same arithmetic as
    /// the ranks, so only the reduction's rounding differs).
    static func simpleCNN() throws -> Bool {
        let world = Distributed.worldSize
        let perRank = 32
        let steps = 20
        let data = try fashionMNIST(count: steps * perRank * world)
        let (ddp, reference, constructed) = try replicas { SimpleCNN(inChannels: 1, imageSize: 28, classes: 10) }
        let accumulating = SimpleCNN(inChannels: 1, imageSize: 28, classes: 10)
        try accumulating.loadStateDict(reference.stateDict())
        let sampler = DistributedSampler(data, numReplicas: world, rank: Distributed.rank, shuffle: false)
        let optimizer = SGD(ddp.parameters(), lr: 0.01, momentum: 0.9)
        for batch in DataLoader(data, batchSize: perRank, sampler: sampler) {
            optimizer.zeroGrad()
            crossEntropy(ddp(batch[0]), batch[1]).backward()
            optimizer.step()
        }
        let referenceOptimizer = SGD(reference.parameters(), lr: 0.01, momentum: 0.9)
        for batch in DataLoader(data, batchSize: perRank * world) {
            referenceOptimizer.zeroGrad()
            crossEntropy(reference(batch[0]), batch[1]).backward()
            referenceOptimizer.step()
        }
        let samplers = (0..<world).map { DistributedSampler(data, numReplicas: world, rank: $0, shuffle: false) }
        let shards = samplers.map { Array(DataLoader(data, batchSize: perRank, sampler: $0)) }
        let accumulatingOptimizer = SGD(accumulating.parameters(), lr: 0.01, momentum: 0.9)
        for step in 0..<steps {
            accumulatingOptimizer.zeroGrad()
            for shard in shards { (crossEntropy(accumulating(shard[step][0]), shard[step][1]) / Float(world)).backward() }
            accumulatingOptimizer.step()
        }
        let difference = worst(ddp.parameters(), reference.parameters())
        let accumulated = worst(ddp.parameters(), accumulating.parameters())
        let initial = try replicas { SimpleCNN(inChannels: 1, imageSize: 28, classes: 10) }.1
        let moved = worst(ddp.parameters(), initial.parameters())
        let identical = try identicalOnAllRanks(ddp.parameters())
        return constructed
            && report("SimpleCNN \(world)×\(perRank) vs 1×\(perRank * world), \(steps) steps", difference <= tolerance && moved > 1e-3,
                      "max relative difference \(difference) (weights moved \(moved) from the start)")
            && report("SimpleCNN vs one process accumulating \(world)×\(perRank)", accumulated <= tolerance,
                      "max relative difference \(accumulated)")
            && report("SimpleCNN weights bit-identical across ranks", identical, "fingerprint \(fingerprint(ddp.parameters()))")
    }

    /// A small net with batch norm, so that buffers matter.
    final class BatchNormNet: Module {
        let conv = Conv2d(1, 4, kernelSize: 3, padding: 1)
        let bn = BatchNorm2d(4)
        let fc = Linear(4 * 8 * 8, 10)

        override func forward(_ x: Tensor) -> Tensor {
            fc(bn(conv(x)).relu().view(x.shape[0], -1))
        }
    }

    /// PyTorch's DDP with batch norm: each rank normalises with its own batch statistics;
    /// before each forward every rank takes rank 0's running statistics, then updates them
    /// with its own batch. Simulated in one process: per step, each rank's half of the
    /// batch is run from rank 0's buffers, its loss scaled by 1/worldSize.
    static func batchNorm() throws -> Bool {
        let world = Distributed.worldSize
        let perRank = 16
        let steps = 10
        let data = data(count: steps * perRank * world, side: 8)
        let samplers = (0..<world).map { DistributedSampler(data, numReplicas: world, rank: $0, shuffle: false) }
        func train(_ ddp: DistributedDataParallel) {
            let optimizer = SGD(ddp.parameters(), lr: 0.05, momentum: 0.9)
            for batch in DataLoader(data, batchSize: perRank, sampler: samplers[Distributed.rank]) {
                optimizer.zeroGrad()
                crossEntropy(ddp(batch[0]), batch[1]).backward()
                optimizer.step()
            }
        }
        let (ddp, reference, constructed) = try replicas { BatchNormNet() }
        train(ddp)
        // The control: without the broadcast, ranks other than 0 keep statistics of their own.
        let unsynchronised = try replicas({ BatchNormNet() }, broadcastBuffers: false).0
        train(unsynchronised)

        let referenceOptimizer = SGD(reference.parameters(), lr: 0.05, momentum: 0.9)
        let loaders = samplers.map { Array(DataLoader(data, batchSize: perRank, sampler: $0)) }
        var rankZeroBuffers = reference.buffers().map { $0.clone() }
        var buffersAfter: [[Tensor]] = []
        for step in 0..<steps {
            referenceOptimizer.zeroGrad()
            buffersAfter = []
            for r in 0..<world {
                withNoGrad { for (b, saved) in zip(reference.buffers(), rankZeroBuffers) { b.copy(from: saved) } }
                let batch = loaders[r][step]
                (crossEntropy(reference(batch[0]), batch[1]) / Float(world)).backward()
                buffersAfter.append(reference.buffers().map { $0.clone() })
            }
            rankZeroBuffers = buffersAfter[0]
            referenceOptimizer.step()
        }
        let parameters = worst(ddp.parameters(), reference.parameters())
        let buffers = worst(ddp.buffers(), buffersAfter[Distributed.rank])
        let perRankStatistics = world == 1 || worst(buffersAfter[0], buffersAfter[1]) > 1e-3
        let control = worst(unsynchronised.buffers(), buffersAfter[Distributed.rank])
        let controlOK = Distributed.rank == 0 ? control <= tolerance : control > 1e-3
        let identical = try identicalOnAllRanks(ddp.parameters())
        return constructed
            && report("batch norm: parameters vs the simulation", parameters <= tolerance, "max relative difference \(parameters)")
            && report("batch norm: buffers are rank 0's updated by this rank's batch", buffers <= tolerance && perRankStatistics,
                      "max relative difference \(buffers)")
            && report("batch norm: parameters bit-identical across ranks", identical)
            && report("batch norm: broadcastBuffers false keeps each rank's own statistics", controlOK,
                      "max relative difference \(control) from the broadcast rule")
    }

    /// Gradient accumulation: a backward inside `noSync` keeps local gradients, the next
    /// one outside averages the accumulated sums (in one bucket: the first synchronised
    /// backward's); then an ordinary step, by when the buckets are rebuilt one per parameter
    /// (a tiny `bucketCapMB`), so several collectives are in flight.
    static func noSync() throws -> Bool {
        let world = Distributed.worldSize
        let perRank = 8
        let data = data(count: 3 * perRank * world, side: 4)
        let make = { Sequential { Flatten(); Linear(16, 12); ReLU(); Linear(12, 10) } }
        let (ddp, reference, constructed) = try replicas(make, bucketCapMB: 1e-6)
        let samplers = (0..<world).map { DistributedSampler(data, numReplicas: world, rank: $0, shuffle: false) }
        let batches = samplers.map { Array(DataLoader(data, batchSize: perRank, sampler: $0)) }
        let mine = batches[Distributed.rank]

        ddp.zeroGrad()
        ddp.noSync { crossEntropy(ddp(mine[0][0]), mine[0][1]).backward() }
        let localGradientsIdentical = try identicalOnAllRanks(ddp.parameters().map { $0.grad! })
        let localOK = world == 1 || !localGradientsIdentical
        crossEntropy(ddp(mine[1][0]), mine[1][1]).backward()
        reference.zeroGrad()
        for r in 0..<world {
            for b in 0..<2 { (crossEntropy(reference(batches[r][b][0]), batches[r][b][1]) / Float(world)).backward() }
        }
        let accumulated = worst(ddp.parameters().map { $0.grad! }, reference.parameters().map { $0.grad! })

        ddp.zeroGrad()
        crossEntropy(ddp(mine[2][0]), mine[2][1]).backward()
        reference.zeroGrad()
        for r in 0..<world { (crossEntropy(reference(batches[r][2][0]), batches[r][2][1]) / Float(world)).backward() }
        let plain = worst(ddp.parameters().map { $0.grad! }, reference.parameters().map { $0.grad! })
        return constructed
            && report("noSync: gradients stay local", localOK)
            && report("noSync: next backward averages the accumulated gradients", accumulated <= tolerance,
                      "max relative difference \(accumulated), \(ddp.bucketIndices.count) buckets")
            && report("after noSync: an ordinary step averages", plain <= tolerance, "max relative difference \(plain)")
    }
}
