import Ember

/// A convolution without bias, a batch norm with `eps` 0.001 and a ReLU: the unit
/// torchvision's Inception v3 and GoogLeNet are built of (`BasicConv2d`; both define the
/// same class). The ReLU is functional, as in torchvision, so it is not a child.
public final class BasicConv2d: Module {
    /// The convolution, `bias: false`.
    public var conv: Conv2d
    /// The batch norm, `eps` 0.001.
    public var bn: BatchNorm2d

    /// A unit from `inChannels` to `outChannels` with `Conv2d`'s geometry arguments.
    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: IntPair, stride: IntPair = 1, padding: ConvPadding = 0) {
        conv = Conv2d(inChannels, outChannels, kernelSize: kernelSize, stride: stride, padding: padding, bias: false)
        bn = BatchNorm2d(outChannels, eps: 0.001)
        super.init()
    }

    public override func forward(_ x: Tensor) -> Tensor {
        bn(conv(x), then: .relu)
    }
}

/// torchvision's `transform_input` for Inception v3 and GoogLeNet with ImageNet weights:
/// re-normalises images normalised with ImageNet's mean and std to the `(x - 0.5) / 0.5`
/// the original Google weights expect, channel by channel.
func inceptionTransformInput(_ x: Tensor) -> Tensor {
    let channels = [(std: 0.229, mean: 0.485), (std: 0.224, mean: 0.456), (std: 0.225, mean: 0.406)]
    // Per channel as torchvision computes it (the constants as Python's doubles rounded
    // to float), so the result matches it to the bit.
    return Tensor.cat(channels.enumerated().map { c, stats in
        x.narrow(dim: 1, start: c, length: 1) * Float(stats.std / 0.5) + Float((stats.mean - 0.5) / 0.5)
    }, dim: 1)
}
