/// A fully connected layer, `y = x W^T + b` (`nn.Linear`), on input `[..., inFeatures]`.
///
/// `weight` is `[outFeatures, inFeatures]` and `bias` `[outFeatures]`, PyTorch's layout, so
/// checkpoints load unchanged. Both start as PyTorch's do: `U(-1/√in, 1/√in)` (the weight
/// through Kaiming-uniform with `a = √5`).
open class Linear: Module {
    /// The size of each input row.
    public let inFeatures: Int
    /// The size of each output row.
    public let outFeatures: Int
    /// `[outFeatures, inFeatures]`.
    @Parameter public var weight: Tensor
    /// `[outFeatures]`, nil when created with `bias: false`.
    @Parameter public var bias: Tensor?

    /// A layer mapping `inFeatures` to `outFeatures`, with a bias unless `bias` is false.
    public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true) {
        precondition(inFeatures >= 0 && outFeatures >= 0, "Linear: feature counts must be non-negative, got \(inFeatures) and \(outFeatures)")
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        let weight = Tensor.empty([outFeatures, inFeatures])
        Init.kaimingUniform(weight, a: Float(5).squareRoot())
        self.weight = weight
        if bias {
            let bound = inFeatures > 0 ? 1 / Float(inFeatures).squareRoot() : 0
            self.bias = Init.uniform(Tensor.empty([outFeatures]), low: -bound, high: bound)
        } else {
            self.bias = nil
        }
        super.init()
    }

    /// `input @ weight^T + bias` over the last dimension; see `linear(_:weight:bias:)`.
    open override func forward(_ input: Tensor) -> Tensor {
        linear(input, weight: weight, bias: bias)
    }

    /// `in_features=784, out_features=300, bias=True`, as PyTorch prints it.
    open override var extraRepr: String {
        "in_features=\(inFeatures), out_features=\(outFeatures), bias=\(pythonBool(bias != nil))"
    }
}
