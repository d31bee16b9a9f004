import Ember

/// torchvision's ShuffleNet V2 (`torchvision.models.shufflenetv2`): stages of blocks that
/// split the channels, transform one half and shuffle the halves together again, with
/// torchvision's module tree and state-dict keys, so its checkpoints load with `strict: true`.
///
/// ```swift
/// let model = shufflenetV2X1_0(numClasses: 10)
/// ```
public final class ShuffleNetV2: Module {
    /// The output channels of the stem, the three stages and the last 1×1 convolution.
    public let stageOutChannels: [Int]
    /// The stem: 3×3 stride-2 convolution, batch norm, ReLU.
    public var conv1: Sequential
    /// The stem's 3×3 stride-2 max pool.
    public var maxpool = MaxPool2d(kernelSize: 3, stride: 2, padding: 1)
    /// The three stages; each starts with a stride-2 block.
    public var stage2, stage3, stage4: Sequential
    /// The 1×1 convolution, batch norm and ReLU before global pooling.
    public var conv5: Sequential
    /// The classifier.
    public var fc: Linear

    /// A ShuffleNet V2 with `stagesRepeats[i]` blocks in stage `i + 2` and
    /// `stagesOutChannels` channels after the stem, each stage and `conv5`, torchvision's
    /// `ShuffleNetV2`. Layers keep PyTorch's default initialisation, as torchvision's do.
    public init(stagesRepeats: [Int], stagesOutChannels: [Int], numClasses: Int = 1000) {
        precondition(stagesRepeats.count == 3, "ShuffleNetV2: expected stages_repeats as list of 3 positive ints, got \(stagesRepeats)")
        precondition(stagesOutChannels.count == 5, "ShuffleNetV2: expected stages_out_channels as list of 5 positive ints, got \(stagesOutChannels)")
        stageOutChannels = stagesOutChannels
        var inputChannels = stagesOutChannels[0]
        conv1 = Sequential {
            Conv2d(3, inputChannels, kernelSize: 3, stride: 2, padding: 1, bias: false)
            BatchNorm2d(inputChannels)
            ReLU(inplace: true)
        }
        var stages: [Sequential] = []
        for (repeats, outputChannels) in zip(stagesRepeats, stagesOutChannels[1...]) {
            let stage = Sequential()
            stage.append(ShuffleNetV2InvertedResidual(inputChannels, outputChannels, stride: 2))
            for _ in 0..<max(repeats - 1, 0) {
                stage.append(ShuffleNetV2InvertedResidual(outputChannels, outputChannels, stride: 1))
            }
            stages.append(stage)
            inputChannels = outputChannels
        }
        (stage2, stage3, stage4) = (stages[0], stages[1], stages[2])
        let outputChannels = stagesOutChannels[4]
        conv5 = Sequential {
            Conv2d(inputChannels, outputChannels, kernelSize: 1, bias: false)
            BatchNorm2d(outputChannels)
            ReLU(inplace: true)
        }
        fc = Linear(outputChannels, numClasses)
        super.init()
    }

    /// The class logits of images `[N, 3, H, W]`.
    public override func forward(_ x: Tensor) -> Tensor {
        let y = conv5(stage4(stage3(stage2(maxpool(conv1(x))))))
        return fc(y.mean(dims: [2, 3]))  // global average pooling
    }
}

/// ShuffleNet V2's block (torchvision's `shufflenetv2.InvertedResidual`, printed under
/// that name). At stride 1 it splits the channels in two, passes one half through and
/// transforms the other (`branch2`); at stride 2 both branches see the whole input and
/// downsample it. The halves are concatenated and shuffled across 2 groups.
public final class ShuffleNetV2InvertedResidual: Module {
    /// 1 keeps the size (and needs `inp == oup`); 2 or 3 downsample.
    public let stride: Int
    /// Depthwise 3×3, batch norm, 1×1, batch norm, ReLU at stride > 1; empty at stride 1.
    public var branch1: Sequential
    /// 1×1, batch norm, ReLU, depthwise 3×3, batch norm, 1×1, batch norm, ReLU.
    public var branch2: Sequential

