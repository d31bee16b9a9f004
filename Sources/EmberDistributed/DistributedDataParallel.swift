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
/// - Gradients are averaged in buckets. The first synchronised backward uses one bucket
///   for all of them and records the order the gradients arrive in; the next forward
///   rebuilds the buckets in that order, rank 0's order on every rank: a bucket closes once
///   it reaches 1 MB for the first (`dist._DEFAULT_FIRST_BUCKET_BYTES`) and 25 MB for the
///   others, or `bucketCapMB` for every one when given. With `findUnusedParameters`
///   the buckets are cut once, in reverse registration order, and never rebuilt.
/// - When the last gradient of a bucket has been accumulated during backward
///   (`registerPostAccumulateGradHook`), its average starts with a non-blocking
///   `MPI_Iallreduce`, so communication overlaps the rest of the backward pass; the last
///   gradient of the model waits for all of them, so `backward()` returns with averaged
///   gradients. Open MPI advances a non-blocking collective only inside MPI calls, so every
///   gradient hook also tests the collectives in flight (`MPI_Test`).
/// - With `broadcastBuffers` (the default), a forward pass first broadcasts rank 0's
///   buffers (batch-norm running statistics) unless the previous forward ran without
///   gradients or inside `noSync`: batch statistics are each rank's own, running
///   statistics are rank 0's.
/// - Inside `noSync { }` gradients accumulate locally; the next backward outside it
///   averages the accumulated sums.
/// - The state dict has the wrapped module's keys, without PyTorch's `module.` prefix, so
///   what a distributed run saves loads into the plain model.
///
/// Unused parameters: by default every parameter that requires a gradient must receive
/// one in each synchronised backward (PyTorch's `find_unused_parameters=False`). One that
/// does not leaves its bucket unreduced, and the next forward stops with a message naming
/// it, as PyTorch raises "Expected to have finished reduction in the prior iteration".
/// With `findUnusedParameters: true`, each forward walks the output's graph
/// (`Tensor.reachesLeaves`); the parameters it does not reach count as ready with zero
/// gradients from the first gradient hook on. A parameter some rank used gets the average
/// over all ranks (zeros from the others); one no rank used keeps its `.grad` untouched.
public final class DistributedDataParallel: Module {
    /// The wrapped model (`ddp.module`); its keys are this module's keys.
    public let module: Module
    /// Whether forward broadcasts rank 0's buffers first (`broadcast_buffers`).
    public let broadcastBuffers: Bool
    /// Whether each forward looks for parameters the output does not depend on
    /// (`find_unused_parameters`).
    public let findUnusedParameters: Bool
    /// The parameters of each bucket, by their position in `module.parameters()`, in the
    /// order the buckets are reduced; rebuilt once after the first synchronised backward.
    public private(set) var bucketIndices: [[Int]] = []
    /// Time backward spent blocked waiting for bucket averages to arrive, summed over all
    /// backward passes: the communication that computation did not hide.
    public private(set) var communicationWaitTime: Duration = .zero

    /// The parameters that require gradients, in registration order; buckets refer to them
    /// by their index here.
    private let trainable: [Tensor]
    private let trainableNames: [String]
    /// Each trainable parameter's position in `module.parameters()`.
    private let trainablePositions: [Int]
    /// Bucket size limits in bytes: the first bucket's, then the others'.
    private let bucketLimits: [Int]
    private var buckets: [GradientBucket] = []
    /// The trainable indices of each bucket's parameters.
    private var members: [[Int]] = []
    /// Each trainable parameter's bucket and place in it.
    private var location: [(bucket: Int, slot: Int)] = []
    private var hooks: [HookHandle] = []
    private var synchronising = false
    private var readyBuckets = 0
    private var syncEnabled = true
    /// Whether the last forward was in gradient mode outside `noSync` (true before the first).
    private var requireForwardSync = true
    /// The order gradients arrived in during the first synchronised backward, kept until
    /// the buckets are rebuilt from it; nil once rebuilt, and with `findUnusedParameters`.
    private var readyOrder: [Int]?
    /// With `findUnusedParameters`: which parameters the last synchronised forward's
    /// output reaches, and which received a gradient since the last reduction (inside
    /// `noSync` too, so accumulated gradients are never left out).
    private var reached: [Bool] = []
    private var usedSinceReduction: [Bool] = []
    private var unusedMarked = true

