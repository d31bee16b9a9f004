import Foundation

/// State-dict files of either format Ember reads, told apart by their content rather than
/// their name: safetensors (Ember's own) or a PyTorch checkpoint (`.pth`, `.pt`).
public enum StateDictFile {
    /// Every tensor in a safetensors file or a `torch.save` checkpoint, by key.
    /// - Throws: `SerializationError` for a bad safetensors file, `PthError` for a bad checkpoint.
    public static func load(from url: URL, options: PyTorchCheckpoint.Options = PyTorchCheckpoint.Options()) throws -> [String: Tensor] {
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .alwaysMapped)
        } catch {
            throw SerializationError.io(path: url.path, reason: "cannot read file (\(error.localizedDescription))")
        }
        return try isPyTorch(data)
            ? PyTorchCheckpoint.read(data, source: url.path, options: options)
            : SafeTensors.loadWithMetadata(data: data, source: url.path).tensors
    }

    /// Whether bytes are a PyTorch checkpoint rather than safetensors. A safetensors header
    /// length can begin with 0x80 like a pickle, but its JSON header starts at byte 8 with `{`.
    static func isPyTorch(_ data: Data) -> Bool {
        let jsonAtEight = data.count > 8 && data[data.startIndex + 8] == UInt8(ascii: "{")
        return !jsonAtEight && PyTorchCheckpoint.isCheckpoint(data)
    }
}
