/// The value of one optimizer option: a number (`lr`), a switch (`nesterov`) or a pair
/// (`betas`). Numbers are kept in double precision because PyTorch computes with its
/// hyper-parameters as Python floats (bias corrections, `1 - beta`, decayed learning rates).
public enum OptionValue: Sendable, Equatable, CustomStringConvertible {
    /// A number such as `lr`, in double precision.
    case number(Double)
    /// A switch such as `nesterov`.
    case flag(Bool)
    /// A pair such as `betas`.
    case pair(Double, Double)

    /// A number given as a `Float` (see `Double(decimal:)`).
    static func number(_ value: Float) -> OptionValue { .number(Double(decimal: value)) }
    /// A pair given as `Float`s (see `Double(decimal:)`).
    static func pair(_ a: Float, _ b: Float) -> OptionValue { .pair(Double(decimal: a), Double(decimal: b)) }

    /// The value as text: `0.01`, `true` or `(0.9, 0.999)`.
    public var description: String {
        switch self {
        case .number(let value): "\(value)"
        case .flag(let value): "\(value)"
        case .pair(let a, let b): "(\(a), \(b))"
        }
    }
}

extension Double {
    /// The Python float a `Float` hyper-parameter stands for: the shortest decimal that
    /// rounds to it, so `Float(0.999)` becomes exactly 0.999 and `1 - beta2` is computed as
    /// PyTorch computes it, not from 0.99900001.
    init(decimal value: Float) {
        self = Double(value.description) ?? Double(value)
    }
}

/// A set of parameters optimized with the same options, like one of PyTorch's
/// `optimizer.param_groups` dictionaries.
///
/// Options are keyed by their PyTorch names (`lr`, `weight_decay`, `betas`, ...); the typed
/// properties read and write them as `Double`, the Python float PyTorch keeps: an `lr: 0.01`
/// given as a `Float` reads back as exactly 0.01, and after `StepLR` with gamma 0.1 as
/// 0.0010000000000000002, the value PyTorch prints (`optimizer.paramGroups[0].lr`).
/// Options left out when building a group take the optimizer's defaults:
///
/// ```swift
/// let optimizer = SGD([ParamGroup(params: backbone), ParamGroup(params: head, lr: 1e-3)],
///                     lr: 0.01, momentum: 0.9)
/// ```
public struct ParamGroup {
    /// The parameters updated with these options.
    public var params: [Tensor]
    /// Every option by PyTorch name, including `initial_lr` once a scheduler recorded it.
    public var options: [String: OptionValue]

    /// A group with the given options; options passed as nil take the optimizer's default.
    /// An option the optimizer does not have stops the optimizer's construction.
    public init(
        params: [Tensor], lr: Float? = nil, momentum: Float? = nil, dampening: Float? = nil,
        weightDecay: Float? = nil, nesterov: Bool? = nil, maximize: Bool? = nil,
        betas: (Float, Float)? = nil, eps: Float? = nil, amsgrad: Bool? = nil,
        alpha: Float? = nil, centered: Bool? = nil, lrDecay: Float? = nil,
        initialAccumulatorValue: Float? = nil
    ) {
        self.params = params
        let given: [(String, OptionValue?)] = [
            ("lr", lr.map(OptionValue.number)), ("momentum", momentum.map(OptionValue.number)),
            ("dampening", dampening.map(OptionValue.number)),
            ("weight_decay", weightDecay.map(OptionValue.number)),
            ("nesterov", nesterov.map(OptionValue.flag)), ("maximize", maximize.map(OptionValue.flag)),
            ("betas", betas.map { OptionValue.pair($0.0, $0.1) }), ("eps", eps.map(OptionValue.number)),
            ("amsgrad", amsgrad.map(OptionValue.flag)), ("alpha", alpha.map(OptionValue.number)),
            ("centered", centered.map(OptionValue.flag)), ("lr_decay", lrDecay.map(OptionValue.number)),
            ("initial_accumulator_value", initialAccumulatorValue.map(OptionValue.number)),
        ]
        options = Dictionary(uniqueKeysWithValues: given.compactMap { name, value in value.map { (name, $0) } })
    }

