/// What Ember's tensor allocator holds, in bytes, as PyTorch's `torch.cuda.memory_stats()`
/// reports for its caching allocator. Sizes are whole size classes (up to 25% above what
/// was asked for); memory outside tensors (oneDNN scratch, Swift arrays) is not counted.
public struct MemoryStats: Sendable, Equatable {
    /// Held by live tensors (`memory_allocated`).
    public var inUseBytes: Int
    /// Idle, kept by the buffer cache for reuse; `emptyCache()` frees it.
    public var cachedBytes: Int
    /// The most ever held by live tensors at once (`max_memory_allocated`).
    public var peakInUseBytes: Int
    /// The most ever held in all, live and cached (`max_memory_reserved`).
    public var peakBytes: Int
    /// The live part of `peakBytes` at the moment it was reached.
    public var inUseAtPeakBytes: Int
    /// The cached part of `peakBytes` at the moment it was reached.
    public var cachedAtPeakBytes: Int
}

/// The allocator's current and peak figures (see `MemoryStats`).
public func memoryStats() -> MemoryStats {
    BufferCache.shared.stats
}

/// Starts the peak figures of `memoryStats()` again from what is held now
/// (`torch.cuda.reset_peak_memory_stats()`).
public func resetPeakMemoryStats() {
    BufferCache.shared.resetPeak()
}
