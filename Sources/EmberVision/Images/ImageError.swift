/// Why an image could not be read or written. Each message names the file (or `<memory>`
/// for bytes without one) and what is wrong with it.
public enum ImageError: Error, CustomStringConvertible, Equatable {
    /// The bytes are neither PNG nor JPEG (checked from the magic bytes, not the name).
    case notAnImage(file: String)
    /// The header or the data is damaged or cut short; `reason` is the decoder's word.
    case corrupt(file: String, reason: String)
    /// The header declares more pixels than the limit, as PIL's decompression-bomb guard
    /// (`Image.defaultMaxPixels`) refuses them, before anything is allocated.
    case tooLarge(file: String, width: Int, height: Int, limit: Int)
    /// A valid file of a kind this decoder does not handle, or pixels an encoder cannot write.
    case unsupported(file: String, reason: String)
    /// The file could not be read or written.
    case io(file: String, reason: String)

    /// The message: the file, then what is wrong.
    public var description: String {
        switch self {
        case .notAnImage(let file): "\(file): not an image (neither PNG nor JPEG data)"
        case .corrupt(let file, let reason): "\(file): damaged or truncated image: \(reason)"
        case .tooLarge(let file, let width, let height, let limit):
            "\(file): image of \(width)x\(height) = \(width * height) pixels exceeds the limit of \(limit) pixels (a decompression bomb?); pass a larger maxPixels to read it"
        case .unsupported(let file, let reason): "\(file): \(reason)"
        case .io(let file, let reason): "\(file): \(reason)"
        }
    }
}
