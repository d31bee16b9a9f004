import Foundation
import SwiftProtobuf

/// One event file in one folder, as TensorBoard's `EventFileWriter`: named
/// `events.out.tfevents.<seconds>.<host>.<pid>.<n>`, opened with a `file_version` event,
/// events queued and appended as framed records when `maxQueue` are waiting, when
/// `flushSecs` have passed since the last write, or on `flush()`.
///
/// Records are appended whole, so a crash leaves every flushed event readable.
final class EventFileWriter {
    let folder: URL
    let file: URL
    private let handle: FileHandle
    private let maxQueue: Int
    private let flushSecs: Double
    private var pending = Data()
    private var pendingCount = 0
    private var lastFlush = Date()
    private var closed = false

    /// The `<n>` of file names: how many event files this process has opened before.
    private static let counter = Counter()

    init(folder: URL, maxQueue: Int, flushSecs: Double, filenameSuffix: String) throws {
        self.folder = folder
        self.maxQueue = max(maxQueue, 1)
        self.flushSecs = flushSecs
        let name = String(format: "events.out.tfevents.%010d.%@.%d.%d", Int(Date().timeIntervalSince1970), hostName(),
                          Int(getpid()), Self.counter.next()) + filenameSuffix
        file = folder.appendingPathComponent(name)
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw TensorBoardError.io(file: folder.path, reason: "cannot create the log folder: \(systemReason(error))")
        }
        guard FileManager.default.createFile(atPath: file.path, contents: nil),
              let handle = FileHandle(forWritingAtPath: file.path) else {
            throw TensorBoardError.io(file: file.path, reason: "cannot create the event file: \(String(cString: strerror(errno)))")
        }
        self.handle = handle
        var first = Tensorboard_Event()
        first.wallTime = Date().timeIntervalSince1970
        first.fileVersion = "brain.Event:2"
        first.sourceMetadata.writer = "ember"
        try add(first)
        try flush()
    }

    deinit { try? close() }

    /// Queues `event`, writing the queue out when it is full or old.
    func add(_ event: Tensorboard_Event) throws {
        precondition(!closed, "SummaryWriter: \(file.path) was closed")
        let bytes: Data
        do {
            bytes = try event.serializedData()
        } catch {
            throw TensorBoardError.invalidValue(tag: event.summary.value.first?.tag ?? "", reason: "cannot encode the event (\(error))")
        }
        pending.append(RecordFile.frame(bytes))
        pendingCount += 1
        if pendingCount >= maxQueue || Date().timeIntervalSince(lastFlush) >= flushSecs { try flush() }
    }

    /// Appends every queued record to the file and hands it to the disk.
    func flush() throws {
        lastFlush = Date()
        guard !pending.isEmpty else { return }
        do {
            try handle.write(contentsOf: pending)
            try handle.synchronize()
        } catch {
            throw TensorBoardError.io(file: file.path, reason: "cannot write \(pending.count) bytes: \(systemReason(error))")
        }
        pending.removeAll(keepingCapacity: true)
        pendingCount = 0
    }

    /// Flushes and closes the file; later `close()` calls do nothing.
    func close() throws {
        guard !closed else { return }
        defer {
            closed = true
            try? handle.close()
        }
        try flush()
    }
}

/// The system's reason for a failed file operation, as `AtomicFile` gives it ("No space left
/// on device", "Read-only file system"): Foundation wraps it in a `CocoaError` whose own
/// message is vaguer ("There isn't enough space"), which is the fallback.
private func systemReason(_ error: Error) -> String {
    if let underlying = (error as? CocoaError)?.underlying.map({ $0 as NSError }), underlying.domain == NSPOSIXErrorDomain {
        return String(cString: strerror(Int32(underlying.code)))
    }
    return error.localizedDescription
}

/// A thread-safe count of event files opened by this process.
private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    func next() -> Int {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        return value - 1
    }
}

/// The machine's name as `socket.gethostname()` gives it.
func hostName() -> String {
    var buffer = [CChar](repeating: 0, count: 256)
    guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
