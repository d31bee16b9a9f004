/// PyTorch's CPU generator (`torch.Generator`, an MT19937 Mersenne twister) far enough to
/// draw `torch.randperm`, so that a `DistributedSampler` gives exactly PyTorch's indices.
/// Ember's own `Generator` (xoshiro256**) is a different stream; this one serves only the
/// sampler.
struct TorchMT19937 {
    private var state = [UInt32](repeating: 0, count: 624)
    private var index = 624

    /// `torch.Generator().manual_seed(seed)`: only the low 32 bits seed the twister.
    init(seed: UInt64) {
        state[0] = UInt32(truncatingIfNeeded: seed)
        for j in 1..<624 {
            state[j] = 1_812_433_253 &* (state[j - 1] ^ (state[j - 1] >> 30)) &+ UInt32(j)
        }
    }

    /// The next 32 random bits (`generator->random()`).
    mutating func next() -> UInt32 {
        if index >= 624 { twist() }
        var y = state[index]
        index += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C_5680
        y ^= (y << 15) & 0xEFC6_0000
        y ^= y >> 18
        return y
    }

    private mutating func twist() {
        for i in 0..<624 {
            let y = (state[i] & 0x8000_0000) | (state[(i + 1) % 624] & 0x7FFF_FFFF)
            state[i] = state[(i + 397) % 624] ^ (y >> 1) ^ ((y & 1) != 0 ? 0x9908_B0DF : 0)
        }
        index = 0
    }

    /// `torch.randperm(n, generator=g)` on the CPU: a forward Fisher–Yates swap with
    /// `random() % (n - i)`, the algorithm PyTorch keeps for `n` below 2³² / 20.
    mutating func randperm(_ n: Int) -> [Int] {
        precondition(n < Int(UInt32.max / 20), "randperm: n = \(n) is beyond the sizes PyTorch draws this way")
        var values = Array(0..<n)
        var i = 0
        while i < n - 1 {
            let z = Int(next() % UInt32(n - i))
            values.swapAt(i, i + z)
            i += 1
        }
        return values
    }
}
