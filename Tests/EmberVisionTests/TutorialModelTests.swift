import Foundation
import Testing
import Ember
import EmberVision

/// The tutorial's SimpleCNN against a state dict saved by the tutorial's PyTorch class
/// (`Tests/Fixtures/generate_parity.py`).
struct TutorialModelTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    @Test func simpleCNNHasTheTutorialsKeysInPyTorchsOrder() throws {
        let pytorchKeys = try String(contentsOf: Self.fixtures.appendingPathComponent("simplecnn_keys.txt"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        #expect(SimpleCNN().stateDictKeys() == pytorchKeys)
        #expect(SimpleCNN().conv1.stateDictKeys() == ["conv1.weight", "conv1.bias"])
        #expect(SimpleCNN().fc.stateDictKeys().first == "fc1.weight")
    }

    @Test func aStateDictSavedByPyTorchLoadsStrictlyAndGivesPyTorchsLogits() throws {
        let model = SimpleCNN()
        let missing = try model.loadStateDict(from: Self.fixtures.appendingPathComponent("simplecnn.safetensors"), strict: true)
        #expect(missing.missingKeys.isEmpty && missing.unexpectedKeys.isEmpty)
        model.eval()
        let parity = try SafeTensors.load(from: Self.fixtures.appendingPathComponent("parity.safetensors"))
        let logits = withNoGrad { model(parity["simplecnn.input"]!) }
        let expected = parity["simplecnn.logits"]!
        let scale = expected.abs().max().item()
        expectClose(logits, expected, tolerance: 1e-4 * scale, "SimpleCNN logits")
        #expect(logits.argmax(dim: 1).toArray() == expected.argmax(dim: 1).toArray())
    }

    @Test func theTwentyEightPixelVariantKeepsTheNames() {
        let model = SimpleCNN(inChannels: 1, imageSize: 28)
        #expect(model.stateDictKeys() == SimpleCNN().stateDictKeys())
        #expect(model.stateDict()["fc.fc1.weight"]!.shape == [512, 1152])
        #expect(SimpleCNN().stateDict()["fc.fc1.weight"]!.shape == [512, 2048])
        #expect(model(Tensor.zeros([2, 1, 28, 28])).shape == [2, 10])
    }
}