    public override class var keyOverrides: [String: String] { ["module": ""] }

    /// Wraps `module` for data-parallel training: broadcasts rank 0's parameters (and
    /// buffers, with `broadcastBuffers`) and prepares the gradient buckets.
    /// - Parameters:
    ///   - bucketCapMB: every bucket's size in megabytes; nil for PyTorch's default, 25
    ///     with a first bucket of 1.
    ///   - findUnusedParameters: allow parameters the loss does not depend on, found by
    ///     walking each forward's graph.
    /// - Throws: `DistributedError` when the group is not initialized or a broadcast fails.
    public init(_ module: Module, bucketCapMB: Double? = nil, broadcastBuffers: Bool = true,
                findUnusedParameters: Bool = false) throws(DistributedError) {
        if let bucketCapMB {
            precondition(bucketCapMB > 0, "DistributedDataParallel: bucketCapMB must be positive, got \(bucketCapMB)")
        }
        guard Distributed.isInitialized else { throw .notInitialized }
        let named = module.namedParameters()
        for (name, parameter) in named {
            precondition(parameter.dtype == .float32, "DistributedDataParallel: parameter \(name) is \(parameter.dtype); only float32 is supported")
        }
        trainablePositions = named.indices.filter { named[$0].tensor.requiresGrad }
        trainable = trainablePositions.map { named[$0].tensor }
        trainableNames = trainablePositions.map { named[$0].name }
        precondition(bucketCapMB.map { $0.isFinite && $0 >= 0 && $0 < 1e12 } ?? true,
                     "DistributedDataParallel: bucketCapMB must be a finite size in MB, got \(bucketCapMB!)")
        let cap = Int((bucketCapMB ?? 25) * 1_048_576)
        bucketLimits = bucketCapMB == nil ? [1 << 20, cap] : [cap]
        self.module = module
        self.broadcastBuffers = broadcastBuffers
        self.findUnusedParameters = findUnusedParameters
        super.init()
        install(Self.initialBuckets(bytes: trainable.map { $0.numel * 4 }, limits: bucketLimits,
                                    findUnusedParameters: findUnusedParameters))
        readyOrder = findUnusedParameters ? nil : []
        usedSinceReduction = Array(repeating: false, count: trainable.count)
        for parameter in module.parameters() { try Distributed.broadcast(parameter, from: 0) }
        if broadcastBuffers {
            for buffer in module.buffers() { try Distributed.broadcast(buffer, from: 0) }
        }
        for k in trainable.indices {
            hooks.append(trainable[k].registerPostAccumulateGradHook { [unowned self] _ in
                self.gradientReady(k)
            })
        }
    }

    deinit {
        for hook in hooks { hook.remove() }
    }

    /// Makes one bucket per list of trainable indices.
    private func install(_ assignment: [[Int]]) {
        members = assignment
        buckets = assignment.map { GradientBucket(parameters: $0.map { trainable[$0] }) }
        bucketIndices = assignment.map { $0.map { trainablePositions[$0] } }
        location = Array(repeating: (0, 0), count: trainable.count)
        for (b, bucket) in assignment.enumerated() {
            for (slot, k) in bucket.enumerated() { location[k] = (b, slot) }
        }
    }

    /// Rebuilds the buckets from the first synchronised backward's gradient order, taking
    /// rank 0's order on every rank (PyTorch's `sync_bucket_indices`).
    private func rebuildBucketsIfDue() throws(DistributedError) {
        guard let order = readyOrder, !order.isEmpty else { return }
        readyOrder = nil
        var agreed = order
        if Distributed.worldSize > 1 {
            let shared = Tensor(shape: [order.count], scalars: order.map(Int64.init))
            try Distributed.broadcast(shared, from: 0)
            agreed = shared.toArray(as: Int64.self).map(Int.init)
        }
        install(Self.rebuiltBuckets(readyOrder: agreed, bytes: trainable.map { $0.numel * 4 }, limits: bucketLimits))
    }

