/// Inverted dropout (`nn.Dropout`): in training mode each element is zeroed with
/// probability `p` and the survivors are scaled by `1 / (1 - p)`, so evaluation needs no
/// rescaling; in evaluation mode the input passes unchanged. The mask comes from the
/// default generator, so `manualSeed` makes it reproducible.
public final class Dropout: Module {
    /// The probability of zeroing each element; settable, as in PyTorch, to change a
    /// built model's dropout (kept within 0...1).
    public var p: Float {
        didSet { precondition(p >= 0 && p <= 1, "Dropout: dropout probability has to be between 0 and 1, but got \(p)") }
    }
    /// PyTorch's `inplace` flag, printed only; see `ReLU.inplace`.
    public let inplace: Bool

    /// A dropout layer zeroing elements with probability `p`.
    public init(p: Float = 0.5, inplace: Bool = false) {
        precondition(p >= 0 && p <= 1, "Dropout: dropout probability has to be between 0 and 1, but got \(p)")
        self.p = p
        self.inplace = inplace
        super.init()
    }

    /// In training mode, `input` times a fresh random mask of zeros and `1 / (1 - p)`;
    /// in evaluation mode (or with `p` 0), `input` itself.
    public override func forward(_ input: Tensor) -> Tensor {
        dropout(input, p: p, training: training)
    }

    /// A tensor of `shape` holding `1 / (1 - p)` with probability `1 - p` and 0 otherwise.
    /// Survivors carry the scale, so one multiplication applies mask and scaling and the
    /// gradient flows through the same mask.
    static func mask(_ shape: [Int], p: Float) -> Tensor {
        let mask = Tensor(uninitialized: shape)
        let keep = 1 - p, scale = p < 1 ? 1 / keep : 0
        let values = mask.floatPointer, count = mask.numel
        DefaultGenerator.with { g in
            for i in 0..<count { values[i] = g.nextFloat() < keep ? scale : 0 }
        }
        return mask
    }

    /// `p=0.5, inplace=False`, as PyTorch prints it.
    public override var extraRepr: String { "p=\(p), inplace=\(pythonBool(inplace))" }
}

/// `F.dropout`: in training, each element of `input` zeroed with probability `p` and the
/// survivors scaled by `1 / (1 - p)`; otherwise (or with `p` 0) `input` itself. For modules
/// that drop out without a `Dropout` child, as torchvision's `_DenseLayer` does.
public func dropout(_ input: Tensor, p: Float = 0.5, training: Bool = true) -> Tensor {
    precondition(p >= 0 && p <= 1, "dropout: dropout probability has to be between 0 and 1, but got \(p)")
    guard training, p > 0 else { return input }
    precondition(input.dtype == .float32, "Dropout: expected a float32 input, got \(input.dtype)")
    return input * Dropout.mask(input.shape, p: p)
}
