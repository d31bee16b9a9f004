import Synchronization

/// Gives each of `numReplicas` processes its own share of a data set
/// (`torch.utils.data.DistributedSampler`), so that data-parallel ranks together visit
/// every sample once per epoch:
///
/// ```swift
/// let sampler = DistributedSampler(trainSet, numReplicas: Distributed.worldSize, rank: Distributed.rank)
/// let loader = DataLoader(trainSet, batchSize: 32, sampler: sampler)
/// for epoch in 0..<epochs {
///     sampler.setEpoch(epoch)                 // a new shuffle each epoch, the same on every rank
///     for (images, labels) in loader { ... }
/// }
/// ```
///
/// PyTorch's rule, index for index: with `shuffle` the order is
/// `torch.randperm(count, generator: Generator().manual_seed(seed + epoch))` — drawn here
/// with PyTorch's own Mersenne twister, so the indices equal PyTorch's — else `0..<count`.
/// Without `dropLast` the list is padded by repeating its start until it divides evenly
/// (some samples are then seen twice per epoch); with it the tail is cut. Rank `r` takes
/// every `numReplicas`-th index starting at `r`. All ranks must use the same `seed`.
public final class DistributedSampler: Sampler {
    /// The size of the data set sampled.
    public let datasetCount: Int
    /// The number of processes sharing it (`num_replicas`).
    public let numReplicas: Int
    /// This process's share, `0..<numReplicas`.
    public let rank: Int
    /// Whether each epoch shuffles.
    public let shuffle: Bool
    /// The base of each epoch's shuffle seed.
    public let seed: UInt64
    /// Whether the tail that does not divide evenly is dropped instead of padded.
    public let dropLast: Bool
    private let epoch = Mutex(0)

    /// A sampler over `datasetCount` samples.
    public init(datasetCount: Int, numReplicas: Int, rank: Int, shuffle: Bool = true, seed: UInt64 = 0,
                dropLast: Bool = false) {
        precondition(datasetCount >= 0, "DistributedSampler: negative dataset size \(datasetCount)")
        precondition(numReplicas > 0, "DistributedSampler: numReplicas should be positive, got \(numReplicas)")
        precondition((0..<numReplicas).contains(rank),
                     "DistributedSampler: Invalid rank \(rank), rank should be in the interval [0, \(numReplicas - 1)]")
        self.datasetCount = datasetCount
        self.numReplicas = numReplicas
        self.rank = rank
        self.shuffle = shuffle
        self.seed = seed
        self.dropLast = dropLast
    }

    /// A sampler over `dataset`'s samples.
    public convenience init<D: Dataset>(_ dataset: D, numReplicas: Int, rank: Int, shuffle: Bool = true,
                                        seed: UInt64 = 0, dropLast: Bool = false) {
        self.init(datasetCount: dataset.count, numReplicas: numReplicas, rank: rank, shuffle: shuffle,
                  seed: seed, dropLast: dropLast)
    }

    /// Sets the epoch whose shuffle the next `indices()` draws (`set_epoch`); call it
    /// before each epoch, with the same value on every rank.
    public func setEpoch(_ epoch: Int) {
        self.epoch.withLock { $0 = epoch }
    }

    /// The indices per rank and epoch (`num_samples`).
    public var count: Int {
        if dropLast && datasetCount % numReplicas != 0 {
            return (datasetCount - 1) / numReplicas  // ceil((count - numReplicas) / numReplicas)
        }
        return (datasetCount + numReplicas - 1) / numReplicas
    }

    /// This rank's indices for the current epoch.
    public func indices() -> [Int] {
        var all: [Int]
        if shuffle {
            let epoch = self.epoch.withLock { $0 }
            var generator = TorchMT19937(seed: seed &+ UInt64(bitPattern: Int64(epoch)))
            all = generator.randperm(datasetCount)
        } else {
            all = Array(0..<datasetCount)
        }
        let totalSize = count * numReplicas
        if dropLast {
            all = Array(all.prefix(totalSize))
        } else if !all.isEmpty {
            var padded = all
            while padded.count < totalSize { padded += all.prefix(totalSize - padded.count) }
            all = padded
        }
        return Array(stride(from: rank, to: totalSize, by: numReplicas).map { all[$0] })
    }
}
