/// What went wrong writing or reading TensorBoard event files; every case names the file
/// (or the summary) and the problem.
public enum TensorBoardError: Error, Equatable, CustomStringConvertible {
    /// The file or its folder could not be created, written or read.
    case io(file: String, reason: String)
    /// A record's framing is damaged: it ends early, its length or data checksum is wrong,
    /// or its length exceeds what the file holds.
    case corruptRecord(file: String, offset: Int, reason: String)
    /// A record's bytes are not an `Event` protocol buffer.
    case invalidEvent(file: String, offset: Int, reason: String)
    /// A value given to a `SummaryWriter` method cannot be written (an image of the wrong
    /// shape, an empty or non-finite histogram, ...).
    case invalidValue(tag: String, reason: String)

    public var description: String {
        switch self {
        case .io(let file, let reason): "\(file): \(reason)"
        case .corruptRecord(let file, let offset, let reason): "\(file): damaged record at byte \(offset): \(reason)"
        case .invalidEvent(let file, let offset, let reason): "\(file): the record at byte \(offset) is not an event: \(reason)"
        case .invalidValue(let tag, let reason): "summary '\(tag)': \(reason)"
        }
    }
}
