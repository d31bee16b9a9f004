import Foundation
import Synchronization

/// A seedable pseudo-random generator (xoshiro256**), the source of every random number
/// Ember draws: initialisation, dropout, shuffling, `rand`/`randn`.
public struct Generator: Sendable, Equatable {
    /// The full state, for checkpoints.
    public private(set) var state: [UInt64]

    /// A generator seeded with `seed`, as `manualSeed(_:)` seeds the default one.
    public init(seed: UInt64) {
        // SplitMix64 spreads the seed over the four state words.
        var z = seed
        var words = [UInt64]()
        for _ in 0..<4 {
            z &+= 0x9E37_79B9_7F4A_7C15
            var x = z
            x = (x ^ (x >> 30)) &* 0xBF58_476D_1CE4_E5B9
            x = (x ^ (x >> 27)) &* 0x94D0_49BB_1331_11EB
            words.append(x ^ (x >> 31))
        }
        state = words
    }

    /// Restores a generator from `state` (four words).
    public init(state: [UInt64]) {
        precondition(state.count == 4 && state.contains { $0 != 0 }, "Generator: invalid state \(state)")
        self.state = state
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        let result = rotl(state[1] &* 5, 7) &* 9
        let t = state[1] << 17
        state[2] ^= state[0]
        state[3] ^= state[1]
        state[1] ^= state[2]
        state[0] ^= state[3]
        state[2] ^= t
        state[3] = rotl(state[3], 45)
        return result
    }

    /// Uniform in [0, 1) with 24 random bits.
    public mutating func nextFloat() -> Float {
        Float(next() >> 40) * 0x1p-24
    }

    /// Uniform in [0, 1) with 53 random bits.
    mutating func nextDouble() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// Uniform integer in `range` (unbiased).
    public mutating func nextInt(in range: Range<Int>) -> Int {
        precondition(!range.isEmpty, "random integer from an empty range")
        let span = UInt64(range.count)
        let limit = UInt64.max - UInt64.max % span
        var value = next()
        while value >= limit { value = next() }
        return range.lowerBound + Int(value % span)
    }

    /// Standard normal values, Box–Muller in pairs.
    mutating func fillNormal(_ out: UnsafeMutablePointer<Float>, count: Int, mean: Float, std: Float) {
        var i = 0
        while i < count {
            let u1 = max(nextDouble(), 0x1p-60)
            let u2 = nextDouble()
            let radius = (-2 * Foundation.log(u1)).squareRoot()
            out[i] = Float(radius * Foundation.cos(2 * .pi * u2)) * std + mean
            if i + 1 < count { out[i + 1] = Float(radius * Foundation.sin(2 * .pi * u2)) * std + mean }
            i += 2
        }
    }

    private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
}

/// The process-wide default generator, seeded by `manualSeed`. A thread may stand in a
/// generator of its own for a while (`withThreadGenerator`): a `DataLoader` worker does,
/// so that random transforms draw the same numbers whichever thread loads a batch.
enum DefaultGenerator {
    static let shared = Mutex(Generator(seed: 5489))

    static func with<T>(_ body: (inout Generator) -> T) -> T {
        if let local = ThreadGenerator.current { return body(&local.generator) }
        return shared.withLock { body(&$0) }
    }

    /// Runs `body` with `generator` as this thread's default generator.
    static func withThreadGenerator<T>(_ generator: Generator, _ body: () throws -> T) rethrows -> T {
        let local = ThreadGenerator(generator)
        let previous = pthread_getspecific(ThreadGenerator.key)
        pthread_setspecific(ThreadGenerator.key, Unmanaged.passUnretained(local).toOpaque())
        defer { pthread_setspecific(ThreadGenerator.key, previous) }
        return try withExtendedLifetime(local) { try body() }
    }
}

/// A thread's own default generator, kept in a thread-specific slot.
final class ThreadGenerator {
    var generator: Generator
    init(_ generator: Generator) { self.generator = generator }

    static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    static var current: ThreadGenerator? {
        pthread_getspecific(key).map { Unmanaged<ThreadGenerator>.fromOpaque($0).takeUnretainedValue() }
    }
}

/// Seeds the default generator so runs are reproducible (`torch.manual_seed`).
public func manualSeed(_ seed: UInt64) {
    DefaultGenerator.with { $0 = Generator(seed: seed) }
}

/// The default generator's state (`torch.get_rng_state()`), for checkpoints.
public func rngState() -> Generator {
    DefaultGenerator.with { $0 }
}

/// Restores the default generator (`torch.set_rng_state()`).
public func setRNGState(_ generator: Generator) {
    DefaultGenerator.with { $0 = generator }
}

extension Tensor {
    /// Uniform values in [0, 1) (`torch.rand`).
    public static func rand(_ shape: [Int], requiresGrad: Bool = false) -> Tensor {
        uniform(shape, low: 0, high: 1, requiresGrad: requiresGrad)
    }

    /// Uniform values in [low, high).
    public static func uniform(_ shape: [Int], low: Float, high: Float, requiresGrad: Bool = false) -> Tensor {
        let t = Tensor(uninitialized: shape)
        let p = t.floatPointer
        let n = t.numel
        DefaultGenerator.with { g in
            for i in 0..<n { p[i] = low + (high - low) * g.nextFloat() }
        }
        t.requiresGrad = requiresGrad
        return t
    }

    /// Standard normal values (`torch.randn`).
    public static func randn(_ shape: [Int], requiresGrad: Bool = false) -> Tensor {
        normal(shape, mean: 0, std: 1, requiresGrad: requiresGrad)
    }

    /// Normal values with the given mean and standard deviation.
    public static func normal(_ shape: [Int], mean: Float, std: Float, requiresGrad: Bool = false) -> Tensor {
        let t = Tensor(uninitialized: shape)
        let p = t.floatPointer
        let n = t.numel
        DefaultGenerator.with { $0.fillNormal(p, count: n, mean: mean, std: std) }
        t.requiresGrad = requiresGrad
        return t
    }

    /// Random integers in [low, high) as int64 (`torch.randint`).
    public static func randint(_ low: Int, _ high: Int, _ shape: [Int]) -> Tensor {
        precondition(low < high, "randint: expects low < high, got low=\(low), high=\(high)")
        let t = Tensor(uninitialized: shape, dtype: .int64)
        let p = t.int64Pointer
        let n = t.numel
        DefaultGenerator.with { g in
            for i in 0..<n { p[i] = Int64(g.nextInt(in: low..<high)) }
        }
        return t
    }

    /// A random permutation of 0..<n as int64 (`torch.randperm`).
    public static func randperm(_ n: Int) -> Tensor {
        Tensor(shape: [n], scalars: DefaultGenerator.with { $0.permutation(n) }.map { Int64($0) })
    }

    /// `torch.rand_like`.
    public static func randLike(_ other: Tensor) -> Tensor { rand(other.shape) }
    /// `torch.randn_like`.
    public static func randnLike(_ other: Tensor) -> Tensor { randn(other.shape) }
    /// `torch.randint_like`.
    public static func randintLike(_ other: Tensor, _ low: Int, _ high: Int) -> Tensor {
        randint(low, high, other.shape)
    }
}
