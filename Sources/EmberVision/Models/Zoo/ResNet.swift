import Ember

/// torchvision's ResNet family (`torchvision.models.resnet`): ResNet-18/34/50/101/152,
/// ResNeXt and Wide ResNet, with torchvision's module tree, state-dict keys and
/// initialisation, so its checkpoints load with `strict: true`.
///
/// ```swift
/// let model = resnet18()
/// model.fc = Linear(model.fc.inFeatures, 2)     // a new head, as in transfer learning
/// ```
public final class ResNet: Module {
    /// The residual block a ResNet is built of.
    public enum Block: Sendable {
        /// Two 3×3 convolutions (ResNet-18/34), expansion 1.
        case basic
        /// 1×1, 3×3 (grouped for ResNeXt), 1×1 convolutions (ResNet-50 and deeper), expansion 4.
        case bottleneck

        /// How many times wider a block's output is than its `planes`.
        public var expansion: Int { self == .basic ? 1 : 4 }
    }

    /// The stem's 7×7 stride-2 convolution, 3→64.
    public var conv1: Conv2d
    /// The stem's batch norm.
    public var bn1: BatchNorm2d
    /// The ReLU used by the stem.
    public var relu = ReLU(inplace: true)
    /// The stem's 3×3 stride-2 max pool.
    public var maxpool = MaxPool2d(kernelSize: 3, stride: 2, padding: 1)
    /// The four stages of blocks: 64, 128, 256 and 512 planes.
    public var layer1, layer2, layer3, layer4: Sequential
    /// Global average pooling to 1×1.
    public var avgpool = AdaptiveAvgPool2d(AdaptiveSize(1, 1))
    /// The classifier, `512 × expansion` → `numClasses`.
    public var fc: Linear

    /// A ResNet of `block`s with `layers[i]` blocks in stage `i`, torchvision's `ResNet`.
    /// - Parameters:
    ///   - block: the residual block of every stage.
    ///   - layers: the number of blocks in each of the four stages.
    ///   - numClasses: the classifier's outputs.
    ///   - groups: ResNeXt's cardinality (bottleneck only).
    ///   - widthPerGroup: the width of each group (bottleneck only; 128 for Wide ResNet).
    ///   - zeroInitResidual: start the last batch norm of every block at zero weight, so
    ///     each block starts as the identity.
    ///   - replaceStrideWithDilation: for stages 2–4, dilate instead of striding.
    public init(block: Block, layers: [Int], numClasses: Int = 1000, zeroInitResidual: Bool = false,
                groups: Int = 1, widthPerGroup: Int = 64, replaceStrideWithDilation: [Bool] = [false, false, false]) {
        precondition(layers.count == 4, "ResNet: layers should have 4 stage sizes, got \(layers)")
        precondition(replaceStrideWithDilation.count == 3,
                     "ResNet: replace_stride_with_dilation should be None or a 3-element tuple, got \(replaceStrideWithDilation)")
        conv1 = Conv2d(3, 64, kernelSize: 7, stride: 2, padding: 3, bias: false)
        bn1 = BatchNorm2d(64)
        var stages = StageBuilder(block: block, groups: groups, baseWidth: widthPerGroup)
        layer1 = stages.stage(planes: 64, blocks: layers[0])
        layer2 = stages.stage(planes: 128, blocks: layers[1], stride: 2, dilate: replaceStrideWithDilation[0])
        layer3 = stages.stage(planes: 256, blocks: layers[2], stride: 2, dilate: replaceStrideWithDilation[1])
        layer4 = stages.stage(planes: 512, blocks: layers[3], stride: 2, dilate: replaceStrideWithDilation[2])
        fc = Linear(512 * block.expansion, numClasses)
        super.init()
        initialiseAsTorchvision(zeroInitResidual: zeroInitResidual)
    }

    /// The class logits of images `[N, 3, H, W]`.
    public override func forward(_ x: Tensor) -> Tensor {
        var y = maxpool(bn1(conv1(x), then: relu))
        y = layer4(layer3(layer2(layer1(y))))
        return fc(avgpool(y).flatten(startDim: 1))
    }

    /// Convolutions He-normal (fan-out, ReLU), batch norms weight 1 and bias 0.
    private func initialiseAsTorchvision(zeroInitResidual: Bool) {
        initialiseWeights(of: self, conv: { heNormalFanOut($0) })
        guard zeroInitResidual else { return }
        _ = apply { module in
            if let block = module as? Bottleneck { Init.zeros(block.bn3.weight!) }
            if let block = module as? BasicBlock { Init.zeros(block.bn2.weight!) }
        }
    }

