import Foundation

/// Reads PyTorch checkpoints (`.pth`, `.pt`) written by `torch.save`, without running code.
///
/// Both container formats are read: the zip archive `torch.save` writes since PyTorch 1.6
/// and the older sequence of pickles (`_use_new_zipfile_serialization=False`). The pickle
/// is interpreted by a restricted unpickler that calls nothing: it rebuilds tensors,
/// storages, dicts and plain values, and refuses any other global (`os.system`, a model
/// class) by name with `PthError`, before anything else happens.
///
/// Tensors keep their storage sharing (two views of one storage stay views of one Ember
/// storage), offsets and strides; a non-contiguous view is copied into its own memory.
/// Element types convert to Ember's dtypes: float64, float16 and bfloat16 become float32;
/// int32, int16 and int8 become int64 (Ember has no signed narrow dtype); uint8 stays uint8
/// and bool stays bool, one byte per element. Complex and quantized storages are refused.
public enum PyTorchCheckpoint {
    /// How the object in the file becomes a state dict.
    public struct Options: Sendable, Equatable {
        /// Take the dict under `state_dict`, `model_state_dict` or `model` (the first present)
        /// when the top-level dict has one, as training scripts save
        /// `{"epoch": …, "state_dict": model.state_dict(), "optimizer": …}`.
        public var unwrapWrappers: Bool
        /// Remove the `module.` prefix that `DataParallel`/`DistributedDataParallel` give
        /// every key, when every key has it.
        public var stripModulePrefix: Bool

        /// Options; both conveniences are on by default.
        public init(unwrapWrappers: Bool = true, stripModulePrefix: Bool = true) {
            self.unwrapWrappers = unwrapWrappers
            self.stripModulePrefix = stripModulePrefix
        }

        /// The object's own keys, flattened, with nothing unwrapped or stripped.
        public static let exact = Options(unwrapWrappers: false, stripModulePrefix: false)
    }

    /// Reads the state dict in a `torch.save` checkpoint: every tensor by dotted key. Nested
    /// dicts flatten with dots; values that are neither tensors nor dicts (an epoch number,
    /// a list of hyper-parameters) are skipped.
    /// - Throws: `PthError` naming the file and the problem.
    public static func load(from url: URL, options: Options = Options()) throws -> [String: Tensor] {
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .alwaysMapped)
        } catch {
            throw PthError.io(path: url.path, reason: "cannot read file (\(error.localizedDescription))")
        }
        return try read(data, source: url.path, options: options)
    }

    /// Reads a checkpoint from bytes in memory; `source` names them in errors.
    /// - Throws: `PthError` naming `source` and the problem.
    public static func load(data: Data, source: String = "<memory>", options: Options = Options()) throws -> [String: Tensor] {
        try read(data, source: source, options: options)
    }

    static func read(_ data: Data, source: String, options: Options) throws -> [String: Tensor] {
        switch format(of: data) {
        case .zip: return try PthZip.read(data, path: source, options: options)
        case .legacy: return try PthLegacy.read(data, path: source, options: options)
        case nil:
            throw PthError.corrupt(path: source, reason: "neither a zip archive nor a pickle (the first bytes are not 'PK\\x03\\x04' or 0x80)")
        }
    }

    /// Writes a state dict as `torch.save(state_dict, path)` does (the zip format), atomically,
    /// so that `torch.load(path, weights_only=True)` reads it: keys in sorted order, tensors
    /// sharing storage saved as views of one storage, float32/int64/bool as they are.
    /// - Throws: `SerializationError` when the file cannot be written.
    public static func save(_ tensors: [String: Tensor], to url: URL) throws {
        // torch.save names the archive folder after the file.
        let stem = url.deletingPathExtension().lastPathComponent.filter { $0 != "/" }
        try AtomicFile.write(PthWriter.encode(tensors, folder: stem.isEmpty ? "archive" : stem, path: url.path), to: url)
    }

    /// A zip archive of stored entries, as checkpoints are laid out: the fuzz target packs
    /// its inputs with it so that they pass the CRC-32 checks.
    @_spi(Fuzzing) public static func storedZip(_ entries: [(name: String, contents: Data)]) throws -> Data {
        let zip = try ZipWriter(path: "<memory>")
        for (name, contents) in entries { try zip.add(name, contents) }
        return try zip.finish()
    }

    /// Whether the bytes start like a checkpoint: a zip archive or a pickle.
    public static func isCheckpoint(_ data: Data) -> Bool { format(of: data) != nil }

    /// Runs the restricted unpickler over one raw pickle (as in a zip's `data.pkl`), walks the
    /// result as a state dict and, when its storages total at most 1 MiB, builds the tensors
    /// over zero-filled storages; returns the keys. The fuzz target's entry point.
    @_spi(Fuzzing) public static func unpickleKeys(_ data: Data, source: String = "<memory>") throws -> [String] {
        var table = PthStorageTable(path: source)
        var unpickler = Unpickler(data: data, path: source)
        unpickler.persistentLoad = { try table.persistentLoad($0, legacy: false) }
        let root = try unpickler.load()
        let refs = try PthStateDict.tensorRefs(root, in: unpickler, budget: data.count, path: source, options: Options())
        let stored = table.entries.indices.reduce(0) { $0 + table.byteCount($1) }
        if stored <= 1 << 20 {
            _ = try table.tensors(refs, bigEndian: false) { Data(count: table.byteCount($0)) }
        }
        return refs.map(\.key)
    }

    enum Format { case zip, legacy }

    /// The container, told by the first bytes: a zip's local header or a pickle's PROTO.
    static func format(of data: Data) -> Format? {
        let head = [UInt8](data.prefix(4))
        if head == [0x50, 0x4B, 0x03, 0x04] { return .zip }
        if head.count >= 2, head[0] == 0x80, (2...5).contains(head[1]) { return .legacy }
        return nil
    }
}
