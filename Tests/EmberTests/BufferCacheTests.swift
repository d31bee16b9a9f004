import Testing
@testable import Ember

/// The buffer cache's accounting (`memoryStats()`) and its bound: a request takes an idle
/// block of its size or up to twice it, and idle blocks of other sizes are returned to the
/// system before the cache holds more than twice the live high-water mark.
struct BufferCacheTests {
    @Test func aMissReusesALargerIdleBlockAndReturnsIdleBlocksPastTwiceTheLiveHighWaterMark() {
        let cache = BufferCache()
        let mb = 1 << 20
        let a = cache.acquire(byteCount: 8 * mb), b = cache.acquire(byteCount: 8 * mb)
        #expect(cache.stats.inUseBytes == 16 * mb && cache.stats.peakInUseBytes == 16 * mb)
        cache.release(a.0, capacity: a.1)
        cache.release(b.0, capacity: b.1)
        #expect(cache.stats.cachedBytes == 16 * mb && cache.stats.inUseBytes == 0)
        // Nothing idle between 1 and 2 MiB: a fresh block, and the idle ones stay.
        let c = cache.acquire(byteCount: 1 * mb)
        #expect(c.1 == 1 * mb && cache.stats.cachedBytes == 16 * mb)
        // 4 MiB takes an idle 8 MiB block whole, and counts it whole.
        let d = cache.acquire(byteCount: 4 * mb)
        #expect([a.0, b.0].contains(d.0) && d.1 == 8 * mb)
        #expect(cache.stats.cachedBytes == 8 * mb && cache.stats.inUseBytes == 9 * mb)
        cache.release(c.0, capacity: c.1)
        cache.release(d.0, capacity: d.1)
        #expect(cache.stats.cachedBytes == 17 * mb)
        // Live 16 MiB (the high-water mark) and 17 MiB idle would pass 32 MiB: the smallest
        // idle block that makes room, the 1 MiB one, goes.
        let e = cache.acquire(byteCount: 16 * mb)
        #expect(cache.stats.cachedBytes == 16 * mb && cache.stats.inUseBytes == 16 * mb)
        #expect(cache.stats.peakBytes == 32 * mb)
        // Past the high-water mark the bound grows with it: nothing is returned.
        let f = cache.acquire(byteCount: 32 * mb)
        #expect(cache.stats.cachedBytes == 16 * mb && cache.stats.peakInUseBytes == 48 * mb)
        for block in [e, f] { cache.release(block.0, capacity: block.1) }
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