    /// `_make_layer`: the running input width and dilation across the four stages.
    private struct StageBuilder {
        let block: Block
        let groups: Int
        let baseWidth: Int
        var inplanes = 64
        var dilation = 1

        mutating func stage(planes: Int, blocks: Int, stride: Int = 1, dilate: Bool = false) -> Sequential {
            let previousDilation = dilation
            var stride = stride
            if dilate {
                dilation *= stride
                stride = 1
            }
            let outplanes = planes * block.expansion
            var downsample: Sequential?
            if stride != 1 || inplanes != outplanes {
                downsample = Sequential {
                    Conv2d(inplanes, outplanes, kernelSize: 1, stride: IntPair(stride), bias: false)
                    BatchNorm2d(outplanes)
                }
            }
            let stage = Sequential()
            stage.append(make(inplanes, planes, stride: stride, downsample: downsample, dilation: previousDilation))
            inplanes = outplanes
            for _ in 1..<max(blocks, 1) {
                stage.append(make(inplanes, planes, stride: 1, downsample: nil, dilation: dilation))
            }
            return stage
        }

        private func make(_ inplanes: Int, _ planes: Int, stride: Int, downsample: Sequential?, dilation: Int) -> Module {
            switch block {
            case .basic:
                precondition(groups == 1 && baseWidth == 64, "BasicBlock only supports groups=1 and base_width=64")
                precondition(dilation == 1, "Dilation > 1 not supported in BasicBlock")
                return BasicBlock(inplanes, planes, stride: stride, downsample: downsample)
            case .bottleneck:
                return Bottleneck(inplanes, planes, stride: stride, downsample: downsample, groups: groups,
                                  baseWidth: baseWidth, dilation: dilation)
            }
        }
    }
}

/// ResNet-18/34's block: two 3×3 convolutions with a skip connection (`BasicBlock`).
public final class BasicBlock: Module {
    public var conv1: Conv2d
    public var bn1: BatchNorm2d
    public var relu = ReLU(inplace: true)
    public var conv2: Conv2d
    public var bn2: BatchNorm2d
    /// The 1×1 projection of the skip path where the shape changes.
    public var downsample: Sequential?

    /// A block from `inplanes` to `planes` channels.
    public init(_ inplanes: Int, _ planes: Int, stride: Int = 1, downsample: Sequential? = nil) {
        conv1 = Conv2d(inplanes, planes, kernelSize: 3, stride: IntPair(stride), padding: 1, bias: false)
        bn1 = BatchNorm2d(planes)
        conv2 = Conv2d(planes, planes, kernelSize: 3, padding: 1, bias: false)
        bn2 = BatchNorm2d(planes)
        self.downsample = downsample
        super.init()
    }

    public override func forward(_ x: Tensor) -> Tensor {
        let out = bn2(conv2(bn1(conv1(x), then: relu)))
        return relu(out + (downsample?(x) ?? x))
    }
}

/// ResNet-50 and deeper's block: 1×1 reduce, 3×3 (grouped for ResNeXt), 1×1 expand by 4,
/// with a skip connection (`Bottleneck`, stride on the 3×3 as torchvision's V1.5).
public final class Bottleneck: Module {
    public var conv1: Conv2d
    public var bn1: BatchNorm2d
    public var conv2: Conv2d
    public var bn2: BatchNorm2d
    public var conv3: Conv2d
    public var bn3: BatchNorm2d
    public var relu = ReLU(inplace: true)
    /// The 1×1 projection of the skip path where the shape changes.
    public var downsample: Sequential?

    /// A block from `inplanes` to `planes × 4` channels, `planes × baseWidth / 64 × groups` wide inside.
    public init(_ inplanes: Int, _ planes: Int, stride: Int = 1, downsample: Sequential? = nil,
                groups: Int = 1, baseWidth: Int = 64, dilation: Int = 1) {
        let width = Int(Double(planes) * (Double(baseWidth) / 64)) * groups
        conv1 = Conv2d(inplanes, width, kernelSize: 1, bias: false)
        bn1 = BatchNorm2d(width)
        conv2 = Conv2d(width, width, kernelSize: 3, stride: IntPair(stride), padding: .explicit(IntPair(dilation)),
                       dilation: IntPair(dilation), groups: groups, bias: false)
        bn2 = BatchNorm2d(width)
        conv3 = Conv2d(width, planes * 4, kernelSize: 1, bias: false)
        bn3 = BatchNorm2d(planes * 4)
        self.downsample = downsample
        super.init()
    }

    public override func forward(_ x: Tensor) -> Tensor {
        var out = bn1(conv1(x), then: relu)
        out = bn2(conv2(out), then: relu)
        out = bn3(conv3(out))
        return relu(out + (downsample?(x) ?? x))
    }
}

