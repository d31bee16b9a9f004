/// How `Conv2d` pads its input (`padding_mode`): implicit zeros, or an explicit `pad`
/// with the matching `PadMode` before an unpadded convolution, as PyTorch does.
public enum PaddingMode: String, Sendable {
    /// Implicit zeros inside the convolution (the default).
    case zeros
    /// The mirror image of the input, excluding the edge.
    case reflect
    /// The edge value repeated.
    case replicate
    /// The input wrapped around.
    case circular
}

/// A 2-D convolution layer (`nn.Conv2d`) on `[N, C_in, H, W]` or `[C_in, H, W]` input; see
/// `conv2d(_:weight:bias:stride:padding:dilation:groups:)`. Each output size is
/// `(W - F + 2P) / S + 1` for input size W, kernel F (dilated: `D (F - 1) + 1`), padding P
/// and stride S, rounded down.
///
/// `weight` is `[outChannels, inChannels / groups, kH, kW]` and `bias` `[outChannels]`,
/// PyTorch's layout and state-dict keys, initialised as PyTorch does.
open class Conv2d: Module {
    /// Channels of the input.
    public let inChannels: Int
    /// Channels of the output (the number of filters).
    public let outChannels: Int
    /// The filter size (height, width).
    public let kernelSize: IntPair
    /// The step between filter positions.
    public let stride: IntPair
    /// Explicit sizes, `.same` or `.valid`.
    public let padding: ConvPadding
    /// The spacing between filter taps.
    public let dilation: IntPair
    /// Independent channel groups; `groups == inChannels` is a depthwise convolution.
    public let groups: Int
    /// How the padding is filled.
    public let paddingMode: PaddingMode
    /// `[outChannels, inChannels / groups, kH, kW]`.
    @Parameter public var weight: Tensor
    /// `[outChannels]`, nil when created with `bias: false`.
    @Parameter public var bias: Tensor?

    /// A convolution with PyTorch's arguments and defaults: `kernelSize: 3`,
    /// `kernelSize: [3, 5]`, `padding: 1`, `padding: .same`, ...
    public init(
        _ inChannels: Int, _ outChannels: Int, kernelSize: IntPair, stride: IntPair = 1, padding: ConvPadding = 0,
        dilation: IntPair = 1, groups: Int = 1, bias: Bool = true, paddingMode: PaddingMode = .zeros
    ) {
        checkConvLayer("Conv2d", inChannels, outChannels, groups: groups)
        precondition(padding != .same || (stride.height == 1 && stride.width == 1),
                     "Conv2d: padding='same' is not supported for strided convolutions")
        (self.inChannels, self.outChannels, self.kernelSize, self.stride) = (inChannels, outChannels, kernelSize, stride)
        (self.padding, self.dilation, self.groups, self.paddingMode) = (padding, dilation, groups, paddingMode)
        (weight, self.bias) = convParameters([outChannels, inChannels / groups, kernelSize.height, kernelSize.width],
                                             biasCount: bias ? outChannels : nil)
        super.init()
    }

    /// The convolution of `input`; a `paddingMode` other than `.zeros` pads `input` explicitly first.
    open override func forward(_ input: Tensor) -> Tensor {
        guard let mode = PadMode(rawValue: paddingMode.rawValue) else {
            return convolution2d("Conv2d", input, weight: weight, bias: bias, stride: stride, padding: padding,
                                 dilation: dilation, groups: groups)
        }
        let padded = pad(input, padding.sides(kernelSize: kernelSize, dilation: dilation), mode: mode)
        return convolution2d("Conv2d", padded, weight: weight, bias: bias, stride: stride, padding: 0,
                             dilation: dilation, groups: groups)
    }

    /// The settings as PyTorch prints them: `1, 32, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1)`.
    open override var extraRepr: String {
        convRepr(inChannels, outChannels, kernelSize: kernelSize, stride: stride,
                 padding: padding == .explicit(0) || padding == [0, 0] ? nil : padding.description, dilation: dilation, outputPadding: 0,
                 groups: groups, bias: bias != nil, paddingMode: paddingMode)
    }
}

/// A 2-D transposed convolution layer (`nn.ConvTranspose2d`), the adjoint of `Conv2d`; see
/// `convTranspose2d(_:weight:bias:stride:padding:outputPadding:groups:dilation:)`. Output
/// size `(H - 1) S - 2P + D (F - 1) + outputPadding + 1`.
///
/// `weight` is `[inChannels, outChannels / groups, kH, kW]` and `bias` `[outChannels]`.
open class ConvTranspose2d: Module {
    /// Channels of the input.
    public let inChannels: Int
    /// Channels of the output.
    public let outChannels: Int
    /// The filter size (height, width).
    public let kernelSize: IntPair
    /// The step between filter positions in the output (the upsampling factor).
    public let stride: IntPair
    /// Removed from each side of the full output: `dilation * (kernelSize - 1) - padding`
    /// zeros pad the input of the equivalent direct convolution.
    public let padding: IntPair
    /// Extra rows/columns on the bottom/right, smaller than the stride or the dilation.
    public let outputPadding: IntPair
    /// Independent channel groups.
    public let groups: Int
    /// The spacing between filter taps.
    public let dilation: IntPair
    /// `[inChannels, outChannels / groups, kH, kW]`.
    @Parameter public var weight: Tensor
    /// `[outChannels]`, nil when created with `bias: false`.
    @Parameter public var bias: Tensor?

