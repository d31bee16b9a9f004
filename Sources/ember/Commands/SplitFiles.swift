import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The labelled image files of a folder `ember split` divides: either flat
/// (`cat.123.jpg`, the label before the first dot) or one sub-folder per class.
struct LabelledImages {
    enum Layout { case flat, folders }

    /// torchvision's IMG_EXTENSIONS, compared case-insensitively.
    static let imageExtensions: Set<String> = ["jpg", "jpeg", "png", "ppm", "bmp", "pgm", "tif", "tiff", "webp"]

    let layout: Layout
    /// Classes sorted by label; each class's files sorted by name.
    let classes: [(label: String, files: [URL])]

    init(root: URL) throws {
        let files = FileManager.default
        var isFolder: ObjCBool = false
        guard files.fileExists(atPath: root.path, isDirectory: &isFolder) else {
            throw CommandError("no such folder: \(root.path)")
        }
        guard isFolder.boolValue else { throw CommandError("\(root.path) is not a folder") }
        for split in ["training", "validation"] where files.fileExists(atPath: root.appendingPathComponent(split).path) {
            throw CommandError("\(root.appendingPathComponent(split).path) already exists; split never overwrites a split, remove it first")
        }
        var flat: [String: [URL]] = [:]
        var folders: [(label: String, files: [URL])] = []
        for name in try Self.entries(of: root) {
            let url = root.appendingPathComponent(name)
            if Self.isFolder(url) {
                let images = try Self.entries(of: url).filter { Self.isImage($0) && !Self.isFolder(url.appendingPathComponent($0)) }
                if !images.isEmpty { folders.append((name, images.map { url.appendingPathComponent($0) })) }
            } else if Self.isImage(name) {
                let label = String(name.prefix { $0 != "." })
                flat[label, default: []].append(url)
            }
        }
        switch (flat.isEmpty, folders.isEmpty) {
        case (true, true):
            throw CommandError("no image files in \(root.path) (looked for \(Self.imageExtensions.sorted().map { "." + $0 }.joined(separator: " ")) in it and in its class sub-folders)")
        case (false, false):
            throw CommandError("\(root.path) holds both image files and class sub-folders of images; split one layout at a time")
        case (false, true):
            layout = .flat
            classes = flat.keys.sorted().map { ($0, flat[$0]!) }
        case (true, false):
            layout = .folders
            classes = folders
        }
    }

    /// Names in `folder`, sorted, hidden ones left out.
    private static func entries(of folder: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { !$0.hasPrefix(".") }.sorted()
    }

    private static func isFolder(_ url: URL) -> Bool {
        var isFolder: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) && isFolder.boolValue
    }

    static func isImage(_ name: String) -> Bool {
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return false }
        return imageExtensions.contains(name[name.index(after: dot)...].lowercased())
    }
}

/// Which files of each class go where; `carry(out:)` puts them there.
struct SplitPlan {
    struct Class {
        let label: String
        let training: [URL]
        let validation: [URL]
    }

    enum Mode { case link, move }

    let root: URL
    let classes: [Class]

    /// Builds DIR/training and DIR/validation in a hidden sibling folder and renames them
    /// into place at the end; on failure, moved files are put back and nothing new is left.
    /// Returns how the files got there ("hard-linked", "copied", "moved", or a mix).
    func carry(out mode: Mode) throws -> String {
        let files = FileManager.default
        let staging = root.appendingPathComponent(".ember-split-\(UUID().uuidString).partial")
        var moved: [(from: URL, to: URL)] = []
        var placed: [URL] = []
        var linked = 0, copied = 0
        do {
            for split in ["training", "validation"] {
                for group in classes {
                    let folder = staging.appendingPathComponent(split).appendingPathComponent(group.label)
                    try files.createDirectory(at: folder, withIntermediateDirectories: true)
                    for source in split == "training" ? group.training : group.validation {
                        let target = folder.appendingPathComponent(source.lastPathComponent)
                        switch mode {
                        case .move:
                            guard rename(source.path, target.path) == 0 else {
                                throw CommandError("cannot move \(source.path): \(String(cString: strerror(errno)))")
                            }
                            moved.append((source, target))
                        case .link:
                            if link(source.path, target.path) == 0 {
                                linked += 1
                            } else {
                                try files.copyItem(at: source, to: target)
                                copied += 1
                            }
                        }
                    }
                }
            }
            for split in ["training", "validation"] {
                let target = root.appendingPathComponent(split)
                try files.moveItem(at: staging.appendingPathComponent(split), to: target)
                placed.append(target)
            }
            try? files.removeItem(at: staging)
        } catch {
            for target in placed { try? files.moveItem(at: target, to: staging.appendingPathComponent(target.lastPathComponent)) }
            for (source, target) in moved.reversed() { _ = rename(target.path, source.path) }
            try? files.removeItem(at: staging)
            throw error
        }
        switch (mode, linked, copied) {
        case (.move, _, _): return "moved"
        case (_, _, 0): return "hard-linked"
        case (_, 0, _): return "copied"
        default: return "hard-linked \(linked), copied \(copied)"
        }
    }
}
