import Foundation
import Synchronization
import Testing
@testable import Ember

/// Sample `i` is the 1-D tensor `[i]`; counts how many samples were read.
private struct CountingDataset: Dataset {
    let count: Int
    let reads = ReadCounter()

    subscript(index: Int) -> Tensor {
        reads.value.add(1, ordering: .relaxed)
        return Tensor([Float(index)])
    }
}

private final class ReadCounter: Sendable {
    let value = Atomic<Int>(0)
    var current: Int { value.load(ordering: .relaxed) }
}

/// A batched data set that records whether its fast path was used.
private struct FastDataset: BatchedDataset {
    let count = 10
    let batchCalls = ReadCounter()

    subscript(index: Int) -> (Tensor, Int) { (Tensor([Float(index)]), index) }

    func batch(at indices: [Int]) -> (Tensor, Tensor) {
        batchCalls.value.add(1, ordering: .relaxed)
        return defaultCollate(indices.map { self[$0] })
    }
}

/// The values of each batch of a loader over `CountingDataset`.
private func epoch<D: Dataset>(_ loader: DataLoader<D, Tensor>) -> [[Float]] {
    loader.map { $0.toArray() }
}

/// Serialized: the shuffle tests seed and draw from the process-wide default generator.
@Suite(.serialized) struct DataLoaderTests {
    @Test func batchShapesAndLastPartialBatch() {
        let loader = DataLoader(CountingDataset(count: 10), batchSize: 4)
        let batches = Array(loader)
        #expect(loader.count == 3)
        #expect(batches.map(\.shape) == [[4, 1], [4, 1], [2, 1]])
        #expect(batches.flatMap { $0.toArray() } == (0..<10).map(Float.init))
    }

    @Test func dropLastDropsTheIncompleteBatch() {
        let loader = DataLoader(CountingDataset(count: 10), batchSize: 4, dropLast: true)
        #expect(loader.count == 2)
        #expect(epoch(loader) == [[0, 1, 2, 3], [4, 5, 6, 7]])
        #expect(DataLoader(CountingDataset(count: 8), batchSize: 4, dropLast: true).count == 2)
        #expect(Array(DataLoader(CountingDataset(count: 0), batchSize: 4)).isEmpty)
    }

    @Test func shuffleIsReproducibleWithManualSeedAndDiffersAcrossEpochs() {
        let loader = DataLoader(CountingDataset(count: 50), batchSize: 8, shuffle: true)
        manualSeed(11)
        let first = epoch(loader)
        let second = epoch(loader)
        manualSeed(11)
        let replay = epoch(loader)
        #expect(first == replay)
        #expect(first != second, "each epoch draws a new order")
        for order in [first, second] {
            #expect(order.flatMap { $0 }.sorted() == (0..<50).map(Float.init), "an epoch is a permutation")
        }
        // The order is the one randperm draws from the same state.
        manualSeed(11)
        #expect(first.flatMap { $0 } == Tensor.randperm(50).toArray())
    }

    @Test func ownGeneratorIsIndependentOfTheDefaultOne() {
        let make = { DataLoader(CountingDataset(count: 30), batchSize: 7, shuffle: true, generator: Generator(seed: 5)) }
        let a = make(), b = make()
        let epochsA = [epoch(a), epoch(a)]
        _ = Tensor.rand([10])  // draws from the default generator do not matter
        #expect([epoch(b), epoch(b)] == epochsA)
        #expect(epochsA[0] != epochsA[1])
    }

    @Test func workersGiveTheSameBatchesInTheSameOrder() {
        let data = CountingDataset(count: 103)
        let serial = epoch(DataLoader(data, batchSize: 5, shuffle: true, generator: Generator(seed: 9)))
        let parallel = epoch(DataLoader(data, batchSize: 5, shuffle: true, numWorkers: 2, generator: Generator(seed: 9)))
        #expect(parallel == serial)
        #expect(parallel.count == 21)
        let three = epoch(DataLoader(data, batchSize: 5, shuffle: true, numWorkers: 3, prefetchFactor: 1, generator: Generator(seed: 9)))
        #expect(three == serial)
    }

    @Test func breakingOutOfTheLoopStopsTheWorkers() throws {
        let data = CountingDataset(count: 10_000)
        let loader = DataLoader(data, batchSize: 10, numWorkers: 2)
        var seen = 0
        for batch in loader {
            #expect(batch.shape == [10, 1])
            seen += 1
            if seen == 3 { break }
        }
        // Workers stop after the batch in hand: at most the prefetch window was read.
        let readsAfterBreak = data.reads.current
        #expect(readsAfterBreak <= (3 + 2 * 2 + 2) * 10)
        Thread.sleep(forTimeInterval: 0.05)
        #expect(data.reads.current == readsAfterBreak, "no worker may keep reading after the loop ends")
    }

