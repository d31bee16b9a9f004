import Ember

/// torchvision's MNASNet (`torchvision.models.mnasnet`), the B1 variant of the
/// architecture found by mobile neural architecture search, with torchvision's module
/// tree (its version 2, whose stem scales with `alpha`), state-dict keys and
/// initialisation, so its checkpoints load with `strict: true`.
///
/// ```swift
/// let model = mnasnet1_0(numClasses: 10)
/// ```
public final class MNASNet: Module {
    /// The batch norms' momentum, `1 - 0.9997`: TensorFlow's decay 0.9997 in PyTorch's
    /// convention, so the running statistics move very slowly.
    public static let batchNormMomentum = 1 - 0.9997

    /// The depth multiplier.
    public let alpha: Double
    /// The number of classes the classifier scores.
    public let numClasses: Int
    /// The stem, six stacks of inverted residuals and the 1×1 convolution to 1280 channels.
    public var layers: Sequential
    /// Dropout (in place, as torchvision prints it), then the linear layer to `numClasses`.
    public var classifier: Sequential

    /// An MNASNet with depth multiplier `alpha`, torchvision's `MNASNet`.
    public init(alpha: Double, numClasses: Int = 1000, dropout: Float = 0.2) {
        precondition(alpha > 0, "alpha should be greater than 0.0 instead of \(alpha)")
        self.alpha = alpha
        self.numClasses = numClasses
        let depths = Self.depths(alpha: alpha)
        func norm(_ channels: Int) -> BatchNorm2d { BatchNorm2d(channels, momentum: Self.batchNormMomentum) }
        layers = Sequential {
            // First layer: a regular convolution.
            Conv2d(3, depths[0], kernelSize: 3, stride: 2, padding: 1, bias: false)
            norm(depths[0])
            ReLU(inplace: true)
            // Depthwise separable, no skip.
            Conv2d(depths[0], depths[0], kernelSize: 3, padding: 1, groups: depths[0], bias: false)
            norm(depths[0])
            ReLU(inplace: true)
            Conv2d(depths[0], depths[1], kernelSize: 1, bias: false)
            norm(depths[1])
            // Stacks of inverted residuals: (kernel, stride, expansion, repeats).
            Self.stack(depths[1], depths[2], kernelSize: 3, stride: 2, expansion: 3, repeats: 3)
            Self.stack(depths[2], depths[3], kernelSize: 5, stride: 2, expansion: 3, repeats: 3)
            Self.stack(depths[3], depths[4], kernelSize: 5, stride: 2, expansion: 6, repeats: 3)
            Self.stack(depths[4], depths[5], kernelSize: 3, stride: 1, expansion: 6, repeats: 2)
            Self.stack(depths[5], depths[6], kernelSize: 5, stride: 2, expansion: 6, repeats: 4)
            Self.stack(depths[6], depths[7], kernelSize: 3, stride: 1, expansion: 6, repeats: 1)
            // Final mapping to the classifier's input.
            Conv2d(depths[7], 1280, kernelSize: 1, bias: false)
            norm(1280)
            ReLU(inplace: true)
        }
        classifier = Sequential { Dropout(p: dropout, inplace: true); Linear(1280, numClasses) }
        super.init()
        // He-normal (fan-out, ReLU) convolutions, unit batch norms, and a He-uniform
        // (fan-out, sigmoid gain 1) classifier.
        initialiseWeights(of: self, conv: { heNormalFanOut($0) }, linear: { linear in
            Init.kaimingUniform(linear.weight, mode: .fanOut, nonlinearity: .sigmoid)
            if let bias = linear.bias { Init.zeros(bias) }
        })
    }

    /// The class logits of images `[N, 3, H, W]`.
    public override func forward(_ x: Tensor) -> Tensor {
        classifier(layers(x).mean(dims: [2, 3]))  // global average pooling
    }

    /// The widths of the stem, the stacks and the last stack, scaled by `alpha` as the
    /// reference MobileNet code does, preferring to round up (`_get_depths`).
    static func depths(alpha: Double) -> [Int] {
        [32, 16, 24, 40, 80, 96, 192, 320].map { roundToMultiple(Double($0) * alpha, of: 8) }
    }

    /// `value` rounded to a multiple of `divisor`, rounding up unless that gives no more
    /// than 10% extra: (83, 8) → 80 but (84, 8) → 88 (`_round_to_multiple_of`).
    static func roundToMultiple(_ value: Double, of divisor: Int, roundUpBias: Double = 0.9) -> Int {
        precondition(roundUpBias > 0 && roundUpBias < 1,
                     "round_up_bias should be greater than 0.0 and smaller than 1.0 instead of \(roundUpBias)")
        let rounded = max(divisor, Int(value + Double(divisor) / 2) / divisor * divisor)
        return Double(rounded) >= roundUpBias * value ? rounded : rounded + divisor
    }

