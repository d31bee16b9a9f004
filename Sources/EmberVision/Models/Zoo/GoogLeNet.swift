import Ember

/// torchvision's GoogLeNet (Inception v1, `torchvision.models.googlenet`) with its module
/// tree, state-dict keys and initialisation, so its checkpoints load with `strict: true`.
///
/// torchvision's `forward` returns `GoogLeNetOutputs(logits, aux_logits2, aux_logits1)` in
/// training mode when the model has auxiliary heads, and the logits alone otherwise. A
/// `Module`'s `forward` gives one tensor, so here `forward` (and calling the model) always
/// gives the main logits and `forwardWithAux(_:)` gives all three; in training, `forward`
/// still runs the auxiliary heads, as torchvision does, so the batch norms' statistics and
/// the random numbers drawn are the same either way.
///
/// ```swift
/// let model = googlenet(numClasses: 10)
/// let out = model.forwardWithAux(images)                // aux: nil in eval mode
/// let loss = crossEntropy(out.logits, y) + 0.3 * (crossEntropy(out.auxLogits1!, y) + crossEntropy(out.auxLogits2!, y))
/// ```
public final class GoogLeNet: Module {
    public var conv1: BasicConv2d
    public var maxpool1 = MaxPool2d(kernelSize: 3, stride: 2, ceilMode: true)
    public var conv2: BasicConv2d
    public var conv3: BasicConv2d
    public var maxpool2 = MaxPool2d(kernelSize: 3, stride: 2, ceilMode: true)
    public var inception3a: Inception
    public var inception3b: Inception
    public var maxpool3 = MaxPool2d(kernelSize: 3, stride: 2, ceilMode: true)
    public var inception4a: Inception
    public var inception4b: Inception
    public var inception4c: Inception
    public var inception4d: Inception
    public var inception4e: Inception
    public var maxpool4 = MaxPool2d(kernelSize: 2, stride: 2, ceilMode: true)
    public var inception5a: Inception
    public var inception5b: Inception
    /// The auxiliary classifier after `inception4a`, nil when built without.
    public var aux1: GoogLeNetAux?
    /// The auxiliary classifier after `inception4d`, nil when built without.
    public var aux2: GoogLeNetAux?
    public var avgpool = AdaptiveAvgPool2d(AdaptiveSize(1, 1))
    public var dropout: Dropout
    /// The classifier, 1024 → `numClasses`.
    public var fc: Linear
    /// Whether `forwardWithAux` gives the auxiliary logits in training (`aux_logits`).
    public var auxLogits: Bool
    /// Whether `forward` first re-normalises its input (`transform_input`), as torchvision
    /// sets for its ImageNet weights.
    public var transformInput: Bool

    /// GoogLeNet, torchvision's `GoogLeNet`.
    /// - Parameters:
    ///   - numClasses: the classifiers' outputs.
    ///   - auxLogits: build the auxiliary classifiers `aux1` and `aux2`.
    ///   - transformInput: re-normalise ImageNet-normalised input as the original weights expect.
    ///   - initWeights: draw torchvision's initialisation (truncated normals, std 0.01);
    ///     false leaves the layers' own defaults, as torchvision does when loading weights.
    ///   - dropout: the dropout probability before the classifier.
    ///   - dropoutAux: the dropout probability inside the auxiliary heads.
    public init(numClasses: Int = 1000, auxLogits: Bool = true, transformInput: Bool = false, initWeights: Bool = true,
                dropout: Float = 0.2, dropoutAux: Float = 0.7) {
        self.auxLogits = auxLogits
        self.transformInput = transformInput
        conv1 = BasicConv2d(3, 64, kernelSize: 7, stride: 2, padding: 3)
        conv2 = BasicConv2d(64, 64, kernelSize: 1)
        conv3 = BasicConv2d(64, 192, kernelSize: 3, padding: 1)
        inception3a = Inception(192, 64, 96, 128, 16, 32, 32)
        inception3b = Inception(256, 128, 128, 192, 32, 96, 64)
        inception4a = Inception(480, 192, 96, 208, 16, 48, 64)
        inception4b = Inception(512, 160, 112, 224, 24, 64, 64)
        inception4c = Inception(512, 128, 128, 256, 24, 64, 64)
        inception4d = Inception(512, 112, 144, 288, 32, 64, 64)
        inception4e = Inception(528, 256, 160, 320, 32, 128, 128)
        inception5a = Inception(832, 256, 160, 320, 32, 128, 128)
        inception5b = Inception(832, 384, 192, 384, 48, 128, 128)
        aux1 = auxLogits ? GoogLeNetAux(512, numClasses: numClasses, dropout: dropoutAux) : nil
        aux2 = auxLogits ? GoogLeNetAux(528, numClasses: numClasses, dropout: dropoutAux) : nil
        self.dropout = Dropout(p: dropout)
        fc = Linear(1024, numClasses)
        super.init()
        if initWeights { initialiseAsTorchvision() }
    }

    /// The class logits of images `[N, 3, H, W]`; in training the auxiliary heads run
    /// too, their results dropped (see `forwardWithAux(_:)`).
    public override func forward(_ x: Tensor) -> Tensor { forwardWithAux(x).logits }

