import Ember

/// torchvision's Inception v3 (`torchvision.models.inception_v3`, class `Inception3`) with
/// its module tree, state-dict keys (`Conv2d_1a_3x3.conv.weight`, `Mixed_5b.branch1x1...`,
/// `AuxLogits.fc.weight`) and initialisation, so its checkpoints load with `strict: true`.
/// Its ImageNet weights were evaluated on 299×299 images.
///
/// torchvision's `forward` returns `InceptionOutputs(logits, aux_logits)` in training mode
/// when the model has an auxiliary head, and the logits alone otherwise. A `Module`'s
/// `forward` gives one tensor, so here `forward` (and calling the model) always gives the
/// main logits and `forwardWithAux(_:)` gives both; in training, `forward` still runs the
/// auxiliary head, as torchvision does, so the batch norms' statistics and the random
/// numbers drawn are the same either way.
///
/// ```swift
/// let model = inceptionV3(numClasses: 10)
/// let (logits, aux) = model.forwardWithAux(images)       // aux: nil in eval mode
/// let loss = crossEntropy(logits, labels) + 0.4 * crossEntropy(aux!, labels)
/// ```
public final class Inception3: Module {
    public var conv2d_1a_3x3: BasicConv2d
    public var conv2d_2a_3x3: BasicConv2d
    public var conv2d_2b_3x3: BasicConv2d
    public var maxpool1 = MaxPool2d(kernelSize: 3, stride: 2)
    public var conv2d_3b_1x1: BasicConv2d
    public var conv2d_4a_3x3: BasicConv2d
    public var maxpool2 = MaxPool2d(kernelSize: 3, stride: 2)
    public var mixed_5b: InceptionA
    public var mixed_5c: InceptionA
    public var mixed_5d: InceptionA
    public var mixed_6a: InceptionB
    public var mixed_6b: InceptionC
    public var mixed_6c: InceptionC
    public var mixed_6d: InceptionC
    public var mixed_6e: InceptionC
    /// The auxiliary classifier on the 17×17 features (`AuxLogits`), nil when built without.
    public var auxLogits: InceptionAux?
    public var mixed_7a: InceptionD
    public var mixed_7b: InceptionE
    public var mixed_7c: InceptionE
    public var avgpool = AdaptiveAvgPool2d(AdaptiveSize(1, 1))
    public var dropout: Dropout
    /// The classifier, 2048 → `numClasses`.
    public var fc: Linear
    /// Whether `forwardWithAux` gives the auxiliary logits in training (`aux_logits`).
    public var auxLogitsEnabled: Bool
    /// Whether `forward` first re-normalises its input (`transform_input`); see
    /// `inceptionV3(numClasses:auxLogits:transformInput:initWeights:dropout:)`.
    public var transformInput: Bool

    /// torchvision's children have PyTorch names with capitals.
    public override class var keyOverrides: [String: String] {
        var keys = ["auxLogits": "AuxLogits"]
        for name in ["1a_3x3", "2a_3x3", "2b_3x3", "3b_1x1", "4a_3x3"] { keys["conv2d_\(name)"] = "Conv2d_\(name)" }
        for name in ["5b", "5c", "5d", "6a", "6b", "6c", "6d", "6e", "7a", "7b", "7c"] { keys["mixed_\(name)"] = "Mixed_\(name)" }
        return keys
    }

