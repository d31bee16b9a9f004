import Ember
import EmberVision
import Foundation
import SwiftProtobuf
import Testing
@testable import EmberTensorBoard

/// Ember's event files against what PyTorch's SummaryWriter writes for the same calls
/// (`Tests/Fixtures/generate_tensorboard.py`): every event's step, tag and value.
struct PyTorchEventFileTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/tensorboard")

    /// The calls of the fixture script's `log()`.
    static func log(_ writer: SummaryWriter, _ t: [String: Tensor]) throws {
        for step in 0..<3 {
            try writer.addScalar("loss/train", 1.0 / Double(step + 1), globalStep: step)
            try writer.addScalar("accuracy", 0.25 * Double(step), globalStep: step, newStyle: true)
        }
        try writer.addScalar("precise", 0.1, globalStep: 7, newStyle: true, doublePrecision: true)
        try writer.addScalars("loss", ["train": 0.5, "valid": 0.75], globalStep: 2)
        try writer.addHistogram("weights", t["weights"]!, globalStep: 1)
        try writer.addHistogram("few/tensorflow", t["few"]!, globalStep: 1)
        try writer.addHistogram("few/count", t["few"]!, globalStep: 2, bins: .count(4))
        try writer.addHistogram("weights/max_bins", t["weights"]!, globalStep: 3, maxBins: 30)
        try writer.addImage("image/chw", t["image_chw"]!, globalStep: 4)
        try writer.addImage("image/gray", t["image_gray"]!, globalStep: 4)
        try writer.addImage("image/hw", t["image_hw"]!, globalStep: 4, dataformats: "HW")
        try writer.addImage("image/hwc", t["image_hwc"]!, globalStep: 4, dataformats: "HWC")
        try writer.addImages("batch", t["batch"]!, globalStep: 5)
        try writer.addText("notes", "**Ember** and PyTorch: ü", globalStep: 6)
        try writer.addHparams(["lr": 0.01, "optimizer": "sgd", "batch": 64, "nesterov": true],
                              metrics: ["hparam/accuracy": 0.875, "hparam/loss": 0.25], runName: "session")
    }

    static func events(in folder: URL) throws -> [SummaryEvent] {
        let files = try EventFileReader.eventFiles(in: folder)
        try #require(files.count == 1, "expected one event file in \(folder.path), found \(files.count)")
        return try EventFileReader.read(contentsOf: files[0])
    }

    @Test func eventsMatchPyTorchsCallForCall() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ember-tb-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let writer = try SummaryWriter(logDir: folder.appendingPathComponent("run"))
        try Self.log(writer, try SafeTensors.load(from: Self.fixtures.appendingPathComponent("inputs.safetensors")))
        try writer.close()
        for sub in ["", "loss_train", "loss_valid", "session"] {
            let ours = try Self.events(in: folder.appendingPathComponent("run").appendingPathComponent(sub))
            let theirs = try Self.events(in: Self.fixtures.appendingPathComponent("run").appendingPathComponent(sub))
            #expect(ours.count == theirs.count, "\(sub): \(ours.count) events, PyTorch wrote \(theirs.count)")
            #expect(ours.first?.fileVersion == "brain.Event:2" && theirs.first?.fileVersion == "brain.Event:2")
            for (mine, reference) in zip(ours, theirs).dropFirst() {
                #expect(mine.step == reference.step)
                #expect(mine.values.count == 1 && reference.values.count == 1)
                guard let a = mine.values.first, let b = reference.values.first else { continue }
                #expect(a.tag == b.tag)
                #expect(a.pluginName == b.pluginName, "\(a.tag)")
                try expectSameContent(a, b)
            }
        }
    }

    private func expectSameContent(_ a: SummaryValue, _ b: SummaryValue) throws {
        if a.pluginName == "hparams" {
            let mine = try Tensorboard_HParamsPluginData(serializedBytes: a.pluginContent)
            let reference = try Tensorboard_HParamsPluginData(serializedBytes: b.pluginContent)
            #expect(mine == reference, "\(a.tag): \(mine) vs \(reference)")
        } else {
            #expect(a.pluginContent == b.pluginContent, "\(a.tag)")
        }
        switch (a.content, b.content) {
        case let (.histogram(minA, maxA, countA, sumA, squaresA, limitsA, bucketsA),
                  .histogram(minB, maxB, countB, sumB, squaresB, limitsB, bucketsB)):
            #expect(minA == minB && maxA == maxB && countA == countB, "\(a.tag)")
            #expect(abs(sumA - sumB) <= 1e-12 * max(1, abs(sumB)) && abs(squaresA - squaresB) <= 1e-12 * squaresB, "\(a.tag)")
            #expect(limitsA == limitsB, "\(a.tag): bucket limits \(limitsA.count) vs \(limitsB.count)")
            #expect(bucketsA == bucketsB, "\(a.tag): buckets \(bucketsA) vs \(bucketsB)")
        case let (.image(widthA, heightA, colorA, pngA), .image(widthB, heightB, colorB, pngB)):
            #expect(widthA == widthB && heightA == heightB && colorA == colorB, "\(a.tag)")
            let (mine, reference) = (try Image(data: pngA), try Image(data: pngB))
            #expect(mine == reference, "\(a.tag): pixels differ")
        default:
            #expect(a.content == b.content, "\(a.tag)")
        }
    }

    @Test func eventFilesAreNamedAsPyTorchNamesThem() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ember-tb-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let writer = try SummaryWriter(logDir: folder, filenameSuffix: ".ember")
        let name = writer.file.lastPathComponent
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        #expect(name.hasPrefix("events.out.tfevents."))
        #expect(parts[3].count == 10 && Int(parts[3]) != nil, "\(name)")
        #expect(parts.last == "ember")
        #expect(name.contains(".\(getpid()).") && name.contains(".\(hostName())."))
        try writer.close()
    }
}