    /// A group from parameters and options by PyTorch name.
    public init(params: [Tensor], options: [String: OptionValue]) {
        self.params = params
        self.options = options
    }

    /// An option by PyTorch name, like `group["lr"]`.
    public subscript(option: String) -> OptionValue? {
        get { options[option] }
        set { options[option] = newValue }
    }

    // MARK: Typed options

    /// Learning rate (`lr`).
    public var lr: Double {
        get { number("lr") }
        set { options["lr"] = .number(newValue) }
    }
    /// The learning rate a scheduler started from (`initial_lr`), set when the first
    /// scheduler is attached.
    public var initialLR: Double {
        get { number("initial_lr") }
        set { options["initial_lr"] = .number(newValue) }
    }
    /// Momentum factor (`momentum`; SGD, RMSprop).
    public var momentum: Double {
        get { number("momentum") }
        set { options["momentum"] = .number(newValue) }
    }
    /// Dampening for momentum (`dampening`; SGD).
    public var dampening: Double {
        get { number("dampening") }
        set { options["dampening"] = .number(newValue) }
    }
    /// Weight decay (`weight_decay`): an L2 penalty, or decoupled decay for AdamW.
    public var weightDecay: Double {
        get { number("weight_decay") }
        set { options["weight_decay"] = .number(newValue) }
    }
    /// Nesterov momentum (`nesterov`; SGD).
    public var nesterov: Bool {
        get { flag("nesterov") }
        set { options["nesterov"] = .flag(newValue) }
    }
    /// Maximize the objective instead of minimizing it (`maximize`).
    public var maximize: Bool {
        get { flag("maximize") }
        set { options["maximize"] = .flag(newValue) }
    }
    /// Running-average coefficients of the gradient and its square (`betas`; Adam, AdamW).
    public var betas: (Double, Double) {
        get { pair("betas") }
        set { options["betas"] = .pair(newValue.0, newValue.1) }
    }
    /// Term added to the denominator for numerical stability (`eps`).
    public var eps: Double {
        get { number("eps") }
        set { options["eps"] = .number(newValue) }
    }
    /// Use the AMSGrad variant (`amsgrad`; Adam, AdamW).
    public var amsgrad: Bool {
        get { flag("amsgrad") }
        set { options["amsgrad"] = .flag(newValue) }
    }
    /// Smoothing constant (`alpha`; RMSprop).
    public var alpha: Double {
        get { number("alpha") }
        set { options["alpha"] = .number(newValue) }
    }
    /// Normalize by the estimated variance of the gradient (`centered`; RMSprop).
    public var centered: Bool {
        get { flag("centered") }
        set { options["centered"] = .flag(newValue) }
    }
    /// Learning-rate decay (`lr_decay`; Adagrad).
    public var lrDecay: Double {
        get { number("lr_decay") }
        set { options["lr_decay"] = .number(newValue) }
    }
    /// Starting value of the accumulators (`initial_accumulator_value`; Adagrad).
    public var initialAccumulatorValue: Double {
        get { number("initial_accumulator_value") }
        set { options["initial_accumulator_value"] = .number(newValue) }
    }

    // MARK: Exact values, for the update rules

    /// A numeric option in double precision.
    func number(_ name: String) -> Double {
        guard case .number(let value)? = options[name] else { missing(name, kind: "number") }
        return value
    }

    /// A pair option in double precision.
    func pair(_ name: String) -> (Double, Double) {
        guard case .pair(let a, let b)? = options[name] else { missing(name, kind: "pair") }
        return (a, b)
    }

    func flag(_ name: String) -> Bool {
        guard case .flag(let value)? = options[name] else { missing(name, kind: "flag") }
        return value
    }

    private func missing(_ name: String, kind: String) -> Never {
        preconditionFailure(
            "param group has no \(kind) option '\(name)' (its options: \(options.keys.sorted().joined(separator: ", ")))")
    }
}
