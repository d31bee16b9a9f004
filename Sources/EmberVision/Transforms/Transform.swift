/// A step of a data pipeline applied to each sample, like torchvision's transforms:
/// `Compose([ToTensor(), Normalize(mean: [0.5], std: [0.5])])`.
///
/// Transforms are typed: `ToTensor` takes an `Image` and gives a `Tensor`, `Normalize`
/// takes and gives a `Tensor`. A transform whose effect on pixel values is a per-channel
/// affine map also says so through `channelAffine`; data sets of 8-bit images use it to
/// convert whole batches in one pass instead of calling the transform image by image.
public protocol Transform<Input, Output>: Sendable {
    /// What the transform takes: an `Image`, a `Tensor`, a label...
    associatedtype Input
    /// What it gives.
    associatedtype Output
    /// Applies the transform to one sample.
    func callAsFunction(_ input: Input) -> Output
    /// The transform as `value * scale[c] + shift[c]` on the values of each channel `c`,
    /// when it is exactly that, else nil (the default).
    var channelAffine: ChannelAffine? { get }
}

extension Transform {
    /// nil: a transform is not an affine map unless it says so.
    public var channelAffine: ChannelAffine? { nil }
}
