import Ember
import Foundation

/// Images in class folders, `root/<class>/**/<file>` (`torchvision.datasets.ImageFolder`):
/// each sample is `(transform(image), classIndex)`.
///
/// As in torchvision, the classes are the sub-folder names sorted (`classes`,
/// `classToIdx`), each class folder is walked recursively in sorted order, and a file
/// belongs when its extension is one of `extensions` (torchvision's `IMG_EXTENSIONS` by
/// default, case-insensitive) or when `isValidFile` accepts its path (give one, not both).
/// A class folder with no such file is an error, as in torchvision.
///
/// Unlike torchvision, every file's header is checked when the data set is created, so a
/// file that is not a PNG or JPEG (or is cut short before its size) is reported at once,
/// naming the file. Pixels are decoded when a sample is read, by `loader` (default: decode
/// and `rgb()`, torchvision's `pil_loader`). A file that stops decoding during an epoch
/// (damaged after its header, changed on disk) makes `sample(at:)` throw its `ImageError`;
/// `DataLoader.forEachBatch` hands it to the training loop.
///
/// ```swift
/// let train = try ImageFolder(root: URL(fileURLWithPath: "data/training"),
///                             transform: Compose([Resize(256), CenterCrop(224), ToTensor()]))
/// print(train.classes, train.classToIdx)     // ["cat", "dog"] ["cat": 0, "dog": 1]
/// ```
public struct ImageFolder: Dataset {
    /// torchvision's `IMG_EXTENSIONS`. Ember decodes PNG and JPEG; the header check at
    /// creation reports files in the other formats.
    public static let imageExtensions = [".jpg", ".jpeg", ".png", ".ppm", ".bmp", ".pgm", ".tif", ".tiff", ".webp"]

    /// The folder the class folders are in.
    public let root: URL
    /// The class names: the sub-folders of `root`, sorted.
    public let classes: [String]
    /// Each class name's index.
    public let classToIdx: [String: Int]
    /// Every sample's file and class index, class by class, files in sorted order.
    public let samples: [(path: String, classIndex: Int)]
    /// The class index of every sample.
    public var targets: [Int] { samples.map(\.classIndex) }
    /// Applied to each decoded image.
    public let transform: any Transform<Image, Tensor>
    /// Applied to each class index, if given.
    public let targetTransform: (any Transform<Int, Int>)?
    private let loader: @Sendable (URL) throws -> Image

    /// Finds the classes and samples under `root` and checks every file's header.
    ///
    /// - Throws: `DatasetError` when `root` has no class folder or a class folder has no
    ///   valid file; `ImageError` naming the file when a file's header is not a valid PNG or
    ///   JPEG of at most `Image.defaultMaxPixels` pixels.
    public init(
        root: URL, transform: (any Transform<Image, Tensor>)? = nil, targetTransform: (any Transform<Int, Int>)? = nil,
        extensions: [String]? = nil, isValidFile: ((String) -> Bool)? = nil,
        loader: @escaping @Sendable (URL) throws -> Image = { try Image(contentsOf: $0).rgb() }
    ) throws {
        precondition(extensions == nil || isValidFile == nil,
                     "ImageFolder: Both extensions and is_valid_file cannot be not None at the same time")
        let extensions = isValidFile == nil ? (extensions ?? Self.imageExtensions).map { $0.lowercased() } : nil
        let classes = try Self.findClasses(root)
        var samples: [(path: String, classIndex: Int)] = []
        var emptyClasses: [String] = []
        for (index, name) in classes.enumerated() {
            let files = Self.walk(root.appendingPathComponent(name)).filter { path in
                if let extensions { return extensions.contains { path.lowercased().hasSuffix($0) } }
                return isValidFile!(path)
            }
            if files.isEmpty { emptyClasses.append(name) }
            samples += files.map { ($0, index) }
        }
        if !emptyClasses.isEmpty {
            var reason = "Found no valid file for the classes \(emptyClasses.sorted(by: Self.codePointOrder).joined(separator: ", "))."
            if let extensions { reason += " Supported extensions are: \(extensions.joined(separator: ", "))" }
            throw DatasetError.notFound(path: root.path, reason: reason)
        }
        for sample in samples { _ = try Image.size(ofFileAt: URL(fileURLWithPath: sample.path)) }
        self.root = root
        self.classes = classes
        self.classToIdx = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
        self.samples = samples
        self.transform = transform ?? ToTensor()
        self.targetTransform = targetTransform
        self.loader = loader
    }

    /// The number of images.
    public var count: Int { samples.count }

    /// `(transform(image), targetTransform(classIndex))`, decoding the file now.
    public func sample(at index: Int) throws -> (Tensor, Int) {
        precondition(index >= 0 && index < samples.count, "ImageFolder: index \(index) is out of range for \(samples.count) samples")
        let (path, classIndex) = samples[index]
        let image = try loader(URL(fileURLWithPath: path))
        return (transform(image), targetTransform.map { $0(classIndex) } ?? classIndex)
    }

    /// The sample at `index`; a file that cannot be decoded stops the program with its
    /// error (use `sample(at:)` to catch it).
    public subscript(index: Int) -> (Tensor, Int) {
        do { return try sample(at: index) } catch { preconditionFailure("ImageFolder: \(error)") }
    }

    /// Python's `sorted` order for names: by Unicode code points.
    private static func codePointOrder(_ a: String, _ b: String) -> Bool {
        a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars)
    }

    /// The sub-folders of `root`, sorted (`find_classes`).
    private static func findClasses(_ root: URL) throws -> [String] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: root.path)
        } catch {
            throw DatasetError.notFound(path: root.path, reason: "the image folder cannot be read (\((error as NSError).localizedDescription))")
        }
        let classes = names.filter { isDirectory(root.appendingPathComponent($0).path) }.sorted(by: codePointOrder)
        guard !classes.isEmpty else {
            throw DatasetError.notFound(path: root.path, reason: "Couldn't find any class folder in \(root.path).")
        }
        return classes
    }

    /// Every file under `folder`, following links, in torchvision's order: folders sorted
    /// by path, the files of each sorted by name.
    private static func walk(_ folder: URL) -> [String] {
        var found: [(folder: String, files: [String])] = []
        var pending = [folder.path]
        while let current = pending.popLast() {
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: current)) ?? []
            var files: [String] = []
            for entry in entries {
                let path = current + "/" + entry
                if isDirectory(path) { pending.append(path) } else { files.append(entry) }
            }
            found.append((current, files.sorted(by: codePointOrder)))
        }
        return found.sorted { codePointOrder($0.folder, $1.folder) }.flatMap { entry in entry.files.map { entry.folder + "/" + $0 } }
    }

    private static func isDirectory(_ path: String) -> Bool {
        var directory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &directory) && directory.boolValue
    }
}
