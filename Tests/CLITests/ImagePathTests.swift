import Foundation
import Testing
import EmberVision

/// The README's offline path: `ember export` → `ember split` → `ImageFolder` → `DataLoader`.
@Suite(.serialized)
struct ImagePathTests {
    @Test func exportSplitAndLoadAsTheReadmeShows() throws {
        let data = try TinyMNIST(train: 60, test: 10)
        defer { data.remove() }
        let pair = data.root.appendingPathComponent("pair")
        let export = try Ember.run(["export", "--data", data.root.path, "--layout", "flat", "--out", pair.path, "--classes", "0,6"])
        #expect(export.status == 0, "\(export.stderr)")
        let split = try Ember.run(["split", pair.path, "--valid", "2"])
        #expect(split.status == 0, "\(split.stderr)")

        let transform = Compose([Resize(32), ToTensor(), Normalize(mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5])])
        let train = try ImageFolder(root: pair.appendingPathComponent("training"), transform: transform)
        let valid = try ImageFolder(root: pair.appendingPathComponent("validation"), transform: transform)
        #expect(train.classes == ["0", "6"])
        #expect(train.count == 8 && valid.count == 4)
        var shapes: [[Int]] = []
        try DataLoader(train, batchSize: 4, shuffle: true, numWorkers: 2).forEachBatch { images, labels in
            shapes.append(images.shape)
            #expect(labels.dtype == .int64)
        }
        #expect(shapes == [[4, 3, 32, 32], [4, 3, 32, 32]])
    }
}
