import EmberVision

/// A network run up to its head: the backbone's features as the head receives them, taken
/// with a forward hook, so it works for any architecture whose head is one child
/// (`fc`, `classifier`), whatever its `forward` does in between (pooling, flattening).
final class HeadInput: Module {
    let network: Module
    private let head: Module

    init(_ network: Module, head: Module) {
        self.network = network
        self.head = head
        super.init()
    }

    override func forward(_ input: Tensor) -> Tensor {
        var captured: Tensor?
        let hook = head.registerForwardHook { _, headInput, _ in captured = headInput }
        defer { hook.remove() }
        _ = network(input)
        guard let captured else { preconditionFailure("\(network.typeName)'s forward did not run its head") }
        return captured
    }

    /// The head's inputs and the labels for every sample of `loader`, in its order.
    static func precompute<D: Dataset>(_ network: Module, head: Module, _ loader: DataLoader<D, (Tensor, Tensor)>) throws -> TensorDataset {
        try precomputeFeatures(HeadInput(network, head: head), loader)
    }
}
