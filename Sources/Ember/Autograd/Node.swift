/// One recorded operation in the autograd graph (`grad_fn` in PyTorch).
///
/// A node knows where each input's gradient goes (`edges`) and how to turn the gradient of
/// its output into gradients of its inputs (`backward`). The closure holds whatever the
/// formula needs from the forward pass; it is dropped after backward unless the graph is
/// retained, which frees those saved tensors.
public final class Node: CustomStringConvertible {
    /// Where one input's gradient flows.
    enum Edge {
        /// Into another recorded operation.
        case node(Node)
        /// Into a leaf tensor's `.grad`.
        case leaf(TensorImpl)
    }

    /// The op's name, PyTorch style: `MeanBackward`, `AddmmBackward`, ...
    public let name: String
    let edges: [Edge?]
    var backward: ((Tensor) -> [Tensor?])?
    /// A non-leaf output that asked to keep its gradient (`retainGrad()`).
    weak var retainedOutput: TensorImpl?

    init(name: String, edges: [Edge?], backward: @escaping (Tensor) -> [Tensor?]) {
        self.name = name
        self.edges = edges
        self.backward = backward
    }

    /// The nodes this one passes gradients to, like `grad_fn.next_functions`
    /// (nil for inputs that need no gradient, `AccumulateGrad` leaves reported by name).
    public var nextFunctions: [String?] {
        edges.map { edge in
            switch edge {
            case .node(let node): node.name
            case .leaf: "AccumulateGrad"
            case nil: nil
            }
        }
    }

    /// `<name>`, as PyTorch prints a `grad_fn`.
    public var description: String { "<\(name)>" }
}

extension Tensor {
    /// Records `output` as the result of a differentiable op on `inputs` when gradient mode
    /// is on and any input requires a gradient. `backward` maps the output's gradient to one
    /// gradient per input (nil where none flows); it must return gradients shaped like the
    /// inputs.
    static func record(
        _ name: String, output: Tensor, inputs: [Tensor],
        backward: @escaping (Tensor) -> [Tensor?]
    ) -> Tensor {
        guard GradMode.isEnabled, inputs.contains(where: { $0.impl.requiresGrad }) else {
            return output
        }
        let edges: [Node.Edge?] = inputs.map { input in
            guard input.impl.requiresGrad else { return nil }
            if let node = input.impl.gradFn { return .node(node) }
            return .leaf(input.impl)
        }
        output.impl.gradFn = Node(name: name, edges: edges, backward: backward)
        output.impl.requiresGrad = true
        return output
    }

    /// Keeps this non-leaf tensor's gradient after backward (`retain_grad()`).
    public func retainGrad() {
        precondition(requiresGrad, "can't retain_grad on Tensor that has requires_grad=False")
        impl.gradFn?.retainedOutput = impl
    }

    /// A tensor sharing this one's storage but cut from the graph.
    public func detach() -> Tensor {
        Tensor(storage: impl.storage, shape: shape, strides: strides, offset: storageOffset,
               dtype: dtype)
    }
}
