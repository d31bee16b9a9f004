/// Crops images at a random place (`transforms.RandomCrop(size, padding, pad_if_needed,
/// fill, padding_mode)`): optional padding first, then, with `padIfNeeded`, enough padding
/// on both sides of an edge shorter than the crop, then a `height × width` region whose
/// corner is drawn uniformly from Ember's default generator as torchvision's `get_params`
/// draws it (row, then column).
public struct RandomCrop: Transform {
    /// Rows of the result.
    public let height: Int
    /// Columns of the result.
    public let width: Int
    /// Left, top, right, bottom padding applied first, or nil.
    public let padding: [Int]?
    /// Whether to pad an image smaller than the crop.
    public let padIfNeeded: Bool
    /// The value of a `.constant` border.
    public let fill: UInt8
    /// How borders are filled.
    public let paddingMode: PaddingMode

    /// `RandomCrop(size)`: a `size × size` crop.
    public init(_ size: Int, padding: [Int]? = nil, padIfNeeded: Bool = false, fill: UInt8 = 0,
                paddingMode: PaddingMode = .constant) {
        self.init(height: size, width: size, padding: padding, padIfNeeded: padIfNeeded, fill: fill,
                  paddingMode: paddingMode)
    }

    /// `RandomCrop((height, width))`.
    public init(height: Int, width: Int, padding: [Int]? = nil, padIfNeeded: Bool = false, fill: UInt8 = 0,
                paddingMode: PaddingMode = .constant) {
        precondition(height > 0 && width > 0, "RandomCrop: sizes must be positive, got \(height)x\(width)")
        self.height = height
        self.width = width
        self.padding = padding.map { p in
            let s = paddingSides(p, "RandomCrop")
            return [s.left, s.top, s.right, s.bottom]
        }
        self.padIfNeeded = padIfNeeded
        self.fill = fill
        self.paddingMode = paddingMode
    }

    /// The top-left corner of a `height × width` crop of an image of `imageHeight ×
    /// imageWidth`, drawn as `RandomCrop.get_params` draws it.
    public static func parameters(imageHeight: Int, imageWidth: Int, height: Int, width: Int) -> (top: Int, left: Int) {
        precondition(imageHeight >= height && imageWidth >= width,
                     "RandomCrop: crop \(height)x\(width) is larger than the image \(imageHeight)x\(imageWidth)")
        if imageHeight == height && imageWidth == width { return (0, 0) }
        let top = randomInt(0, imageHeight - height + 1)
        let left = randomInt(0, imageWidth - width + 1)
        return (top, left)
    }

    /// A random crop of the (padded) image.
    public func callAsFunction(_ image: Image) -> Image {
        var image = image
        if let p = padding { image = pad(image, padding: p, fill: fill, paddingMode: paddingMode) }
        if padIfNeeded && image.width < width {
            let extra = width - image.width
            image = pad(image, left: extra, top: 0, right: extra, bottom: 0, fill: fill, paddingMode: paddingMode)
        }
        if padIfNeeded && image.height < height {
            let extra = height - image.height
            image = pad(image, left: 0, top: extra, right: 0, bottom: extra, fill: fill, paddingMode: paddingMode)
        }
        let (top, left) = Self.parameters(imageHeight: image.height, imageWidth: image.width, height: height, width: width)
        return crop(image, top: top, left: left, height: height, width: width)
    }
}
