import Foundation
import Testing
@testable import EmberVision

/// MNIST through transforms and `DataLoader`: the batched fast path gives exactly what
/// single samples give.
struct MNISTPipelineTests {
    private func tinyMNIST(
        count: Int = 10, transform: (any Transform<Image, Tensor>)? = nil, targetTransform: (any Transform<Int, Int>)? = nil
    ) throws -> (MNIST, TemporaryFolder) {
        let folder = try TemporaryFolder()
        try TinySet(count: count).write(to: folder.url, split: "train", gzip: true)
        return (try MNIST(root: folder.path, transform: transform, targetTransform: targetTransform), folder)
    }

    @Test func batchesEqualStackedSamples() throws {
        let transform = Compose([ToTensor(), Normalize(mean: [0.5], std: [0.5])])
        let (data, folder) = try tinyMNIST(transform: transform)
        defer { folder.remove() }
        let (images, labels) = data.batch(at: [7, 2, 2, 0])
        #expect(images.shape == [4, 1, 3, 4] && labels.dtype == .int64)
        #expect(labels.toArray(as: Int64.self) == [1, 6, 6, 0])
        let stacked = Tensor.stack([7, 2, 2, 0].map { data[$0].0 })
        #expect(images.toArray() == stacked.toArray())
        // The fused pass matches running the transforms one after the other.
        expectClose(data[7].0, transform(data.image(at: 7)), "fused sample")
        #expect(images.min().item() >= -1 && images.max().item() <= 1)
    }

    @Test func nonAffineTransformsRunPerImage() throws {
        let transform = Compose([ToTensor(), Lambda { (x: Tensor) in x * 2 }])
        let (data, folder) = try tinyMNIST(transform: transform)
        defer { folder.remove() }
        let (images, _) = data.batch(at: [3, 1])
        expectClose(images[0], transform(data.image(at: 3)), "image 3")
        expectClose(images[1], ToTensor()(data.image(at: 1)) * 2, "image 1")
    }

    @Test func targetTransformAppliesToSamplesAndBatches() throws {
        let (data, folder) = try tinyMNIST(targetTransform: Lambda { (y: Int) in y % 2 })
        defer { folder.remove() }
        #expect(data[1].1 == 1 && data[2].1 == 0)
        #expect(data.batch(at: [1, 2, 3]).1.toArray(as: Int64.self) == [1, 0, 1])
        #expect(data.targets[1] == 3, "targets are the stored labels")
    }

    @Test func dataLoaderWithWorkersMatchesSerialLoading() throws {
        let (data, folder) = try tinyMNIST(count: 37, transform: Compose([ToTensor(), Normalize(mean: [0.1307], std: [0.3081])]))
        defer { folder.remove() }
        let serial = DataLoader(data, batchSize: 8, shuffle: true, generator: Generator(seed: 4))
        let parallel = DataLoader(data, batchSize: 8, shuffle: true, numWorkers: 2, generator: Generator(seed: 4))
        let a = Array(serial), b = Array(parallel)
        #expect(a.count == 5 && a.map(\.0.shape).last == [5, 1, 3, 4])
        #expect(a.map { $0.0.toArray() } == b.map { $0.0.toArray() })
        #expect(a.map { $0.1.toArray(as: Int64.self) } == b.map { $0.1.toArray(as: Int64.self) })
        #expect(a.flatMap { $0.1.toArray(as: Int64.self) }.count == 37)
    }

    @Test func randomSplitKeepsTheFastPath() throws {
        let (data, folder) = try tinyMNIST(count: 20, transform: ToTensor())
        defer { folder.remove() }
        let parts = randomSplit(data, fractions: [0.75, 0.25], generator: Generator(seed: 8))
        #expect(parts.map(\.count) == [15, 5])
        let batches = Array(DataLoader(parts[1], batchSize: 5))
        let expected = Tensor.stack(parts[1].indices.map { ToTensor()(data.image(at: $0)) })
        #expect(batches.count == 1 && batches[0].0.toArray() == expected.toArray())
    }
}
