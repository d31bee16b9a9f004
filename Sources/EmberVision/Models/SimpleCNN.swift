import Ember

/// The tutorial's `SimpleCNN` (part 3): three blocks of conv 3×3 (padding 1) + ReLU +
/// max-pool 2, 3→32→64→128 channels, then a head of 2048→512→64→10 for its 3×32×32 input.
///
/// The blocks are the properties `conv1`, `conv2`, `conv3` and the head `fc`, each a
/// `Sequential` filled with `addModule` under the tutorial's names, so a state dict saved
/// by the tutorial's PyTorch class (`conv1.conv1.weight`, …, `fc.fc1.weight`, …) loads
/// with `strict: true`. `SimpleCNN(inChannels: 1, imageSize: 28)` is the variant for
/// 1×28×28 images (`ember train cnn`): the same names, a 1152→512 first head layer.
public final class SimpleCNN: Module {
    /// conv 3×3 `inChannels`→32, ReLU, max-pool 2 (`conv1`, `relu1`, `pool1`).
    public let conv1 = Sequential()
    /// conv 3×3 32→64, ReLU, max-pool 2 (`conv2`, `relu2`, `pool2`).
    public let conv2 = Sequential()
    /// conv 3×3 64→128, ReLU, max-pool 2 (`conv3`, `relu3`, `pool3`).
    public let conv3 = Sequential()
    /// The classifier: `fc1`, `fc_relu1`, `fc2`, `fc_relu2`, `fc3`.
    public let fc = Sequential()

    /// The network for `inChannels`×`imageSize`×`imageSize` images and `classes` outputs.
    public init(inChannels: Int = 3, imageSize: Int = 32, classes: Int = 10) {
        super.init()
        for (i, (block, channels)) in zip([conv1, conv2, conv3], [(inChannels, 32), (32, 64), (64, 128)]).enumerated() {
            block.addModule("conv\(i + 1)", Conv2d(channels.0, channels.1, kernelSize: 3, stride: 1, padding: 1))
            block.addModule("relu\(i + 1)", ReLU())
            block.addModule("pool\(i + 1)", MaxPool2d(kernelSize: 2, stride: 2))
        }
        let side = imageSize / 2 / 2 / 2
        fc.addModule("fc1", Linear(128 * side * side, 512))
        fc.addModule("fc_relu1", ReLU())
        fc.addModule("fc2", Linear(512, 64))
        fc.addModule("fc_relu2", ReLU())
        fc.addModule("fc3", Linear(64, classes))
    }

    /// The class logits of a batch `[N, inChannels, imageSize, imageSize]`.
    public override func forward(_ x: Tensor) -> Tensor {
        let features = conv3(conv2(conv1(x)))
        return fc(features.view(features.shape[0], -1))
    }
}
