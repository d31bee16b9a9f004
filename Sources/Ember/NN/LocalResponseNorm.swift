/// Local response normalisation across channels (`nn.LocalResponseNorm`, AlexNet):
/// `b_c = a_c / (k + alpha / size * sum of a_c'^2 over the size channels around c)^beta`,
/// where the window holds channels `c - size/2 ... c + (size-1)/2` (zeros outside), and is
/// always divided by `size`, as PyTorch's avg_pool3d-based formula does.
public final class LocalResponseNorm: Module {
    /// The number of neighbouring channels summed over.
    public let size: Int
    /// The multiplicative factor.
    public let alpha: Float
    /// The exponent.
    public let beta: Float
    /// The additive factor.
    public let k: Float

    /// A normalisation over `size` channels with PyTorch's defaults.
    public init(size: Int, alpha: Float = 1e-4, beta: Float = 0.75, k: Float = 1) {
        precondition(size > 0, "LocalResponseNorm: size must be positive, got \(size)")
        self.size = size
        self.alpha = alpha
        self.beta = beta
        self.k = k
        super.init()
    }

    /// `input` (`[N, C, *]`) normalised across channels; see `localResponseNorm(_:size:alpha:beta:k:)`.
    public override func forward(_ input: Tensor) -> Tensor {
        localResponseNorm(input, size: size, alpha: alpha, beta: beta, k: k)
    }

    /// `5, alpha=0.0001, beta=0.75, k=1.0`, as PyTorch prints it.
    public override var extraRepr: String { "\(size), alpha=\(alpha), beta=\(beta), k=\(k)" }
}

/// `F.local_response_norm` for input of shape `[N, C, *]`; see `LocalResponseNorm`.
public func localResponseNorm(_ input: Tensor, size: Int, alpha: Float = 1e-4, beta: Float = 0.75, k: Float = 1) -> Tensor {
    precondition(input.ndim >= 3, "local_response_norm: Expected 3D or higher dimensionality input (got \(input.ndim) dimensions)")
    let (n, c) = (input.shape[0], input.shape[1])
    guard input.numel > 0 else { return input }
    // The channel-window mean of squares is an average pool over [N, 1, C, rest] with a
    // (size, 1) kernel and size/2 zero padding; for even sizes it yields one extra row,
    // which is dropped, leaving PyTorch's asymmetric (size/2, (size-1)/2) window.
    let squares = (input * input).reshape([n, 1, c, -1])
    let mean = avgPool2d(squares, kernelSize: [size, 1], stride: 1, padding: [size / 2, 0])
        .narrow(dim: 2, start: 0, length: c)
    let divisor = (mean * alpha + k).pow(beta)
    return input / divisor.reshape(input.shape)
}
