/// Declares a learnable tensor of a `Module`, like assigning an `nn.Parameter` in PyTorch:
///
/// ```swift
/// final class Affine: Module {
///     @Parameter var weight: Tensor
///     @Parameter var bias: Tensor?              // nil: no bias, no state-dict key
///     @Parameter(name: "weight_hh_l0") var recurrentWeight: Tensor
///     init(features: Int) {
///         weight = Tensor.ones([features])
///         bias = Tensor.zeros([features])
///         super.init()
///         recurrentWeight = Tensor.zeros([features, features])  // named: assign after super.init()
///     }
/// }
/// ```
///
/// The state-dict key is the property name in snake_case (`runningMean` → `running_mean`)
/// unless `name` gives it. Assigned tensors become leaves that require gradients, as
/// `nn.Parameter` does; assigning a new tensor replaces the parameter.
@propertyWrapper
public struct Parameter<Value: ModuleTensorValue>: ModuleTensorProperty {
    private var storage: Tensor?
    let explicitName: String?

    /// A parameter named after its property.
    public init(wrappedValue: Value) {
        storage = Self.adopt(wrappedValue.moduleTensor)
        explicitName = nil
    }

    /// A parameter with an explicit state-dict key, assigned later (after `super.init()`).
    public init(name: String) {
        storage = nil
        explicitName = name
    }

    /// The parameter's tensor; assigning replaces the parameter.
    public var wrappedValue: Value {
        get { Value(moduleTensor: storage, role: "parameter", name: explicitName) }
        set { storage = Self.adopt(newValue.moduleTensor) }
    }

    var tensor: Tensor? { storage }
    var isBuffer: Bool { false }

    /// The tensor as a leaf requiring gradients (a computed tensor is detached first).
    private static func adopt(_ tensor: Tensor?) -> Tensor? {
        guard let tensor else { return nil }
        let leaf = tensor.isLeaf ? tensor : tensor.detach()
        leaf.requiresGrad = true
        return leaf
    }
}

/// Declares a tensor that belongs to a `Module`'s state but is not learned, like
/// `register_buffer` in PyTorch: running statistics, counters, fixed tables. Buffers are
/// saved in the state dict after the module's parameters and never require gradients.
///
/// ```swift
/// @Buffer var runningMean: Tensor                      // key "running_mean"
/// @Buffer(name: "num_batches_tracked") var batches: Tensor
/// ```
@propertyWrapper
public struct Buffer<Value: ModuleTensorValue>: ModuleTensorProperty {
    private var storage: Tensor?
    let explicitName: String?

    /// A buffer named after its property.
    public init(wrappedValue: Value) {
        storage = wrappedValue.moduleTensor
        explicitName = nil
    }

    /// A buffer with an explicit state-dict key, assigned later (after `super.init()`).
    public init(name: String) {
        storage = nil
        explicitName = name
    }

    /// The buffer's tensor; assigning replaces the buffer.
    public var wrappedValue: Value {
        get { Value(moduleTensor: storage, role: "buffer", name: explicitName) }
        set { storage = newValue.moduleTensor }
    }

    var tensor: Tensor? { storage }
    var isBuffer: Bool { true }
}

/// The types a `@Parameter` or `@Buffer` property may have: `Tensor`, or `Tensor?` for an
/// optional one (PyTorch's `register_parameter(name, None)`).
public protocol ModuleTensorValue {
    /// Wraps the stored tensor; `role` and `name` describe the property in error messages.
    init(moduleTensor: Tensor?, role: String, name: String?)
    /// The tensor held, if any.
    var moduleTensor: Tensor? { get }
}

extension Tensor: ModuleTensorValue {
    /// The stored tensor; stops with a message naming the property when none was assigned yet.
    public init(moduleTensor: Tensor?, role: String, name: String?) {
        guard let moduleTensor else {
            preconditionFailure("Module: \(role)\(name.map { " '\($0)'" } ?? "") read before a tensor was assigned to it")
        }
        self = moduleTensor
    }

    /// The tensor itself.
    public var moduleTensor: Tensor? { self }
}

/// An optional `@Parameter` or `@Buffer`, `Tensor?`: nil is an absent tensor with no state-dict key.
extension Optional: ModuleTensorValue where Wrapped == Tensor {
    /// The stored tensor, or nil for an absent parameter or buffer.
    public init(moduleTensor: Tensor?, role: String, name: String?) { self = moduleTensor }
    /// The wrapped tensor, if any.
    public var moduleTensor: Tensor? { self }
}

/// What the module scan reads from a `@Parameter` or `@Buffer` property's storage.
protocol ModuleTensorProperty {
    var tensor: Tensor? { get }
    var isBuffer: Bool { get }
    var explicitName: String? { get }
}
