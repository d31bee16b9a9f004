import Foundation
import Synchronization

/// A reference-counted, 64-byte-aligned block of memory that one or more tensors view.
///
/// Buffers are recycled through `BufferCache`: training loops allocate tensors of the same
/// few sizes every step, and fresh large allocations cost page faults on first touch.
final class TensorStorage: @unchecked Sendable {
    let data: UnsafeMutableRawPointer
    /// Usable size in bytes (the cache may hand out a larger block).
    let byteCount: Int
    private let capacity: Int

    /// Uninitialised storage of at least `byteCount` bytes.
    init(byteCount: Int) {
        let (pointer, capacity) = BufferCache.shared.acquire(byteCount: byteCount)
        self.data = pointer
        self.byteCount = byteCount
        self.capacity = capacity
    }

    deinit {
        BufferCache.shared.release(data, capacity: capacity)
    }
}

/// Size-bucketed cache of aligned buffers. Requests are rounded up to a size class
/// (powers of two split into quarters) and served from the class's free list when possible,
/// else from an idle block up to twice its size. A request it cannot serve first returns idle
/// blocks of other sizes to the system, so that live plus cached memory stays within twice
/// the most that live tensors ever needed at once.
final class BufferCache: Sendable {
    static let shared = BufferCache()

    private struct State {
        /// Idle buffers by size class, as addresses (plain integers are Sendable).
        var free: [Int: [UInt]] = [:]
        var cachedBytes = 0
        /// Bytes handed out and not yet released (whole size classes).
        var inUseBytes = 0
        /// The largest `inUseBytes + cachedBytes`, with the split at that moment.
        var peak = (total: 0, inUse: 0, cached: 0)
        var peakInUse = 0
        /// The most ever held by live tensors (not reset). The cache allocates a fresh block
        /// while idle blocks of other sizes wait only as long as the total stays within
        /// twice this (`bound`).
        var highWater = 0
        /// Live plus cached bytes past which a miss returns idle blocks first. Bounded by the
        /// high-water mark itself (and without the larger blocks of `takeIdle`), a model whose
        /// layers alternate between activation sizes gave back the blocks of one size to map
        /// fresh pages for the next, pass after pass: `EmberBench --repeat 4 resnet18_eval_b16`
        /// took 680,000 page faults and 2.3 s of system time; with the room and the larger
        /// blocks, 67,000 faults (most of them building the model) and 0.25 s.
        var bound: Int { 2 * highWater }

        /// An idle block for a request of size class `size`: one of that class, or else the
        /// smallest idle one up to twice as large.
        mutating func takeIdle(fitting size: Int) -> (address: UInt, capacity: Int)? {
            let capacity = free[size]?.isEmpty == false
                ? size : free.keys.filter { $0 > size && $0 <= 2 * size && free[$0]?.isEmpty == false }.min()
            guard let capacity, let address = free[capacity]?.popLast() else { return nil }
            if free[capacity]?.isEmpty == true { free[capacity] = nil }
            cachedBytes -= capacity
            return (address, capacity)
        }

        /// Takes idle blocks off the free lists until live plus cached bytes (a fresh block
        /// just counted as live) are within `bound`: each time the smallest block that covers
        /// the excess, or the largest when none does. A training step's gradients and scratch
        /// copies fall in other size classes than its activations; all kept, they made
        /// ResNet-18's step at batch 16 hold 570 MB idle at its peak, more than half of it all.
        mutating func evictOverBound() -> [(address: UInt, size: Int)] {
            var evicted: [(address: UInt, size: Int)] = []
            while inUseBytes + cachedBytes > bound, cachedBytes > 0 {
                let excess = inUseBytes + cachedBytes - bound
                let classes = free.keys.filter { free[$0]?.isEmpty == false }
                guard let chosen = classes.filter({ $0 >= excess }).min() ?? classes.max(),
                      let address = free[chosen]?.popLast() else { break }
                if free[chosen]?.isEmpty == true { free[chosen] = nil }
                cachedBytes -= chosen
                evicted.append((address, chosen))
            }
            return evicted
        }
    }

    private let state = Mutex(State())
    /// Upper bound on idle memory kept for reuse.
    private let limitBytes = 2 << 30
    private static let alignment = 64

