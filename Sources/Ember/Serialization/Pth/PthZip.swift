import Foundation

/// The zip container `torch.save` writes since PyTorch 1.6: one folder (named after the
/// file, but any name is accepted: the first path component) holding `data.pkl`, the pickle,
/// `data/<key>` per storage with its raw bytes, `byteorder` and `version`.
enum PthZip {
    /// The state dict in a zip checkpoint.
    static func read(_ data: Data, path: String, options: PyTorchCheckpoint.Options) throws -> [String: Tensor] {
        try ZipReader.withArchive(data, path: path) { archive in
            try read(archive, path: path, options: options)
        }
    }

    private static func read(_ archive: ZipReader, path: String, options: PyTorchCheckpoint.Options) throws -> [String: Tensor] {
        func corrupt(_ reason: String) -> PthError { .corrupt(path: path, reason: reason) }
        guard let first = archive.names.first else { throw corrupt("the zip archive has no entries") }
        guard let slash = first.firstIndex(of: "/") else { throw corrupt("zip entry '\(first)' is not inside an archive folder") }
        let folder = String(first[..<slash])
        if archive.contains("\(folder)/constants.pkl") {
            throw PthError.notAStateDict(path: path, reason: "it is a TorchScript archive (torch.jit.save); load it in Python and save its state_dict() with torch.save")
        }
        func contents(_ name: String, expected: Int? = nil) throws -> Data? {
            try archive.contents(of: "\(folder)/\(name)", expected: expected)
        }

        var bigEndian = false
        if let order = try contents("byteorder") {
            switch String(decoding: order, as: UTF8.self) {
            case "little": break
            case "big": bigEndian = true
            case let other: throw corrupt("byteorder is '\(other.prefix(20))', neither 'little' nor 'big'")
            }
        }
        guard let pickle = try contents("data.pkl") else { throw corrupt("the archive has no \(folder)/data.pkl") }

        var table = PthStorageTable(path: path)
        var unpickler = Unpickler(data: pickle, path: path)
        unpickler.persistentLoad = { try table.persistentLoad($0, legacy: false) }
        let root = try unpickler.load()
        let refs = try PthStateDict.tensorRefs(root, in: unpickler, budget: pickle.count, path: path, options: options)
        return try table.tensors(refs, bigEndian: bigEndian) { index in
            let key = table.entries[index].key
            guard let bytes = try contents("data/\(key)", expected: table.byteCount(index)) else {
                throw corrupt("storage '\(key)' has no entry \(folder)/data/\(key)")
            }
            return bytes
        }
    }
}