    /// Inception v3, torchvision's `Inception3`.
    /// - Parameters:
    ///   - numClasses: the classifiers' outputs.
    ///   - auxLogits: build the auxiliary classifier `AuxLogits`.
    ///   - transformInput: re-normalise ImageNet-normalised input as the original weights expect.
    ///   - initWeights: draw torchvision's initialisation (truncated normals, std 0.1, and
    ///     0.001 for the auxiliary head's linear layer); false leaves the layers' own
    ///     defaults, as torchvision does when loading weights.
    ///   - dropout: the dropout probability before the classifier.
    public init(numClasses: Int = 1000, auxLogits: Bool = true, transformInput: Bool = false, initWeights: Bool = true,
                dropout: Float = 0.5) {
        auxLogitsEnabled = auxLogits
        self.transformInput = transformInput
        conv2d_1a_3x3 = BasicConv2d(3, 32, kernelSize: 3, stride: 2)
        conv2d_2a_3x3 = BasicConv2d(32, 32, kernelSize: 3)
        conv2d_2b_3x3 = BasicConv2d(32, 64, kernelSize: 3, padding: 1)
        conv2d_3b_1x1 = BasicConv2d(64, 80, kernelSize: 1)
        conv2d_4a_3x3 = BasicConv2d(80, 192, kernelSize: 3)
        mixed_5b = InceptionA(192, poolFeatures: 32)
        mixed_5c = InceptionA(256, poolFeatures: 64)
        mixed_5d = InceptionA(288, poolFeatures: 64)
        mixed_6a = InceptionB(288)
        mixed_6b = InceptionC(768, channels7x7: 128)
        mixed_6c = InceptionC(768, channels7x7: 160)
        mixed_6d = InceptionC(768, channels7x7: 160)
        mixed_6e = InceptionC(768, channels7x7: 192)
        self.auxLogits = auxLogits ? InceptionAux(768, numClasses: numClasses) : nil
        mixed_7a = InceptionD(768)
        mixed_7b = InceptionE(1280)
        mixed_7c = InceptionE(2048)
        self.dropout = Dropout(p: dropout)
        fc = Linear(2048, numClasses)
        super.init()
        if initWeights { Self.initialiseAsTorchvision(self) }
    }

    /// The class logits of images `[N, 3, H, W]` (at least 75×75); in training the
    /// auxiliary head runs too, its result dropped (see `forwardWithAux(_:)`).
    public override func forward(_ x: Tensor) -> Tensor { forwardWithAux(x).logits }

    /// The class logits and, in training mode with an auxiliary head, the auxiliary
    /// logits computed from the 17×17 features (torchvision's `InceptionOutputs`); in
    /// evaluation mode or without the head, `auxLogits` is nil.
    public func forwardWithAux(_ x: Tensor) -> (logits: Tensor, auxLogits: Tensor?) {
        var x = transformInput ? inceptionTransformInput(x) : x
        x = maxpool1(conv2d_2b_3x3(conv2d_2a_3x3(conv2d_1a_3x3(x))))
        x = maxpool2(conv2d_4a_3x3(conv2d_3b_1x1(x)))
        x = mixed_5d(mixed_5c(mixed_5b(x)))
        x = mixed_6e(mixed_6d(mixed_6c(mixed_6b(mixed_6a(x)))))
        let aux = training ? auxLogits?(x) : nil
        x = mixed_7c(mixed_7b(mixed_7a(x)))
        // Dropout before flattening, as torchvision does (the same elements either way).
        x = fc(dropout(avgpool(x)).flatten(startDim: 1))
        return (x, auxLogitsEnabled ? aux : nil)
    }

    /// Convolutions and linear layers truncated-normal within ±2 (absolute bounds), std
    /// 0.1, or 0.001 for the auxiliary head's linear layer; batch norms weight 1 and bias
    /// 0. Linear biases keep their defaults, as in torchvision.
    ///
    /// torchvision also marks the auxiliary head's `conv1` with std 0.01, but on the
    /// `BasicConv2d`, which its loop skips, so that convolution gets 0.1 like the rest.
    /// (Static so that tests can check it on a few blocks: the whole model draws 27M numbers.)
    static func initialiseAsTorchvision(_ root: Module) {
        let auxFC = Set(root.modules().compactMap { ($0 as? InceptionAux).map { ObjectIdentifier($0.fc) } })
        initialiseWeights(of: root, conv: { Init.truncNormal($0.weight, std: 0.1, a: -2, b: 2) }, linear: { linear in
            Init.truncNormal(linear.weight, std: auxFC.contains(ObjectIdentifier(linear)) ? 0.001 : 0.1, a: -2, b: 2)
        })
    }
}

