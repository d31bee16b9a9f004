import Foundation
import Testing
@testable import Ember

/// The tutorial's custom data set: rows of comma-separated features ending in a label.
private struct CSVDataset: Dataset {
    let features: [[Float]]
    let labels: [Int]

    init(contentsOf url: URL) throws {
        let rows = try String(contentsOf: url, encoding: .utf8)
            .split(separator: "\n").map { $0.split(separator: ",") }
        features = rows.map { $0.dropLast().map { Float($0)! } }
        labels = rows.map { Int($0.last!)! }
    }

    var count: Int { labels.count }
    subscript(index: Int) -> (Tensor, Int) { (Tensor(features[index]), labels[index]) }
}

/// Data sets: custom ones, `TensorDataset`, `Subset`, `randomSplit`.
struct DataSetTests {
    @Test func customCSVDatasetThroughDataLoader() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ember-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: url) }
        let text = (0..<10).map { i in "\(i),\(Float(i) / 2),\(-i),\(i % 3)" }.joined(separator: "\n")
        try text.write(to: url, atomically: true, encoding: .utf8)

        let data = try CSVDataset(contentsOf: url)
        let loader = DataLoader(data, batchSize: 4)
        let batches = Array(loader)
        #expect(loader.count == 3 && batches.count == 3)
        #expect(batches.map(\.0.shape) == [[4, 3], [4, 3], [2, 3]])
        #expect(batches[0].1.dtype == .int64)
        #expect(batches[1].0.toArray() == [4, 2, -4, 5, 2.5, -5, 6, 3, -6, 7, 3.5, -7])
        #expect(batches.flatMap { $0.1.toArray(as: Int64.self) } == (0..<10).map { Int64($0 % 3) })
    }

    @Test func tensorDatasetSamplesAndBatches() {
        let x = Tensor.arange(0, 12).reshape(6, 2)
        let y = Tensor.arange(6)
        let data = TensorDataset(x, y)
        #expect(data.count == 6)
        #expect(data[2][0].toArray() == [4, 5] && data[2][1].item() == 2)

        let batch = data.batch(at: [5, 0, 3])
        #expect(batch[0].shape == [3, 2] && batch[0].toArray() == [10, 11, 0, 1, 6, 7])
        #expect(batch[1].dtype == .int64 && batch[1].toArray(as: Int64.self) == [5, 0, 3])
        // The fast path gives what stacking the samples gives.
        let stacked = defaultCollate([5, 0, 3].map { data[$0] })
        #expect(stacked[0].toArray() == batch[0].toArray() && stacked[1].toArray() == batch[1].toArray())
    }

    @Test func subsetMapsIndices() {
        let data = TensorDataset(Tensor.arange(0, 5))
        let subset = Subset(data, indices: [4, 1])
        #expect(subset.count == 2 && subset[0][0].item() == 4 && subset[1][0].item() == 1)
        #expect(subset.batch(at: [1, 0])[0].toArray() == [1, 4])
    }

    @Test func randomSplitByLengths() {
        let data = TensorDataset(Tensor.arange(0, 100))
        let parts = randomSplit(data, lengths: [70, 20, 10], generator: Generator(seed: 1))
        #expect(parts.map(\.count) == [70, 20, 10])
        let all = parts.flatMap(\.indices)
        #expect(Set(all).count == 100 && all.sorted() == Array(0..<100))
        #expect(all != Array(0..<100), "the split must shuffle")
        // The same generator gives the same split; the caller's generator is not consumed.
        let again = randomSplit(data, lengths: [70, 20, 10], generator: Generator(seed: 1))
        #expect(again.map(\.indices) == parts.map(\.indices))
        let other = randomSplit(data, lengths: [70, 20, 10], generator: Generator(seed: 2))
        #expect(other.map(\.indices) != parts.map(\.indices))
    }

    @Test func randomSplitByFractionsDealsTheRemainderLikePyTorch() {
        let data = TensorDataset(Tensor.arange(0, 10))
        // floor(10 * 0.33) = 3 each, one left over goes to the first split.
        #expect(randomSplit(data, fractions: [0.33, 0.33, 0.34]).map(\.count) == [4, 3, 3])
        let parts = randomSplit(data, fractions: [0.8, 0.2], generator: Generator(seed: 3))
        #expect(parts.map(\.count) == [8, 2])
        #expect(Set(parts[0].indices).isDisjoint(with: parts[1].indices))
    }

    @Test func defaultCollateShapes() {
        let pairs = (0..<3).map { i in (Tensor.full([2], Float(i)), Tensor(Float(-i))) }
        let (x, y) = defaultCollate(pairs)
        #expect(x.shape == [3, 2] && y.shape == [3] && y.toArray() == [0, -1, -2])
        #expect(defaultCollate([3, 1, 2]).toArray(as: Int64.self) == [3, 1, 2])
    }
}
