/// Interleaves the channels of `[N, C, *]` input across `groups` groups
/// (`torch.nn.functional.channel_shuffle`, ShuffleNet's shuffle): the channels, seen as a
/// `groups × C/groups` grid, are read out column by column, so the next grouped
/// convolution sees channels of every group. With 6 channels and 3 groups the order
/// becomes 0, 2, 4, 1, 3, 5.
///
/// It is a view, a transpose and a copy (`view`, `transpose`, `contiguous`), as
/// torchvision's `channel_shuffle`, and gradients flow through it.
public func channelShuffle(_ input: Tensor, groups: Int) -> Tensor {
    precondition(input.ndim > 2, "channel_shuffle expects input with > 2 dims, but got input with sizes \(input.shape)")
    precondition(groups > 0, "Number of groups to divide channels in must be positive. Value of groups:\(groups)")
    let shape = input.shape, channels = shape[1]
    precondition(channels % groups == 0,
                 "Number of channels must be divisible by groups. Got \(channels) channels and \(groups) groups.")
    let grouped = [shape[0], groups, channels / groups] + shape.dropFirst(2)
    return input.reshape(grouped).transpose(1, 2).contiguous().view(shape)
}

/// ShuffleNet's channel shuffle as a layer (`nn.ChannelShuffle`); see `channelShuffle(_:groups:)`.
public final class ChannelShuffle: Module {
    /// The number of groups the channels are divided into.
    public let groups: Int

    /// A shuffle of the channels across `groups` groups.
    public init(groups: Int) {
        self.groups = groups
        super.init()
    }

    /// `channelShuffle(input, groups: groups)`.
    public override func forward(_ input: Tensor) -> Tensor { channelShuffle(input, groups: groups) }
    /// `groups=3`, as PyTorch prints it.
    public override var extraRepr: String { "groups=\(groups)" }
}