    /// `repeats` inverted residuals; only the first changes the width and strides, so only
    /// the rest add their input (`_stack`).
    static func stack(_ inChannels: Int, _ outChannels: Int, kernelSize: Int, stride: Int, expansion: Int,
                      repeats: Int) -> Sequential {
        precondition(repeats >= 1, "repeats should be >= 1, instead got \(repeats)")
        let stack = Sequential()
        stack.append(MNASNetInvertedResidual(inChannels, outChannels, kernelSize: kernelSize, stride: stride,
                                             expansionFactor: expansion, bnMomentum: batchNormMomentum))
        for _ in 1..<repeats {
            stack.append(MNASNetInvertedResidual(outChannels, outChannels, kernelSize: kernelSize, stride: 1,
                                                 expansionFactor: expansion, bnMomentum: batchNormMomentum))
        }
        return stack
    }
}

/// MNASNet's block (torchvision's `mnasnet._InvertedResidual`, printed under that name):
/// a 1×1 expansion, a depthwise 3×3 or 5×5 and a linear 1×1 projection, added to the input
/// where the shape allows.
public final class MNASNetInvertedResidual: Module {
    /// Whether the input is added to the output (stride 1, same channels).
    public let applyResidual: Bool
    /// Pointwise, depthwise and linear pointwise convolutions with their batch norms.
    public var layers: Sequential

    /// A block from `inChannels` to `outChannels`, `inChannels × expansionFactor` wide inside.
    public init(_ inChannels: Int, _ outChannels: Int, kernelSize: Int, stride: Int, expansionFactor: Int,
                bnMomentum: Double = 0.1) {
        precondition(stride == 1 || stride == 2, "stride should be 1 or 2 instead of \(stride)")
        precondition(kernelSize == 3 || kernelSize == 5, "kernel_size should be 3 or 5 instead of \(kernelSize)")
        let mid = inChannels * expansionFactor
        applyResidual = inChannels == outChannels && stride == 1
        layers = Sequential {
            // Pointwise.
            Conv2d(inChannels, mid, kernelSize: 1, bias: false)
            BatchNorm2d(mid, momentum: bnMomentum)
            ReLU(inplace: true)
            // Depthwise.
            Conv2d(mid, mid, kernelSize: IntPair(kernelSize), stride: IntPair(stride),
                   padding: .explicit(IntPair(kernelSize / 2)), groups: mid, bias: false)
            BatchNorm2d(mid, momentum: bnMomentum)
            ReLU(inplace: true)
            // Linear pointwise: no activation.
            Conv2d(mid, outChannels, kernelSize: 1, bias: false)
            BatchNorm2d(outChannels, momentum: bnMomentum)
        }
        super.init()
    }

    /// PyTorch's class name, `_InvertedResidual`.
    public override var typeName: String { "_InvertedResidual" }

    public override func forward(_ x: Tensor) -> Tensor {
        applyResidual ? layers(x) + x : layers(x)
    }
}

/// MNASNet with depth multiplier 0.5 (`torchvision.models.mnasnet0_5`).
public func mnasnet0_5(numClasses: Int = 1000, dropout: Float = 0.2) -> MNASNet {
    MNASNet(alpha: 0.5, numClasses: numClasses, dropout: dropout)
}

/// MNASNet with depth multiplier 0.75 (`torchvision.models.mnasnet0_75`).
public func mnasnet0_75(numClasses: Int = 1000, dropout: Float = 0.2) -> MNASNet {
    MNASNet(alpha: 0.75, numClasses: numClasses, dropout: dropout)
}

/// MNASNet with depth multiplier 1.0 (`torchvision.models.mnasnet1_0`).
public func mnasnet1_0(numClasses: Int = 1000, dropout: Float = 0.2) -> MNASNet {
    MNASNet(alpha: 1.0, numClasses: numClasses, dropout: dropout)
}

/// MNASNet with depth multiplier 1.3 (`torchvision.models.mnasnet1_3`).
public func mnasnet1_3(numClasses: Int = 1000, dropout: Float = 0.2) -> MNASNet {
    MNASNet(alpha: 1.3, numClasses: numClasses, dropout: dropout)
}

extension ModelZoo {
    static let mnasNetFamily: [Entry] = [
        Entry("mnasnet0_5") { mnasnet0_5(numClasses: $0) },
        Entry("mnasnet0_75") { mnasnet0_75(numClasses: $0) },
        Entry("mnasnet1_0") { mnasnet1_0(numClasses: $0) },
        Entry("mnasnet1_3") { mnasnet1_3(numClasses: $0) },
    ]
}
