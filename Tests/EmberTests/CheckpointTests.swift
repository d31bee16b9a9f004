import Foundation
import Testing
@testable import Ember

/// Training checkpoints: sections, facts and generator state round-trip, and a save that
/// dies half-way leaves the previous file intact.
struct CheckpointTests {
    /// Shared by the parent test and its child process, which cannot capture values.
    /// In a folder of its own, so the killed process finds the save's files at a glance.
    static let interruptedPath = FileManager.default.temporaryDirectory
        .appendingPathComponent("ember-interrupted-checkpoint").appendingPathComponent("checkpoint.safetensors")

    @Test func roundTripsSectionsInfoAndGenerator() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ember-ckpt-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        manualSeed(7)
        var checkpoint = Checkpoint()
        checkpoint["model"] = ["layer1.weight": Tensor([[1, 2], [3, 4]]), "bn.num_batches_tracked": Tensor([3], dtype: .int64)]
        checkpoint["optimizer"] = ["state.0.momentum_buffer": Tensor([0.5, 0.25])]
        checkpoint.info["epoch"] = "12"
        checkpoint.generator = rngState()
        try checkpoint.save(to: url)

        let loaded = try Checkpoint.load(from: url)
        #expect(loaded["model"]?["layer1.weight"]?.toArray() == [1, 2, 3, 4])
        #expect(loaded["model"]?["bn.num_batches_tracked"]?.dtype == .int64)
        #expect(loaded["optimizer"]?["state.0.momentum_buffer"]?.toArray() == [0.5, 0.25])
        #expect(loaded.info["epoch"] == "12")
        #expect(loaded.generator == checkpoint.generator)

        let fromBytes = try Checkpoint.load(data: try Data(contentsOf: url), source: "bytes")
        #expect(fromBytes["model"]?["layer1.weight"]?.toArray() == [1, 2, 3, 4] && fromBytes.info == loaded.info)
        let plain = try SafeTensors.encode(["w": Tensor([1])], metadata: [:])
        let error = try #require(throws: SerializationError.self) { try Checkpoint.load(data: plain, source: "plain bytes") }
        #expect(error.description.hasPrefix("plain bytes: not a valid file: not an Ember training checkpoint"))
    }

    @Test func plainSafetensorsAreNotMistakenForCheckpoints() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ember-plain-\(UUID().uuidString).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try SafeTensors.save(["w": Tensor([1])], to: url)
        #expect(throws: SerializationError.self) { try Checkpoint.load(from: url) }
    }

    @Test func saveKilledMidWriteLeavesThePreviousCheckpoint() async throws {
        let url = Self.interruptedPath
        let folder = url.deletingLastPathComponent()
        try? FileManager.default.removeItem(at: folder)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }   // with the killed save's temporary file
        var previous = Checkpoint()
        previous["model"] = ["w": Tensor([1, 2, 3])]
        previous.info["epoch"] = "1"
        try previous.save(to: url)

        await #expect(processExitsWith: .signal(SIGKILL)) {
            // Start saving a 64 MiB checkpoint and die as soon as the save has touched the
            // folder: created a temporary file, or changed the target itself (a non-atomic writer).
            let target = CheckpointTests.interruptedPath
            let folder = target.deletingLastPathComponent()
            let originalSize = (try? FileManager.default.attributesOfItem(atPath: target.path)[.size] as? Int) ?? 0
            Thread.detachNewThread {
                var large = Checkpoint()
                large["model"] = ["w": Tensor.ones([16 << 20])]
                large.info["epoch"] = "2"
                try? large.save(to: CheckpointTests.interruptedPath)
            }
            func writing() -> Bool {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
                return names.contains { name in
                    guard name == target.lastPathComponent else { return true }
                    let size = (try? FileManager.default.attributesOfItem(atPath: target.path)[.size] as? Int) ?? 0
                    return size != originalSize
                }
            }
            while !writing() { usleep(100) }
            kill(getpid(), SIGKILL)
        }

        let survivor = try Checkpoint.load(from: url)
        #expect(survivor.info["epoch"] == "1")
        #expect(survivor["model"]?["w"]?.toArray() == [1, 2, 3])
    }
}
