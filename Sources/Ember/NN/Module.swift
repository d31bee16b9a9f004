/// The base class of every layer and model, like `torch.nn.Module`.
///
/// Subclasses declare their parts as stored properties; the base class finds them by
/// reflection and names them exactly as PyTorch would:
///
/// ```swift
/// final class Net: Module {
///     var features = Sequential { Linear(784, 300); BatchNorm1d(300); ReLU() }
///     var heads: [Module] = [Linear(300, 10), Linear(300, 2)]  // heads.0.weight, ...
///     var fc: Module = Linear(300, 10)                          // replaceable: model.fc = ...
///     @Parameter var scale = Tensor.ones([300])                 // scale
///     @Buffer var runningMean = Tensor.zeros([300])             // running_mean
///
///     override func forward(_ x: Tensor) -> Tensor { fc(features(x) * scale) }
/// }
/// ```
///
/// - Parameters (`@Parameter`) and buffers (`@Buffer`) are keyed by their property name in
///   snake_case, or by the name given to the wrapper.
/// - Properties of a `Module` type (optional or not) are children; arrays of modules are
///   children named `name.0`, `name.1`, ... like an `nn.ModuleList`. Nil slots are skipped.
/// - Registration order is declaration order (base class first), then modules added with
///   `addModule`. The state dict lists each module's parameters, then its buffers, then
///   its children, depth first — PyTorch's order when properties are declared in the order
///   a PyTorch `__init__` assigns them.
open class Module: CustomStringConvertible {
    /// Whether the module is in training mode (`module.training`); see `train(_:)`.
    public internal(set) var training = true
    /// Children registered by name with `addModule`, after the reflected ones.
    var addedModules: [(name: String, module: Module)] = []
    private(set) var forwardHooks: [(id: Int, hook: ForwardHook)] = []
    private var nextHookID = 0

    /// A module with no parts of its own yet. Subclasses initialise their stored properties
    /// first; `@Parameter(name:)` and `@Buffer(name:)` properties are assigned after
    /// `super.init()`.
    public init() {}

    /// The computation of the module. Subclasses override it; call the module itself
    /// (`model(x)`), which also runs forward hooks.
    open func forward(_ input: Tensor) -> Tensor {
        preconditionFailure("Module [\(typeName)] is missing the required \"forward\" function")
    }

    /// Runs `forward(_:)`, then any forward hooks, like calling an `nn.Module`.
    public final func callAsFunction(_ input: Tensor) -> Tensor {
        let output = forward(input)
        for (_, hook) in forwardHooks { hook(self, input, output) }
        return output
    }

    /// The module's settings as printed inside its parentheses by `description`, like
    /// PyTorch's `extra_repr()`: `in_features=784, out_features=300, bias=True`.
    open var extraRepr: String { "" }

    /// The class name printed by `description`, as PyTorch's `_get_name()`: the Swift class
    /// name unless a subclass gives its PyTorch counterpart's (`_DenseLayer`).
    open var typeName: String { String(describing: type(of: self)) }

    /// Keys for stored properties whose PyTorch name is not the snake_case of the Swift
    /// name, by Swift property name: torchvision's Inception v3 has children named
    /// `Conv2d_1a_3x3` and `AuxLogits`, so `Inception3` maps `conv2d_1a_3x3` and
    /// `auxLogits` to them. Each class's own map applies to the properties it declares.
    /// An empty key makes a child transparent: its parameters, buffers and children are
    /// named as if they were the parent's own (`DistributedDataParallel`'s `module`).
    open class var keyOverrides: [String: String] { [:] }

    // MARK: Modes

    /// Sets training mode on this module and every descendant (`module.train(mode)`):
    /// dropout and batch normalisation behave differently in the two modes.
    @discardableResult
    public func train(_ mode: Bool = true) -> Self {
        for module in modules() { module.training = mode }
        return self
    }

    /// Sets evaluation mode recursively, like `module.eval()`.
    @discardableResult
    public func eval() -> Self { train(false) }

    /// Sets `requiresGrad` on every parameter (`module.requires_grad_(flag)`): `false`
    /// freezes the module, e.g. a pretrained backbone during transfer learning.
    @discardableResult
    public func requiresGrad(_ flag: Bool = true) -> Self {
        for parameter in parameters() { parameter.requiresGrad = flag }
        return self
    }

    /// Clears the gradients of every parameter (`module.zero_grad()`): sets them to nil, or
    /// fills them with zeros when `setToNone` is false.
    public func zeroGrad(setToNone: Bool = true) {
        for parameter in parameters() {
            if setToNone {
                parameter.grad = nil
            } else {
                withNoGrad { parameter.grad?.zero() }
            }
        }
    }