/// ResNet-18 (`torchvision.models.resnet18`).
public func resnet18(numClasses: Int = 1000, zeroInitResidual: Bool = false) -> ResNet {
    ResNet(block: .basic, layers: [2, 2, 2, 2], numClasses: numClasses, zeroInitResidual: zeroInitResidual)
}

/// ResNet-34 (`torchvision.models.resnet34`).
public func resnet34(numClasses: Int = 1000, zeroInitResidual: Bool = false) -> ResNet {
    ResNet(block: .basic, layers: [3, 4, 6, 3], numClasses: numClasses, zeroInitResidual: zeroInitResidual)
}

/// ResNet-50 (`torchvision.models.resnet50`).
public func resnet50(numClasses: Int = 1000, zeroInitResidual: Bool = false) -> ResNet {
    ResNet(block: .bottleneck, layers: [3, 4, 6, 3], numClasses: numClasses, zeroInitResidual: zeroInitResidual)
}

/// ResNet-101 (`torchvision.models.resnet101`).
public func resnet101(numClasses: Int = 1000, zeroInitResidual: Bool = false) -> ResNet {
    ResNet(block: .bottleneck, layers: [3, 4, 23, 3], numClasses: numClasses, zeroInitResidual: zeroInitResidual)
}

/// ResNet-152 (`torchvision.models.resnet152`).
public func resnet152(numClasses: Int = 1000, zeroInitResidual: Bool = false) -> ResNet {
    ResNet(block: .bottleneck, layers: [3, 8, 36, 3], numClasses: numClasses, zeroInitResidual: zeroInitResidual)
}

/// ResNeXt-50 32×4d (`torchvision.models.resnext50_32x4d`).
public func resnext50_32x4d(numClasses: Int = 1000, zeroInitResidual: Bool = false) -> ResNet {
    ResNet(block: .bottleneck, layers: [3, 4, 6, 3], numClasses: numClasses, zeroInitResidual: zeroInitResidual,
           groups: 32, widthPerGroup: 4)
}

/// ResNeXt-101 32×8d (`torchvision.models.resnext101_32x8d`).
public func resnext101_32x8d(numClasses: Int = 1000, zeroInitResidual: Bool = false) -> ResNet {
    ResNet(block: .bottleneck, layers: [3, 4, 23, 3], numClasses: numClasses, zeroInitResidual: zeroInitResidual,
           groups: 32, widthPerGroup: 8)
}

/// ResNeXt-101 64×4d (`torchvision.models.resnext101_64x4d`).
public func resnext101_64x4d(numClasses: Int = 1000, zeroInitResidual: Bool = false) -> ResNet {
    ResNet(block: .bottleneck, layers: [3, 4, 23, 3], numClasses: numClasses, zeroInitResidual: zeroInitResidual,
           groups: 64, widthPerGroup: 4)
}

/// Wide ResNet-50-2 (`torchvision.models.wide_resnet50_2`): bottlenecks twice as wide inside.
public func wideResnet50_2(numClasses: Int = 1000, zeroInitResidual: Bool = false) -> ResNet {
    ResNet(block: .bottleneck, layers: [3, 4, 6, 3], numClasses: numClasses, zeroInitResidual: zeroInitResidual,
           widthPerGroup: 128)
}

/// Wide ResNet-101-2 (`torchvision.models.wide_resnet101_2`).
public func wideResnet101_2(numClasses: Int = 1000, zeroInitResidual: Bool = false) -> ResNet {
    ResNet(block: .bottleneck, layers: [3, 4, 23, 3], numClasses: numClasses, zeroInitResidual: zeroInitResidual,
           widthPerGroup: 128)
}

extension ModelZoo {
    static let resNetFamily: [Entry] = [
        Entry("resnet18") { resnet18(numClasses: $0) },
        Entry("resnet34") { resnet34(numClasses: $0) },
        Entry("resnet50") { resnet50(numClasses: $0) },
        Entry("resnet101") { resnet101(numClasses: $0) },
        Entry("resnet152") { resnet152(numClasses: $0) },
        Entry("resnext50_32x4d") { resnext50_32x4d(numClasses: $0) },
        Entry("resnext101_32x8d") { resnext101_32x8d(numClasses: $0) },
        Entry("resnext101_64x4d") { resnext101_64x4d(numClasses: $0) },
        Entry("wide_resnet50_2") { wideResnet50_2(numClasses: $0) },
        Entry("wide_resnet101_2") { wideResnet101_2(numClasses: $0) },
    ]
}
