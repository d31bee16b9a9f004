import CSystemZlib
import Foundation
import Testing
@testable import EmberVision

/// A fresh folder under the system's temporary directory, removed by `remove()`.
struct TemporaryFolder {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("ember-vision-\(UUID().uuidString)")
    var path: String { url.path }

    init() throws {
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

/// Builds IDX files like MNIST's.
enum IDX {
    /// A header (magic, then each size, big-endian) followed by `values`.
    static func file(magic: UInt32, dimensions: [Int], values: [UInt8]) -> [UInt8] {
        let words = [magic] + dimensions.map(UInt32.init)
        return words.flatMap { word in (0..<4).reversed().map { UInt8(truncatingIfNeeded: word >> (8 * UInt32($0))) } } + values
    }

    static func images(_ images: [[UInt8]], height: Int, width: Int) -> [UInt8] {
        file(magic: 0x803, dimensions: [images.count, height, width], values: images.flatMap { $0 })
    }

    static func labels(_ labels: [UInt8]) -> [UInt8] {
        file(magic: 0x801, dimensions: [labels.count], values: labels)
    }

    /// `bytes` compressed in gzip format with zlib.
    static func gzip(_ bytes: [UInt8]) -> [UInt8] {
        var stream = z_stream()
        precondition(deflateInit2_(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY,
                                   ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK)
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(bytes.count))))
        var input = bytes
        let status = input.withUnsafeMutableBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                stream.next_in = source.baseAddress
                stream.avail_in = UInt32(source.count)
                stream.next_out = target.baseAddress
                stream.avail_out = UInt32(target.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        precondition(status == Z_STREAM_END)
        return Array(output.prefix(Int(stream.total_out)))
    }

    /// Writes `bytes` to `folder/name`, gzip-compressed (with `.gz` added) when `gzip`.
    static func write(_ bytes: [UInt8], to folder: URL, name: String, gzip: Bool = false) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = folder.appendingPathComponent(gzip ? name + ".gz" : name)
        try Data(gzip ? Self.gzip(bytes) : bytes).write(to: url)
    }
}

/// A small MNIST-format set: `count` images of 3 rows × 4 columns whose pixel `p` of image
/// `i` is `(37 * i + 11 * p) % 256`, and labels `(3 * i) % 10`.
struct TinySet {
    static let height = 3, width = 4

    let images: [[UInt8]]
    let labels: [UInt8]

    init(count: Int) {
        images = (0..<count).map { i in (0..<(Self.height * Self.width)).map { p in UInt8((37 * i + 11 * p) % 256) } }
        labels = (0..<count).map { UInt8((3 * $0) % 10) }
    }

    var imagesFile: [UInt8] { IDX.images(images, height: Self.height, width: Self.width) }
    var labelsFile: [UInt8] { IDX.labels(labels) }

    /// Writes both files of `split` ("train" or "t10k") into `folder`.
    func write(to folder: URL, split: String, gzip: Bool = false) throws {
        try IDX.write(imagesFile, to: folder, name: "\(split)-images-idx3-ubyte", gzip: gzip)
        try IDX.write(labelsFile, to: folder, name: "\(split)-labels-idx1-ubyte", gzip: gzip)
    }
}

/// Golden values from `Tests/Fixtures/generate_data.py` (torchvision).
enum Golden {
    static let values: [String: Tensor] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/data.safetensors")
        do { return try SafeTensors.load(from: url) } catch { fatalError("cannot load \(url.path): \(error)") }
    }()

    static subscript(key: String) -> Tensor {
        guard let value = values[key] else { fatalError("data.safetensors has no \(key); rerun generate_data.py") }
        return value
    }
}

/// The real data sets, when present on this machine.
enum RealData {
    /// `../shared/data/mnist-5k` next to the repository.
    static let mnist5k = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("../shared/data/mnist-5k").standardizedFileURL.path

    static func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }
}

/// Asserts two tensors have the same shape and values within `tolerance`.
func expectClose(_ actual: Tensor, _ expected: Tensor, tolerance: Float = 1e-6, _ what: String,
                 sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.shape == expected.shape, "\(what): shape \(actual.shape) vs \(expected.shape)", sourceLocation: sourceLocation)
    guard actual.shape == expected.shape else { return }
    let worst = zip(actual.toArray(), expected.toArray()).map { abs($0 - $1) }.max() ?? 0
    #expect(worst <= tolerance, "\(what): differs by up to \(worst)", sourceLocation: sourceLocation)
}

/// The message of the error `body` throws, or nil when it throws none.
func errorMessage(_ body: () throws -> Void) -> String? {
    do { try body() } catch { return "\(error)" }
    return nil
}

/// Sets every float32 state-dict entry of `model` (the `k`-th in state-dict order) to
/// `values(key, count, k, fanIn)`, `fanIn` being the element count over the first
/// dimension for tensors of two or more dimensions and nil otherwise, as the fixture
/// generators that fill weights by a formula do.
func fillStateDict(_ model: Module, _ values: (_ key: String, _ count: Int, _ k: Int, _ fanIn: Int?) -> [Float]) {
    for (k, (key, t)) in model.orderedStateDict().enumerated() where t.dtype == .float32 {
        let filled = values(key, t.numel, k, t.ndim >= 2 ? t.numel / t.shape[0] : nil)
        withNoGrad { t.copy(from: Tensor(shape: t.shape, scalars: filled)) }
    }
}