    /// Checks that the last backward completed every bucket, rebuilds the buckets when due,
    /// broadcasts rank 0's buffers (when asked, and when the previous forward was a
    /// synchronised one, as PyTorch's `require_forward_param_sync`), arms gradient
    /// averaging for the coming backward (in gradient mode, outside `noSync`, whether or
    /// not the module is in training mode, as PyTorch's), and runs the wrapped module.
    public override func forward(_ input: Tensor) -> Tensor {
        if buckets.contains(where: \.isPartlyReady) {
            let missing = buckets.indices.flatMap { b in
                zip(members[b], buckets[b].ready).filter { !$0.1 }.map { trainableNames[$0.0] }
            }
            preconditionFailure("DistributedDataParallel: the previous backward produced no gradient for \(missing.joined(separator: ", ")), so the reduction of their buckets never finished. Set requiresGrad = false on parameters the loss does not use, or pass findUnusedParameters: true.")
        }
        do {
            if Tensor.isGradEnabled { try rebuildBucketsIfDue() }
            if requireForwardSync && broadcastBuffers && Distributed.worldSize > 1 {
                for buffer in module.buffers() { try Distributed.broadcast(buffer, from: 0) }
            }
        } catch {
            preconditionFailure("DistributedDataParallel: \(error)")
        }
        synchronising = Tensor.isGradEnabled && syncEnabled
        requireForwardSync = synchronising
        readyBuckets = 0
        let output = module(input)
        if findUnusedParameters && synchronising {
            reached = output.reachesLeaves(trainable)
            unusedMarked = false
        }
        return output
    }

    /// Runs `body` with gradient averaging off (`no_sync()`): backward passes inside only
    /// accumulate local gradients, which the first synchronised backward after it averages.
    public func noSync<R>(_ body: () throws -> R) rethrows -> R {
        let previous = syncEnabled
        syncEnabled = false
        defer { syncEnabled = previous }
        return try body()
    }

    /// Trainable parameter `k`'s gradient is complete for this backward: mark it (and, at
    /// the first hook, the parameters the output does not reach) ready, let MPI advance
    /// the collectives in flight, and after the model's last bucket wait for all of them.
    private func gradientReady(_ k: Int) {
        if findUnusedParameters { usedSinceReduction[k] = true }
        guard synchronising else { return }
        // Marked ready with zeros at the first hook, its bucket may be averaged already.
        precondition(!findUnusedParameters || reached[k], """
            DistributedDataParallel: parameter \(trainableNames[k]) received a gradient, but the forward \
            output does not reach it (a loss term outside forward, or two forwards before one backward); \
            PyTorch refuses this as "Expected to mark a variable ready only once"
            """)
        do {
            if !unusedMarked {
                unusedMarked = true
                for u in trainable.indices where !reached[u] { try markReady(u) }
            }
            readyOrder?.append(k)
            try markReady(k)
            for bucket in buckets { if let work = bucket.work { _ = try work.test() } }
            if readyBuckets == buckets.count { try finishReduction() }
        } catch {
            preconditionFailure("DistributedDataParallel: averaging gradients: \(error)")
        }
    }

    /// Marks one gradient ready, and starts its bucket's average when it was the last.
    private func markReady(_ k: Int) throws(DistributedError) {
        let (b, slot) = location[k]
        if buckets[b].markReady(slot) {
            try buckets[b].launch()
            readyBuckets += 1
        }
    }

    /// Waits for every bucket and writes the averages into `.grad`; with
    /// `findUnusedParameters`, only for parameters some rank used (an or over the ranks of
    /// which parameters received a gradient since the last reduction, PyTorch's
    /// `local_used_map`).
    private func finishReduction() throws(DistributedError) {
        synchronising = false
        let start = ContinuousClock.now
        var used = [Bool](repeating: true, count: trainable.count)
        if findUnusedParameters {
            let flags = Tensor(shape: [trainable.count], scalars: usedSinceReduction)
            try Distributed.allReduce(flags, op: .max)
            used = flags.toArray(as: Bool.self)
            usedSinceReduction = Array(repeating: false, count: trainable.count)
        }
        for (b, bucket) in buckets.enumerated() {
            try bucket.finish { slot in used[self.members[b][slot]] }
        }
        communicationWaitTime += ContinuousClock.now - start
    }
}