    /// The class logits and, in training mode with auxiliary heads, the auxiliary logits
    /// after `inception4a` (`auxLogits1`) and `inception4d` (`auxLogits2`), torchvision's
    /// `GoogLeNetOutputs`; in evaluation mode or without the heads, those are nil.
    public func forwardWithAux(_ x: Tensor) -> (logits: Tensor, auxLogits2: Tensor?, auxLogits1: Tensor?) {
        var x = transformInput ? inceptionTransformInput(x) : x
        x = maxpool1(conv1(x))
        x = maxpool2(conv3(conv2(x)))
        x = maxpool3(inception3b(inception3a(x)))
        x = inception4a(x)
        let aux1 = training ? self.aux1?(x) : nil
        x = inception4d(inception4c(inception4b(x)))
        let aux2 = training ? self.aux2?(x) : nil
        x = maxpool4(inception4e(x))
        x = avgpool(inception5b(inception5a(x))).flatten(startDim: 1)
        x = fc(dropout(x))
        return auxLogits ? (x, aux2, aux1) : (x, nil, nil)
    }

    /// Convolutions and linear layers truncated-normal, std 0.01 within ±2 (absolute
    /// bounds); batch norms weight 1 and bias 0. Linear biases keep their defaults.
    private func initialiseAsTorchvision() {
        initialiseWeights(of: self, conv: { Init.truncNormal($0.weight, std: 0.01, a: -2, b: 2) },
                          linear: { Init.truncNormal($0.weight, std: 0.01, a: -2, b: 2) })
    }
}

/// GoogLeNet's block (`Inception`): 1×1, 1×1 then 3×3, 1×1 then 3×3, and 3×3 max pool then
/// 1×1 branches, concatenated to `ch1x1 + ch3x3 + ch5x5 + poolProj` channels.
///
/// The "5×5" branch has a 3×3 convolution, as torchvision's does (a known slip kept for its
/// weights, pytorch/vision#906).
public final class Inception: Module {
    public var branch1: BasicConv2d
    public var branch2: Sequential
    public var branch3: Sequential
    public var branch4: Sequential

    /// A block reading `inChannels` with torchvision's branch widths.
    public init(_ inChannels: Int, _ ch1x1: Int, _ ch3x3red: Int, _ ch3x3: Int, _ ch5x5red: Int, _ ch5x5: Int,
                _ poolProj: Int) {
        branch1 = BasicConv2d(inChannels, ch1x1, kernelSize: 1)
        branch2 = Sequential {
            BasicConv2d(inChannels, ch3x3red, kernelSize: 1)
            BasicConv2d(ch3x3red, ch3x3, kernelSize: 3, padding: 1)
        }
        branch3 = Sequential {
            BasicConv2d(inChannels, ch5x5red, kernelSize: 1)
            BasicConv2d(ch5x5red, ch5x5, kernelSize: 3, padding: 1)
        }
        branch4 = Sequential {
            MaxPool2d(kernelSize: 3, stride: 1, padding: 1, ceilMode: true)
            BasicConv2d(inChannels, poolProj, kernelSize: 1)
        }
        super.init()
    }

    public override func forward(_ x: Tensor) -> Tensor {
        Tensor.cat([branch1(x), branch2(x), branch3(x), branch4(x)], dim: 1)
    }
}

/// GoogLeNet's auxiliary classifier (torchvision's `googlenet.InceptionAux`; Inception v3
/// has a different class of that name, `InceptionAux` here): 4×4 adaptive average pool, a
/// 1×1 unit to 128 channels, two linear layers with ReLU and dropout between.
public final class GoogLeNetAux: Module {
    public var conv: BasicConv2d
    public var fc1: Linear
    public var fc2: Linear
    public var dropout: Dropout

    /// A head reading `inChannels` and giving `numClasses` logits.
    public init(_ inChannels: Int, numClasses: Int, dropout: Float = 0.7) {
        conv = BasicConv2d(inChannels, 128, kernelSize: 1)
        fc1 = Linear(2048, 1024)
        fc2 = Linear(1024, numClasses)
        self.dropout = Dropout(p: dropout)
        super.init()
    }

    public override var typeName: String { "InceptionAux" }

    public override func forward(_ x: Tensor) -> Tensor {
        let y = conv(adaptiveAvgPool2d(x, outputSize: IntPair(4, 4))).flatten(startDim: 1)
        return fc2(dropout(fc1(y).relu()))
    }
}

/// GoogLeNet (`torchvision.models.googlenet` with `weights=None`): auxiliary heads by
/// default. torchvision sets `transformInput` for its ImageNet weights.
public func googlenet(numClasses: Int = 1000, auxLogits: Bool = true, transformInput: Bool = false,
                      initWeights: Bool = true, dropout: Float = 0.2, dropoutAux: Float = 0.7) -> GoogLeNet {
    GoogLeNet(numClasses: numClasses, auxLogits: auxLogits, transformInput: transformInput, initWeights: initWeights,
              dropout: dropout, dropoutAux: dropoutAux)
}

extension ModelZoo {
    static let googLeNetFamily: [Entry] = [
        // torchvision loads its checkpoint into a model with both auxiliary heads and
        // ImageNet's input transform, then drops the heads unless they were asked for.
        Entry("googlenet", buildForWeights: { googlenet(auxLogits: true, transformInput: true, initWeights: false) },
              afterLoading: { model in
                  guard let model = model as? GoogLeNet else { return }
                  (model.auxLogits, model.aux1, model.aux2) = (false, nil, nil)
              }) { googlenet(numClasses: $0) },
    ]
}
