import Ember

/// torchvision's DenseNet-BC (`torchvision.models.densenet`): DenseNet-121/161/169/201 with
/// torchvision's module tree, state-dict keys and initialisation, so its checkpoints load
/// with `strict: true` (current key names, `denselayer1.norm1.weight`; torchvision renames
/// the old `norm.1` keys of its own download files before loading them).
///
/// torchvision's `memory_efficient` (gradient checkpointing of each layer's bottleneck)
/// is not offered: it trades compute for memory and gives the same results, so every
/// Ember DenseNet computes as `memory_efficient=False` does.
///
/// ```swift
/// let model = densenet121()
/// model.classifier = Linear(model.classifier.inFeatures, 2)
/// ```
public final class DenseNet: Module {
    /// The stem (`conv0`, `norm0`, `relu0`, `pool0`), then `denseblock1`, `transition1`, ...,
    /// the last dense block and `norm5`.
    public var features: Sequential
    /// The classifier, final feature width → `numClasses`.
    public var classifier: Linear

    /// A DenseNet-BC, torchvision's `DenseNet`.
    /// - Parameters:
    ///   - growthRate: the channels each dense layer adds (`k` in the paper).
    ///   - blockConfig: the number of layers in each dense block; a transition halving the
    ///     width and the resolution follows every block but the last.
    ///   - numInitFeatures: the stem convolution's output channels.
    ///   - bnSize: the bottleneck's width as a multiple of `growthRate`.
    ///   - dropRate: dropout after each dense layer, in training mode.
    ///   - numClasses: the classifier's outputs.
    public init(growthRate: Int = 32, blockConfig: [Int] = [6, 12, 24, 16], numInitFeatures: Int = 64,
                bnSize: Int = 4, dropRate: Float = 0, numClasses: Int = 1000) {
        features = Sequential([
            "conv0": Conv2d(3, numInitFeatures, kernelSize: 7, stride: 2, padding: 3, bias: false),
            "norm0": BatchNorm2d(numInitFeatures),
            "relu0": ReLU(inplace: true),
            "pool0": MaxPool2d(kernelSize: 3, stride: 2, padding: 1),
        ])
        var width = numInitFeatures
        for (i, layers) in blockConfig.enumerated() {
            features.addModule("denseblock\(i + 1)", DenseBlock(numLayers: layers, numInputFeatures: width, bnSize: bnSize,
                                                                growthRate: growthRate, dropRate: dropRate))
            width += layers * growthRate
            if i != blockConfig.count - 1 {
                features.addModule("transition\(i + 1)", DenseTransition(numInputFeatures: width, numOutputFeatures: width / 2))
                width /= 2
            }
        }
        features.addModule("norm5", BatchNorm2d(width))
        classifier = Linear(width, numClasses)
        super.init()
        initialiseAsTorchvision()
    }

    /// The class logits of images `[N, 3, H, W]`.
    public override func forward(_ x: Tensor) -> Tensor {
        // The last batch norm has no ReLU module after it; torchvision applies one here.
        let pooled = adaptiveAvgPool2d(features(x).relu(), outputSize: IntPair(1, 1))
        return classifier(pooled.flatten(startDim: 1))
    }

    /// torchvision's "official init from torch repo": convolutions He-normal (fan-in,
    /// gain √2), batch norms weight 1 and bias 0, the classifier's bias 0 (its weight keeps
    /// `Linear`'s default).
    private func initialiseAsTorchvision() {
        initialiseWeights(of: self, conv: { Init.kaimingNormal($0.weight) }, linear: { linear in
            if let bias = linear.bias { Init.zeros(bias) }
        })
    }
}

/// One dense layer (torchvision's `_DenseLayer`): batch norm, ReLU and a 1×1 bottleneck
/// convolution over the concatenation of every earlier feature map of its block, then
/// batch norm, ReLU and a 3×3 convolution giving `growthRate` new channels.
public final class DenseLayer: Module {
    public var norm1: BatchNorm2d
    public var relu1 = ReLU(inplace: true)
    /// The 1×1 bottleneck, to `bnSize × growthRate` channels.
    public var conv1: Conv2d
    public var norm2: BatchNorm2d
    public var relu2 = ReLU(inplace: true)
    /// The 3×3 convolution, to `growthRate` channels.
    public var conv2: Conv2d
    /// The dropout probability of the new features in training (functional, not a child,
    /// as in torchvision).
    public let dropRate: Float

    /// A layer reading `numInputFeatures` channels.
    public init(numInputFeatures: Int, growthRate: Int, bnSize: Int, dropRate: Float) {
        norm1 = BatchNorm2d(numInputFeatures)
        conv1 = Conv2d(numInputFeatures, bnSize * growthRate, kernelSize: 1, stride: 1, bias: false)
        norm2 = BatchNorm2d(bnSize * growthRate)
        conv2 = Conv2d(bnSize * growthRate, growthRate, kernelSize: 3, stride: 1, padding: 1, bias: false)
        self.dropRate = dropRate
        super.init()
    }

    public override var typeName: String { "_DenseLayer" }

