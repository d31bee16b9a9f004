import Testing
@testable import Ember

/// The buffer cache's accounting (`memoryStats()`) and its bound: idle blocks of other sizes
/// are returned to the system before the cache allocates past the live high-water mark.
struct BufferCacheTests {
    @Test func aMissReturnsIdleBlocksInsteadOfGrowingPastTheLiveHighWaterMark() {
        let cache = BufferCache()
        let mb = 1 << 20
        let a = cache.acquire(byteCount: 8 * mb), b = cache.acquire(byteCount: 4 * mb)
        #expect(cache.stats.inUseBytes == 12 * mb && cache.stats.peakInUseBytes == 12 * mb)
        cache.release(a.0, capacity: a.1)
        cache.release(b.0, capacity: b.1)
        #expect(cache.stats.cachedBytes == 12 * mb && cache.stats.inUseBytes == 0)
        // 6 MiB is another size class: the 8 MiB block (the smallest that makes room) goes.
        let c = cache.acquire(byteCount: 6 * mb)
        #expect(cache.stats.cachedBytes == 4 * mb)
        #expect(cache.stats.inUseBytes + cache.stats.cachedBytes <= 12 * mb)
        #expect(cache.stats.peakBytes == 12 * mb)
        // A hit reuses the idle block and frees nothing.
        let d = cache.acquire(byteCount: 4 * mb)
        #expect(d.0 == b.0 && cache.stats.cachedBytes == 0)
        // Past the high-water mark there is nothing idle to return: the total grows.
        let e = cache.acquire(byteCount: 16 * mb)
        #expect(cache.stats.peakInUseBytes == 26 * mb && cache.stats.peakBytes == 26 * mb)
        for block in [c, d, e] { cache.release(block.0, capacity: block.1) }
        cache.empty()
        #expect(cache.stats.cachedBytes == 0 && cache.stats.inUseBytes == 0)
    }

    @Test func memoryStatsCountLiveTensors() {
        let before = memoryStats().inUseBytes
        let t = Tensor.zeros([1 << 20])   // 4 MiB, a size class of its own
        #expect(memoryStats().inUseBytes - before >= 4 << 20)   // swift test --no-parallel: nothing else allocates
        #expect(memoryStats().peakInUseBytes >= memoryStats().inUseBytes)
        _ = t
    }
}
