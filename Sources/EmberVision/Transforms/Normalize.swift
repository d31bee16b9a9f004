/// Normalises a tensor image `[..., C, H, W]` channel by channel:
/// `(value - mean[c]) / std[c]` (`transforms.Normalize`). One mean and std apply to every
/// channel. Works on single images `[C, H, W]` and on batches `[B, C, H, W]` alike.
public struct Normalize: Transform {
    /// Per-channel means.
    public let mean: [Float]
    /// Per-channel standard deviations.
    public let std: [Float]

    /// `Normalize(mean: [0.1307], std: [0.3081])`.
    public init(mean: [Float], std: [Float]) {
        precondition(!mean.isEmpty && mean.count == std.count,
                     "Normalize: mean and std need the same non-zero count, got \(mean.count) and \(std.count)")
        precondition(!std.contains(0), "Normalize: std evaluated to zero, leading to division by zero (std = \(std))")
        self.mean = mean
        self.std = std
    }

    /// The normalised tensor.
    public func callAsFunction(_ tensor: Tensor) -> Tensor {
        precondition(tensor.ndim >= 3, "Normalize: expected a tensor image of size (..., C, H, W), got \(tensor.shape)")
        let channels = tensor.shape[tensor.ndim - 3]
        precondition(mean.count == 1 || mean.count == channels,
                     "Normalize: \(mean.count) means for a tensor with \(channels) channels (shape \(tensor.shape))")
        let shape = [mean.count, 1, 1]
        return (tensor - Tensor(shape: shape, scalars: mean)) / Tensor(shape: shape, scalars: std)
    }

    /// `value / std - mean / std`.
    public var channelAffine: ChannelAffine? {
        ChannelAffine(scale: std.map { 1 / $0 }, shift: zip(mean, std).map { -$0 / $1 })
    }
}
