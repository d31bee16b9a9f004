import Foundation

/// A data set in MNIST's format (`torchvision.datasets.MNIST` and its relatives): 8-bit
/// grayscale images with integer labels in four IDX files,
/// `train-images-idx3-ubyte`, `train-labels-idx1-ubyte`, `t10k-images-idx3-ubyte` and
/// `t10k-labels-idx1-ubyte`, each raw or gzip (`.gz`), found in `root` itself or in
/// `root/NAME/raw` (torchvision's layout). Use it as `MNIST` or `FashionMNIST`.
///
/// ```swift
/// let train = try MNIST(root: "data", train: true, download: true,
///                       transform: Compose([ToTensor(), Normalize(mean: [0.1307], std: [0.3081])]))
/// let (image, label) = train[0]  // image: [1, 28, 28] float, label: 5
/// ```
///
/// Samples are `(image, label)`. The image is `transform(image(at: i))` for the 8-bit
/// `Image`; without a transform it is the raw pixel values as a float `[1, H, W]` tensor
/// in 0...255 (what `ToTensor` gives before its division by 255), so the samples batch the
/// same way with or without a transform. When the transform is a per-channel affine map
/// (`ToTensor`, `Normalize`, `Compose` of those), single samples and `DataLoader` batches
/// are computed in one pass from the bytes; other transforms run image by image.
///
/// Every file is checked when the data set is created (magic numbers, dimensions, size,
/// image and label counts, label range): any problem throws a `DatasetError` naming the
/// file and what is wrong.
public struct MNISTFormatDataset<Source: MNISTSource>: BatchedDataset {
    /// The folder given at creation.
    public let root: String
    /// Whether this is the training split (else the test split, `t10k`).
    public let train: Bool
    /// Applied to each image.
    public let transform: (any Transform<Image, Tensor>)?
    /// Applied to each label.
    public let targetTransform: (any Transform<Int, Int>)?
    /// The labels before `targetTransform`, one per image (`dataset.targets`).
    public let targets: [Int]
    /// Pixel rows per image.
    public let height: Int
    /// Pixel columns per image.
    public let width: Int
    /// All images' bytes, image after image.
    private let pixels: [UInt8]

    /// The class names, indexed by label.
    public static var classes: [String] { Source.classes }

    /// Loads the training (`train: true`) or test split from `root`, downloading the files
    /// into `root/NAME/raw` first when `download` is true and they are not there yet.
    public init(
        root: String, train: Bool = true, transform: (any Transform<Image, Tensor>)? = nil,
        targetTransform: (any Transform<Int, Int>)? = nil, download: Bool = false
    ) throws {
        try self.init(root: root, train: train, transform: transform, targetTransform: targetTransform,
                      downloader: download ? Downloader() : nil)
    }

    /// `downloader`, when given, fetches missing files first (tests pass their own).
    init(
        root: String, train: Bool, transform: (any Transform<Image, Tensor>)?,
        targetTransform: (any Transform<Int, Int>)?, downloader: Downloader?
    ) throws {
        if let downloader { try Self.download(root: root, with: downloader) }
        let split = train ? "train" : "t10k"
        let imagesPath = try Self.locate(root: root, split: split)
        let labelsPath = try Self.locate(root: root, split: split, labels: true)
        let images = try IDXFile(path: imagesPath, kind: .images)
        let labels = try IDXFile(path: labelsPath, kind: .labels)
        guard images.dimensions[0] == labels.dimensions[0] else {
            throw DatasetError.corrupt(path: imagesPath, reason: "count mismatch: it holds \(images.dimensions[0]) images but \(labelsPath) holds \(labels.dimensions[0]) labels")
        }
        let classCount = Source.classes.count
        if let bad = labels.values.firstIndex(where: { Int($0) >= classCount }) {
            throw DatasetError.corrupt(path: labelsPath, reason: "label \(labels.values[bad]) at index \(bad) is out of range 0...\(classCount - 1)")
        }
        self.root = root
        self.train = train
        self.transform = transform
        self.targetTransform = targetTransform
        self.targets = labels.values.map(Int.init)
        self.height = images.dimensions[1]
        self.width = images.dimensions[2]
        self.pixels = images.values
    }

