/// Batch normalisation of `[N, C, H, W]` feature maps over each channel's N*H*W values
/// (`nn.BatchNorm2d`); arguments, state and modes as `BatchNorm`.
open class BatchNorm2d: BatchNorm {
    /// Requires 4-D input, `[N, C, H, W]`.
    open override func checkInput(_ input: Tensor) {
        precondition(input.ndim == 4, "BatchNorm2d: expected 4D input (got \(input.ndim)D input)")
    }
}
