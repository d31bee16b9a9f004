/// Channel-wise dropout (`nn.Dropout2d`): in training mode each channel of `[N, C, H, W]`
/// input is zeroed as a whole with probability `p` and the others are scaled by
/// `1 / (1 - p)`; in evaluation mode the input passes unchanged. Neighbouring pixels of a
/// feature map are correlated, so dropping single ones regularises little.
///
/// As in PyTorch, 3-D input is treated as `[N, C, L]` (channel-wise 1-D dropout) with a
/// warning, and other ranks are deprecated but still drop along dimensions 0 and 1.
public final class Dropout2d: Module {
    /// The probability of zeroing each channel.
    public let p: Float

    /// A channel dropout with probability `p`.
    public init(p: Float = 0.5) {
        precondition(p >= 0 && p <= 1, "Dropout2d: dropout probability has to be between 0 and 1, but got \(p)")
        self.p = p
        super.init()
    }

    /// In training mode, `input` with whole channels zeroed at random and the others scaled by
    /// `1 / (1 - p)`; in evaluation mode, `input` itself. Warns, as PyTorch does, about input that
    /// is not 4-D.
    public override func forward(_ input: Tensor) -> Tensor {
        if input.ndim == 3 {
            UserWarning.emit(
                "dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout behavior is desired - "
                    + "input is interpreted as shape (N, C, L), where C is the channel dim. This behavior will change in a future "
                    + "release to interpret the input as one without a batch dimension, i.e. shape (C, H, W). To maintain the 1D "
                    + "channel-wise dropout behavior, please switch to using dropout1d instead.")
        } else if input.ndim != 4 {
            UserWarning.emit(
                "dropout2d: Received a \(input.ndim)-D input to dropout2d, which is deprecated and will result in an error in a "
                    + "future release. To retain the behavior and silence this warning, please use dropout instead. Note that "
                    + "dropout2d exists to provide channel-wise dropout on inputs with 2 spatial dimensions, a channel dimension, "
                    + "and an optional batch dimension (i.e. 3D or 4D inputs).")
        }
        guard training, p > 0 else { return input }
        precondition(input.ndim >= 2 && input.dtype == .float32,
                     "Dropout2d: expected a float32 input with at least 2 dimensions, got \(input.dtype) \(input.shape)")
        // One mask value per (sample, channel), broadcast over the remaining dimensions.
        let maskShape = Array(input.shape.prefix(2)) + Array(repeating: 1, count: input.ndim - 2)
        return input * Dropout.mask(maskShape, p: p)
    }

    /// `p=0.5, inplace=False`, as PyTorch prints it.
    public override var extraRepr: String { "p=\(p), inplace=False" }
}
