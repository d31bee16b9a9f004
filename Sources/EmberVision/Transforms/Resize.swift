/// How `Resize` and the other resampling transforms compute pixels
/// (torchvision's `InterpolationMode`, applied with Pillow's filters).
public enum InterpolationMode: String, Sendable, Equatable {
    /// `InterpolationMode.NEAREST`: each output pixel takes the input pixel under its centre.
    case nearest
    /// `InterpolationMode.BILINEAR`: a triangle filter, widened when shrinking (antialiased).
    case bilinear
    /// `InterpolationMode.BICUBIC`: Keys' cubic (a = -0.5), widened when shrinking.
    case bicubic
}

/// The size `F.resize` gives an image of `height × width` for `size`: one value resizes the
/// smaller edge to it and the other edge to `Int(size * long / short)` (truncated, as
/// torchvision computes it); two values are `(height, width)`.
func resizedSize(height: Int, width: Int, size: [Int]) -> (height: Int, width: Int) {
    precondition(size.count == 1 || size.count == 2, "Resize: size must have 1 or 2 values, got \(size.count)")
    precondition(size.allSatisfy { $0 > 0 }, "Resize: sizes must be positive, got \(size)")
    if size.count == 2 { return (size[0], size[1]) }
    let short = min(height, width), long = max(height, width)
    let newShort = size[0], newLong = Int(Double(newShort * long) / Double(short))
    return width <= height ? (newLong, newShort) : (newShort, newLong)
}

/// `image` resized to `height × width` (torchvision's `F.resize(img, [h, w], interpolation)`
/// on a PIL image, which is Pillow's `Image.resize`: antialiased bilinear and bicubic, and
/// pixel-centre nearest). The pixels equal Pillow's.
public func resize(_ image: Image, height: Int, width: Int, interpolation: InterpolationMode = .bilinear) -> Image {
    precondition(height > 0 && width > 0, "resize: height and width must be positive, got \(height)x\(width)")
    precondition(image.width > 0 && image.height > 0, "resize: the image is empty")
    if height == image.height && width == image.width { return image }
    switch interpolation {
    case .nearest: return PillowResample.nearest(image, width: width, height: height)
    case .bilinear: return PillowResample.resample(image, width: width, height: height, filter: .bilinear)
    case .bicubic: return PillowResample.resample(image, width: width, height: height, filter: .bicubic)
    }
}

/// `image` with its smaller edge resized to `size`, the other edge in proportion
/// (`F.resize(img, size, interpolation)` with an int `size`).
public func resize(_ image: Image, size: Int, interpolation: InterpolationMode = .bilinear) -> Image {
    let (h, w) = resizedSize(height: image.height, width: image.width, size: [size])
    return resize(image, height: h, width: w, interpolation: interpolation)
}

/// Resizes images (`transforms.Resize`): `Resize(256)` brings the smaller edge to 256 and
/// the other in proportion (`Int(256 * long / short)`, truncated, as torchvision does);
/// `Resize(height: 20, width: 30)` gives exactly that size. Bilinear by default, antialiased
/// like Pillow; the pixels equal torchvision's on PIL images.
public struct Resize: Transform {
    /// One value (the smaller edge) or `[height, width]`, as torchvision's `size`.
    public let size: [Int]
    /// How pixels are computed.
    public let interpolation: InterpolationMode

    /// `Resize(size)`: the smaller edge becomes `size`.
    public init(_ size: Int, interpolation: InterpolationMode = .bilinear) {
        precondition(size > 0, "Resize: size must be positive, got \(size)")
        self.size = [size]
        self.interpolation = interpolation
    }

    /// `Resize((height, width))`.
    public init(height: Int, width: Int, interpolation: InterpolationMode = .bilinear) {
        precondition(height > 0 && width > 0, "Resize: sizes must be positive, got \(height)x\(width)")
        self.size = [height, width]
        self.interpolation = interpolation
    }

    /// The resized image.
    public func callAsFunction(_ image: Image) -> Image {
        let (h, w) = resizedSize(height: image.height, width: image.width, size: size)
        return resize(image, height: h, width: w, interpolation: interpolation)
    }
}
