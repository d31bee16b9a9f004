import Dispatch
import Foundation
import Synchronization

/// Ember's intra-op parallelism: large loops are split into one chunk per thread and run
/// on Dispatch's pool. GEMM calls run outside these loops, on oneDNN's own (OpenMP)
/// threads, so the two pools never nest.
public enum Threading {
    private static let configured = Atomic<Int>(0)

    /// The number of threads Ember's kernels use (`torch.get_num_threads()`); defaults to
    /// the number of active processors. Setting it also sets oneDNN's thread count.
    public static var numThreads: Int {
        get {
            let value = configured.load(ordering: .relaxed)
            return value > 0 ? value : ProcessInfo.processInfo.activeProcessorCount
        }
        set {
            precondition(newValue >= 1, "numThreads must be at least 1, got \(newValue)")
            configured.store(newValue, ordering: .relaxed)
            GEMM.setThreads(newValue)
        }
    }
}

/// Like `torch.set_num_threads`.
public func setNumThreads(_ n: Int) {
    Threading.numThreads = n
}

/// Runs `body` over `0..<count` split into contiguous chunks, in parallel when the work is
/// at least `grain` items per chunk, inline otherwise.
func parallelFor(_ count: Int, grain: Int, _ body: (Range<Int>) -> Void) {
    let threads = min(Threading.numThreads, count / max(grain, 1))
    if threads <= 1 {
        if count > 0 { body(0..<count) }
        return
    }
    let chunk = (count + threads - 1) / threads
    parallelChunks(threads) { t in
        let start = t * chunk
        let end = min(start + chunk, count)
        if start < end { body(start..<end) }
    }
}

/// Runs `body(t)` for t in `0..<threads` on Dispatch's pool and waits for all of them.
/// Callers hand each chunk disjoint memory, which is what makes sharing pointers safe.
func parallelChunks(_ threads: Int, _ body: (Int) -> Void) {
    withoutActuallyEscaping(body) { body in
        let shared = UncheckedSendable(body)
        DispatchQueue.concurrentPerform(iterations: threads) { t in shared.value(t) }
    }
}

/// Carries a value into Dispatch's `@Sendable` closures where the caller guarantees that
/// concurrent use is safe (disjoint writes).
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// Elements per thread below which elementwise loops stay on one thread.
let elementwiseGrain = 1 << 16
