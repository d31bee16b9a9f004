import Foundation

/// Writes files so that a reader never sees a half-written one: the bytes go to a
/// temporary file in the same folder, which is flushed and then renamed over the target.
public enum AtomicFile {
    /// Replaces `url` with `data`, atomically.
    ///
    /// When the file cannot be written — the folder does not exist, is not a folder or is
    /// read-only, the disk is full — this throws `SerializationError.io` naming the path and
    /// the system's reason; the previous file at `url` stays as it was, and no temporary
    /// file is left behind.
    public static func write(_ data: Data, to url: URL) throws {
        let folder = url.deletingLastPathComponent()
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        func failure(_ code: Int32, _ what: String) -> SerializationError {
            .io(path: url.path, reason: "\(what): \(String(cString: strerror(code)))")
        }
        let fd = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard fd >= 0 else { throw failure(errno, "cannot create a file in \(folder.path)") }
        let writing = "cannot write \(data.count) bytes"
        var failed: (code: Int32, what: String)? = writeAll(data, to: fd).map { ($0, writing) }
        if failed == nil, fsync(fd) != 0 { failed = (errno, writing) }
        if close(fd) != 0, failed == nil { failed = (errno, writing) }
        if failed == nil, rename(temporary.path, url.path) != 0 { failed = (errno, "cannot replace the file") }
        guard let failed else {
            syncFolder(folder)
            return
        }
        unlink(temporary.path)
        throw failure(failed.code, failed.what)
    }

    /// Makes a rename durable: a crash right after it must not bring the old file back.
    private static func syncFolder(_ folder: URL) {
        let fd = open(folder.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }
}

/// Writes every byte of `data` to `fd`: nil, or the `errno` of the write that failed (a full
/// disk gives ENOSPC, a file size limit EFBIG).
private func writeAll(_ data: Data, to fd: Int32) -> Int32? {
    data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) -> Int32? in
        var done = 0
        while done < bytes.count {
            let n = write(fd, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                return errno
            }
            done += n
        }
        return nil
    }
}
