// Activation layers: each wraps the tensor function of the same name.

/// `max(0, x)` elementwise (`nn.ReLU`).
public final class ReLU: Module {
    public override init() { super.init() }
    public override func forward(_ input: Tensor) -> Tensor { input.relu() }
}

/// `x` where positive, `negativeSlope * x` elsewhere (`nn.LeakyReLU`).
public final class LeakyReLU: Module {
    /// The slope for negative inputs.
    public let negativeSlope: Float

    /// A leaky ReLU with the given slope for negative inputs.
    public init(negativeSlope: Float = 0.01) {
        self.negativeSlope = negativeSlope
        super.init()
    }

    public override func forward(_ input: Tensor) -> Tensor { input.leakyRelu(negativeSlope: negativeSlope) }
    public override var extraRepr: String { "negative_slope=\(negativeSlope)" }
}

/// `1 / (1 + exp(-x))` elementwise (`nn.Sigmoid`).
public final class Sigmoid: Module {
    public override init() { super.init() }
    public override func forward(_ input: Tensor) -> Tensor { input.sigmoid() }
}

/// Hyperbolic tangent elementwise (`nn.Tanh`).
public final class Tanh: Module {
    public override init() { super.init() }
    public override func forward(_ input: Tensor) -> Tensor { input.tanh() }
}

/// Gaussian error linear unit, exact or with the tanh approximation (`nn.GELU`).
public final class GELU: Module {
    /// Exact (erf) or tanh-approximated.
    public let approximate: Tensor.GELUApproximation

    /// A GELU, exact unless `approximate` is `.tanh`.
    public init(approximate: Tensor.GELUApproximation = .none) {
        self.approximate = approximate
        super.init()
    }

    public override func forward(_ input: Tensor) -> Tensor { input.gelu(approximate: approximate) }
    public override var extraRepr: String { "approximate='\(approximate == .none ? "none" : "tanh")'" }
}

/// Softmax along `dim` (`nn.Softmax`): turns logits into probabilities.
public final class Softmax: Module {
    /// The dimension that sums to one.
    public let dim: Int

    /// A softmax over `dim` (1 for `[N, classes]` logits).
    public init(dim: Int) {
        self.dim = dim
        super.init()
    }

    public override func forward(_ input: Tensor) -> Tensor { input.softmax(dim: dim) }
    public override var extraRepr: String { "dim=\(dim)" }
}

/// Log-softmax along `dim` (`nn.LogSoftmax`), to pair with `NLLLoss`.
public final class LogSoftmax: Module {
    /// The dimension normalised over.
    public let dim: Int

    /// A log-softmax over `dim` (1 for `[N, classes]` logits).
    public init(dim: Int) {
        self.dim = dim
        super.init()
    }

    public override func forward(_ input: Tensor) -> Tensor { input.logSoftmax(dim: dim) }
    public override var extraRepr: String { "dim=\(dim)" }
}
