import ArgumentParser
import EmberVision
import Foundation
import Synchronization

/// `ember export`: an MNIST-format data set written as PNG image folders, the real images
/// every image command can use offline.
struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write an MNIST-format data set (Fashion-MNIST by default) as PNG files in class folders.",
        discussion: """
            --layout folders (the default) makes the tutorial's layout: OUT/training/<class>/ from the \
            train split and OUT/validation/<class>/ from the test split. --layout flat puts the train \
            split into OUT as <class>.<index>.png, the Dogs-vs-Cats layout that `ember split` divides.
            """)

    enum Layout: String, ExpressibleByArgument, CaseIterable { case folders, flat }

    @Option(help: "Folder of MNIST-format IDX files (default: Fashion-MNIST from /usr/share/datasets/fashion-mnist).")
    var data: String?
    @Option(help: "The folder to create; it must not exist yet, or be empty.") var out: String
    @Option(help: "Comma-separated class indices to export, e.g. 0,6 (default: all).") var classes: String?
    @Option(help: "folders or flat.") var layout: Layout = .folders

    func run() throws {
        let dataset = try MNISTData(root: data)
        let names = dataset.classes.map(Self.folderName)
        let chosen = try chosenClasses(count: names.count)
        let target = URL(fileURLWithPath: out)
        try Self.checkFree(target)
        // Everything is written into a sibling folder that is renamed at the end, so an
        // interrupted export leaves nothing behind under the requested name.
        let staging = target.deletingLastPathComponent()
            .appendingPathComponent(".\(target.lastPathComponent).\(UUID().uuidString).partial")
        defer { try? FileManager.default.removeItem(at: staging) }
        var written: [(split: String, counts: [Int])] = []
        let splits = layout == .flat ? [("training", dataset.train)] : [("training", dataset.train), ("validation", dataset.test)]
        for (split, images) in splits {
            let folder = layout == .flat ? staging : staging.appendingPathComponent(split)
            let indices = (0..<images.count).filter { chosen.contains(images.targets[$0]) }
            for c in chosen where layout == .folders {
                try FileManager.default.createDirectory(at: folder.appendingPathComponent(names[c]), withIntermediateDirectories: true)
            }
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Self.write(indices, of: images, names: names, into: folder, flat: layout == .flat)
            written.append((split, names.indices.map { c in indices.filter { images.targets[$0] == c }.count }))
        }
        if FileManager.default.fileExists(atPath: target.path) { try FileManager.default.removeItem(at: target) }
        try FileManager.default.moveItem(at: staging, to: target)
        print("exported \(dataset.root) to \(target.path) (\(layout.rawValue))")
        for (split, counts) in written {
            let perClass = chosen.map { "\(names[$0]) \(counts[$0])" }.joined(separator: ", ")
            print("  \(split): \(counts.reduce(0, +)) images: \(perClass)")
        }
    }

    /// A class name usable in a path and in `<class>.<index>.png`: "T-shirt/top" becomes
    /// "tshirt", "Ankle boot" "ankle_boot", "3 - three" "3".
    static func folderName(_ name: String) -> String {
        let head = name.split(separator: "/").first.map(String.init) ?? name
        if let digits = head.split(separator: " ").first, digits.allSatisfy(\.isNumber) { return String(digits) }
        return String(head.lowercased().map { $0 == " " ? "_" : $0 }.filter { $0.isLetter || $0.isNumber || $0 == "_" })
    }

    private func chosenClasses(count: Int) throws -> [Int] {
        guard let classes else { return Array(0..<count) }
        let parsed = classes.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !parsed.isEmpty, parsed.allSatisfy({ $0 != nil && (0..<count).contains($0!) }) else {
            throw ValidationError("--classes takes class indices in 0...\(count - 1) separated by commas, got '\(classes)'")
        }
        return Array(Set(parsed.map { $0! })).sorted()
    }

    private static func checkFree(_ target: URL) throws {
        guard FileManager.default.fileExists(atPath: target.path) else { return }
        let contents = (try? FileManager.default.contentsOfDirectory(atPath: target.path)) ?? ["?"]
        guard contents.isEmpty else {
            throw CommandError("\(target.path) already exists and is not empty; export into a new folder")
        }
    }

    /// Encodes and writes the images on two threads; the first failure is thrown.
    private static func write(_ indices: [Int], of images: MNISTFormatDataset<FashionMNISTSource>, names: [String],
                              into folder: URL, flat: Bool) throws {
        let failure = Mutex<Error?>(nil)
        let chunks = 2
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            for position in stride(from: chunk, to: indices.count, by: chunks) {
                let index = indices[position]
                let name = names[images.targets[index]]
                let url = flat ? folder.appendingPathComponent("\(name).\(index).png")
                    : folder.appendingPathComponent(name).appendingPathComponent("\(index).png")
                do {
                    try images.image(at: index).pngData().write(to: url)
                } catch {
                    failure.withLock { $0 = $0 ?? error }
                    return
                }
            }
        }
        if let error = failure.withLock({ $0 }) { throw error }
    }
}
