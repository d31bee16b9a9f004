import CDNNL
import Foundation
import Synchronization

/// Ember's intra-op parallelism: large loops are split into one chunk per thread and run
/// on OpenMP's pool, the one oneDNN's matrix products use, so there is only ever one pool:
/// its threads stay warm between a GEMM and the elementwise work around it, and nothing
/// nests (GEMMs are never called from inside a parallel loop).
public enum Threading {
    private static let configured = Atomic<Int>(0)

    /// The active processors, counted once: Foundation reads the cgroup's CPU quota and
    /// cpuset files on every `activeProcessorCount`, which every parallel loop would pay.
    private static let activeProcessors = ProcessInfo.processInfo.activeProcessorCount

    /// The number of threads Ember's kernels use (`torch.get_num_threads()`); defaults to
    /// the number of active processors at start-up. Setting it also sets oneDNN's thread count.
    public static var numThreads: Int {
        get {
            let value = configured.load(ordering: .relaxed)
            return value > 0 ? value : activeProcessors
        }
        set {
            precondition(newValue >= 1, "numThreads must be at least 1, got \(newValue)")
            configured.store(newValue, ordering: .relaxed)
            omp_set_num_threads(Int32(newValue))
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

/// Runs `body(t)` for t in `0..<threads` on OpenMP's pool and waits for all of them.
/// Callers hand each chunk disjoint memory, which is what makes sharing pointers safe.
func parallelChunks(_ threads: Int, _ body: (Int) -> Void) {
    if threads <= 1 {
        if threads == 1 { body(0) }
        return
    }
    withoutActuallyEscaping(body) { body in
        var context = ChunkContext(body: body, chunks: threads)
        withUnsafeMutablePointer(to: &context) { pointer in
            GOMP_parallel({ raw in
                let context = raw!.assumingMemoryBound(to: ChunkContext.self).pointee
                // A nested or limited team may have fewer threads than chunks: share them out.
                let team = Int(omp_get_num_threads())
                for t in stride(from: Int(omp_get_thread_num()), to: context.chunks, by: max(team, 1)) {
                    context.body(t)
                }
            }, pointer, UInt32(threads), 0)
        }
    }
}

private struct ChunkContext {
    let body: (Int) -> Void
    let chunks: Int
}

/// Elements per thread below which elementwise loops stay on one thread.
let elementwiseGrain = 1 << 16
