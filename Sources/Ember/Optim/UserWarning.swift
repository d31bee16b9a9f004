import Foundation

/// Warnings about usage that works but is probably a mistake, like Python's
/// `warnings.warn(..., UserWarning)`: written to standard error, or handed to `handler`
/// when one is bound for the current task (tests, applications with their own logging):
///
/// ```swift
/// UserWarning.$handler.withValue({ print("warning:", $0) }) { scheduler.step() }
/// ```
public enum UserWarning {
    /// Receives each warning instead of standard error while bound.
    @TaskLocal public static var handler: (@Sendable (String) -> Void)?

    static func emit(_ message: String) {
        if let handler {
            handler(message)
        } else {
            FileHandle.standardError.write(Data("UserWarning: \(message)\n".utf8))
        }
    }
}
