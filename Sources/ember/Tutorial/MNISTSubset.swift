import EmberVision
import Foundation

/// The first images of an MNIST-format data set written as a smaller one (uncompressed IDX
/// files), for `ember tutorial --quick`.
enum MNISTSubset {
    static func write(from source: String, to folder: URL, train: Int, test: Int) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for (split, count) in [("train", train), ("t10k", test)] {
            let data = try MNISTFormatDataset<FashionMNISTSource>(root: source, train: split == "train")
            let n = min(count, data.count)
            let pixels = (0..<n).flatMap { data.image(at: $0).pixels }
            try AtomicFile.write(idx(magic: 0x803, dimensions: [n, data.height, data.width], values: pixels),
                                 to: folder.appendingPathComponent("\(split)-images-idx3-ubyte"))
            try AtomicFile.write(idx(magic: 0x801, dimensions: [n], values: data.targets.prefix(n).map(UInt8.init)),
                                 to: folder.appendingPathComponent("\(split)-labels-idx1-ubyte"))
        }
    }

    /// An IDX file: the magic number and each dimension as big-endian 32-bit words, then the bytes.
    private static func idx(magic: UInt32, dimensions: [Int], values: [UInt8]) -> Data {
        var data = Data()
        for word in [magic] + dimensions.map(UInt32.init) {
            withUnsafeBytes(of: word.bigEndian) { data.append(contentsOf: $0) }
        }
        data.append(contentsOf: values)
        return data
    }
}
