import Testing
@testable import Ember

/// `DistributedSampler` against PyTorch's own indices (`Tests/Fixtures/generate_sampler.py`)
/// and in a `DataLoader`.
struct DistributedSamplerTests {
    static let fixtures = Fixtures.load("sampler.safetensors")

    static func expected(_ key: String) -> [Int] {
        guard let tensor = fixtures[key] else { preconditionFailure("missing fixture \(key)") }
        return tensor.toArray(as: Int64.self).map(Int.init)
    }

    /// PyTorch's Mersenne twister and randperm, seeds above 2³² included.
    @Test func randpermEqualsTorch() {
        for seed: UInt64 in [0, 1, 42, (1 << 32) + 5] {
            for n in [1, 2, 10, 97, 1000] {
                var generator = TorchMT19937(seed: seed)
                #expect(generator.randperm(n) == Self.expected("randperm.\(seed).\(n)"), "seed \(seed), n \(n)")
            }
        }
    }

    /// Every stored case: sizes that divide and do not, padding beyond one repetition
    /// (2 samples over 3 and 4 replicas), dropLast, shuffled epochs and seeds.
    @Test func indicesEqualTorchForEveryCase() {
        var checked = 0
        for key in Self.fixtures.keys where key.hasPrefix("sampler.") {
            let f = key.dropFirst("sampler.".count).split(separator: "_").map { Int($0)! }
            let sampler = DistributedSampler(datasetCount: f[0], numReplicas: f[1], rank: f[2], shuffle: f[3] == 1,
                                             seed: UInt64(f[4]), dropLast: f[5] == 1)
            sampler.setEpoch(f[6])
            let indices = sampler.indices()
            #expect(indices == Self.expected(key), "\(key)")
            #expect(sampler.count == indices.count, "\(key)")
            checked += 1
        }
        #expect(checked > 300)
    }

    /// The ranks' shards together cover the data set, each the same size, and a new epoch
    /// reshuffles while the same epoch repeats.
    @Test func shardsCoverTheDataSetAndEpochsReshuffle() {
        let samplers = (0..<3).map { DistributedSampler(datasetCount: 20, numReplicas: 3, rank: $0, seed: 5) }
        let shards = samplers.map { $0.indices() }
        #expect(shards.map(\.count) == [7, 7, 7])
        #expect(Set(shards.joined()) == Set(0..<20))
        let again = samplers[1].indices()
        samplers[1].setEpoch(1)
        #expect(again == shards[1])
        #expect(samplers[1].indices() != shards[1])
    }

    /// A loader with a sampler batches the sampler's indices, its count follows the shard.
    @Test func dataLoaderUsesTheSampler() {
        let sampler = DistributedSampler(datasetCount: 10, numReplicas: 2, rank: 1, shuffle: false)
        let loader = DataLoader(TensorDataset([Tensor.arange(0, 10).view(10, 1)]), batchSize: 2, sampler: sampler)
        #expect(loader.count == 3)
        #expect(loader.map { $0[0].toArray() } == [[1, 3], [5, 7], [9]])
    }
}
