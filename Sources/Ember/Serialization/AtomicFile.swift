import Foundation

/// Writes files so that a reader never sees a half-written one: the bytes go to a
/// temporary file in the same folder, which is flushed and then renamed over the target.
public enum AtomicFile {
    /// Replaces `url` with `data`, atomically.
    public static func write(_ data: Data, to url: URL) throws {
        let folder = url.deletingLastPathComponent()
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
            throw SerializationError.io(path: url.path, reason: "cannot create a file in \(folder.path)")
        }
        do {
            let handle = try FileHandle(forWritingTo: temporary)
            try handle.write(contentsOf: data)
            try handle.synchronize()
            try handle.close()
            guard rename(temporary.path, url.path) == 0 else {
                throw SerializationError.io(path: url.path, reason: String(cString: strerror(errno)))
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            if let error = error as? SerializationError { throw error }
            throw SerializationError.io(path: url.path, reason: "\(error.localizedDescription)")
        }
    }
}