/// The 35×35 block (`InceptionA`): 1×1, 5×5, double 3×3 and pooled 1×1 branches,
/// giving `224 + poolFeatures` channels.
public final class InceptionA: Module {
    public var branch1x1: BasicConv2d
    public var branch5x5_1: BasicConv2d
    public var branch5x5_2: BasicConv2d
    public var branch3x3dbl_1: BasicConv2d
    public var branch3x3dbl_2: BasicConv2d
    public var branch3x3dbl_3: BasicConv2d
    public var branchPool: BasicConv2d

    /// A block reading `inChannels`.
    public init(_ inChannels: Int, poolFeatures: Int) {
        branch1x1 = BasicConv2d(inChannels, 64, kernelSize: 1)
        branch5x5_1 = BasicConv2d(inChannels, 48, kernelSize: 1)
        branch5x5_2 = BasicConv2d(48, 64, kernelSize: 5, padding: 2)
        branch3x3dbl_1 = BasicConv2d(inChannels, 64, kernelSize: 1)
        branch3x3dbl_2 = BasicConv2d(64, 96, kernelSize: 3, padding: 1)
        branch3x3dbl_3 = BasicConv2d(96, 96, kernelSize: 3, padding: 1)
        branchPool = BasicConv2d(inChannels, poolFeatures, kernelSize: 1)
        super.init()
    }

    public override func forward(_ x: Tensor) -> Tensor {
        Tensor.cat([
            branch1x1(x),
            branch5x5_2(branch5x5_1(x)),
            branch3x3dbl_3(branch3x3dbl_2(branch3x3dbl_1(x))),
            branchPool(avgPool2d(x, kernelSize: 3, stride: 1, padding: 1)),
        ], dim: 1)
    }
}

/// The 35×35 → 17×17 reduction (`InceptionB`): strided 3×3, strided double 3×3 and max
/// pool branches, giving `480 + inChannels` channels.
public final class InceptionB: Module {
    public var branch3x3: BasicConv2d
    public var branch3x3dbl_1: BasicConv2d
    public var branch3x3dbl_2: BasicConv2d
    public var branch3x3dbl_3: BasicConv2d

    /// A block reading `inChannels`.
    public init(_ inChannels: Int) {
        branch3x3 = BasicConv2d(inChannels, 384, kernelSize: 3, stride: 2)
        branch3x3dbl_1 = BasicConv2d(inChannels, 64, kernelSize: 1)
        branch3x3dbl_2 = BasicConv2d(64, 96, kernelSize: 3, padding: 1)
        branch3x3dbl_3 = BasicConv2d(96, 96, kernelSize: 3, stride: 2)
        super.init()
    }

    public override func forward(_ x: Tensor) -> Tensor {
        Tensor.cat([
            branch3x3(x),
            branch3x3dbl_3(branch3x3dbl_2(branch3x3dbl_1(x))),
            maxPool2d(x, kernelSize: 3, stride: 2),
        ], dim: 1)
    }
}

/// The 17×17 block (`InceptionC`): 1×1, factorised 7×7, double factorised 7×7 and pooled
/// 1×1 branches, 768 channels; `channels7x7` is the width inside the 7×7 branches.
public final class InceptionC: Module {
    public var branch1x1: BasicConv2d
    public var branch7x7_1: BasicConv2d
    public var branch7x7_2: BasicConv2d
    public var branch7x7_3: BasicConv2d
    public var branch7x7dbl_1: BasicConv2d
    public var branch7x7dbl_2: BasicConv2d
    public var branch7x7dbl_3: BasicConv2d
    public var branch7x7dbl_4: BasicConv2d
    public var branch7x7dbl_5: BasicConv2d
    public var branchPool: BasicConv2d

