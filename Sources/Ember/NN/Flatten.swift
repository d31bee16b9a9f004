/// Flattens dimensions `startDim...endDim` into one (`nn.Flatten`); by default everything
/// but the batch dimension, turning `[N, C, H, W]` feature maps into `[N, C*H*W]` rows.
public final class Flatten: Module {
    /// The first dimension merged.
    public let startDim: Int
    /// The last dimension merged (negative counts from the end).
    public let endDim: Int

    /// A flatten of `startDim...endDim`.
    public init(startDim: Int = 1, endDim: Int = -1) {
        self.startDim = startDim
        self.endDim = endDim
        super.init()
    }

    /// `input.flatten(startDim: startDim, endDim: endDim)`.
    public override func forward(_ input: Tensor) -> Tensor { input.flatten(startDim: startDim, endDim: endDim) }
    /// `start_dim=1, end_dim=-1`, as PyTorch prints it.
    public override var extraRepr: String { "start_dim=\(startDim), end_dim=\(endDim)" }
}