    @Test func droppingTheIteratorJoinsTheWorkers() throws {
        let loader = DataLoader(CountingDataset(count: 1000), batchSize: 10, numWorkers: 3)
        var iterator: DataLoader<CountingDataset, Tensor>.Iterator? = loader.makeIterator()
        #expect(iterator?.next()?.toArray() == (0..<10).map(Float.init))
        let queue = try #require(iterator?.prefetcher?.queue)
        iterator = nil
        #expect(queue.runningWorkers == 0)
        // A finished epoch lets the workers exit by themselves.
        var finished = DataLoader(CountingDataset(count: 20), batchSize: 10, numWorkers: 2).makeIterator()
        while finished.next() != nil {}
        #expect(finished.next() == nil)
    }

    @Test func customCollate() {
        let loader = DataLoader(CountingDataset(count: 7), batchSize: 3) { samples in
            samples.map { $0.item() }.reduce(Float(0), +)
        }
        #expect(Array(loader) == [3, 12, 6])
    }

    @Test func batchedDatasetsUseTheirFastPathUnlessCollateIsCustom() {
        let data = FastDataset()
        let batches = Array(DataLoader(data, batchSize: 4))
        #expect(data.batchCalls.current == 3)
        #expect(batches.map(\.0.shape) == [[4, 1], [4, 1], [2, 1]])
        #expect(batches[2].1.toArray(as: Int64.self) == [8, 9])

        // Subsets of a batched data set keep the fast path.
        _ = Array(DataLoader(Subset(data, indices: [9, 8, 7]), batchSize: 2))
        #expect(data.batchCalls.current == 5)

        let custom = Array(DataLoader(data, batchSize: 4) { samples in samples.map(\.1) })
        #expect(data.batchCalls.current == 5)
        #expect(custom == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]])
    }

    @Test func tensorPairSamples() {
        struct Pairs: Dataset {
            var count: Int { 5 }
            subscript(index: Int) -> (Tensor, Tensor) { (Tensor.full([2, 2], Float(index)), Tensor(Float(index) * 10)) }
        }
        let batches = Array(DataLoader(Pairs(), batchSize: 2, numWorkers: 1))
        #expect(batches.map(\.0.shape) == [[2, 2, 2], [2, 2, 2], [1, 2, 2]])
        #expect(batches.flatMap { $0.1.toArray() } == [0, 10, 20, 30, 40])
    }

    /// A sample that draws from the default generator, as a random transform does.
    private struct NoisyDataset: Dataset {
        var count: Int { 24 }
        subscript(index: Int) -> Tensor { Tensor.rand([2]) + Float(index) }
    }

    @Test func randomNumbersDrawnByWorkersAreReproducibleWhateverTheirCount() {
        func epochs(workers: Int) -> [[Float]] {
            manualSeed(3)
            let loader = DataLoader(NoisyDataset(), batchSize: 4, shuffle: true, numWorkers: workers)
            return (0..<2).map { _ in loader.flatMap { $0.toArray() } }
        }
        let two = epochs(workers: 2)
        #expect(two == epochs(workers: 2))
        #expect(two == epochs(workers: 1))
        #expect(two == epochs(workers: 4))
        #expect(two[0] != two[1], "a new epoch draws new numbers")
        // The fractional parts are the random draws; the batches are in the shuffled order.
        #expect(Set(two[0].map { $0.rounded(.down) }) == Set((0..<24).map(Float.init)))
    }

    @Test func aSampleThatThrowsEndsTheEpochWithItsError() throws {
        struct Failing: Dataset {
            struct Broken: Error {}
            var count: Int { 10 }
            subscript(index: Int) -> Tensor { Tensor(Float(index)) }
            func sample(at index: Int) throws -> Tensor {
                if index == 6 { throw Broken() }
                return self[index]
            }
        }
        for workers in [0, 2] {
            var seen: [Float] = []
            #expect(throws: Failing.Broken.self) {
                try DataLoader(Failing(), batchSize: 3, numWorkers: workers).forEachBatch { seen += $0.toArray() }
            }
            #expect(seen == [0, 1, 2, 3, 4, 5])
            var iterator = DataLoader(Failing(), batchSize: 3, numWorkers: workers).makeIterator()
            #expect(try iterator.nextBatch()?.toArray() == [0, 1, 2])
            #expect(try iterator.nextBatch()?.toArray() == [3, 4, 5])
            #expect(throws: Failing.Broken.self) { _ = try iterator.nextBatch() }
            #expect(try iterator.nextBatch() == nil, "after an error the epoch is over")
        }
    }
}
