import Ember

/// A convolution, a normalisation layer and an activation in a row
/// (`torchvision.ops.Conv2dNormActivation`), the building block of MobileNet V2 and its
/// successors. Like torchvision's, it is a `Sequential`: its layers are keyed `0`, `1`, `2`.
///
/// ```swift
/// let stem = Conv2dNormActivation(3, 32, stride: 2, activationLayer: { ReLU6(inplace: $0) })
/// ```
public final class Conv2dNormActivation: Sequential {
    /// The channels of the output.
    public let outChannels: Int

    /// The block from `inChannels` to `outChannels` channels, with torchvision's arguments
    /// and defaults.
    /// - Parameters:
    ///   - inChannels: the convolution's input channels.
    ///   - outChannels: its output channels.
    ///   - kernelSize: its square kernel's side.
    ///   - stride: its stride.
    ///   - groups: its groups (`inChannels` for a depthwise convolution).
    ///   - dilation: its dilation.
    ///   - padding: nil pads by `(kernelSize - 1) / 2 * dilation`, which keeps the size at stride 1.
    ///   - normLayer: builds the normalisation over `outChannels` channels; nil for none.
    ///   - activationLayer: builds the activation, given `inplace`; nil for none.
    ///   - inplace: the flag handed to `activationLayer` (printed by PyTorch's activations).
    ///   - bias: whether the convolution has a bias; nil gives it one only without `normLayer`.
    public init(
        _ inChannels: Int, _ outChannels: Int, kernelSize: Int = 3, stride: Int = 1, padding: Int? = nil,
        groups: Int = 1, normLayer: ((_ channels: Int) -> Module)? = { BatchNorm2d($0) },
        activationLayer: ((_ inplace: Bool) -> Module)? = { ReLU(inplace: $0) },
        dilation: Int = 1, inplace: Bool = true, bias: Bool? = nil
    ) {
        self.outChannels = outChannels
        let padding = padding ?? (kernelSize - 1) / 2 * dilation
        var layers: [Module] = [
            Conv2d(inChannels, outChannels, kernelSize: IntPair(kernelSize), stride: IntPair(stride),
                   padding: .explicit(IntPair(padding)), dilation: IntPair(dilation), groups: groups,
                   bias: bias ?? (normLayer == nil)),
        ]
        if let normLayer { layers.append(normLayer(outChannels)) }
        if let activationLayer { layers.append(activationLayer(inplace)) }
        super.init(layers)
    }
}

/// `v` rounded to the nearest multiple of `divisor`, at least `minValue` (default `divisor`)
/// and never more than 10% below `v` (torchvision's `_make_divisible`, from TensorFlow's
/// MobileNet): how width multipliers become channel counts.
func makeDivisible(_ v: Double, _ divisor: Int, minValue: Int? = nil) -> Int {
    var rounded = max(minValue ?? divisor, Int(v + Double(divisor) / 2) / divisor * divisor)
    if Double(rounded) < 0.9 * v { rounded += divisor }
    return rounded
}
