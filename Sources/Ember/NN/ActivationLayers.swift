// Activation layers: each wraps the tensor function of the same name.

/// `max(0, x)` elementwise (`nn.ReLU`).
public final class ReLU: Module {
    /// PyTorch's `inplace` flag, kept so that models print as PyTorch's do. The result is
    /// computed into a new tensor either way, which gives the same values and keeps the
    /// input intact for autograd.
    public let inplace: Bool

    /// A ReLU layer.
    public init(inplace: Bool = false) {
        self.inplace = inplace
        super.init()
    }

    /// `max(0, input)`, elementwise.
    public override func forward(_ input: Tensor) -> Tensor { input.relu() }
    /// `inplace=True` when set, as PyTorch prints it.
    public override var extraRepr: String { inplaceRepr(inplace) }
}

/// `min(max(0, x), 6)` elementwise (`nn.ReLU6`), as in MobileNet.
public final class ReLU6: Module {
    /// PyTorch's `inplace` flag, printed only; see `ReLU.inplace`.
    public let inplace: Bool

    /// A ReLU6 layer.
    public init(inplace: Bool = false) {
        self.inplace = inplace
        super.init()
    }

    /// `min(max(0, input), 6)`, elementwise.
    public override func forward(_ input: Tensor) -> Tensor { input.relu6() }
    /// `inplace=True` when set, as PyTorch prints it.
    public override var extraRepr: String { inplaceRepr(inplace) }
}

/// PyTorch's `inplace=True`, or nothing for the default.
func inplaceRepr(_ inplace: Bool) -> String { inplace ? "inplace=True" : "" }

/// `x` limited to `[minVal, maxVal]` elementwise (`nn.Hardtanh`).
public final class Hardtanh: Module {
    /// The lower bound.
    public let minVal: Float
    /// The upper bound.
    public let maxVal: Float

    /// A hard tanh with PyTorch's default bounds, -1 and 1.
    public init(minVal: Float = -1, maxVal: Float = 1) {
        precondition(maxVal > minVal, "Hardtanh: max_val (\(maxVal)) must be greater than min_val (\(minVal))")
        self.minVal = minVal
        self.maxVal = maxVal
        super.init()
    }

    /// `input` clamped to `[minVal, maxVal]`, elementwise.
    public override func forward(_ input: Tensor) -> Tensor { input.hardtanh(minVal: minVal, maxVal: maxVal) }
    /// `min_val=-1.0, max_val=1.0`, as PyTorch prints it.
    public override var extraRepr: String { "min_val=\(minVal), max_val=\(maxVal)" }
}

/// `x` where positive, `negativeSlope * x` elsewhere (`nn.LeakyReLU`).
public final class LeakyReLU: Module {
    /// The slope for negative inputs.
    public let negativeSlope: Float
    /// PyTorch's `inplace` flag, printed only; see `ReLU.inplace`.
    public let inplace: Bool

    /// A leaky ReLU with the given slope for negative inputs.
    public init(negativeSlope: Float = 0.01, inplace: Bool = false) {
        self.negativeSlope = negativeSlope
        self.inplace = inplace
        super.init()
    }

    /// `input` where positive, `negativeSlope * input` elsewhere.
    public override func forward(_ input: Tensor) -> Tensor { input.leakyRelu(negativeSlope: negativeSlope) }
    /// `negative_slope=0.01` (and `, inplace=True` when set), as PyTorch prints it.
    public override var extraRepr: String {
        "negative_slope=\(negativeSlope)" + (inplace ? ", " + inplaceRepr(inplace) : "")
    }
}

/// `1 / (1 + exp(-x))` elementwise (`nn.Sigmoid`).
public final class Sigmoid: Module {
    /// A sigmoid layer; it has no options.
    public override init() { super.init() }
    /// `1 / (1 + exp(-input))`, elementwise.
    public override func forward(_ input: Tensor) -> Tensor { input.sigmoid() }
}

/// Hyperbolic tangent elementwise (`nn.Tanh`).
public final class Tanh: Module {
    /// A tanh layer; it has no options.
    public override init() { super.init() }
    /// `tanh(input)`, elementwise.
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

    /// GELU of `input`, elementwise.
    public override func forward(_ input: Tensor) -> Tensor { input.gelu(approximate: approximate) }
    /// `approximate='none'` or `approximate='tanh'`, as PyTorch prints it.
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

    /// The softmax of `input` along `dim`.
    public override func forward(_ input: Tensor) -> Tensor { input.softmax(dim: dim) }
    /// `dim=1`, as PyTorch prints it.
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

    /// The log-softmax of `input` along `dim`.
    public override func forward(_ input: Tensor) -> Tensor { input.logSoftmax(dim: dim) }
    /// `dim=1`, as PyTorch prints it.
    public override var extraRepr: String { "dim=\(dim)" }
}
