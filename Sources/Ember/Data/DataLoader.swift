import Synchronization

/// Iterates over a data set in mini-batches (`torch.utils.data.DataLoader`).
///
/// ```swift
/// let loader = DataLoader(trainSet, batchSize: 64, shuffle: true, numWorkers: 2)
/// for epoch in 0..<10 {
///     for (images, labels) in loader { ... }  // a fresh order every epoch
/// }
/// ```
///
/// - Batches: `count` of them; the last one holds the remainder unless `dropLast` drops it.
/// - Collation: samples of type `Tensor`, `(Tensor, Tensor)`, `(Tensor, Int)` and
///   `[Tensor]` are batched by `defaultCollate` (stacking; Int labels become int64), or by
///   the data set's own `batch(at:)` when it is a `BatchedDataset`. Other sample types
///   need `collate:`.
/// - Shuffling: each iteration draws a new permutation, from `generator` when one is given
///   (its state carries over from epoch to epoch) or else from the default generator, so
///   `manualSeed` makes runs reproducible. A `sampler` (such as `DistributedSampler`)
///   gives the indices instead, as PyTorch's `sampler=` does.
/// - Workers: with `numWorkers > 0`, that many background threads load batches ahead of
///   the loop, at most `numWorkers * prefetchFactor` of them, and hand them over in order.
///   Random numbers drawn while loading (random transforms) come from a generator of the
///   batch's own, seeded from one draw of the default generator per epoch (PyTorch's
///   `base_seed`) and the batch's position, so a seeded epoch gives the same batches with
///   any number of workers. Without workers, loading draws from the default generator.
///   Leaving the loop early (`break`) or dropping the iterator stops the threads, after
///   they finish the batch in hand.
/// - Errors: samples are read with the data set's `sample(at:)`. Where that can fail (an
///   `ImageFolder` image that no longer decodes), loop with `try loader.forEachBatch { }`
///   or `while let batch = try iterator.nextBatch()`: the error is thrown there, naming
///   the file, and the loop ends. The plain `for batch in loader` stops the program with
///   the error's message instead, as an uncaught exception stops a PyTorch script.
///
/// ```swift
/// try loader.forEachBatch { images, labels in
///     ...                                   // a broken file ends the epoch with its error
/// }
/// ```
public struct DataLoader<D: Dataset, Batch>: Sequence {
    /// The data set batches are drawn from.
    public let dataset: D
    /// Samples per batch.
    public let batchSize: Int
    /// Whether each epoch visits the samples in a new random order.
    public let shuffle: Bool
    /// Whether a last batch smaller than `batchSize` is dropped.
    public let dropLast: Bool
    /// Background threads loading batches; 0 loads them in the loop itself.
    public let numWorkers: Int
    /// Batches loaded ahead per worker.
    public let prefetchFactor: Int
    /// Where each epoch's indices come from when not `0..<count` or a shuffle of it
    /// (`sampler=`, e.g. a `DistributedSampler`); exclusive with `shuffle`.
    public let sampler: (any Sampler)?
    private let load: @Sendable ([Int]) throws -> Batch
    private let generator: SharedGenerator?

    /// A loader that batches samples with `collate`, which receives the samples of one
    /// batch in order.
    public init(
        _ dataset: D, batchSize: Int = 1, shuffle: Bool = false, dropLast: Bool = false,
        numWorkers: Int = 0, prefetchFactor: Int = 2, generator: Generator? = nil, sampler: (any Sampler)? = nil,
        collate: @escaping @Sendable ([D.Sample]) -> Batch
    ) {
        self.init(dataset, batchSize: batchSize, shuffle: shuffle, dropLast: dropLast, numWorkers: numWorkers,
                  prefetchFactor: prefetchFactor, generator: generator, sampler: sampler, load: Self.collating(dataset, collate))
    }

    /// The default-collation initialisers: the data set's `batch(at:)` when it produces
    /// `Batch`, else `collate` over single samples.
    init(
        _ dataset: D, batchSize: Int, shuffle: Bool, dropLast: Bool, numWorkers: Int,
        prefetchFactor: Int, generator: Generator?, sampler: (any Sampler)?, defaultCollate collate: @escaping @Sendable ([D.Sample]) -> Batch
    ) {
        let batched = (dataset as? any BatchedDataset).flatMap { Self.batchLoader($0) }
        self.init(dataset, batchSize: batchSize, shuffle: shuffle, dropLast: dropLast, numWorkers: numWorkers,
                  prefetchFactor: prefetchFactor, generator: generator, sampler: sampler,
                  load: batched ?? Self.collating(dataset, collate))
    }

