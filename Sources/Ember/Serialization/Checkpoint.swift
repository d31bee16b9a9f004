import Foundation

/// A training checkpoint: named sections of tensors (model, optimizer, scheduler state
/// dicts) plus string facts (epoch, generator state, hyper-parameters), in one
/// safetensors file written atomically — an interrupted save leaves the previous file
/// intact.
///
/// ```swift
/// var checkpoint = Checkpoint()
/// checkpoint["model"] = model.stateDict()
/// checkpoint["optimizer"] = optimizer.stateDict()
/// checkpoint.info["epoch"] = "\(epoch)"
/// checkpoint.generator = rngState()
/// try checkpoint.save(to: url)
/// ```
public struct Checkpoint: Sendable {
    /// Tensors by section, each a state dict.
    public var sections: [String: [String: Tensor]] = [:]
    /// Facts stored as strings in the file's metadata.
    public var info: [String: String] = [:]

    /// An empty checkpoint, to be filled with sections and facts.
    public init() {}

    /// A section's state dict, like `checkpoint["model"]`.
    public subscript(section: String) -> [String: Tensor]? {
        get { sections[section] }
        set { sections[section] = newValue }
    }

    /// The default random generator's state at save time, so a resumed run draws the same
    /// numbers as an uninterrupted one.
    public var generator: Generator? {
        get {
            guard let words = info["generator"]?.split(separator: ",").compactMap({ UInt64($0) }),
                  words.count == 4, words.contains(where: { $0 != 0 }) else { return nil }
            return Generator(state: words)
        }
        set { info["generator"] = newValue?.state.map(String.init).joined(separator: ",") }
    }

    /// Writes the checkpoint atomically (temporary file, then rename).
    public func save(to url: URL) throws {
        var tensors: [String: Tensor] = [:]
        for (section, dict) in sections {
            precondition(!section.contains("/"), "Checkpoint: section names may not contain '/': \(section)")
            for (key, tensor) in dict { tensors["\(section)/\(key)"] = tensor }
        }
        try SafeTensors.save(tensors, metadata: info.merging(["format": "ember-checkpoint"]) { a, _ in a }, to: url)
    }

    /// Reads a checkpoint written by `save(to:)`.
    public static func load(from url: URL) throws -> Checkpoint {
        let (tensors, metadata) = try SafeTensors.loadWithMetadata(from: url)
        return try assemble(tensors, metadata, path: url.path)
    }

    /// Reads a checkpoint from the bytes of a file written by `save(to:)`; `source` names
    /// them in errors.
    public static func load(data: Data, source: String = "<memory>") throws -> Checkpoint {
        let (tensors, metadata) = try SafeTensors.loadWithMetadata(data: data, source: source)
        return try assemble(tensors, metadata, path: source)
    }

    private static func assemble(_ tensors: [String: Tensor], _ metadata: [String: String], path: String) throws -> Checkpoint {
        guard metadata["format"] == "ember-checkpoint" else {
            throw SerializationError.corrupt(path: path, reason: "not an Ember training checkpoint (no format=ember-checkpoint metadata); to load bare weights use Module.loadStateDict(from:)")
        }
        var checkpoint = Checkpoint()
        checkpoint.info = metadata.filter { $0.key != "format" }
        for (name, tensor) in tensors {
            guard let slash = name.firstIndex(of: "/") else {
                throw SerializationError.corrupt(path: path, reason: "tensor '\(name)' belongs to no section")
            }
            checkpoint.sections[String(name[..<slash]), default: [:]][String(name[name.index(after: slash)...])] = tensor
        }
        return checkpoint
    }
}
