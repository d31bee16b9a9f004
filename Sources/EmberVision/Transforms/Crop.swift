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
    let plan = CenterCropPlan(height: image.height, width: image.width, cropHeight: height, cropWidth: width)
    let padded = plan.needsPadding
        ? pad(image, left: plan.padding.left, top: plan.padding.top, right: plan.padding.right, bottom: plan.padding.bottom)
        : image
    return crop(padded, top: plan.top, left: plan.left, height: height, width: width)
}

/// torchvision's `center_crop` arithmetic, shared by the image and tensor forms: zero
/// padding when the crop is larger (the extra pixel, when odd, at the right and bottom),
/// then offsets `round((size - crop) / 2)`, halves to even as Python's `round`.
struct CenterCropPlan {
    let padding: (left: Int, right: Int, top: Int, bottom: Int)
    let top: Int
    let left: Int

    init(height: Int, width: Int, cropHeight: Int, cropWidth: Int) {
        precondition(cropHeight > 0 && cropWidth > 0, "centerCrop: sizes must be positive, got \(cropHeight)x\(cropWidth)")
        let extraWidth = max(cropWidth - width, 0), extraHeight = max(cropHeight - height, 0)
        padding = (extraWidth / 2, (extraWidth + 1) / 2, extraHeight / 2, (extraHeight + 1) / 2)
        let (paddedHeight, paddedWidth) = (height + extraHeight, width + extraWidth)
        top = Int((Double(paddedHeight - cropHeight) / 2).rounded(.toNearestOrEven))
        left = Int((Double(paddedWidth - cropWidth) / 2).rounded(.toNearestOrEven))
    }

    var needsPadding: Bool { padding != (0, 0, 0, 0) }
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
