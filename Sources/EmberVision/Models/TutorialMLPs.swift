import Ember

/// The three multi-layer perceptrons of the tutorial's part 2, with PyTorch's layer
/// names so their checkpoints interchange with the Python originals.
public enum TutorialMLP: String, CaseIterable, Sendable {
    /// `SimpleNet`, `ActivationNet` and `BatchNet`.
    case simple, activation, batchnorm

    /// The class name the tutorial gives each net, used in tables and plots.
    public var title: String {
        switch self {
        case .simple: "simpleNet"
        case .activation: "Activation_Net"
        case .batchnorm: "Batch_Net"
        }
    }

    /// A freshly initialised net; inputs are flattened images of `inputs` pixels.
    public func make(inputs: Int = 28 * 28, hidden1: Int = 300, hidden2: Int = 100, classes: Int = 10) -> Module {
        switch self {
        case .simple: SimpleNet(inputs, hidden1, hidden2, classes)
        case .activation: ActivationNet(inputs, hidden1, hidden2, classes)
        case .batchnorm: BatchNet(inputs, hidden1, hidden2, classes)
        }
    }
}

/// Three linear layers with nothing between them: a linear model in disguise.
public final class SimpleNet: Module {
    /// The three linear layers: `inputs → hidden1 → hidden2 → outputs`.
    public let layer1: Linear, layer2: Linear, layer3: Linear

    /// A freshly initialised net with layer sizes `inputs → hidden1 → hidden2 → outputs`.
    public init(_ inputs: Int, _ hidden1: Int, _ hidden2: Int, _ outputs: Int) {
        layer1 = Linear(inputs, hidden1)
        layer2 = Linear(hidden1, hidden2)
        layer3 = Linear(hidden2, outputs)
    }

    /// The logits of flattened images `[N, inputs]`.
    public override func forward(_ x: Tensor) -> Tensor { layer3(layer2(layer1(x))) }
}

/// The same with ReLU after each hidden layer.
public final class ActivationNet: Module {
    /// `Linear` + `ReLU` twice, then `Linear`.
    public let layer1: Sequential, layer2: Sequential, layer3: Sequential

    /// A freshly initialised net with layer sizes `inputs → hidden1 → hidden2 → outputs`.
    public init(_ inputs: Int, _ hidden1: Int, _ hidden2: Int, _ outputs: Int) {
        layer1 = Sequential { Linear(inputs, hidden1); ReLU() }
        layer2 = Sequential { Linear(hidden1, hidden2); ReLU() }
        layer3 = Sequential { Linear(hidden2, outputs) }
    }

    /// The logits of flattened images `[N, inputs]`.
    public override func forward(_ x: Tensor) -> Tensor { layer3(layer2(layer1(x))) }
}

/// The same with batch normalisation before each ReLU.
public final class BatchNet: Module {
    /// `Linear` + `BatchNorm1d` + `ReLU` twice, then `Linear`.
    public let layer1: Sequential, layer2: Sequential, layer3: Sequential

    /// A freshly initialised net with layer sizes `inputs → hidden1 → hidden2 → outputs`.
    public init(_ inputs: Int, _ hidden1: Int, _ hidden2: Int, _ outputs: Int) {
        layer1 = Sequential { Linear(inputs, hidden1); BatchNorm1d(hidden1); ReLU() }
        layer2 = Sequential { Linear(hidden1, hidden2); BatchNorm1d(hidden2); ReLU() }
        layer3 = Sequential { Linear(hidden2, outputs) }
    }

    /// The logits of flattened images `[N, inputs]`.
    public override func forward(_ x: Tensor) -> Tensor { layer3(layer2(layer1(x))) }
}