    private init(
        _ dataset: D, batchSize: Int, shuffle: Bool, dropLast: Bool, numWorkers: Int,
        prefetchFactor: Int, generator: Generator?, sampler: (any Sampler)?, load: @escaping @Sendable ([Int]) throws -> Batch
    ) {
        precondition(batchSize > 0, "DataLoader: batchSize should be a positive integer value, but got batchSize=\(batchSize)")
        precondition(numWorkers >= 0, "DataLoader: numWorkers should be non-negative, but got numWorkers=\(numWorkers)")
        precondition(sampler == nil || !shuffle, "DataLoader: sampler option is mutually exclusive with shuffle")
        precondition(prefetchFactor > 0, "DataLoader: prefetchFactor should be positive, but got prefetchFactor=\(prefetchFactor)")
        self.dataset = dataset
        self.batchSize = batchSize
        self.shuffle = shuffle
        self.dropLast = dropLast
        self.numWorkers = numWorkers
        self.prefetchFactor = prefetchFactor
        self.load = load
        self.generator = generator.map(SharedGenerator.init)
        self.sampler = sampler
    }

    /// Reads each sample of a batch, then collates them.
    private static func collating(
        _ dataset: D, _ collate: @escaping @Sendable ([D.Sample]) -> Batch
    ) -> @Sendable ([Int]) throws -> Batch {
        { indices in collate(try indices.map { try dataset.sample(at: $0) }) }
    }

    /// The data set's own `batch(at:)`, when it gives this loader's `Batch` type.
    private static func batchLoader<B: BatchedDataset>(_ dataset: B) -> (@Sendable ([Int]) throws -> Batch)? {
        guard B.Batch.self == Batch.self else { return nil }
        return { indices in dataset.batch(at: indices) as! Batch }
    }

    /// The number of batches in one epoch (`len(loader)`).
    public var count: Int {
        let samples = sampler?.count ?? dataset.count
        return dropLast ? samples / batchSize : (samples + batchSize - 1) / batchSize
    }

    /// `count`, so `Array(loader)` reserves the right size.
    public var underestimatedCount: Int { count }

    /// Starts an epoch: draws the order (when shuffling) and, with workers, starts them.
    public func makeIterator() -> Iterator {
        let order: [Int]
        if let sampler {
            order = sampler.indices()
        } else if !shuffle {
            order = Array(0..<dataset.count)
        } else if let generator {
            order = generator.state.withLock { $0.permutation(dataset.count) }
        } else {
            order = DefaultGenerator.with { $0.permutation(dataset.count) }
        }
        let n = order.count
        let batches = (0..<count).map { b in Array(order[(b * batchSize)..<Swift.min((b + 1) * batchSize, n)]) }
        guard numWorkers > 0 else { return Iterator(batches: batches, load: load, workers: 0, prefetch: 0) }
        let baseSeed = DefaultGenerator.with { $0.next() }
        let load = self.load
        let seeded: @Sendable ([Int]) throws -> Batch = { indices in
            // The batch's first index and size tell it apart within the epoch.
            let seed = baseSeed ^ (UInt64(indices.first ?? 0) &* 0x9E37_79B9_7F4A_7C15) ^ UInt64(indices.count)
            return try DefaultGenerator.withThreadGenerator(Ember.Generator(seed: seed)) { try load(indices) }
        }
        return Iterator(batches: batches, load: seeded, workers: numWorkers, prefetch: numWorkers * prefetchFactor)
    }

    /// Runs `body` on each batch of one epoch, in order. The first error that reading a
    /// sample gives (or that `body` throws) ends the epoch and is thrown from here.
    public func forEachBatch(_ body: (Batch) throws -> Void) throws {
        var iterator = makeIterator()
        while let batch = try iterator.nextBatch() { try body(batch) }
    }

