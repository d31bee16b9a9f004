import Foundation
import Testing
import Ember
import EmberVision

/// Every architecture of the zoo against what torchvision builds
/// (`Tests/Fixtures/generate_models.py`): the state dict's keys in order with their shapes
/// and dtypes, the parameter count, and `print(model)`.
struct ModelZooTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/models")

    /// `models/NAME.keys.txt`: the parameter count, then `key shape dtype` per entry.
    static func torchvisionKeys(_ name: String) throws -> (parameters: Int, entries: [String]) {
        let lines = try String(contentsOf: fixtures.appendingPathComponent("\(name).keys.txt"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        let count = Int(lines[0].split(separator: " ").last!)!
        return (count, Array(lines.dropFirst()))
    }

    static func entries(_ model: Module) -> [String] {
        model.orderedStateDict().map { key, t in
            let shape = t.shape.isEmpty ? "-" : t.shape.map(String.init).joined(separator: "x")
            return "\(key) \(shape) \(t.dtype.rawValue)"
        }
    }

    static let names = ModelZoo.all.map(\.name)

    /// Keys, shapes, dtypes, parameter count and print-out; the weights are not drawn
    /// (`skipInit`), which keeps the largest models quick in a debug build.
    @Test(arguments: names)
    func modelMatchesTorchvision(name: String) throws {
        let model = try skipInit { try ModelZoo.model(name) }
        let expected = try Self.torchvisionKeys(name)
        let entries = Self.entries(model)
        #expect(entries.count == expected.entries.count, "\(name): \(entries.count) state-dict entries, torchvision has \(expected.entries.count)")
        for (ours, theirs) in zip(entries, expected.entries) where ours != theirs {
            Issue.record("\(name): \(ours) where torchvision has \(theirs)")
            break
        }
        #expect(model.parameters().reduce(0) { $0 + $1.numel } == expected.parameters)
        let printed = try String(contentsOf: Self.fixtures.appendingPathComponent("\(name).repr.txt"), encoding: .utf8)
        let ours = model.description + "\n"
        if ours != printed {
            let (a, b) = (ours.split(separator: "\n"), printed.split(separator: "\n"))
            let line = Array(zip(a, b)).firstIndex { $0.0 != $0.1 } ?? min(a.count, b.count)
            Issue.record("\(name) prints differently from line \(line + 1): \(line < a.count ? String(a[line]) : "<end>") | torchvision: \(line < b.count ? String(b[line]) : "<end>")")
        }
    }

    @Test func skipInitLeavesWeightsUndrawnAndInitialisesOtherwise() {
        manualSeed(0)
        let drawn = Linear(4, 3).weight.toArray()
        manualSeed(0)
        _ = skipInit { Linear(4, 3) }
        #expect(Linear(4, 3).weight.toArray() == drawn, "skipInit must not consume random numbers")
    }

    @Test func resNetStartsAsTorchvisionsDoes() {
        manualSeed(1)
        let model = ResNet(block: .basic, layers: [1, 1, 1, 1], numClasses: 10)
        // He-normal with fan-out: std √(2 / (64 · 3 · 3)) for layer1's convolutions.
        let weight = model.layer1[0].stateDict()["conv1.weight"]!
        #expect(abs(weight.std().item() - (2.0 / 576).squareRoot()) < 0.002)
        #expect(abs(weight.mean().item()) < 0.002)
        #expect(model.bn1.weight!.toArray().allSatisfy { $0 == 1 } && model.bn1.bias!.toArray().allSatisfy { $0 == 0 })
        let zeroed = ResNet(block: .basic, layers: [1, 1, 1, 1], numClasses: 10, zeroInitResidual: true)
        #expect((zeroed.layer2[0] as! BasicBlock).bn2.weight!.toArray().allSatisfy { $0 == 0 })
        #expect(zeroed.layer2[0].stateDict()["bn1.weight"]!.toArray().allSatisfy { $0 == 1 })
        #expect(withNoGrad { model.eval()(Tensor.randn([2, 3, 64, 64])) }.shape == [2, 10])
    }

    @Test func sequentialSlicesKeepTheirKeysAndShareTheModules() {
        let features = skipInit { vgg16().features }
        let head = features[..<30]
        #expect(head.count == 30 && features[30...].count == 1 && features[..<100].count == 31)
        #expect(head[0] === features[0])
        #expect(features[5..<7].stateDictKeys() == ["5.weight", "5.bias"])
        #expect(Array(features).count == 31)
    }

    @Test func anUnknownNameListsTheKnownOnes() {
        #expect(throws: ModelZooError.self) { try ModelZoo.model("resnet19") }
        #expect("\(ModelZooError.unknownArchitecture("x", known: ["a", "b"]))" == "unknown model 'x'; the models are: a, b")
    }
}
