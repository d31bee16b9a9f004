import Ember

/// Data-parallel training across the ranks of `Distributed`
/// (`torch.nn.parallel.DistributedDataParallel`): each rank runs the same model on its own
/// part of every batch, and after `backward` every rank holds the gradients averaged over
/// all ranks, so one optimizer step keeps the replicas identical.
///
/// ```swift
/// try Distributed.initialize()
/// let model = try DistributedDataParallel(SimpleCNN())
/// let optimizer = SGD(model.parameters(), lr: 0.01, momentum: 0.9)
/// for (images, labels) in loader {          // a DistributedSampler gives each rank its shard
///     optimizer.zeroGrad()
///     crossEntropy(model(images), labels).backward()   // gradients averaged here
///     optimizer.step()
/// }
/// ```
///
/// What it does, as PyTorch's does:
/// - At construction, rank 0's parameters and (with `broadcastBuffers`) buffers are
///   broadcast to every rank.
/// - Parameters that require gradients are grouped into buckets in reverse registration
///   order (roughly the order backward produces their gradients): a bucket closes once it
///   reaches 1 MB for the first (`dist._DEFAULT_FIRST_BUCKET_BYTES`), `bucketCapMB` (25 MB)
///   for the others — PyTorch's rule. PyTorch starts with a single bucket and rebuilds
///   them after the first iteration in the order gradients actually arrived; here the
///   buckets are fixed from the start. When the last gradient of a bucket has been
///   accumulated during backward (`registerPostAccumulateGradHook`), its average starts with a
///   non-blocking `MPI_Iallreduce`, so communication overlaps the rest of the backward
///   pass; the last gradient of the model waits for all of them, so `backward()` returns
///   with averaged gradients. Open MPI advances a non-blocking collective only inside MPI
///   calls, so every gradient hook also tests the collectives in flight (`MPI_Test`).
/// - With `broadcastBuffers` (the default), a forward pass first broadcasts rank 0's
///   buffers (batch-norm running statistics) unless the previous forward ran without
///   gradients or inside `noSync`: batch statistics are each rank's own, running
///   statistics are rank 0's.
/// - Inside `noSync { }` gradients accumulate locally; the next backward outside it
///   averages the accumulated sums.
/// - The state dict has the wrapped module's keys, without PyTorch's `module.` prefix, so
///   what a distributed run saves loads into the plain model.
///
/// Unused parameters: every parameter that requires a gradient must receive one in each
/// synchronised backward (PyTorch's default `find_unused_parameters=False`). One that does
/// not leaves its bucket unreduced, and the next forward stops with a message naming it,
/// as PyTorch raises "Expected to have finished reduction in the prior iteration". Freeze
/// such parameters (`requiresGrad = false`) before wrapping.
public final class DistributedDataParallel: Module {
    /// The wrapped model (`ddp.module`); its keys are this module's keys.
    public let module: Module
    /// Whether forward broadcasts rank 0's buffers first (`broadcast_buffers`).
    public let broadcastBuffers: Bool
    /// The parameters of each bucket, by their position in `module.parameters()`.
    public let bucketIndices: [[Int]]
    /// Time backward spent blocked waiting for bucket averages to arrive, summed over all
    /// backward passes: the communication that computation did not hide.
    public private(set) var communicationWaitTime: Duration = .zero

    private let buckets: [GradientBucket]
    /// The state-dict name of each bucket's parameters, for error messages.
    private let bucketNames: [[String]]
    private var hooks: [HookHandle] = []
    private var synchronising = false
    private var readyBuckets = 0
    private var syncEnabled = true
    /// Whether the last forward was in gradient mode outside `noSync` (true before the first).
    private var requireForwardSync = true

    public override class var keyOverrides: [String: String] { ["module": ""] }