    /// One epoch's batches, in order.
    public struct Iterator: IteratorProtocol {
        private let batches: [[Int]]
        private let load: @Sendable ([Int]) throws -> Batch
        private var position = 0
        /// The background loaders, when there are workers; they stop when this goes away.
        let prefetcher: BatchPrefetcher<Batch>?

        init(batches: [[Int]], load: @escaping @Sendable ([Int]) throws -> Batch, workers: Int, prefetch: Int) {
            self.batches = batches
            self.load = load
            prefetcher = workers > 0
                ? BatchPrefetcher(batches: batches, load: load, workers: workers, capacity: prefetch) : nil
        }

        /// The next batch, nil at the end of the epoch, or the error reading one of its
        /// samples gave; after an error the epoch is over.
        public mutating func nextBatch() throws -> Batch? {
            guard position < batches.count else { return nil }
            position += 1
            do {
                if let prefetcher { return try prefetcher.next()?.get() }
                return try load(batches[position - 1])
            } catch {
                position = batches.count
                throw error
            }
        }

        /// The next batch, or nil at the end of the epoch. A sample that cannot be read
        /// stops the program with its error; `nextBatch()` throws it instead.
        public mutating func next() -> Batch? {
            do {
                return try nextBatch()
            } catch {
                preconditionFailure("DataLoader: \(error) (loop with `try loader.forEachBatch { ... }` to catch this)")
            }
        }
    }
}

/// A generator owned by a loader, advanced by each epoch's shuffle.
final class SharedGenerator: Sendable {
    let state: Mutex<Generator>
    init(_ generator: Generator) { state = Mutex(generator) }
}

extension DataLoader where D.Sample == Tensor, Batch == Tensor {
    /// A loader over tensor samples, batched by stacking them.
    public init(
        _ dataset: D, batchSize: Int = 1, shuffle: Bool = false, dropLast: Bool = false,
        numWorkers: Int = 0, prefetchFactor: Int = 2, generator: Generator? = nil, sampler: (any Sampler)? = nil
    ) {
        self.init(dataset, batchSize: batchSize, shuffle: shuffle, dropLast: dropLast, numWorkers: numWorkers,
                  prefetchFactor: prefetchFactor, generator: generator, sampler: sampler, defaultCollate: defaultCollate)
    }
}

extension DataLoader where D.Sample == (Tensor, Tensor), Batch == (Tensor, Tensor) {
    /// A loader over `(input, target)` tensor pairs, each stacked.
    public init(
        _ dataset: D, batchSize: Int = 1, shuffle: Bool = false, dropLast: Bool = false,
        numWorkers: Int = 0, prefetchFactor: Int = 2, generator: Generator? = nil, sampler: (any Sampler)? = nil
    ) {
        self.init(dataset, batchSize: batchSize, shuffle: shuffle, dropLast: dropLast, numWorkers: numWorkers,
                  prefetchFactor: prefetchFactor, generator: generator, sampler: sampler, defaultCollate: defaultCollate)
    }
}

extension DataLoader where D.Sample == (Tensor, Int), Batch == (Tensor, Tensor) {
    /// A loader over `(input, label)` samples: inputs stacked, labels as an int64 tensor.
    public init(
        _ dataset: D, batchSize: Int = 1, shuffle: Bool = false, dropLast: Bool = false,
        numWorkers: Int = 0, prefetchFactor: Int = 2, generator: Generator? = nil, sampler: (any Sampler)? = nil
    ) {
        self.init(dataset, batchSize: batchSize, shuffle: shuffle, dropLast: dropLast, numWorkers: numWorkers,
                  prefetchFactor: prefetchFactor, generator: generator, sampler: sampler, defaultCollate: defaultCollate)
    }
}

extension DataLoader where D.Sample == [Tensor], Batch == [Tensor] {
    /// A loader over arrays of tensors (`TensorDataset`): each position stacked.
    public init(
        _ dataset: D, batchSize: Int = 1, shuffle: Bool = false, dropLast: Bool = false,
        numWorkers: Int = 0, prefetchFactor: Int = 2, generator: Generator? = nil, sampler: (any Sampler)? = nil
    ) {
        self.init(dataset, batchSize: batchSize, shuffle: shuffle, dropLast: dropLast, numWorkers: numWorkers,
                  prefetchFactor: prefetchFactor, generator: generator, sampler: sampler, defaultCollate: defaultCollate)
    }
}
