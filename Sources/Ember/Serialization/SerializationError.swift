/// Why a file could not be read or written.
public enum SerializationError: Error, CustomStringConvertible, Equatable {
    /// The file could not be opened, read or written.
    case io(path: String, reason: String)
    /// The file is not in the expected format; `reason` says what was wrong.
    case corrupt(path: String, reason: String)
    /// A dtype the reader does not support.
    case unsupportedDType(path: String, name: String, dtype: String)

    /// The message: the path, then what is wrong.
    public var description: String {
        switch self {
        case .io(let path, let reason): "\(path): \(reason)"
        case .corrupt(let path, let reason): "\(path): not a valid file: \(reason)"
        case .unsupportedDType(let path, let name, let dtype): "\(path): tensor '\(name)' has unsupported dtype \(dtype)"
        }
    }
}
