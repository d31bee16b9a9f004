/// Base class of all optimizers, like `torch.optim.Optimizer`.
///
/// An optimizer holds parameter groups (`paramGroups`), each with its own options, and
/// per-parameter state (momentum buffers, running averages) created on the first step.
/// `step()` updates every parameter that has a gradient in place, so every alias of a
/// parameter (a module's property, a view) sees the new values; parameters whose `grad` is
/// nil are skipped, as in PyTorch.
///
/// ```swift
/// let optimizer = SGD(model.parameters(), lr: 0.01, momentum: 0.9)
/// optimizer.zeroGrad()
/// loss.backward()
/// optimizer.step()
/// ```
///
/// Subclasses pass their defaults to `init(_:defaults:)` and override `update(_:)` and
/// `stateNames(for:)`.
open class Optimizer {
    /// The parameter groups; options may be changed between steps.
    public var paramGroups: [ParamGroup]
    /// The options a group gets for everything it does not set itself.
    public let defaults: [String: OptionValue]
    /// How many times `step()` has run; schedulers use it to detect a wrong call order.
    public private(set) var stepCount = 0
    /// Per-parameter state by parameter identity. Each entry keeps its parameter alive, so
    /// an identity is never reused by another tensor while the state exists (parameters
    /// may leave the groups, which are public).
    private var state: [ObjectIdentifier: (owner: TensorImpl, values: [String: Tensor])] = [:]

    /// An optimizer over `groups`, filling options they leave out from `defaults`. Stops on
    /// an option value PyTorch's constructors refuse (a negative learning rate, Adam's betas
    /// outside [0, 1), ...), in the defaults or in a group.
    public init(_ groups: [ParamGroup], defaults: [String: OptionValue]) {
        self.defaults = defaults
        self.paramGroups = []
        precondition(groups.contains { !$0.params.isEmpty }, "\(typeName): optimizer got an empty parameter list")
        if let violation = OptionLimits.firstViolation(in: defaults) { preconditionFailure("\(typeName): \(violation.message)") }
        groups.forEach(addParamGroup)
    }

    /// The optimizer's class name, for messages.
    var typeName: String { String(describing: type(of: self)) }

    /// Adds a group, e.g. layers unfrozen during fine-tuning (`add_param_group`); options it
    /// leaves out take the optimizer's defaults. Its options must be values the optimizer's
    /// constructor accepts (a learning rate of at least 0, Adam's betas in [0, 1), ...).
    public func addParamGroup(_ group: ParamGroup) {
        var group = group
        for (name, value) in group.options where name != "initial_lr" {
            guard let fallback = defaults[name] else {
                preconditionFailure("\(typeName) has no option '\(name)' (its options: \(defaults.keys.sorted().joined(separator: ", ")))")
            }
            precondition(sameKind(value, fallback), "\(typeName): option '\(name)' must be like \(fallback), got \(value)")
        }
        group.options.merge(defaults) { given, _ in given }
        if let violation = OptionLimits.firstViolation(in: group.options) {
            preconditionFailure("\(typeName): parameter group \(paramGroups.count): \(violation.message)")
        }
        var seen = Set(paramGroups.flatMap(\.params).map { ObjectIdentifier($0.impl) })
        for param in group.params {
            precondition(param.dtype == .float32, "\(typeName): can only optimize float32 tensors, got \(param.dtype)")
            precondition(param.isLeaf, "\(typeName): can't optimize a non-leaf Tensor")
            precondition(
                seen.insert(ObjectIdentifier(param.impl)).inserted,
                "\(typeName): some parameters appear more than once in the parameter groups")
        }
        paramGroups.append(group)
    }

    private func sameKind(_ a: OptionValue, _ b: OptionValue) -> Bool {
        switch (a, b) {
        case (.number, .number), (.flag, .flag), (.pair, .pair): true
        default: false
        }
    }

    /// Resets the gradients of all parameters (`zero_grad`): to nil by default, or to zeros
    /// when `setToNone` is false.
    public func zeroGrad(setToNone: Bool = true) {
        for group in paramGroups {
            for param in group.params { resetGrad(of: param, setToNone: setToNone) }
        }
    }