    /// Wraps `module` for data-parallel training: broadcasts rank 0's parameters (and
    /// buffers, with `broadcastBuffers`) and builds the gradient buckets (`bucketCapMB` megabytes each; PyTorch's 25).
    /// - Throws: `DistributedError` when the group is not initialized or a broadcast fails.
    public init(_ module: Module, bucketCapMB: Double = 25, broadcastBuffers: Bool = true) throws(DistributedError) {
        precondition(bucketCapMB > 0, "DistributedDataParallel: bucketCapMB must be positive, got \(bucketCapMB)")
        guard Distributed.isInitialized else { throw .notInitialized }
        let named = module.namedParameters()
        for (name, parameter) in named {
            precondition(parameter.dtype == .float32, "DistributedDataParallel: parameter \(name) is \(parameter.dtype); only float32 is supported")
        }
        let trainable = named.indices.filter { named[$0].tensor.requiresGrad }
        let indices = Self.assignBuckets(
            trainable.reversed().map { ($0, named[$0].tensor.numel * 4) },
            limits: [min(1 << 20, Int(bucketCapMB * 1_048_576)), Int(bucketCapMB * 1_048_576)])
        self.module = module
        self.broadcastBuffers = broadcastBuffers
        bucketIndices = indices
        buckets = indices.map { GradientBucket(parameters: $0.map { named[$0].tensor }) }
        bucketNames = indices.map { $0.map { named[$0].name } }
        super.init()
        for parameter in module.parameters() { try Distributed.broadcast(parameter, from: 0) }
        if broadcastBuffers {
            for buffer in module.buffers() { try Distributed.broadcast(buffer, from: 0) }
        }
        for (b, bucket) in buckets.enumerated() {
            for (i, parameter) in bucket.parameters.enumerated() {
                hooks.append(parameter.registerPostAccumulateGradHook { [unowned self] _ in
                    self.gradientReady(bucket: b, parameter: i)
                })
            }
        }
    }

    deinit {
        for hook in hooks { hook.remove() }
    }

    /// Greedy assignment in the given order: a bucket is closed once it holds at least its
    /// limit in bytes; the first uses `limits[0]`, the rest the last limit.
    static func assignBuckets(_ items: [(index: Int, bytes: Int)], limits: [Int]) -> [[Int]] {
        var buckets: [[Int]] = []
        var current: [Int] = []
        var size = 0
        for item in items {
            current.append(item.index)
            size += item.bytes
            if size >= limits[min(buckets.count, limits.count - 1)] {
                buckets.append(current)
                current = []
                size = 0
            }
        }
        if !current.isEmpty { buckets.append(current) }
        return buckets
    }

    /// Broadcasts rank 0's buffers (when asked, and when the previous forward was a
    /// synchronised one, as PyTorch's `require_forward_param_sync`), arms gradient
    /// averaging for the coming backward (in gradient mode, outside `noSync`, whether or
    /// not the module is in training mode, as PyTorch's), and runs the wrapped module.
    public override func forward(_ input: Tensor) -> Tensor {
        if buckets.contains(where: \.isPartlyReady) {
            let missing = buckets.indices.flatMap { b in zip(bucketNames[b], buckets[b].ready).filter { !$0.1 }.map(\.0) }
            preconditionFailure("DistributedDataParallel: the previous backward produced no gradient for \(missing.joined(separator: ", ")), so the reduction of their buckets never finished. Set requiresGrad = false on parameters the loss does not use.")
        }
        if requireForwardSync && broadcastBuffers && Distributed.worldSize > 1 {
            do {
                for buffer in module.buffers() { try Distributed.broadcast(buffer, from: 0) }
            } catch {
                preconditionFailure("DistributedDataParallel: broadcasting buffers: \(error)")
            }
        }
        synchronising = Tensor.isGradEnabled && syncEnabled
        requireForwardSync = synchronising
        readyBuckets = 0
        return module(input)
    }

    /// Runs `body` with gradient averaging off (`no_sync()`): backward passes inside only
    /// accumulate local gradients, which the first synchronised backward after it averages.
    public func noSync<R>(_ body: () throws -> R) rethrows -> R {
        let previous = syncEnabled
        syncEnabled = false
        defer { syncEnabled = previous }
        return try body()
    }

    /// A parameter's gradient is complete for this backward: start its bucket when that was
    /// the bucket's last, let MPI advance the collectives in flight, and after the model's
    /// last gradient wait for every bucket.
    private func gradientReady(bucket b: Int, parameter i: Int) {
        guard synchronising else { return }
        let bucket = buckets[b]
        do {
            if bucket.markReady(i) {
                try bucket.launch()
                readyBuckets += 1
            }
            for other in buckets { if let work = other.work { _ = try work.test() } }
            if readyBuckets == buckets.count {
                synchronising = false
                let start = ContinuousClock.now
                for bucket in buckets { try bucket.finish() }
                communicationWaitTime += ContinuousClock.now - start
            }
        } catch {
            preconditionFailure("DistributedDataParallel: averaging gradients: \(error)")
        }
    }
}