    /// Calls `body` on every descendant and then on this module (`module.apply(fn)`), e.g.
    /// for custom initialisation.
    @discardableResult
    public func apply(_ body: (Module) -> Void) -> Self {
        for child in children() { child.apply(body) }
        body(self)
        return self
    }

    // MARK: Children

    /// Registers `module` as a child under `name` (`add_module`); a child already
    /// registered under that name is replaced in place. Its keys are `name.*`.
    public func addModule(_ name: String, _ module: Module) {
        precondition(!name.isEmpty && !name.contains("."), "addModule: module name can't be empty or contain \".\", got \"\(name)\"")
        if let index = addedModules.firstIndex(where: { $0.name == name }) {
            addedModules[index].module = module
            return
        }
        precondition(!members.contains { $0.key == name }, "addModule: attribute '\(name)' already exists in \(typeName)")
        addedModules.append((name, module))
    }

    /// The immediate children with their names (`named_children()`); members of an array
    /// property are named `property.index`.
    public func namedChildren() -> [(name: String, module: Module)] {
        var seen = Set<ObjectIdentifier>()
        return members.flatMap { member -> [(name: String, module: Module)] in
            guard case .children(_, _, let held) = member else { return [] }
            return held.filter { seen.insert(ObjectIdentifier($0.module)).inserted }.map { ($0.key, $0.module) }
        }
    }

    /// The immediate children (`children()`).
    public func children() -> [Module] { namedChildren().map(\.module) }

    /// This module and all its descendants, depth first, each once, with dotted names
    /// (`named_modules()`); this module's name is `prefix`.
    public func namedModules(prefix: String = "") -> [(name: String, module: Module)] {
        var seen = Set<ObjectIdentifier>()
        var result: [(name: String, module: Module)] = []
        func visit(_ module: Module, _ name: String) {
            guard seen.insert(ObjectIdentifier(module)).inserted else { return }
            result.append((name, module))
            for (childName, child) in module.namedChildren() { visit(child, Self.join(name, childName)) }
        }
        visit(self, prefix)
        return result
    }

    /// This module and all its descendants (`modules()`).
    public func modules() -> [Module] { namedModules().map(\.module) }

    // MARK: Parameters and buffers

    /// Every parameter with its dotted name (`named_parameters()`), in state-dict order; a
    /// parameter shared by several modules is listed once. With `recurse: false`, only this
    /// module's own.
    public func namedParameters(recurse: Bool = true) -> [(name: String, tensor: Tensor)] {
        namedTensors(recurse: recurse) { if case .parameter(let key, let t) = $0 { (key, t) } else { nil } }
    }

    /// Every parameter (`parameters()`), what an optimizer is given.
    public func parameters(recurse: Bool = true) -> [Tensor] { namedParameters(recurse: recurse).map(\.tensor) }

    /// Every buffer with its dotted name (`named_buffers()`).
    public func namedBuffers(recurse: Bool = true) -> [(name: String, tensor: Tensor)] {
        namedTensors(recurse: recurse) { if case .buffer(let key, let t) = $0 { (key, t) } else { nil } }
    }

    /// Every buffer (`buffers()`).
    public func buffers(recurse: Bool = true) -> [Tensor] { namedBuffers(recurse: recurse).map(\.tensor) }

    private func namedTensors(recurse: Bool, _ select: (Member) -> (String, Tensor)?) -> [(name: String, tensor: Tensor)] {
        var seen = Set<ObjectIdentifier>()
        let owners = recurse ? namedModules() : [("", self)]
        return owners.flatMap { prefix, module in
            module.members.compactMap(select)
                .filter { seen.insert(ObjectIdentifier($0.1.impl)).inserted }
                .map { (Self.join(prefix, $0.0), $0.1) }
        }
    }

    static func join(_ prefix: String, _ name: String) -> String {
        prefix.isEmpty ? name : name.isEmpty ? prefix : "\(prefix).\(name)"
    }

    // MARK: Hooks

    /// Something called after each `forward` with the module, its input and its output.
    public typealias ForwardHook = (Module, Tensor, Tensor) -> Void

    /// Calls `hook` after every forward pass of this module (`register_forward_hook`)
    /// until the returned handle's `remove()` is called.
    @discardableResult
    public func registerForwardHook(_ hook: @escaping ForwardHook) -> HookHandle {
        nextHookID += 1
        let id = nextHookID
        forwardHooks.append((id, hook))
        return HookHandle { [weak self] in self?.forwardHooks.removeAll { $0.id == id } }
    }
}

/// Removes a hook registered with `registerForwardHook` or
/// `registerPostAccumulateGradHook` (PyTorch's `RemovableHandle`).
public final class HookHandle {
    private var removal: (() -> Void)?

    init(removal: @escaping () -> Void) {
        self.removal = removal
    }

    /// Unregisters the hook; calling it again does nothing.
    public func remove() {
        removal?()
        removal = nil
    }
}
