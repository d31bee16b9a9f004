import Ember

/// torchvision's MobileNet V2 (`torchvision.models.mobilenetv2`): inverted residual blocks
/// with linear bottlenecks, with torchvision's module tree, state-dict keys and
/// initialisation, so its checkpoints load with `strict: true`.
///
/// ```swift
/// let model = mobilenetV2(numClasses: 10)
/// ```
public final class MobileNetV2: Module {
    /// The channels entering the classifier (1280 at width 1 or less).
    public let lastChannel: Int
    /// The stem, the inverted residual blocks and the last 1×1 `Conv2dNormActivation`.
    public var features: Sequential
    /// Dropout, then the linear layer to `numClasses`.
    public var classifier: Sequential

    /// torchvision's default `(t, c, n, s)` rows: expansion factor, output channels,
    /// number of blocks and the first block's stride.
    public static let defaultInvertedResidualSetting = [
        [1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 3, 2], [6, 64, 4, 2], [6, 96, 3, 1], [6, 160, 3, 2], [6, 320, 1, 1],
    ]

    /// A MobileNet V2, torchvision's `MobileNetV2`.
    /// - Parameters:
    ///   - numClasses: the classifier's outputs.
    ///   - widthMult: scales every layer's channels (rounded to multiples of `roundNearest`).
    ///   - invertedResidualSetting: the `(t, c, n, s)` rows of the blocks; nil for torchvision's.
    ///   - roundNearest: channel counts are multiples of this; 1 turns rounding off.
    ///   - normLayer: builds the normalisation over a number of channels; nil for `BatchNorm2d`.
    ///   - dropout: the dropout probability before the classifier.
    public init(numClasses: Int = 1000, widthMult: Double = 1.0, invertedResidualSetting: [[Int]]? = nil,
                roundNearest: Int = 8, normLayer: ((_ channels: Int) -> Module)? = nil, dropout: Float = 0.2) {
        let setting = invertedResidualSetting ?? Self.defaultInvertedResidualSetting
        precondition(!setting.isEmpty && setting[0].count == 4,
                     "inverted_residual_setting should be non-empty or a 4-element list, got \(setting)")
        let normLayer = normLayer ?? { BatchNorm2d($0) }
        var inputChannel = makeDivisible(32 * widthMult, roundNearest)
        let lastChannel = makeDivisible(1280 * max(1.0, widthMult), roundNearest)
        self.lastChannel = lastChannel
        features = Sequential()
        features.append(Conv2dNormActivation(3, inputChannel, stride: 2, normLayer: normLayer, activationLayer: relu6Layer))
        for row in setting {
            let (t, c, n, s) = (row[0], row[1], row[2], row[3])
            let outputChannel = makeDivisible(Double(c) * widthMult, roundNearest)
            for i in 0..<n {
                features.append(MobileNetV2InvertedResidual(inputChannel, outputChannel, stride: i == 0 ? s : 1,
                                                            expandRatio: t, normLayer: normLayer))
                inputChannel = outputChannel
            }
        }
        features.append(Conv2dNormActivation(inputChannel, lastChannel, kernelSize: 1, normLayer: normLayer,
                                             activationLayer: relu6Layer))
        classifier = Sequential { Dropout(p: dropout); Linear(lastChannel, numClasses) }
        super.init()
        // He-normal (fan-out) convolutions, unit batch norms, small normal linear weights.
        // torchvision leaves kaiming_normal_'s default nonlinearity (leaky ReLU, slope 0) here.
        initialiseWeights(of: self, conv: { heNormalFanOut($0, nonlinearity: .leakyRelu) }, linear: { linear in
            Init.normal(linear.weight, mean: 0, std: 0.01)
            if let bias = linear.bias { Init.zeros(bias) }
        })
    }

    /// The class logits of images `[N, 3, H, W]`.
    public override func forward(_ x: Tensor) -> Tensor {
        // Pooled to 1×1 rather than squeezed, so a batch of one keeps its batch dimension.
        let pooled = adaptiveAvgPool2d(features(x), outputSize: IntPair(1, 1))
        return classifier(pooled.flatten(startDim: 1))
    }
}

/// MobileNet V2's block (torchvision's `mobilenetv2.InvertedResidual`, printed under that
/// name): a 1×1 expansion by `expandRatio` (skipped at 1), a depthwise 3×3 and a linear
/// 1×1 projection, added to the input where the shape allows.
public final class MobileNetV2InvertedResidual: Module {
    /// 1 or 2.
    public let stride: Int
    /// Whether the input is added to the output (stride 1, same channels).
    public let useResConnect: Bool
    /// The channels of the output.
    public let outChannels: Int
    /// The expansion, depthwise and projection layers.
    public var conv: Sequential

    /// A block from `inp` to `oup` channels, `inp × expandRatio` wide inside.
    public init(_ inp: Int, _ oup: Int, stride: Int, expandRatio: Int,
                normLayer: ((_ channels: Int) -> Module)? = nil) {
        precondition(stride == 1 || stride == 2, "stride should be 1 or 2 instead of \(stride)")
        let normLayer = normLayer ?? { BatchNorm2d($0) }
        let hiddenDim = inp * expandRatio
        self.stride = stride
        useResConnect = stride == 1 && inp == oup
        outChannels = oup
        conv = Sequential {
            if expandRatio != 1 {
                Conv2dNormActivation(inp, hiddenDim, kernelSize: 1, normLayer: normLayer, activationLayer: relu6Layer)
            }
            Conv2dNormActivation(hiddenDim, hiddenDim, stride: stride, groups: hiddenDim, normLayer: normLayer,
                                 activationLayer: relu6Layer)
            Conv2d(hiddenDim, oup, kernelSize: 1, bias: false)
            normLayer(oup)
        }
        super.init()
    }

    /// PyTorch's class name, `InvertedResidual`.
    public override var typeName: String { "InvertedResidual" }

    public override func forward(_ x: Tensor) -> Tensor {
        useResConnect ? x + conv(x) : conv(x)
    }
}

/// MobileNet V2 (`torchvision.models.mobilenet_v2`); see `MobileNetV2.init` for the arguments.
public func mobilenetV2(numClasses: Int = 1000, widthMult: Double = 1.0, invertedResidualSetting: [[Int]]? = nil,
                        roundNearest: Int = 8, normLayer: ((_ channels: Int) -> Module)? = nil,
                        dropout: Float = 0.2) -> MobileNetV2 {
    MobileNetV2(numClasses: numClasses, widthMult: widthMult, invertedResidualSetting: invertedResidualSetting,
                roundNearest: roundNearest, normLayer: normLayer, dropout: dropout)
}

extension ModelZoo {
    static let mobileNetV2Family: [Entry] = [
        Entry("mobilenet_v2") { mobilenetV2(numClasses: $0) },
    ]
}

/// MobileNet V2's activation, with the `inplace` flag `Conv2dNormActivation` passes.
private func relu6Layer(inplace: Bool) -> Module { ReLU6(inplace: inplace) }