    /// A block reading `inChannels`.
    public init(_ inChannels: Int, channels7x7 c7: Int) {
        // A 7×7 factorised into 1×7 and 7×1, padded to keep the size.
        func row(_ i: Int, _ o: Int) -> BasicConv2d { BasicConv2d(i, o, kernelSize: [1, 7], padding: [0, 3]) }
        func column(_ i: Int, _ o: Int) -> BasicConv2d { BasicConv2d(i, o, kernelSize: [7, 1], padding: [3, 0]) }
        branch1x1 = BasicConv2d(inChannels, 192, kernelSize: 1)
        branch7x7_1 = BasicConv2d(inChannels, c7, kernelSize: 1)
        branch7x7_2 = row(c7, c7)
        branch7x7_3 = column(c7, 192)
        branch7x7dbl_1 = BasicConv2d(inChannels, c7, kernelSize: 1)
        branch7x7dbl_2 = column(c7, c7)
        branch7x7dbl_3 = row(c7, c7)
        branch7x7dbl_4 = column(c7, c7)
        branch7x7dbl_5 = row(c7, 192)
        branchPool = BasicConv2d(inChannels, 192, kernelSize: 1)
        super.init()
    }

    public override func forward(_ x: Tensor) -> Tensor {
        let dbl = branch7x7dbl_3(branch7x7dbl_2(branch7x7dbl_1(x)))
        return Tensor.cat([
            branch1x1(x),
            branch7x7_3(branch7x7_2(branch7x7_1(x))),
            branch7x7dbl_5(branch7x7dbl_4(dbl)),
            branchPool(avgPool2d(x, kernelSize: 3, stride: 1, padding: 1)),
        ], dim: 1)
    }
}

/// The 17×17 → 8×8 reduction (`InceptionD`): 1×1 then strided 3×3, 1×1, 1×7, 7×1 then
/// strided 3×3, and max pool branches, giving `512 + inChannels` channels.
public final class InceptionD: Module {
    public var branch3x3_1: BasicConv2d
    public var branch3x3_2: BasicConv2d
    public var branch7x7x3_1: BasicConv2d
    public var branch7x7x3_2: BasicConv2d
    public var branch7x7x3_3: BasicConv2d
    public var branch7x7x3_4: BasicConv2d

    /// A block reading `inChannels`.
    public init(_ inChannels: Int) {
        branch3x3_1 = BasicConv2d(inChannels, 192, kernelSize: 1)
        branch3x3_2 = BasicConv2d(192, 320, kernelSize: 3, stride: 2)
        branch7x7x3_1 = BasicConv2d(inChannels, 192, kernelSize: 1)
        branch7x7x3_2 = BasicConv2d(192, 192, kernelSize: [1, 7], padding: [0, 3])
        branch7x7x3_3 = BasicConv2d(192, 192, kernelSize: [7, 1], padding: [3, 0])
        branch7x7x3_4 = BasicConv2d(192, 192, kernelSize: 3, stride: 2)
        super.init()
    }

    public override func forward(_ x: Tensor) -> Tensor {
        Tensor.cat([
            branch3x3_2(branch3x3_1(x)),
            branch7x7x3_4(branch7x7x3_3(branch7x7x3_2(branch7x7x3_1(x)))),
            maxPool2d(x, kernelSize: 3, stride: 2),
        ], dim: 1)
    }
}

/// The 8×8 block (`InceptionE`): 1×1, 1×1 then parallel 1×3 and 3×1, 1×1 and 3×3 then
/// parallel 1×3 and 3×1, and pooled 1×1 branches, 2048 channels.
public final class InceptionE: Module {
    public var branch1x1: BasicConv2d
    public var branch3x3_1: BasicConv2d
    public var branch3x3_2a: BasicConv2d
    public var branch3x3_2b: BasicConv2d
    public var branch3x3dbl_1: BasicConv2d
    public var branch3x3dbl_2: BasicConv2d
    public var branch3x3dbl_3a: BasicConv2d
    public var branch3x3dbl_3b: BasicConv2d
    public var branchPool: BasicConv2d

