/// Converts an 8-bit `Image` (`height × width × channels`) to a float tensor
/// `[channels, height, width]` with values in 0...1 (`transforms.ToTensor`).
public struct ToTensor: Transform {
    /// `ToTensor()`; it has no options.
    public init() {}

    /// The image's values divided by 255, channels first.
    public func callAsFunction(_ image: Image) -> Tensor {
        AffineImageToTensor(map: .toTensor)(image)
    }

    /// Scaling by 1/255.
    public var channelAffine: ChannelAffine? { .toTensor }
}

extension ChannelAffine {
    /// `ToTensor`'s map from bytes to 0...1.
    static let toTensor = ChannelAffine(scale: [1 / 255], shift: [0])
}

/// An image to a `[C, H, W]` float tensor with every value mapped through `map` in the
/// same pass: `ToTensor` (1/255), or `ToTensor` and `Normalize` fused by `Compose`.
struct AffineImageToTensor: Transform {
    let map: ChannelAffine

    func callAsFunction(_ image: Image) -> Tensor {
        image.pixels.withUnsafeBufferPointer { pixels in
            map.images(from: pixels, offsets: [0], height: image.height, width: image.width, channels: image.channels)
        }.squeeze(dim: 0)
    }

    var channelAffine: ChannelAffine? { map }
}