    /// Rounds `n` up to its size class: multiples of 64 below 4 KiB, then four classes per
    /// power of two, so at most 25% is wasted.
    static func sizeClass(_ n: Int) -> Int {
        let n = max(n, 1)
        if n <= 4096 { return (n + 63) & ~63 }
        let high = Int.bitWidth - 1 - (n - 1).leadingZeroBitCount  // floor(log2(n-1))
        let quarter = 1 << (high - 2)
        return (n + quarter - 1) / quarter * quarter
    }

    func acquire(byteCount: Int) -> (UnsafeMutableRawPointer, Int) {
        let size = Self.sizeClass(byteCount)
        let (reused, evicted): ((address: UInt, capacity: Int)?, [(address: UInt, size: Int)]) = state.withLock { state in
            let idle = state.takeIdle(fitting: size)
            state.inUseBytes += idle?.capacity ?? size
            state.peakInUse = max(state.peakInUse, state.inUseBytes)
            state.highWater = max(state.highWater, state.inUseBytes)
            if let idle { return (idle, []) }
            let evicted = state.evictOverBound()
            // Only a fresh block raises what the process holds.
            let total = state.inUseBytes + state.cachedBytes
            if total > state.peak.total { state.peak = (total, state.inUseBytes, state.cachedBytes) }
            return (nil, evicted)
        }
        for block in evicted { Self.deallocate(block.address, size: block.size) }
        if let reused, let pointer = UnsafeMutableRawPointer(bitPattern: reused.address) { return (pointer, reused.capacity) }
        return (Self.allocate(size), size)
    }

    /// Blocks this large are mapped pages of their own, so that returning one gives its
    /// memory back to the system at once: freed to malloc, they stayed in its heap (the
    /// process held 120 MB more than the cache did in a ResNet-18 training step).
    static let mappedMinimum = 1 << 20

    /// A fresh block of `size` bytes (a size class), 64-byte aligned.
    private static func allocate(_ size: Int) -> UnsafeMutableRawPointer {
        if size >= mappedMinimum {
            // Size classes from 1 MiB up are whole pages; mappings are page-aligned.
            let mapped = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
            guard let mapped, mapped != UnsafeMutableRawPointer(bitPattern: -1) else {
                fatalError("Ember: out of memory allocating \(size) bytes for a tensor")
            }
            return mapped
        }
        var pointer: UnsafeMutableRawPointer?
        guard posix_memalign(&pointer, alignment, size) == 0, let pointer else {
            fatalError("Ember: out of memory allocating \(size) bytes for a tensor")
        }
        return pointer
    }

    /// Returns a block from `allocate` to the system.
    private static func deallocate(_ address: UInt, size: Int) {
        guard let pointer = UnsafeMutableRawPointer(bitPattern: address) else { return }
        if size >= mappedMinimum { munmap(pointer, size) } else { free(pointer) }
    }

    func release(_ pointer: UnsafeMutableRawPointer, capacity: Int) {
        let kept = state.withLock { state -> Bool in
            state.inUseBytes -= capacity
            guard state.cachedBytes + capacity <= limitBytes else { return false }
            state.free[capacity, default: []].append(UInt(bitPattern: pointer))
            state.cachedBytes += capacity
            return true
        }
        if !kept { Self.deallocate(UInt(bitPattern: pointer), size: capacity) }
    }

    /// The counters behind `memoryStats()`.
    var stats: MemoryStats {
        state.withLock { state in
            MemoryStats(inUseBytes: state.inUseBytes, cachedBytes: state.cachedBytes, peakInUseBytes: state.peakInUse,
                        peakBytes: state.peak.total, inUseAtPeakBytes: state.peak.inUse,
                        cachedAtPeakBytes: state.peak.cached)
        }
    }

    /// Starts the peak counters again from what is held now.
    func resetPeak() {
        state.withLock { state in
            state.peakInUse = state.inUseBytes
            state.peak = (state.inUseBytes + state.cachedBytes, state.inUseBytes, state.cachedBytes)
        }
    }

    /// Returns every idle buffer to the system.
    func empty() {
        let blocks = state.withLock { state -> [(address: UInt, size: Int)] in
            let all = state.free.flatMap { size, addresses in addresses.map { ($0, size) } }
            state.free.removeAll()
            state.cachedBytes = 0
            return all
        }
        blocks.forEach { Self.deallocate($0.address, size: $0.size) }
    }
}

/// Releases the memory Ember keeps for reuse, like `torch.cuda.empty_cache()` for the CPU.
public func emptyCache() {
    BufferCache.shared.empty()
}
