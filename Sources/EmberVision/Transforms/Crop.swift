/// The `height × width` region of `image` whose top-left corner is at row `top`, column
/// `left` (torchvision's `F.crop`); parts outside the image are zeros, as PIL's `crop` gives.
public func crop(_ image: Image, top: Int, left: Int, height: Int, width: Int) -> Image {
    precondition(height >= 0 && width >= 0, "crop: height and width must not be negative, got \(height)x\(width)")
    let c = image.channels
    var out = [UInt8](repeating: 0, count: height * width * c)
    let x0 = max(left, 0), x1 = min(left + width, image.width)
    if x0 < x1 {
        for y in max(top, 0)..<max(min(top + height, image.height), max(top, 0)) {
            let from = (y * image.width + x0) * c, to = ((y - top) * width + (x0 - left)) * c
            let n = (x1 - x0) * c
            out.withUnsafeMutableBufferPointer { o in
                image.pixels.withUnsafeBufferPointer { p in
                    for i in 0..<n { o[to + i] = p[from + i] }
                }
            }
        }
    }
    return Image(width: width, height: height, channels: c, pixels: out)
}

/// The central `height × width` region of `image` (torchvision's `F.center_crop`): an image
/// smaller than that is first padded with zeros (the extra pixel, when odd, at the right and
/// bottom), then the offsets are `round((size - crop) / 2)`, rounding halves to even as
/// Python's `round` does.
public func centerCrop(_ image: Image, height: Int, width: Int) -> Image {
    precondition(height > 0 && width > 0, "centerCrop: sizes must be positive, got \(height)x\(width)")
    var image = image
    if width > image.width || height > image.height {
        let left = width > image.width ? (width - image.width) / 2 : 0
        let top = height > image.height ? (height - image.height) / 2 : 0
        let right = width > image.width ? (width - image.width + 1) / 2 : 0
        let bottom = height > image.height ? (height - image.height + 1) / 2 : 0
        image = pad(image, left: left, top: top, right: right, bottom: bottom)
        if image.width == width && image.height == height { return image }
    }
    let top = Int((Double(image.height - height) / 2).rounded(.toNearestOrEven))
    let left = Int((Double(image.width - width) / 2).rounded(.toNearestOrEven))
    return crop(image, top: top, left: left, height: height, width: width)
}

/// Crops the centre of images (`transforms.CenterCrop`), padding with zeros first when the
/// image is smaller than the crop. `CenterCrop(224)` is square; `CenterCrop(height:width:)`
/// is not.
public struct CenterCrop: Transform {
    /// Rows of the result.
    public let height: Int
    /// Columns of the result.
    public let width: Int

    /// `CenterCrop(size)`: a `size × size` crop.
    public init(_ size: Int) { self.init(height: size, width: size) }

    /// `CenterCrop((height, width))`.
    public init(height: Int, width: Int) {
        precondition(height > 0 && width > 0, "CenterCrop: sizes must be positive, got \(height)x\(width)")
        self.height = height
        self.width = width
    }

    /// The central crop.
    public func callAsFunction(_ image: Image) -> Image { centerCrop(image, height: height, width: width) }
}
