import Ember
@testable import EmberDistributed
import Testing

/// How DistributedDataParallel groups gradients, against what PyTorch's
/// `dist._compute_bucket_assignment_by_size` returns for the same sizes in the same order
/// (the rule its reducer uses when it rebuilds buckets in gradient-ready order).
struct BucketAssignmentTests {
    /// Ten 4000-byte tensors, limits [10 000, 20 000]: PyTorch gives [[0, 1, 2], [3, 4, 5,
    /// 6, 7], [8, 9]] (a bucket closes once it reaches its limit).
    @Test func closesEachBucketOnceItReachesItsLimit() {
        let items = (0..<10).map { (index: $0, bytes: 4000) }
        #expect(DistributedDataParallel.assignBuckets(items, limits: [10_000, 20_000]) == [[0, 1, 2], [3, 4, 5, 6, 7], [8, 9]])
    }

    /// SimpleCNN's parameters in reverse registration order with the 1 MB first bucket and
    /// 25 MB: the classifier up to fc1.weight (2.4 MB) in the first, the convolutions in the
    /// second. PyTorch, sizes in that order: [[0, 1, 2, 3, 4, 5], [6, ..., 11]].
    @Test func simpleCNNGetsTwoBuckets() {
        let sizes = [288, 32, 18432, 64, 73728, 128, 589_824, 512, 32768, 64, 640, 10]
        let items = sizes.indices.reversed().map { (index: $0, bytes: sizes[$0] * 4) }
        #expect(DistributedDataParallel.assignBuckets(items, limits: [1 << 20, 25 << 20]) == [[11, 10, 9, 8, 7, 6], [5, 4, 3, 2, 1, 0]])
    }

    /// Everything needs `Distributed.initialize()` first, and says so.
    @Test func callsBeforeInitializeThrow() {
        #expect(!Distributed.isInitialized)
        #expect(Distributed.rank == 0 && Distributed.worldSize == 1)
        #expect(throws: DistributedError.notInitialized) { try Distributed.allReduce(Tensor.ones([2])) }
        #expect(throws: DistributedError.notInitialized) { try Distributed.barrier() }
        #expect(throws: DistributedError.notInitialized) { try DistributedDataParallel(Linear(2, 2)) }
        #expect(throws: DistributedError.notInitialized) { try Distributed.finalize() }
    }
}

/// The two moments PyTorch 2.15 assigns buckets (`Tests/Fixtures/ddp_buckets.txt` shows
/// them per iteration; `DistributedChecks buckets` compares whole runs under mpirun).
struct BucketScheduleTests {
    /// Before the first backward, without unused-parameter detection: one bucket, in
    /// registration order, whatever the sizes.
    @Test func startsWithOneBucket() {
        #expect(DistributedDataParallel.initialBuckets(bytes: [4000, 40, 9000], limits: [1 << 20, 25 << 20],
                                                       findUnusedParameters: false) == [[0, 1, 2]])
    }

    /// With `find_unused_parameters`: cut in registration order, then reversed. The
    /// fixture's `swapped-unused-cap0.05` (head 64→10, body 784→64, unused 3→3, cap
    /// 0.05 MB): [body.bias, unused.*] | [head.*, body.weight].
    @Test func findUnusedCutsInRegistrationOrderAndReverses() {
        let bytes = [2560, 40, 200_704, 256, 36, 12]
        #expect(DistributedDataParallel.initialBuckets(bytes: bytes, limits: [Int(0.05 * 1_048_576)],
                                                       findUnusedParameters: true) == [[3, 4, 5], [0, 1, 2]])
    }

    /// The rebuild after the first iteration follows the gradients' arrival order: the
    /// fixture's `simplecnn-cap0.1`, fc3.bias first.
    @Test func rebuildsInArrivalOrder() {
        let bytes = [288, 32, 18432, 64, 73728, 128, 589_824, 512, 32768, 64, 640, 10].map { $0 * 4 }
        let arrival = [11, 10, 9, 8, 7, 6, 4, 5, 2, 3, 0, 1]
        #expect(DistributedDataParallel.rebuiltBuckets(readyOrder: arrival, bytes: bytes, limits: [Int(0.1 * 1_048_576)])
                == [[11, 10, 9, 8], [7, 6], [4], [5, 2, 3, 0, 1]])
    }
}
