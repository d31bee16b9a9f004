import Foundation
import Testing
import Ember
import EmberVision

/// `ImageFolder` with torchvision's class discovery and errors, and a file that breaks
/// during an epoch reaching the training loop as a thrown error.
@Suite(.serialized)
struct ImageFolderTests {
    /// `root/<class>/...` with a few small PNGs; image k of a class is filled with value k.
    static func makeFolder(_ layout: [String: Int], nested: Bool = false) throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("ember-folder-\(UUID().uuidString)")
        for (name, count) in layout {
            let folder = root.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for k in 0..<count {
                let target = nested && k % 2 == 1 ? folder.appendingPathComponent("sub") : folder
                try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
                try Image(width: 4, height: 3, channels: 1, pixels: [UInt8](repeating: UInt8(k * 10), count: 12))
                    .write(to: target.appendingPathComponent("img\(k).png"))
            }
        }
        return root
    }

    @Test func classesAndSamplesFollowTorchvision() throws {
        let root = try Self.makeFolder(["dog": 3, "cat": 2, "Zebra": 1], nested: true)
        defer { try? FileManager.default.removeItem(at: root) }
        try "not an image, and not listed".write(to: root.appendingPathComponent("cat/notes.txt"), atomically: true, encoding: .utf8)
        let folder = try ImageFolder(root: root)
        #expect(folder.classes == ["Zebra", "cat", "dog"])  // code-point order, as Python's sorted
        #expect(folder.classToIdx == ["Zebra": 0, "cat": 1, "dog": 2])
        #expect(folder.targets == [0, 1, 1, 2, 2, 2])
        let dogs = folder.samples.filter { $0.classIndex == 2 }.map { URL(fileURLWithPath: $0.path).pathComponents.suffix(2).joined(separator: "/") }
        #expect(dogs == ["dog/img0.png", "dog/img2.png", "sub/img1.png"])  // folders by path, then files by name
        let (image, label) = try folder.sample(at: 1)
        #expect(image.shape == [3, 3, 4] && label == 1)  // the default loader gives RGB, ToTensor CHW
        #expect(image.max().item() == 0)
    }

    @Test func torchvisionsErrorsForMissingAndEmptyClasses() throws {
        let root = try Self.makeFolder(["cat": 1, "dog": 0])
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(throws: DatasetError.self) { try ImageFolder(root: root) }
        do {
            _ = try ImageFolder(root: root)
        } catch {
            #expect("\(error)".contains("Found no valid file for the classes dog."), "\(error)")
            #expect("\(error)".contains("Supported extensions are: .jpg, .jpeg, .png"), "\(error)")
        }
        let flat = FileManager.default.temporaryDirectory.appendingPathComponent("ember-flat-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: flat, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: flat) }
        do {
            _ = try ImageFolder(root: flat)
            Issue.record("a folder without class folders was accepted")
        } catch {
            #expect("\(error)".contains("Couldn't find any class folder"), "\(error)")
        }
        let cats = try Self.makeFolder(["cat": 3])
        defer { try? FileManager.default.removeItem(at: cats) }
        let withFilter = try ImageFolder(root: cats, isValidFile: { $0.hasSuffix("0.png") })
        #expect(withFilter.count == 1)
    }

    @Test func aBadHeaderIsReportedWhenTheDataSetIsCreated() throws {
        let root = try Self.makeFolder(["cat": 2])
        defer { try? FileManager.default.removeItem(at: root) }
        let impostor = root.appendingPathComponent("cat/fake.jpg")
        try Data("hello".utf8).write(to: impostor)
        do {
            _ = try ImageFolder(root: root)
            Issue.record("a text file named .jpg was accepted")
        } catch let error as ImageError {
            #expect(error == .notAnImage(file: impostor.path))
        }
    }

    @Test(arguments: [0, 2])
    func aFileThatBreaksDuringTheEpochIsThrownNamingIt(workers: Int) throws {
        let root = try Self.makeFolder(["cat": 6, "dog": 6])
        defer { try? FileManager.default.removeItem(at: root) }
        let folder = try ImageFolder(root: root)
        // Damage one file after the header check: its header stays, its data is cut.
        let victim = URL(fileURLWithPath: folder.samples[7].path)
        let bytes = try Data(contentsOf: victim)
        try bytes.prefix(bytes.count - 20).write(to: victim)
        let loader = DataLoader(folder, batchSize: 4, numWorkers: workers)
        var seen: [Int] = []
        do {
            try loader.forEachBatch { _, labels in seen += labels.toArray(as: Int64.self).map(Int.init) }
            Issue.record("the damaged file went unnoticed")
        } catch let error as ImageError {
            #expect("\(error)".contains(victim.path), "\(error)")
            #expect("\(error)".contains("damaged or truncated"), "\(error)")
        }
        #expect(seen == [0, 0, 0, 0], "the batches before the broken one arrive, in order")
        // The intact batches load as before, with or without workers.
        let intact = Subset(folder, indices: Array(0..<4) + Array(8..<12))
        var labels: [Int] = []
        try DataLoader(intact, batchSize: 4, numWorkers: workers).forEachBatch { _, y in labels += y.toArray(as: Int64.self).map(Int.init) }
        #expect(labels == [0, 0, 0, 0, 1, 1, 1, 1])
    }
}
