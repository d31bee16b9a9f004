import Ember

/// Converts an 8-bit `Image` (`height × width × channels`) to a uint8 tensor
/// `[channels, height, width]` with the bytes unchanged (`transforms.PILToTensor`): a
/// quarter of `ToTensor`'s memory, for pipelines that scale later or keep raw pixels.
public struct PILToTensor: Transform {
    /// `PILToTensor()`; it has no options.
    public init() {}

    /// The image's bytes, channels first.
    public func callAsFunction(_ image: Image) -> Tensor {
        Tensor(shape: [image.height, image.width, image.channels], scalars: image.pixels).permute(2, 0, 1).contiguous()
    }
}
