import Ember

/// torchvision's AlexNet (`torchvision.models.alexnet`, the one-GPU variant of "One weird
/// trick…"): five convolutions in `features`, pooling to 6×6, three linear layers in
/// `classifier` with dropout before the first two. Layers start with PyTorch's defaults.
///
/// ```swift
/// let model = alexnet()
/// model.classifier[6] = Linear(4096, 2)
/// ```
public final class AlexNet: Module {
    /// Convolutions 3→64→192→384→256→256 with ReLUs and three 3×3 stride-2 max pools.
    public var features = Sequential {
        Conv2d(3, 64, kernelSize: 11, stride: 4, padding: 2)
        ReLU(inplace: true)
        MaxPool2d(kernelSize: 3, stride: 2)
        Conv2d(64, 192, kernelSize: 5, padding: 2)
        ReLU(inplace: true)
        MaxPool2d(kernelSize: 3, stride: 2)
        Conv2d(192, 384, kernelSize: 3, padding: 1)
        ReLU(inplace: true)
        Conv2d(384, 256, kernelSize: 3, padding: 1)
        ReLU(inplace: true)
        Conv2d(256, 256, kernelSize: 3, padding: 1)
        ReLU(inplace: true)
        MaxPool2d(kernelSize: 3, stride: 2)
    }
    /// Average pooling to 6×6 whatever the input size.
    public var avgpool = AdaptiveAvgPool2d(AdaptiveSize(6, 6))
    /// Dropout, 9216→4096, ReLU, dropout, 4096→4096, ReLU, 4096→`numClasses`.
    public var classifier: Sequential

    /// AlexNet with `numClasses` outputs and dropout probability `dropout`.
    public init(numClasses: Int = 1000, dropout: Float = 0.5) {
        classifier = Sequential {
            Dropout(p: dropout)
            Linear(256 * 6 * 6, 4096)
            ReLU(inplace: true)
            Dropout(p: dropout)
            Linear(4096, 4096)
            ReLU(inplace: true)
            Linear(4096, numClasses)
        }
        super.init()
    }

    /// The class logits of images `[N, 3, H, W]`.
    public override func forward(_ x: Tensor) -> Tensor {
        classifier(avgpool(features(x)).flatten(startDim: 1))
    }
}

/// AlexNet (`torchvision.models.alexnet`).
public func alexnet(numClasses: Int = 1000, dropout: Float = 0.5) -> AlexNet {
    AlexNet(numClasses: numClasses, dropout: dropout)
}

extension ModelZoo {
    static let alexNetFamily: [Entry] = [Entry("alexnet") { alexnet(numClasses: $0) }]
}