    private func resetGrad(of param: Tensor, setToNone: Bool) {
        guard let grad = param.grad else { return }
        if setToNone {
            param.grad = nil
        } else {
            let detached = grad.isLeaf ? grad : grad.detach()
            withNoGrad { detached.zero() }
            param.grad = detached
        }
    }

    /// Performs one optimization step over every group (`optimizer.step()`).
    public func step() {
        stepCount += 1
        withNoGrad {
            for group in paramGroups { update(group) }
        }
    }

    // MARK: Subclass interface

    /// Updates the parameters of `group` that have a gradient; called by `step()` with
    /// gradient recording off.
    open func update(_ group: ParamGroup) {
        preconditionFailure("\(typeName) must override update(_:)")
    }

    /// The state a parameter of `group` carries once it has been stepped (e.g. `step`,
    /// `exp_avg`); a loaded state dict must give a parameter exactly these or nothing.
    open func stateNames(for group: ParamGroup) -> Set<String> {
        []
    }

    /// The state of one parameter (`optimizer.state[p]`), empty before its first step.
    public func state(for param: Tensor) -> [String: Tensor] {
        state[ObjectIdentifier(param.impl)]?.values ?? [:]
    }

    /// Replaces the state of one parameter.
    public func setState(_ newState: [String: Tensor], for param: Tensor) {
        state[ObjectIdentifier(param.impl)] = newState.isEmpty ? nil : (param.impl, newState)
    }

    /// Replaces the state of every parameter at once (state dict loading).
    func replaceAllState(_ newState: [(param: Tensor, values: [String: Tensor])]) {
        state = Dictionary(uniqueKeysWithValues: newState.map { (ObjectIdentifier($0.param.impl), ($0.param.impl, $0.values)) })
    }

    /// Calls `body` with each parameter of `group` that has a gradient, and that gradient
    /// made dense.
    func forEachParameterWithGrad(in group: ParamGroup, _ body: (_ param: Tensor, _ grad: Tensor) -> Void) {
        for param in group.params {
            guard let grad = param.grad else { continue }
            precondition(
                grad.shape == param.shape && grad.dtype == .float32,
                "\(typeName): gradient of shape \(grad.shape) (\(grad.dtype)) does not match its parameter's shape \(param.shape)")
            body(param, grad.contiguous())
        }
    }

    /// Runs an update kernel over the elements of `param`, split across threads: `kernel`
    /// gets the dense parameter and gradient and the chunk's offset and length, and offsets
    /// its state buffers by the same amount. A strided parameter is updated through a dense
    /// copy that is written back.
    func applyKernel(
        to param: Tensor, grad: Tensor,
        _ kernel: (_ param: UnsafeMutablePointer<Float>, _ grad: UnsafePointer<Float>, _ offset: Int, _ count: Int) -> Void
    ) {
        let dense = param.contiguous()
        let p = dense.floatPointer, g = UnsafePointer(grad.floatPointer)
        parallelFor(param.numel, grain: elementwiseGrain) { range in
            kernel(p, g, range.lowerBound, range.count)
        }
        if !dense.isSameTensor(param) { param.copy(from: dense) }
    }

    /// The state of `param`, created on its first step: a 0-d `step` count and, for every
    /// other name in `stateNames(for: group)`, a buffer of the parameter's shape filled
    /// with `fill`.
    func initializedState(for param: Tensor, in group: ParamGroup, fill: Float = 0) -> [String: Tensor] {
        let existing = state(for: param)
        guard existing.isEmpty else { return existing }
        let created = Dictionary(uniqueKeysWithValues: stateNames(for: group).map { name in
            (name, name == "step" ? Tensor(0) : Tensor.full(param.shape, fill))
        })
        setState(created, for: param)
        return created
    }

    /// Increments the parameter's `step` count (a 0-d float32 tensor, as in PyTorch) and
    /// returns the new value.
    func advanceStep(_ state: [String: Tensor]) -> Double {
        let step = buffer(state, "step")
        step.pointee += 1
        return Double(step.pointee)
    }

    /// The storage of a state buffer the update is about to use.
    func buffer(_ state: [String: Tensor], _ name: String) -> UnsafeMutablePointer<Float> {
        guard let tensor = state[name] else {
            preconditionFailure("\(typeName): parameter state has no '\(name)' (was an option such as amsgrad, centered or momentum switched on after the first step?)")
        }
        return tensor.floatPointer
    }
}