    /// A block reading `inChannels`.
    public init(_ inChannels: Int) {
        branch1x1 = BasicConv2d(inChannels, 320, kernelSize: 1)
        branch3x3_1 = BasicConv2d(inChannels, 384, kernelSize: 1)
        branch3x3_2a = BasicConv2d(384, 384, kernelSize: [1, 3], padding: [0, 1])
        branch3x3_2b = BasicConv2d(384, 384, kernelSize: [3, 1], padding: [1, 0])
        branch3x3dbl_1 = BasicConv2d(inChannels, 448, kernelSize: 1)
        branch3x3dbl_2 = BasicConv2d(448, 384, kernelSize: 3, padding: 1)
        branch3x3dbl_3a = BasicConv2d(384, 384, kernelSize: [1, 3], padding: [0, 1])
        branch3x3dbl_3b = BasicConv2d(384, 384, kernelSize: [3, 1], padding: [1, 0])
        branchPool = BasicConv2d(inChannels, 192, kernelSize: 1)
        super.init()
    }

    public override func forward(_ x: Tensor) -> Tensor {
        let b3 = branch3x3_1(x)
        let dbl = branch3x3dbl_2(branch3x3dbl_1(x))
        return Tensor.cat([
            branch1x1(x),
            Tensor.cat([branch3x3_2a(b3), branch3x3_2b(b3)], dim: 1),
            Tensor.cat([branch3x3dbl_3a(dbl), branch3x3dbl_3b(dbl)], dim: 1),
            branchPool(avgPool2d(x, kernelSize: 3, stride: 1, padding: 1)),
        ], dim: 1)
    }
}

/// Inception v3's auxiliary classifier (`InceptionAux`) on the 17×17 features: a 5×5
/// stride-3 average pool, 1×1 and 5×5 units, global average pooling and a linear layer.
public final class InceptionAux: Module {
    public var conv0: BasicConv2d
    public var conv1: BasicConv2d
    /// Initialised with std 0.001 by `Inception3`.
    public var fc: Linear

    /// A head reading `inChannels` and giving `numClasses` logits.
    public init(_ inChannels: Int, numClasses: Int) {
        conv0 = BasicConv2d(inChannels, 128, kernelSize: 1)
        conv1 = BasicConv2d(128, 768, kernelSize: 5)
        fc = Linear(768, numClasses)
        super.init()
    }

    public override func forward(_ x: Tensor) -> Tensor {
        let y = conv1(conv0(avgPool2d(x, kernelSize: 5, stride: 3)))
        return fc(adaptiveAvgPool2d(y, outputSize: IntPair(1, 1)).flatten(startDim: 1))
    }
}

/// Inception v3 (`torchvision.models.inception_v3` with `weights=None`): 299×299 input,
/// an auxiliary head by default. torchvision sets `transformInput` for its ImageNet weights.
public func inceptionV3(numClasses: Int = 1000, auxLogits: Bool = true, transformInput: Bool = false,
                        initWeights: Bool = true, dropout: Float = 0.5) -> Inception3 {
    Inception3(numClasses: numClasses, auxLogits: auxLogits, transformInput: transformInput, initWeights: initWeights,
               dropout: dropout)
}

extension ModelZoo {
    static let inceptionFamily: [Entry] = [
        // torchvision's checkpoint expects its input re-normalised as Google's was.
        Entry("inception_v3", inputSize: 299,
              buildForWeights: { inceptionV3(auxLogits: true, transformInput: true, initWeights: false) }) { inceptionV3(numClasses: $0) },
    ]
}
