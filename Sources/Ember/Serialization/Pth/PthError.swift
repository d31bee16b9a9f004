/// Why a PyTorch `.pth` checkpoint could not be read. Every case names the file.
public enum PthError: Error, CustomStringConvertible, Equatable {
    /// The file could not be opened or read.
    case io(path: String, reason: String)
    /// The bytes are not a well-formed checkpoint: a broken zip archive, a truncated or
    /// malformed pickle, sizes that do not fit the data.
    case corrupt(path: String, reason: String)
    /// The pickle names a global (`module.name`) that is not on the allow-list of tensor
    /// rebuilding functions, storage types and containers; nothing was called.
    case forbiddenGlobal(path: String, global: String)
    /// The file holds a whole pickled model (`torch.save(model)`), whose class is `global`.
    case pickledModel(path: String, global: String)
    /// A pickle opcode the restricted unpickler does not implement.
    case unsupportedOpcode(path: String, opcode: UInt8, offset: Int)
    /// A storage of an element type Ember cannot represent (complex, quantized, ...).
    case unsupportedDType(path: String, storageType: String)
    /// The file does not hold a dict of tensors; `reason` says what it holds.
    case notAStateDict(path: String, reason: String)

    /// The message: the path, then what is wrong.
    public var description: String {
        switch self {
        case .io(let path, let reason): "\(path): \(reason)"
        case .corrupt(let path, let reason): "\(path): not a valid PyTorch checkpoint: \(reason)"
        case .forbiddenGlobal(let path, let global):
            "\(path): refusing to load global '\(global)': checkpoints are read without running code, and only tensors, storages and dicts may be named"
        case .pickledModel(let path, let global):
            "\(path): the file holds a pickled model object ('\(global)'), not a state dict; in Python save model.state_dict() instead: torch.save(model.state_dict(), path)"
        case .unsupportedOpcode(let path, let opcode, let offset):
            "\(path): unsupported pickle opcode 0x\(String(opcode, radix: 16)) at byte \(offset)"
        case .unsupportedDType(let path, let storageType):
            "\(path): storage type \(storageType) has no Ember dtype (float32, int64 and bool, converted from other real types)"
        case .notAStateDict(let path, let reason): "\(path): not a state dict: \(reason)"
        }
    }
}
