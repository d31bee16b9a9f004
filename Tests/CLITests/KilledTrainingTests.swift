import Ember
import Foundation
import Testing

/// `ember train cnn` killed with SIGKILL in the middle of an epoch, once an earlier epoch's
/// checkpoint is on disk, then resumed: it ends bit-identical to the uninterrupted run with
/// the same seed, having lost only the epoch it was killed in.
@Suite(.serialized)
struct KilledTrainingTests {
    @Test func aRunKilledMidEpochResumesToTheUninterruptedResult() throws {
        let data = try TinyMNIST(train: 640, test: 80)
        defer { data.remove() }
        let common = ["train", "cnn", "--data", data.root.path, "--batch-size", "32", "--seed", "3", "--epochs", "3"]
        let whole = data.root.appendingPathComponent("whole"), parts = data.root.appendingPathComponent("parts")
        let uninterrupted = try Ember.run(common + ["--out", whole.path])
        try #require(uninterrupted.status == 0, "\(uninterrupted.stderr)")

        let run = parts.appendingPathComponent("cnn")
        let killed = try Ember.start(common + ["--out", parts.path])
        // model.pth is the last file an epoch writes: once it is there, epoch 2 is training.
        let deadline = Date().addingTimeInterval(600)
        while !FileManager.default.fileExists(atPath: run.appendingPathComponent("model.pth").path) {
            try #require(killed.isRunning && Date() < deadline, "the run ended, or took 10 minutes, before its first checkpoint")
            usleep(2_000)
        }
        kill(killed.processIdentifier, SIGKILL)
        killed.waitUntilExit()
        #expect(killed.terminationReason == .uncaughtSignal && killed.terminationStatus == SIGKILL)
        let last = run.appendingPathComponent("last.safetensors")
        let epoch = try Checkpoint.load(from: last).info["epoch"]
        #expect(epoch == "1", "killed after epoch \(epoch ?? "?")'s checkpoint instead of during epoch 2")

        let resumed = try Ember.run(common + ["--out", parts.path, "--resume", last.path])
        try #require(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout.contains("after epoch \(epoch ?? "?")"))
        let reference = whole.appendingPathComponent("cnn")
        #expect(try metricsRows(run) == metricsRows(reference))
        for file in ["last.safetensors", "best.safetensors", "model.safetensors", "model.pth"] {
            #expect(try Data(contentsOf: run.appendingPathComponent(file)) == Data(contentsOf: reference.appendingPathComponent(file)),
                    "\(file) differs from the uninterrupted run's")
        }
    }
}
