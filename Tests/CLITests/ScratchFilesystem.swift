import Foundation

/// A small tmpfs mounted on a fresh folder: a real full disk and a real read-only
/// filesystem, which stop root too (folder permissions do not, and tests run as root).
/// Mounting needs CAP_SYS_ADMIN, which root has on the development machines and in CI;
/// where it is missing, the tests that need one are skipped (`unavailable` says why).
struct ScratchFilesystem {
    let folder: URL

    /// Why a tmpfs cannot be mounted here, or nil when it can.
    static let unavailable: String? = {
        do {
            try ScratchFilesystem(bytes: 64 << 10).remove()
            return nil
        } catch {
            return "\(error)"
        }
    }()

    /// Mounts a tmpfs of `bytes` on a new folder under the temporary directory.
    init(bytes: Int) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("ember-tmpfs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let status = "size=\(bytes),mode=0755".withCString { mount("tmpfs", folder.path, "tmpfs", 0, $0) }
        guard status == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: folder)
            throw MountError(description: "cannot mount a tmpfs on \(folder.path): \(reason)")
        }
    }

    /// Makes the filesystem read-only; what is on it stays readable.
    func remountReadOnly() throws {
        guard mount("tmpfs", folder.path, "tmpfs", UInt(MS_REMOUNT) | UInt(MS_RDONLY), nil) == 0 else {
            throw MountError(description: "cannot remount \(folder.path) read-only: \(String(cString: strerror(errno)))")
        }
    }

    /// Takes every free byte with a file of its own, `.filler`, so that the next write of
    /// any file fails with ENOSPC.
    func fill() {
        let fd = open(folder.appendingPathComponent(".filler").path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        let chunk = [UInt8](repeating: 0, count: 1 << 16)
        for size in [1 << 16, 4096, 1] {
            while write(fd, chunk, size) == size {}
        }
        close(fd)
    }

    /// Unmounts the filesystem and removes its folder.
    func remove() throws {
        guard umount2(folder.path, Int32(MNT_DETACH)) == 0 else {
            throw MountError(description: "cannot unmount \(folder.path): \(String(cString: strerror(errno)))")
        }
        try FileManager.default.removeItem(at: folder)
    }
}

/// A mount or unmount the system refused.
struct MountError: Error, CustomStringConvertible {
    let description: String
}
