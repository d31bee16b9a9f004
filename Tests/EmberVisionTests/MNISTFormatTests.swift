import Foundation
import Testing
@testable import EmberVision

/// Reading MNIST-format folders the tests write themselves, and every corruption the
/// reader must reject with a message that names the file and the problem.
struct MNISTFormatTests {
    @Test(arguments: [false, true])
    func readsRawAndGzipFiles(gzip: Bool) throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let set = TinySet(count: 5)
        try set.write(to: folder.url, split: "train", gzip: gzip)

        let data = try MNIST(root: folder.path)
        #expect(data.count == 5 && data.height == 3 && data.width == 4)
        #expect(data.targets == [0, 3, 6, 9, 2])
        #expect(data.image(at: 2) == Image(width: 4, height: 3, pixels: set.images[2]))
        #expect(data.image(at: 2)[x: 1, y: 2] == set.images[2][2 * 4 + 1], "rows of 4 columns")
        let (image, label) = data[2]
        #expect(image.shape == [1, 3, 4] && label == 6)
        // Untransformed images are the raw values as floats.
        #expect(image.toArray() == set.images[2].map(Float.init))
    }

    @Test func findsTorchvisionLayoutAndTestSplit() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let raw = folder.url.appendingPathComponent("FashionMNIST/raw")
        try TinySet(count: 3).write(to: raw, split: "t10k", gzip: true)
        let data = try FashionMNIST(root: folder.path, train: false)
        #expect(data.count == 3 && data.targets == [0, 3, 6])
        #expect(FashionMNIST.classes[3] == "Dress")
        // The training split is not there, and the message says where it was looked for.
        let message = try #require(errorMessage { _ = try FashionMNIST(root: folder.path, train: true) })
        #expect(message.contains("train-images-idx3-ubyte") && message.contains(raw.path))
    }

    @Test func missingFilesNameTheFolderAndTheExpectedFiles() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let message = try #require(errorMessage { _ = try MNIST(root: folder.path) })
        for expected in ["train-images-idx3-ubyte", "t10k-labels-idx1-ubyte", folder.path, "\(folder.path)/MNIST/raw", "download: true"] {
            #expect(message.contains(expected), "\(message) should mention \(expected)")
        }
        let absent = folder.url.appendingPathComponent("nowhere").path
        let noFolder = try #require(errorMessage { _ = try MNIST(root: absent) })
        #expect(noFolder.contains(absent) && noFolder.contains("does not exist"))
    }

    /// Writes a valid training split, lets `damage` replace one file's bytes, and returns
    /// the loading error's message.
    private func loadError(gzip: Bool = false, damage: (TinySet) -> (name: String, bytes: [UInt8])) throws -> String {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let set = TinySet(count: 4)
        try set.write(to: folder.url, split: "train", gzip: gzip)
        let (name, bytes) = damage(set)
        try IDX.write(bytes, to: folder.url, name: name, gzip: gzip)
        return try #require(errorMessage { _ = try MNIST(root: folder.path) })
    }

    @Test(arguments: [false, true])
    func truncatedImagesFile(gzip: Bool) throws {
        let message = try loadError(gzip: gzip) { ("train-images-idx3-ubyte", $0.imagesFile.dropLast(5)) }
        #expect(message.contains("train-images-idx3-ubyte") && message.contains("truncated"))
        #expect(message.contains("4 images of 3×4, 48 bytes") && message.contains("holds 43"))
    }

    @Test func truncatedGzipStream() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try TinySet(count: 4).write(to: folder.url, split: "train", gzip: true)
        let path = folder.url.appendingPathComponent("train-images-idx3-ubyte.gz")
        let compressed = try Data(contentsOf: path)
        try compressed.prefix(compressed.count / 2).write(to: path)
        let message = try #require(errorMessage { _ = try MNIST(root: folder.path) })
        #expect(message.contains("train-images-idx3-ubyte.gz") && message.contains("truncated"))
    }

    @Test func fileLongerThanItsHeaderSays() throws {
        let message = try loadError { ("train-labels-idx1-ubyte", $0.labelsFile + [1, 2]) }
        #expect(message.contains("train-labels-idx1-ubyte") && message.contains("too long") && message.contains("holds 6"))
    }

    @Test func headerCutShort() throws {
        let message = try loadError { _ in ("train-images-idx3-ubyte", [0, 0, 8, 3, 0, 0]) }
        #expect(message.contains("train-images-idx3-ubyte") && message.contains("too few for an IDX header"))
    }

    @Test func impossibleSizesInTheHeader() throws {
        let huge = Int(UInt32.max)
        let message = try loadError { _ in ("train-images-idx3-ubyte", IDX.file(magic: 0x803, dimensions: [huge, huge, huge], values: [])) }
        #expect(message.contains("train-images-idx3-ubyte") && message.contains("truncated") && message.contains("more bytes than any file holds"))
    }

    @Test func aGzipBombStopsAtTheSizeItsHeaderDeclares() throws {
        // 10 images of 28×28 declared, 64 MiB of zeros inflated: a file of a few tens of KiB.
        let contents = IDX.file(magic: 0x803, dimensions: [10, 28, 28], values: []) + [UInt8](repeating: 0, count: 64 << 20)
        #expect(IDX.gzip(contents).count < 200_000)
        let message = try loadError(gzip: true) { _ in ("train-images-idx3-ubyte", contents) }
        #expect(message.contains("too long") && message.contains("7840 bytes"), "\(message)")
        // Inflating stopped soon after the declared size, far short of the 64 MiB inside.
        let held = message.split(separator: " ").last.flatMap { Int($0) } ?? .max
        #expect(held < 1 << 20, "\(message)")
    }

    @Test func zeroImagesOfAnImpossibleSize() throws {
        let message = try loadError { _ in ("train-images-idx3-ubyte", IDX.file(magic: 0x803, dimensions: [0, 1 << 31, 1 << 31], values: [])) }
        #expect(message.contains("train-images-idx3-ubyte") && message.contains("more than the 89478485"), "\(message)")
    }

    @Test func wrongMagicNumber() throws {
        // A labels file where the images belong.
        let message = try loadError { ("train-images-idx3-ubyte", $0.labelsFile) }
        #expect(message.contains("train-images-idx3-ubyte"))
        #expect(message.contains("wrong magic number 0x00000801, expected 0x00000803") && message.contains("labels file"))
    }

    @Test func countMismatch() throws {
        let message = try loadError { ("train-labels-idx1-ubyte", IDX.labels(Array($0.labels.dropLast()))) }
        #expect(message.contains("count mismatch") && message.contains("4 images") && message.contains("3 labels"))
        #expect(message.contains("train-images-idx3-ubyte") && message.contains("train-labels-idx1-ubyte"))
    }

    @Test func labelOutOfRange() throws {
        let message = try loadError { set in
            var labels = set.labels
            labels[2] = 10
            return ("train-labels-idx1-ubyte", IDX.labels(labels))
        }
        #expect(message.contains("train-labels-idx1-ubyte") && message.contains("label 10 at index 2 is out of range 0...9"))
    }

    @Test func notGzipDespiteTheName() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let set = TinySet(count: 2)
        try IDX.write(set.imagesFile, to: folder.url, name: "train-images-idx3-ubyte.gz")
        try IDX.write(set.labelsFile, to: folder.url, name: "train-labels-idx1-ubyte")
        let message = try #require(errorMessage { _ = try MNIST(root: folder.path) })
        #expect(message.contains("train-images-idx3-ubyte.gz") && message.contains("not gzip"))
    }

    @Test func errorsAreTyped() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        #expect(throws: DatasetError.self) { try MNIST(root: folder.path) }
    }
}
