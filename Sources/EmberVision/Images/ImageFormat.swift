import Foundation

/// The file formats Ember reads and writes.
public enum ImageFormat: String, Sendable, CaseIterable {
    case png
    case jpeg

    /// The format of `bytes` from their magic bytes, or nil when they are neither.
    public static func detect<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> ImageFormat? {
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        return nil
    }

    /// The format a file name asks for when writing (`.png`, `.jpg`, `.jpeg`), or nil.
    public init?(pathExtension: String) {
        switch pathExtension.lowercased() {
        case "png": self = .png
        case "jpg", "jpeg": self = .jpeg
        default: return nil
        }
    }
}
