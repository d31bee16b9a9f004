import Ember
import Foundation
import Testing

/// Saving onto a real read-only filesystem and a real full one (a tmpfs, see
/// `ScratchFilesystem`): `Checkpoint.save` throws `SerializationError.io` naming the file and
/// the system's reason and keeps the previous checkpoint, and `ember train` stops with that
/// message, its last good `last.safetensors` intact.
@Suite(.serialized, .enabled("mounting a tmpfs needs root with CAP_SYS_ADMIN") { ScratchFilesystem.unavailable == nil })
struct RunFolderFilesystemTests {
    /// A checkpoint of `count` float32 values, all `value`.
    static func checkpoint(_ count: Int, _ value: Float) -> Checkpoint {
        var checkpoint = Checkpoint()
        checkpoint["model"] = ["weight": Tensor.full([count], value)]
        checkpoint.info["epoch"] = "1"
        return checkpoint
    }

    /// Saves a small checkpoint into a fresh tmpfs, makes it refuse writes with `refuse`, then
    /// saves a bigger one over it: the error must end with `reason`, and the folder must hold
    /// the first checkpoint, unchanged, and nothing new.
    static func expectRefusedSave(reason: String, refuse: (ScratchFilesystem) throws -> Void) throws {
        let disk = try ScratchFilesystem(bytes: 256 << 10)
        defer { try? disk.remove() }
        let last = disk.folder.appendingPathComponent("last.safetensors")
        try checkpoint(1000, 1).save(to: last)
        let previous = try Data(contentsOf: last)
        try refuse(disk)
        let before = try FileManager.default.contentsOfDirectory(atPath: disk.folder.path).sorted()

        let error = try #require(throws: SerializationError.self) { try checkpoint(2000, 2).save(to: last) }
        guard case .io(let path, let message) = error else {
            Issue.record("expected an I/O error, got \(error)")
            return
        }
        #expect(path == last.path && message.hasSuffix(reason), "\(error)")
        #expect(try Data(contentsOf: last) == previous)
        #expect(try Checkpoint.load(from: last)["model"]?["weight"]?.toArray() == [Float](repeating: 1, count: 1000))
        #expect(try FileManager.default.contentsOfDirectory(atPath: disk.folder.path).sorted() == before)
    }

    @Test func aSaveOntoAReadOnlyFilesystemKeepsThePreviousCheckpoint() throws {
        try Self.expectRefusedSave(reason: "Read-only file system") { try $0.remountReadOnly() }
    }

    @Test func aSaveOntoAFullFilesystemKeepsThePreviousCheckpoint() throws {
        try Self.expectRefusedSave(reason: "No space left on device") { $0.fill() }
    }

    /// Trains one epoch into a run folder on a fresh tmpfs, makes it refuse writes with
    /// `refuse`, and resumes for a second epoch: the command must fail naming a file of the
    /// run folder and `reason`, and keep epoch 1's `last.safetensors`.
    static func expectTrainingStops(reason: String, refuse: (ScratchFilesystem) throws -> Void) throws {
        let data = try TinyMNIST(train: 64, test: 16)
        defer { data.remove() }
        let disk = try ScratchFilesystem(bytes: 16 << 20)
        defer { try? disk.remove() }
        let common = ["train", "mlp", "--model", "simple", "--batch-size", "32", "--data", data.root.path, "--out", disk.folder.path]
        let first = try Ember.run(common + ["--epochs", "1"])
        try #require(first.status == 0, "\(first.stderr)")
        let run = disk.folder.appendingPathComponent("mlp-simple")
        let last = run.appendingPathComponent("last.safetensors")
        let previous = try Data(contentsOf: last)
        try refuse(disk)

        let resumed = try Ember.run(common + ["--epochs", "2", "--resume", last.path])
        #expect(resumed.status != 0)
        let errors = resumed.stderr.split(separator: "\n").filter { $0.contains(reason) }
        #expect(errors.count == 1 && errors[0].contains(run.path + "/"), "\(resumed.stderr)")
        #expect(try Data(contentsOf: last) == previous)
        #expect(try Checkpoint.load(from: last).info["epoch"] == "1")
    }

    @Test func trainingIntoAReadOnlyRunFolderStopsAndKeepsTheLastCheckpoint() throws {
        try Self.expectTrainingStops(reason: "Read-only file system") { try $0.remountReadOnly() }
    }

    @Test func trainingOntoAFullDiskStopsAndKeepsTheLastCheckpoint() throws {
        try Self.expectTrainingStops(reason: "No space left on device") { $0.fill() }
    }
}
