/// The multiply-adds one forward pass of `model` takes on one input of `inputShape`
/// (channels, height, width for images): those of its convolutions, transposed
/// convolutions and linear layers, which is what torchvision's published GFLOPs count
/// (ResNet-18 at 224×224: 1.814 × 10⁹).
///
/// The model runs once in evaluation mode on zeros, as `summary(_:inputShape:)` does.
public func multiplyAdds(_ model: Module, inputShape: [Int]) -> Int {
    var total = 0
    observeLeaves(of: model, running: Tensor.zeros([1] + inputShape)) { module, input, output in
        switch module {
        case let conv as Conv2d:
            total += output.numel * conv.inChannels / conv.groups * conv.kernelSize.height * conv.kernelSize.width
        case let conv as ConvTranspose2d:
            total += input.numel * conv.outChannels / conv.groups * conv.kernelSize.height * conv.kernelSize.width
        case let linear as Linear:
            total += output.numel * linear.inFeatures
        default:
            break
        }
    }
    return total
}
