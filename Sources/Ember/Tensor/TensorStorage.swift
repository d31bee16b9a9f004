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
/// (powers of two split into quarters) and served from the class's free list when possible.
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
        let reused: UInt? = state.withLock { state in
            state.inUseBytes += size
            state.peakInUse = max(state.peakInUse, state.inUseBytes)
            guard let address = state.free[size]?.popLast() else {
                // Only a fresh block raises what the process holds.
                let total = state.inUseBytes + state.cachedBytes
                if total > state.peak.total { state.peak = (total, state.inUseBytes, state.cachedBytes) }
                return nil
            }
            state.cachedBytes -= size
            return address
        }
        if let reused, let pointer = UnsafeMutableRawPointer(bitPattern: reused) { return (pointer, size) }
        var pointer: UnsafeMutableRawPointer?
        guard posix_memalign(&pointer, Self.alignment, size) == 0, let pointer else {
            fatalError("Ember: out of memory allocating \(size) bytes for a tensor")
        }
        return (pointer, size)
    }

    func release(_ pointer: UnsafeMutableRawPointer, capacity: Int) {
        let kept = state.withLock { state -> Bool in
            state.inUseBytes -= capacity
            guard state.cachedBytes + capacity <= limitBytes else { return false }
            state.free[capacity, default: []].append(UInt(bitPattern: pointer))
            state.cachedBytes += capacity
            return true
        }
        if !kept { free(pointer) }
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
        let addresses = state.withLock { state -> [UInt] in
            let all = state.free.values.flatMap { $0 }
            state.free.removeAll()
            state.cachedBytes = 0
            return all
        }
        addresses.forEach { free(UnsafeMutableRawPointer(bitPattern: $0)) }
    }
}

/// Releases the memory Ember keeps for reuse, like `torch.cuda.empty_cache()` for the CPU.
public func emptyCache() {
    BufferCache.shared.empty()
}
