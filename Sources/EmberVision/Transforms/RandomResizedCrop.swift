import Foundation

/// The region `top`, `left`, `height × width` of `image` resized to `size` (torchvision's
/// `F.resized_crop`: `F.crop` then `F.resize`); one size value is the smaller edge, two are
/// `[height, width]`.
public func resizedCrop(_ image: Image, top: Int, left: Int, height: Int, width: Int, size: [Int],
                        interpolation: InterpolationMode = .bilinear) -> Image {
    let region = crop(image, top: top, left: left, height: height, width: width)
    let (h, w) = resizedSize(height: height, width: width, size: size)
    return resize(region, height: h, width: w, interpolation: interpolation)
}

/// `resizedCrop` with one size value: the smaller edge of the result.
public func resizedCrop(_ image: Image, top: Int, left: Int, height: Int, width: Int, size: Int,
                        interpolation: InterpolationMode = .bilinear) -> Image {
    resizedCrop(image, top: top, left: left, height: height, width: width, size: [size], interpolation: interpolation)
}

/// Crops a random region and resizes it (`transforms.RandomResizedCrop(size, scale, ratio,
/// interpolation)`), the training augmentation of ImageNet models. The region is drawn as
/// torchvision's `get_params` draws it, from Ember's default generator.
public struct RandomResizedCrop: Transform {
    /// Rows of the result.
    public let height: Int
    /// Columns of the result.
    public let width: Int
    /// The range of the region's area, as fractions of the image's.
    public let scale: (lower: Double, upper: Double)
    /// The range of the region's width / height.
    public let ratio: (lower: Double, upper: Double)
    /// How the region is resized.
    public let interpolation: InterpolationMode

    /// `RandomResizedCrop(size)`: a `size × size` result.
    public init(_ size: Int, scale: (Double, Double) = (0.08, 1), ratio: (Double, Double) = (3.0 / 4, 4.0 / 3),
                interpolation: InterpolationMode = .bilinear) {
        self.init(height: size, width: size, scale: scale, ratio: ratio, interpolation: interpolation)
    }

    /// `RandomResizedCrop((height, width))`.
    public init(height: Int, width: Int, scale: (Double, Double) = (0.08, 1),
                ratio: (Double, Double) = (3.0 / 4, 4.0 / 3), interpolation: InterpolationMode = .bilinear) {
        precondition(height > 0 && width > 0, "RandomResizedCrop: sizes must be positive, got \(height)x\(width)")
        precondition(scale.0 <= scale.1 && ratio.0 <= ratio.1 && ratio.0 > 0,
                     "RandomResizedCrop: scale and ratio must be (min, max), got \(scale), \(ratio)")
        self.height = height
        self.width = width
        self.scale = scale
        self.ratio = ratio
        self.interpolation = interpolation
    }

    /// The region of an image of `imageHeight × imageWidth` to crop, drawn as
    /// `RandomResizedCrop.get_params` draws it: up to 10 tries of an area uniform in `scale`
    /// and an aspect ratio log-uniform in `ratio`, kept when the region fits; else the whole
    /// image narrowed to the ratio range, centred.
    public static func parameters(imageHeight: Int, imageWidth: Int, scale: (Double, Double),
                                  ratio: (Double, Double)) -> (top: Int, left: Int, height: Int, width: Int) {
        let area = Double(imageHeight * imageWidth)
        let logLow = log(ratio.0), logHigh = log(ratio.1)
        for _ in 0..<10 {
            let targetArea = area * Double(Float(scale.0) + Float(scale.1 - scale.0) * Float(randomUniform()))
            let aspect = exp(Double(Float(logLow) + Float(logHigh - logLow) * Float(randomUniform())))
            let w = Int((targetArea * aspect).squareRoot().rounded(.toNearestOrEven))
            let h = Int((targetArea / aspect).squareRoot().rounded(.toNearestOrEven))
            if w > 0 && w <= imageWidth && h > 0 && h <= imageHeight {
                let top = randomInt(0, imageHeight - h + 1)
                let left = randomInt(0, imageWidth - w + 1)
                return (top, left, h, w)
            }
        }
        let inRatio = Double(imageWidth) / Double(imageHeight)
        var w = imageWidth, h = imageHeight
        if inRatio < min(ratio.0, ratio.1) {
            h = Int((Double(w) / min(ratio.0, ratio.1)).rounded(.toNearestOrEven))
        } else if inRatio > max(ratio.0, ratio.1) {
            w = Int((Double(h) * max(ratio.0, ratio.1)).rounded(.toNearestOrEven))
        }
        return ((imageHeight - h) / 2, (imageWidth - w) / 2, h, w)
    }

    /// A random region of the image, resized to `height × width`.
    public func callAsFunction(_ image: Image) -> Image {
        let r = Self.parameters(imageHeight: image.height, imageWidth: image.width, scale: scale, ratio: ratio)
        return resizedCrop(image, top: r.top, left: r.left, height: r.height, width: r.width, size: [height, width],
                           interpolation: interpolation)
    }
}