    /// A transposed convolution with PyTorch's arguments and defaults.
    public init(
        _ inChannels: Int, _ outChannels: Int, kernelSize: IntPair, stride: IntPair = 1, padding: IntPair = 0,
        outputPadding: IntPair = 0, groups: Int = 1, bias: Bool = true, dilation: IntPair = 1
    ) {
        checkConvLayer("ConvTranspose2d", inChannels, outChannels, groups: groups)
        (self.inChannels, self.outChannels, self.kernelSize, self.stride) = (inChannels, outChannels, kernelSize, stride)
        (self.padding, self.outputPadding, self.groups, self.dilation) = (padding, outputPadding, groups, dilation)
        (weight, self.bias) = convParameters([inChannels, outChannels / groups, kernelSize.height, kernelSize.width],
                                             biasCount: bias ? outChannels : nil)
        super.init()
    }

    /// The transposed convolution of `input`.
    open override func forward(_ input: Tensor) -> Tensor {
        convolutionTranspose2d("ConvTranspose2d", input, weight: weight, bias: bias, stride: stride, padding: padding,
                               outputPadding: outputPadding, groups: groups, dilation: dilation)
    }

    /// The settings as PyTorch prints them: `128, 64, kernel_size=(4, 4), stride=(2, 2), padding=(1, 1)`.
    open override var extraRepr: String {
        convRepr(inChannels, outChannels, kernelSize: kernelSize, stride: stride,
                 padding: padding.height == 0 && padding.width == 0 ? nil : padding.pairDescription,
                 dilation: dilation, outputPadding: outputPadding, groups: groups, bias: bias != nil, paddingMode: .zeros)
    }
}

/// `_ConvNd.__init__`'s checks on channel counts and groups.
private func checkConvLayer(_ name: String, _ inChannels: Int, _ outChannels: Int, groups: Int) {
    precondition(inChannels >= 0 && outChannels >= 0, "\(name): channel counts must be non-negative, got \(inChannels) and \(outChannels)")
    precondition(groups > 0, "\(name): groups must be a positive integer, got \(groups)")
    precondition(inChannels % groups == 0, "\(name): in_channels must be divisible by groups (in_channels=\(inChannels), groups=\(groups))")
    precondition(outChannels % groups == 0, "\(name): out_channels must be divisible by groups (out_channels=\(outChannels), groups=\(groups))")
}

/// PyTorch's `_ConvNd.reset_parameters`: Kaiming-uniform (`a = √5`) weight and bias
/// `U(-1/√fanIn, 1/√fanIn)`, fan-in from weight dimension 1 times the kernel area.
/// `biasCount` is the output channel count, nil without bias.
private func convParameters(_ weightShape: [Int], biasCount: Int?) -> (Tensor, Tensor?) {
    let weight = Tensor.empty(weightShape)
    Init.kaimingUniform(weight, a: Float(5).squareRoot())
    guard let biasCount else { return (weight, nil) }
    let fanIn = Init.fans(weight).fanIn
    let bound = fanIn > 0 ? 1 / Float(fanIn).squareRoot() : 0
    return (weight, Init.uniform(Tensor.empty([biasCount]), low: -bound, high: bound))
}

/// `_ConvNd.extra_repr`: sizes as pairs, settings left at their defaults omitted; `padding`
/// is nil when zero.
private func convRepr(
    _ inChannels: Int, _ outChannels: Int, kernelSize: IntPair, stride: IntPair, padding: String?,
    dilation: IntPair, outputPadding: IntPair, groups: Int, bias: Bool, paddingMode: PaddingMode
) -> String {
    var s = "\(inChannels), \(outChannels), kernel_size=\(kernelSize.pairDescription), stride=\(stride.pairDescription)"
    if let padding { s += ", padding=\(padding)" }
    if dilation.height != 1 || dilation.width != 1 { s += ", dilation=\(dilation.pairDescription)" }
    if outputPadding.height != 0 || outputPadding.width != 0 { s += ", output_padding=\(outputPadding.pairDescription)" }
    if groups != 1 { s += ", groups=\(groups)" }
    if !bias { s += ", bias=False" }
    if paddingMode != .zeros { s += ", padding_mode=\(paddingMode.rawValue)" }
    return s
}
