import Ember

/// torchvision's SqueezeNet (`torchvision.models.squeezenet`): AlexNet-level accuracy from
/// Fire modules, with a 1×1 convolution as classifier, so its checkpoints load with
/// `strict: true`.
///
/// ```swift
/// let model = squeezenet1_1(numClasses: 10)
/// ```
public final class SqueezeNet: Module {
    /// The two architectures of torchvision.
    public enum Version: String, Sendable {
        /// The paper's network: a 7×7 stem and 96 channels.
        case v1_0 = "1_0"
        /// The official repository's 1.1: a 3×3 stem, 64 channels and earlier pooling,
        /// 2.4× less computation for the same accuracy.
        case v1_1 = "1_1"
    }

    /// The number of classes the classifier scores.
    public let numClasses: Int
    /// The stem, the Fire modules and the ceil-mode max pools between them.
    public var features: Sequential
    /// Dropout, the final 1×1 convolution to `numClasses` channels, ReLU and global average pooling.
    public var classifier: Sequential

    /// SqueezeNet `version`, torchvision's `SqueezeNet`.
    public init(version: Version = .v1_0, numClasses: Int = 1000, dropout: Float = 0.5) {
        self.numClasses = numClasses
        // Every max pool rounds up (ceil_mode), which the Fire modules' sizes depend on.
        func pool() -> MaxPool2d { MaxPool2d(kernelSize: 3, stride: 2, ceilMode: true) }
        switch version {
        case .v1_0:
            features = Sequential {
                Conv2d(3, 96, kernelSize: 7, stride: 2)
                ReLU(inplace: true)
                pool()
                Fire(96, squeeze: 16, expand1x1: 64, expand3x3: 64)
                Fire(128, squeeze: 16, expand1x1: 64, expand3x3: 64)
                Fire(128, squeeze: 32, expand1x1: 128, expand3x3: 128)
                pool()
                Fire(256, squeeze: 32, expand1x1: 128, expand3x3: 128)
                Fire(256, squeeze: 48, expand1x1: 192, expand3x3: 192)
                Fire(384, squeeze: 48, expand1x1: 192, expand3x3: 192)
                Fire(384, squeeze: 64, expand1x1: 256, expand3x3: 256)
                pool()
                Fire(512, squeeze: 64, expand1x1: 256, expand3x3: 256)
            }
        case .v1_1:
            features = Sequential {
                Conv2d(3, 64, kernelSize: 3, stride: 2)
                ReLU(inplace: true)
                pool()
                Fire(64, squeeze: 16, expand1x1: 64, expand3x3: 64)
                Fire(128, squeeze: 16, expand1x1: 64, expand3x3: 64)
                pool()
                Fire(128, squeeze: 32, expand1x1: 128, expand3x3: 128)
                Fire(256, squeeze: 32, expand1x1: 128, expand3x3: 128)
                pool()
                Fire(256, squeeze: 48, expand1x1: 192, expand3x3: 192)
                Fire(384, squeeze: 48, expand1x1: 192, expand3x3: 192)
                Fire(384, squeeze: 64, expand1x1: 256, expand3x3: 256)
                Fire(512, squeeze: 64, expand1x1: 256, expand3x3: 256)
            }
        }
        let finalConv = Conv2d(512, numClasses, kernelSize: 1)
        classifier = Sequential { Dropout(p: dropout); finalConv; ReLU(inplace: true); AdaptiveAvgPool2d(AdaptiveSize(1, 1)) }
        super.init()
        // He-uniform convolutions, except the classifier's: small normal weights, so the
        // logits start near zero.
        _ = apply { module in
            guard let conv = module as? Conv2d else { return }
            if conv === finalConv {
                Init.normal(conv.weight, mean: 0, std: 0.01)
            } else {
                Init.kaimingUniform(conv.weight)
            }
            if let bias = conv.bias { Init.zeros(bias) }
        }
    }

    /// The class logits of images `[N, 3, H, W]`.
    public override func forward(_ x: Tensor) -> Tensor {
        classifier(features(x)).flatten(startDim: 1)
    }
}

/// SqueezeNet's Fire module: a 1×1 squeeze convolution, then 1×1 and 3×3 expand
/// convolutions side by side, concatenated along the channels.
public final class Fire: Module {
    /// The channels of the input.
    public let inplanes: Int
    public var squeeze: Conv2d
    public var squeezeActivation = ReLU(inplace: true)
    public var expand1x1: Conv2d
    public var expand1x1Activation = ReLU(inplace: true)
    public var expand3x3: Conv2d
    public var expand3x3Activation = ReLU(inplace: true)

    /// A Fire module from `inplanes` channels to `expand1x1 + expand3x3`, squeezed to
    /// `squeeze` channels in between.
    public init(_ inplanes: Int, squeeze: Int, expand1x1: Int, expand3x3: Int) {
        self.inplanes = inplanes
        self.squeeze = Conv2d(inplanes, squeeze, kernelSize: 1)
        self.expand1x1 = Conv2d(squeeze, expand1x1, kernelSize: 1)
        self.expand3x3 = Conv2d(squeeze, expand3x3, kernelSize: 3, padding: 1)
        super.init()
    }

    public override func forward(_ x: Tensor) -> Tensor {
        let squeezed = squeezeActivation(squeeze(x))
        return Tensor.cat([expand1x1Activation(expand1x1(squeezed)), expand3x3Activation(expand3x3(squeezed))], dim: 1)
    }
}

/// SqueezeNet 1.0 (`torchvision.models.squeezenet1_0`).
public func squeezenet1_0(numClasses: Int = 1000, dropout: Float = 0.5) -> SqueezeNet {
    SqueezeNet(version: .v1_0, numClasses: numClasses, dropout: dropout)
}

/// SqueezeNet 1.1 (`torchvision.models.squeezenet1_1`): fewer operations than 1.0, as accurate.
public func squeezenet1_1(numClasses: Int = 1000, dropout: Float = 0.5) -> SqueezeNet {
    SqueezeNet(version: .v1_1, numClasses: numClasses, dropout: dropout)
}

extension ModelZoo {
    static let squeezeNetFamily: [Entry] = [
        Entry("squeezenet1_0") { squeezenet1_0(numClasses: $0) },
        Entry("squeezenet1_1") { squeezenet1_1(numClasses: $0) },
    ]
}
