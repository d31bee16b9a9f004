import Ember

/// The tutorial's `SimpleCNN` (part 3), adapted to 1×28×28 input: three blocks of
/// conv 3×3 (padding 1) + ReLU + max-pool 2, 1→32→64→128 channels (28→14→7→3), then
/// 1152→512→64→10. Layers are named with `addModule` exactly as the tutorial does, so
/// state-dict keys (`layer1.conv1.weight`, `layer4.fc1.weight`, ...) match PyTorch's.
public final class SimpleCNN: Module {
    public let layer1 = Sequential(), layer2 = Sequential(), layer3 = Sequential(), layer4 = Sequential()

    public init(inChannels: Int = 1, imageSize: Int = 28, classes: Int = 10) {
        super.init()
        for (i, (layer, channels)) in zip([layer1, layer2, layer3], [(inChannels, 32), (32, 64), (64, 128)]).enumerated() {
            layer.addModule("conv\(i + 1)", Conv2d(channels.0, channels.1, kernelSize: 3, stride: 1, padding: 1))
            layer.addModule("relu\(i + 1)", ReLU())
            layer.addModule("pool\(i + 1)", MaxPool2d(kernelSize: 2, stride: 2))
        }
        let side = imageSize / 2 / 2 / 2
        layer4.addModule("fc1", Linear(128 * side * side, 512))
        layer4.addModule("fc_relu1", ReLU())
        layer4.addModule("fc2", Linear(512, 64))
        layer4.addModule("fc_relu2", ReLU())
        layer4.addModule("fc3", Linear(64, classes))
    }

    public override func forward(_ x: Tensor) -> Tensor {
        let features = layer3(layer2(layer1(x)))
        return layer4(features.view(features.shape[0], -1))
    }
}
