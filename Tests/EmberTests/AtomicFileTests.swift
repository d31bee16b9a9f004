import Foundation
import Testing
@testable import Ember

/// `AtomicFile.write` when the file cannot be written: a typed error naming the path and
/// the reason, the previous file intact, no temporary file left. The tests run as root
/// too, which permissions do not stop, so they use what stops root: a folder that is a
/// plain file, a folder in the file's place, and a file size limit (which fails writes
/// as a full disk does).
@Suite(.serialized) struct AtomicFileTests {
    private func scratchFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ember-atomic-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    private func contents(of folder: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
    }

    @Test func aFolderThatIsAFileOrMissingIsAClearError() throws {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let plain = folder.appendingPathComponent("plain")
        try Data("x".utf8).write(to: plain)
        let inPlain = plain.appendingPathComponent("last.safetensors")
        #expect(throws: SerializationError.io(path: inPlain.path, reason: "cannot create a file in \(plain.path): Not a directory")) {
            try AtomicFile.write(Data([1, 2, 3]), to: inPlain)
        }
        let missing = folder.appendingPathComponent("missing/last.safetensors")
        let error = try #require(throws: SerializationError.self) { try Checkpoint().save(to: missing) }
        #expect(error.description.hasPrefix(missing.path) && error.description.hasSuffix("No such file or directory"))
    }

    @Test func aFullDiskKeepsThePreviousFileAndLeavesNoTemporary() throws {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let target = folder.appendingPathComponent("last.safetensors")
        let previous = Data(repeating: 7, count: 100)
        try AtomicFile.write(previous, to: target)

        var saved = rlimit()
        getrlimit(RLIMIT_FSIZE_RESOURCE, &saved)
        var limited = saved
        limited.rlim_cur = 4096
        let handler = signal(SIGXFSZ, SIG_IGN)   // else exceeding the limit kills the process
        setrlimit(RLIMIT_FSIZE_RESOURCE, &limited)
        #expect(throws: SerializationError.io(path: target.path, reason: "cannot write 65536 bytes: File too large")) {
            try AtomicFile.write(Data(count: 65536), to: target)
        }
        setrlimit(RLIMIT_FSIZE_RESOURCE, &saved)
        signal(SIGXFSZ, handler)

        #expect(try Data(contentsOf: target) == previous)
        #expect(try contents(of: folder) == ["last.safetensors"])
    }

    @Test func aFolderInTheFilesPlaceIsAClearError() throws {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let target = folder.appendingPathComponent("last.safetensors")
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: false)
        #expect(throws: SerializationError.io(path: target.path, reason: "cannot replace the file: Is a directory")) {
            try AtomicFile.write(Data([1]), to: target)
        }
        #expect(try contents(of: folder) == ["last.safetensors"])
    }
}

/// `RLIMIT_FSIZE` as `getrlimit` and `setrlimit` take it.
private let RLIMIT_FSIZE_RESOURCE = __rlimit_resource_t(RLIMIT_FSIZE.rawValue)
