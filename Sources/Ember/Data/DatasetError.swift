/// Why a data set could not be created. Each message names the file or folder and what
/// is wrong with it, so it can be acted on.
public enum DatasetError: Error, CustomStringConvertible, Equatable {
    /// A folder or file the data set needs does not exist; `reason` lists what was expected.
    case notFound(path: String, reason: String)
    /// A file exists but its contents are invalid (wrong format, truncated, inconsistent).
    case corrupt(path: String, reason: String)
    /// A file could not be downloaded from any mirror; `reason` lists the attempts and
    /// where to put the file by hand.
    case downloadFailed(file: String, reason: String)
    /// Reading or writing a file failed.
    case io(path: String, reason: String)

    /// The message: the path or file, then what is wrong.
    public var description: String {
        switch self {
        case .notFound(let path, let reason): "\(path): not found: \(reason)"
        case .corrupt(let path, let reason): "\(path): invalid data: \(reason)"
        case .downloadFailed(let file, let reason): "could not download \(file): \(reason)"
        case .io(let path, let reason): "\(path): \(reason)"
        }
    }
}
