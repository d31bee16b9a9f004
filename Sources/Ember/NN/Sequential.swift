/// A chain of modules applied in order, like `nn.Sequential`. It holds any number of
/// modules of any types; their keys are `0`, `1`, ... or the names given to `addModule`.
///
/// ```swift
/// let mlp = Sequential {
///     Linear(784, 300); BatchNorm1d(300); ReLU()
///     if useDropout { Dropout(p: 0.2) }
///     Linear(300, 10)
/// }
/// let convs = Sequential()
/// convs.addModule("conv1", Conv2d(1, 20, kernelSize: 5))   // keys conv1.weight, ...
/// ```
open class Sequential: Module {
    /// An empty chain, to be filled with `addModule` or `append`.
    public override init() {
        super.init()
    }

    /// The modules in order, keyed `0`, `1`, ...
    public init(_ layers: [Module]) {
        super.init()
        for layer in layers { append(layer) }
    }

    /// The modules built by the closure, keyed `0`, `1`, ...; `if`, `if`/`else` and
    /// `for` may choose or repeat them.
    public convenience init(@ModuleBuilder _ layers: () -> [Module]) {
        self.init(layers())
    }

    /// Named modules in order, like `nn.Sequential(OrderedDict(...))`.
    public init(_ named: KeyValuePairs<String, Module>) {
        super.init()
        for (name, module) in named { addModule(name, module) }
    }

    /// Adds `module` at the end, keyed by its position.
    public func append(_ module: Module) {
        addModule(String(addedModules.count), module)
    }

    /// The number of modules.
    public var count: Int { addedModules.count }

    /// The module at `index` (`seq[i]`); assigning replaces it under the same key, e.g.
    /// `model.classifier[6] = Linear(4096, 2)` for transfer learning.
    public subscript(index: Int) -> Module {
        get {
            precondition(addedModules.indices.contains(index), "Sequential: index \(index) is out of range for \(count) modules")
            return addedModules[index].module
        }
        set {
            precondition(addedModules.indices.contains(index), "Sequential: index \(index) is out of range for \(count) modules")
            addedModules[index].module = newValue
        }
    }

    /// The modules at `range` as a new `Sequential` holding the same module objects under
    /// their keys here, as PyTorch's `features[:30]`: `model.features[..<30]` is a feature
    /// extractor sharing the model's weights. Like a Python slice, a range reaching past
    /// the end stops at the end.
    public subscript<R: RangeExpression>(range: R) -> Sequential where R.Bound == Int {
        let all = 0..<Int.max
        let wanted = range.relative(to: all)
        precondition(wanted.lowerBound >= 0, "Sequential: slice \(wanted) starts before the first module")
        let slice = Sequential()
        for (name, module) in addedModules[wanted.clamped(to: addedModules.indices)] { slice.addModule(name, module) }
        return slice
    }

    /// Feeds the input through each module in turn. A batch norm followed by a ReLU or
    /// ReLU6 runs as `BatchNorm.callAsFunction(_:then:)`, which gives the same values.
    open override func forward(_ input: Tensor) -> Tensor {
        var x = input
        var i = 0
        while i < addedModules.count {
            let module = addedModules[i].module
            if let norm = module as? BatchNorm, i + 1 < addedModules.count,
               BatchNorm.FusedActivation(addedModules[i + 1].module) != nil {
                x = norm(x, then: addedModules[i + 1].module)
                i += 2
            } else {
                x = module(x)
                i += 1
            }
        }
        return x
    }
}

/// `for layer in sequential { ... }`, in order.
extension Sequential: Sequence {
    public func makeIterator() -> IndexingIterator<[Module]> {
        addedModules.map(\.module).makeIterator()
    }
}

/// Builds the module list of `Sequential { ... }`: one module per line, with `if`, `else`
/// and `for`.
@resultBuilder
public enum ModuleBuilder {
    /// A module on its own line.
    public static func buildExpression(_ module: Module) -> [Module] { [module] }
    /// An array of modules, spliced in order.
    public static func buildExpression(_ modules: [Module]) -> [Module] { modules }
    /// The lines of a block, in order.
    public static func buildBlock(_ parts: [Module]...) -> [Module] { parts.flatMap { $0 } }
    /// An `if` without `else`: its modules, or none.
    public static func buildOptional(_ part: [Module]?) -> [Module] { part ?? [] }
    /// The `if` branch of an `if`/`else`.
    public static func buildEither(first part: [Module]) -> [Module] { part }
    /// The `else` branch of an `if`/`else`.
    public static func buildEither(second part: [Module]) -> [Module] { part }
    /// A `for` loop: every iteration's modules, in order.
    public static func buildArray(_ parts: [[Module]]) -> [Module] { parts.flatMap { $0 } }
    /// An `if #available` block.
    public static func buildLimitedAvailability(_ part: [Module]) -> [Module] { part }
}