    /// The new features computed from the block's feature maps so far, concatenated along
    /// the channels. (torchvision's layer takes the list and concatenates it first; the
    /// block here passes the concatenation, so the call runs forward hooks as usual.)
    public override func forward(_ x: Tensor) -> Tensor {
        let new = conv2(norm2(conv1(norm1(x, then: relu1)), then: relu2))
        return dropout(new, p: dropRate, training: training)
    }
}

/// A dense block (torchvision's `_DenseBlock`, an `nn.ModuleDict`): children
/// `denselayer1`, `denselayer2`, ..., each fed every feature map before it; the output is
/// the input and all the new features, concatenated.
public final class DenseBlock: Module {
    /// A block of `numLayers` layers on `numInputFeatures` channels, giving
    /// `numInputFeatures + numLayers × growthRate`.
    public init(numLayers: Int, numInputFeatures: Int, bnSize: Int, growthRate: Int, dropRate: Float) {
        super.init()
        for i in 0..<numLayers {
            addModule("denselayer\(i + 1)", DenseLayer(numInputFeatures: numInputFeatures + i * growthRate,
                                                       growthRate: growthRate, bnSize: bnSize, dropRate: dropRate))
        }
    }

    public override var typeName: String { "_DenseBlock" }

    /// The dense layers in order (`denselayer1`, ...).
    public var layers: [Module] { children() }

    /// The input and every layer's new features, each layer reading all those before it.
    public override func forward(_ x: Tensor) -> Tensor {
        var features = [x]
        for layer in children() { features.append(layer(Tensor.cat(features, dim: 1))) }
        return Tensor.cat(features, dim: 1)
    }
}

/// Between dense blocks (torchvision's `_Transition`, an `nn.Sequential`): batch norm,
/// ReLU, a 1×1 convolution narrowing the width and a 2×2 average pool halving the resolution.
public final class DenseTransition: Sequential {
    /// A transition from `numInputFeatures` to `numOutputFeatures` channels.
    public init(numInputFeatures: Int, numOutputFeatures: Int) {
        super.init()
        addModule("norm", BatchNorm2d(numInputFeatures))
        addModule("relu", ReLU(inplace: true))
        addModule("conv", Conv2d(numInputFeatures, numOutputFeatures, kernelSize: 1, stride: 1, bias: false))
        addModule("pool", AvgPool2d(kernelSize: 2, stride: 2))
    }

    public override var typeName: String { "_Transition" }
}

/// DenseNet-121 (`torchvision.models.densenet121`): growth 32, blocks 6-12-24-16, stem 64.
public func densenet121(numClasses: Int = 1000, dropRate: Float = 0) -> DenseNet {
    DenseNet(growthRate: 32, blockConfig: [6, 12, 24, 16], numInitFeatures: 64, dropRate: dropRate, numClasses: numClasses)
}

/// DenseNet-161 (`torchvision.models.densenet161`): growth 48, blocks 6-12-36-24, stem 96.
public func densenet161(numClasses: Int = 1000, dropRate: Float = 0) -> DenseNet {
    DenseNet(growthRate: 48, blockConfig: [6, 12, 36, 24], numInitFeatures: 96, dropRate: dropRate, numClasses: numClasses)
}

/// DenseNet-169 (`torchvision.models.densenet169`): growth 32, blocks 6-12-32-32, stem 64.
public func densenet169(numClasses: Int = 1000, dropRate: Float = 0) -> DenseNet {
    DenseNet(growthRate: 32, blockConfig: [6, 12, 32, 32], numInitFeatures: 64, dropRate: dropRate, numClasses: numClasses)
}

/// DenseNet-201 (`torchvision.models.densenet201`): growth 32, blocks 6-12-48-32, stem 64.
public func densenet201(numClasses: Int = 1000, dropRate: Float = 0) -> DenseNet {
    DenseNet(growthRate: 32, blockConfig: [6, 12, 48, 32], numInitFeatures: 64, dropRate: dropRate, numClasses: numClasses)
}

extension DenseNet {
    /// torchvision's published DenseNet checkpoints predate its module names: their dense
    /// layers say `norm.1`, `conv.2`, … where the model has `norm1`, `conv2`. This renames
    /// such keys as torchvision's `_load_state_dict` does and leaves every other key alone.
    @Sendable public static func renamingLegacyKeys(_ stateDict: [String: Tensor]) -> [String: Tensor] {
        let legacy = /^(.*denselayer\d+\.(?:norm|relu|conv))\.([12]\.(?:weight|bias|running_mean|running_var))$/
        var renamed: [String: Tensor] = [:]
        for (key, value) in stateDict {
            if let match = key.wholeMatch(of: legacy) {
                renamed[String(match.1) + String(match.2)] = value
            } else {
                renamed[key] = value
            }
        }
        return renamed
    }
}

extension ModelZoo {
    static let denseNetFamily: [Entry] = [
        Entry("densenet121", adaptStateDict: DenseNet.renamingLegacyKeys) { densenet121(numClasses: $0) },
        Entry("densenet161", adaptStateDict: DenseNet.renamingLegacyKeys) { densenet161(numClasses: $0) },
        Entry("densenet169", adaptStateDict: DenseNet.renamingLegacyKeys) { densenet169(numClasses: $0) },
        Entry("densenet201", adaptStateDict: DenseNet.renamingLegacyKeys) { densenet201(numClasses: $0) },
    ]
}