    /// A block from `inp` to `oup` channels, `oup / 2` per branch.
    public init(_ inp: Int, _ oup: Int, stride: Int) {
        precondition((1...3).contains(stride), "ShuffleNetV2 InvertedResidual: illegal stride value \(stride)")
        let branchFeatures = oup / 2
        precondition(stride != 1 || inp == branchFeatures << 1,
                     "Invalid combination of stride \(stride), inp \(inp) and oup \(oup) values. If stride == 1 then inp should be equal to oup // 2 << 1.")
        self.stride = stride
        func depthwise(_ channels: Int) -> Conv2d {
            Conv2d(channels, channels, kernelSize: 3, stride: IntPair(stride), padding: 1, groups: channels, bias: false)
        }
        branch1 = stride > 1
            ? Sequential {
                depthwise(inp)
                BatchNorm2d(inp)
                Conv2d(inp, branchFeatures, kernelSize: 1, bias: false)
                BatchNorm2d(branchFeatures)
                ReLU(inplace: true)
            }
            : Sequential()
        branch2 = Sequential {
            Conv2d(stride > 1 ? inp : branchFeatures, branchFeatures, kernelSize: 1, bias: false)
            BatchNorm2d(branchFeatures)
            ReLU(inplace: true)
            depthwise(branchFeatures)
            BatchNorm2d(branchFeatures)
            Conv2d(branchFeatures, branchFeatures, kernelSize: 1, bias: false)
            BatchNorm2d(branchFeatures)
            ReLU(inplace: true)
        }
        super.init()
    }

    /// PyTorch's class name, `InvertedResidual`.
    public override var typeName: String { "InvertedResidual" }

    public override func forward(_ x: Tensor) -> Tensor {
        let out: Tensor
        if stride == 1 {
            let halves = x.chunk(2, dim: 1)
            out = Tensor.cat([halves[0], branch2(halves[1])], dim: 1)
        } else {
            out = Tensor.cat([branch1(x), branch2(x)], dim: 1)
        }
        return channelShuffle(out, groups: 2)
    }
}

/// ShuffleNet V2 with 0.5× output channels (`torchvision.models.shufflenet_v2_x0_5`).
public func shufflenetV2X0_5(numClasses: Int = 1000) -> ShuffleNetV2 {
    ShuffleNetV2(stagesRepeats: [4, 8, 4], stagesOutChannels: [24, 48, 96, 192, 1024], numClasses: numClasses)
}

/// ShuffleNet V2 with 1.0× output channels (`torchvision.models.shufflenet_v2_x1_0`).
public func shufflenetV2X1_0(numClasses: Int = 1000) -> ShuffleNetV2 {
    ShuffleNetV2(stagesRepeats: [4, 8, 4], stagesOutChannels: [24, 116, 232, 464, 1024], numClasses: numClasses)
}

/// ShuffleNet V2 with 1.5× output channels (`torchvision.models.shufflenet_v2_x1_5`).
public func shufflenetV2X1_5(numClasses: Int = 1000) -> ShuffleNetV2 {
    ShuffleNetV2(stagesRepeats: [4, 8, 4], stagesOutChannels: [24, 176, 352, 704, 1024], numClasses: numClasses)
}

/// ShuffleNet V2 with 2.0× output channels (`torchvision.models.shufflenet_v2_x2_0`).
public func shufflenetV2X2_0(numClasses: Int = 1000) -> ShuffleNetV2 {
    ShuffleNetV2(stagesRepeats: [4, 8, 4], stagesOutChannels: [24, 244, 488, 976, 2048], numClasses: numClasses)
}

extension ModelZoo {
    static let shuffleNetV2Family: [Entry] = [
        Entry("shufflenet_v2_x0_5") { shufflenetV2X0_5(numClasses: $0) },
        Entry("shufflenet_v2_x1_0") { shufflenetV2X1_0(numClasses: $0) },
        Entry("shufflenet_v2_x1_5") { shufflenetV2X1_5(numClasses: $0) },
        Entry("shufflenet_v2_x2_0") { shufflenetV2X2_0(numClasses: $0) },
    ]
}
