import Foundation
import Testing
@testable import Ember

/// Golden values of `Tests/Fixtures/generate_nn.py` (see its docstring for the keys).
enum NNFixtures {
    static let tensors: [String: Tensor] = Fixtures.load("nn.safetensors")

    /// The generator's "expected" metadata: key lists and reprs from PyTorch.
    private static let expected: (lists: [String: [String]], texts: [String: String]) = {
        let url = Fixtures.folder.appendingPathComponent("nn.safetensors")
        guard let json = try? SafeTensors.metadata(from: url)["expected"],
              let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        else { fatalError("nn.safetensors lacks its 'expected' metadata") }
        return (object.compactMapValues { $0 as? [String] }, object.compactMapValues { $0 as? String })
    }()

    static subscript(key: String) -> Tensor {
        guard let tensor = tensors[key] else { fatalError("nn.safetensors has no tensor \(key)") }
        return tensor
    }

    static func strings(_ key: String) -> [String] { expected.lists[key] ?? [] }
    static func string(_ key: String) -> String { expected.texts[key] ?? "" }

    /// A float copy of a fixture tensor that requires grad, for backward checks.
    static func input(_ key: String) -> Tensor {
        let x = self[key].clone()
        x.requiresGrad = true
        return x
    }
}

/// Mirrors `NestedNet` in generate_nn.py: a Sequential, an array of modules, a nil
/// optional, a parameter and a buffer of its own, a replaceable child and a named Sequential.
final class NestedNet: Module {
    var features = Sequential { Linear(4, 8); BatchNorm1d(8); ReLU() }
    var heads: [Module] = [Linear(8, 3), Linear(8, 3), Linear(8, 2, bias: false)]
    var extra: Linear?
    var norm = BatchNorm1d(8, momentum: nil)
    @Parameter var scale = Tensor.randn([8])
    @Buffer var runningTotal = Tensor.randn([8])
    var fc: Module = Linear(8, 2)
    var tail: Sequential = {
        let tail = Sequential()
        tail.addModule("act", Tanh())
        tail.addModule("proj", Linear(2, 2))
        return tail
    }()

    override func forward(_ x: Tensor) -> Tensor {
        let h = norm(features(x)) * scale + runningTotal
        return tail(fc(h) + heads[2](h))
    }
}

/// The tutorial's MLP for 28x28 images.
func tutorialMLP(batchNorm: Bool = true) -> Sequential {
    Sequential {
        Linear(784, 300)
        if batchNorm { BatchNorm1d(300) }
        ReLU()
        Linear(300, 100)
        if batchNorm { BatchNorm1d(100) }
        ReLU()
        Linear(100, 10)
    }
}
