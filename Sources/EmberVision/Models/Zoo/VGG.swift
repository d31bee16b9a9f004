import Ember

/// torchvision's VGG (`torchvision.models.vgg`): 3×3 convolutions in `features` (with batch
/// norm in the `_bn` variants), pooling to 7×7, and three linear layers in `classifier`.
///
/// ```swift
/// let model = vgg16()
/// let extractor = model.features[..<30]          // the convolutional part, weights shared
/// model.classifier[6] = Linear(4096, 2)
/// ```
public final class VGG: Module {
    /// The layer lists of torchvision's configurations A (VGG-11), B (13), D (16) and E (19):
    /// output channels of each 3×3 convolution, nil for a 2×2 max pool.
    public enum Configuration: Sendable {
        case a, b, d, e

        /// Channels per convolution, nil for a max pool.
        public var layers: [Int?] {
            switch self {
            case .a: [64, nil, 128, nil, 256, 256, nil, 512, 512, nil, 512, 512, nil]
            case .b: [64, 64, nil, 128, 128, nil, 256, 256, nil, 512, 512, nil, 512, 512, nil]
            case .d: [64, 64, nil, 128, 128, nil, 256, 256, 256, nil, 512, 512, 512, nil, 512, 512, 512, nil]
            case .e: [64, 64, nil, 128, 128, nil, 256, 256, 256, 256, nil, 512, 512, 512, 512, nil, 512, 512, 512, 512, nil]
            }
        }
    }

    /// The convolutional part (`make_layers`).
    public var features: Sequential
    /// Average pooling to 7×7 whatever the input size.
    public var avgpool = AdaptiveAvgPool2d(AdaptiveSize(7, 7))
    /// 25088→4096, ReLU, dropout, 4096→4096, ReLU, dropout, 4096→`numClasses`.
    public var classifier: Sequential

    /// A VGG with `features` as its convolutional part (torchvision's `VGG`). With
    /// `initWeights`, convolutions start He-normal (fan-out, ReLU) with zero bias, batch
    /// norms at weight 1 and bias 0, linear layers at N(0, 0.01²) with zero bias.
    public init(features: Sequential, numClasses: Int = 1000, initWeights: Bool = true, dropout: Float = 0.5) {
        self.features = features
        classifier = Sequential {
            Linear(512 * 7 * 7, 4096)
            ReLU(inplace: true)
            Dropout(p: dropout)
            Linear(4096, 4096)
            ReLU(inplace: true)
            Dropout(p: dropout)
            Linear(4096, numClasses)
        }
        super.init()
        if initWeights { initialiseAsTorchvision() }
    }

    /// The VGG of `configuration`, with batch norm after each convolution if `batchNorm`.
    public convenience init(_ configuration: Configuration, batchNorm: Bool, numClasses: Int = 1000, dropout: Float = 0.5) {
        self.init(features: Self.makeLayers(configuration, batchNorm: batchNorm), numClasses: numClasses, dropout: dropout)
    }

    /// torchvision's `make_layers`: conv 3×3 (padding 1) [+ batch norm] + ReLU per channel
    /// count, a 2×2 max pool per nil, from 3 input channels.
    public static func makeLayers(_ configuration: Configuration, batchNorm: Bool) -> Sequential {
        let features = Sequential()
        var inChannels = 3
        for channels in configuration.layers {
            guard let channels else {
                features.append(MaxPool2d(kernelSize: 2, stride: 2))
                continue
            }
            features.append(Conv2d(inChannels, channels, kernelSize: 3, padding: 1))
            if batchNorm { features.append(BatchNorm2d(channels)) }
            features.append(ReLU(inplace: true))
            inChannels = channels
        }
        return features
    }

    /// The class logits of images `[N, 3, H, W]`.
    public override func forward(_ x: Tensor) -> Tensor {
        classifier(avgpool(features(x)).flatten(startDim: 1))
    }

    private func initialiseAsTorchvision() {
        initialiseWeights(of: self, conv: { heNormalFanOut($0) }, linear: { linear in
            Init.normal(linear.weight, mean: 0, std: 0.01)
            if let bias = linear.bias { Init.zeros(bias) }
        })
    }
}

/// VGG-11 (`torchvision.models.vgg11`).
public func vgg11(numClasses: Int = 1000, dropout: Float = 0.5) -> VGG { VGG(.a, batchNorm: false, numClasses: numClasses, dropout: dropout) }
/// VGG-11 with batch norm (`torchvision.models.vgg11_bn`).
public func vgg11Bn(numClasses: Int = 1000, dropout: Float = 0.5) -> VGG { VGG(.a, batchNorm: true, numClasses: numClasses, dropout: dropout) }
/// VGG-13 (`torchvision.models.vgg13`).
public func vgg13(numClasses: Int = 1000, dropout: Float = 0.5) -> VGG { VGG(.b, batchNorm: false, numClasses: numClasses, dropout: dropout) }
/// VGG-13 with batch norm (`torchvision.models.vgg13_bn`).
public func vgg13Bn(numClasses: Int = 1000, dropout: Float = 0.5) -> VGG { VGG(.b, batchNorm: true, numClasses: numClasses, dropout: dropout) }
/// VGG-16 (`torchvision.models.vgg16`).
public func vgg16(numClasses: Int = 1000, dropout: Float = 0.5) -> VGG { VGG(.d, batchNorm: false, numClasses: numClasses, dropout: dropout) }
/// VGG-16 with batch norm (`torchvision.models.vgg16_bn`).
public func vgg16Bn(numClasses: Int = 1000, dropout: Float = 0.5) -> VGG { VGG(.d, batchNorm: true, numClasses: numClasses, dropout: dropout) }
/// VGG-19 (`torchvision.models.vgg19`).
public func vgg19(numClasses: Int = 1000, dropout: Float = 0.5) -> VGG { VGG(.e, batchNorm: false, numClasses: numClasses, dropout: dropout) }
/// VGG-19 with batch norm (`torchvision.models.vgg19_bn`).
public func vgg19Bn(numClasses: Int = 1000, dropout: Float = 0.5) -> VGG { VGG(.e, batchNorm: true, numClasses: numClasses, dropout: dropout) }

extension ModelZoo {
    static let vggFamily: [Entry] = [
        Entry("vgg11") { vgg11(numClasses: $0) }, Entry("vgg11_bn") { vgg11Bn(numClasses: $0) },
        Entry("vgg13") { vgg13(numClasses: $0) }, Entry("vgg13_bn") { vgg13Bn(numClasses: $0) },
        Entry("vgg16") { vgg16(numClasses: $0) }, Entry("vgg16_bn") { vgg16Bn(numClasses: $0) },
        Entry("vgg19") { vgg19(numClasses: $0) }, Entry("vgg19_bn") { vgg19Bn(numClasses: $0) },
    ]
}
