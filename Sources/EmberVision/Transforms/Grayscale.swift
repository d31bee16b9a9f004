/// `image` in gray (torchvision's `F.to_grayscale`, which is PIL's `convert("L")`):
/// `L = (19595 R + 38470 G + 7471 B + 32768) >> 16`, Pillow's fixed-point form of
/// `0.299 R + 0.587 G + 0.114 B`; with `numOutputChannels: 3` the gray value is repeated in
/// three channels. A one-channel image is already gray.
public func toGrayscale(_ image: Image, numOutputChannels: Int = 1) -> Image {
    precondition(numOutputChannels == 1 || numOutputChannels == 3,
                 "toGrayscale: numOutputChannels must be 1 or 3, got \(numOutputChannels)")
    let n = image.width * image.height
    var gray = [UInt8](repeating: 0, count: n)
    switch image.channels {
    case 1, 2:
        for i in 0..<n { gray[i] = image.pixels[i * image.channels] }
    default:
        let c = image.channels
        for i in 0..<n {
            let r = Int(image.pixels[i * c]), g = Int(image.pixels[i * c + 1]), b = Int(image.pixels[i * c + 2])
            gray[i] = UInt8((r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16)
        }
    }
    if numOutputChannels == 1 { return Image(width: image.width, height: image.height, channels: 1, pixels: gray) }
    var out = [UInt8](repeating: 0, count: n * 3)
    for i in 0..<n { out[3 * i] = gray[i]; out[3 * i + 1] = gray[i]; out[3 * i + 2] = gray[i] }
    return Image(width: image.width, height: image.height, channels: 3, pixels: out)
}

/// Converts images to gray (`transforms.Grayscale(num_output_channels)`), with PIL's
/// `convert("L")` weights and rounding.
public struct Grayscale: Transform {
    /// 1, or 3 for the gray value in each of R, G and B.
    public let numOutputChannels: Int

    /// `Grayscale(num_output_channels=1)`.
    public init(numOutputChannels: Int = 1) {
        precondition(numOutputChannels == 1 || numOutputChannels == 3,
                     "Grayscale: numOutputChannels must be 1 or 3, got \(numOutputChannels)")
        self.numOutputChannels = numOutputChannels
    }

    /// The gray image.
    public func callAsFunction(_ image: Image) -> Image { toGrayscale(image, numOutputChannels: numOutputChannels) }
}