    /// The number of images.
    public var count: Int { targets.count }

    /// Image `index` as 8-bit grayscale, before any transform.
    public func image(at index: Int) -> Image {
        checkIndex(index)
        let start = index * height * width
        return Image(width: width, height: height, pixels: Array(pixels[start..<(start + height * width)]))
    }

    /// `(transform(image), targetTransform(label))`.
    public subscript(index: Int) -> (Tensor, Int) {
        let images = transformedImages([index])
        return (images.squeeze(dim: 0), label(at: index))
    }

    /// The transformed images at `indices` stacked (`[B, 1, H, W]` for `ToTensor` and
    /// `Normalize`) and their labels as an int64 tensor `[B]`.
    public func batch(at indices: [Int]) -> (Tensor, Tensor) {
        (transformedImages(indices), Tensor(shape: [indices.count], scalars: indices.map { Int64(label(at: $0)) }))
    }

    private func checkIndex(_ index: Int) {
        precondition(index >= 0 && index < count, "\(Source.name): index \(index) is out of range for \(count) samples")
    }

    private func label(at index: Int) -> Int {
        targetTransform.map { $0(targets[index]) } ?? targets[index]
    }

    /// The stacked transformed images: one pass from the bytes when the transform is affine
    /// per channel, else the transform image by image.
    private func transformedImages(_ indices: [Int]) -> Tensor {
        let affine: ChannelAffine? = if let transform { transform.channelAffine } else { .identity }
        guard let affine else {
            return Tensor.stack(indices.map { transform!(image(at: $0)) })
        }
        indices.forEach(checkIndex)
        let plane = height * width
        return pixels.withUnsafeBufferPointer { bytes in
            affine.images(from: bytes, offsets: indices.map { $0 * plane }, height: height, width: width, channels: 1)
        }
    }
}

// MARK: Finding and downloading the files

extension MNISTFormatDataset {
    /// The file names, raw, for both splits.
    static var fileNames: [String] {
        Source.resources.map { String($0.file.dropLast(3)) }
    }

    /// `root` itself, then torchvision's `root/NAME/raw`.
    static func folders(root: String) -> [URL] {
        let base = URL(fileURLWithPath: root).standardizedFileURL
        return [base, base.appendingPathComponent(Source.name).appendingPathComponent("raw")]
    }

    /// The first existing file named `name` or `name.gz` in the folders.
    private static func find(_ name: String, root: String) -> String? {
        for folder in folders(root: root) {
            for candidate in [name, name + ".gz"] {
                let path = folder.appendingPathComponent(candidate).path
                if FileManager.default.fileExists(atPath: path) { return path }
            }
        }
        return nil
    }

    /// The images (or labels) file of `split`, or an error that lists what is expected where.
    static func locate(root: String, split: String, labels: Bool = false) throws -> String {
        let name = labels ? "\(split)-labels-idx1-ubyte" : "\(split)-images-idx3-ubyte"
        if let path = find(name, root: root) { return path }
        let places = folders(root: root).map(\.path)
        let rootState = FileManager.default.fileExists(atPath: places[0]) ? "" : " (the folder does not exist)"
        throw DatasetError.notFound(path: name, reason: "\(Source.name) needs \(name) (or \(name).gz) in \(places[0])\(rootState) or in \(places[1]). "
            + "The full set is \(fileNames.joined(separator: ", ")), each raw or .gz; pass download: true to fetch them")
    }

    /// Downloads each of the four files that is not already present into `root/NAME/raw`.
    static func download(root: String, with downloader: Downloader) throws {
        let folder = folders(root: root)[1]
        let hint = "Without network access, put the files \(Source.resources.map(\.file).joined(separator: ", ")) "
            + "(gzip, or uncompressed without .gz) into \(folder.path) by hand"
        for resource in Source.resources where find(String(resource.file.dropLast(3)), root: root) == nil {
            try downloader.download(file: resource.file, md5: resource.md5, mirrors: Source.mirrors,
                                    into: folder, manualHint: hint)
        }
    }
}
