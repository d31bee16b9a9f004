/// An 8-bit image, the role a PIL image plays in torchvision: `height × width × channels`
/// bytes in row-major, channel-last order (1 channel for grayscale, 3 for RGB). `ToTensor`
/// turns it into a float `[C, H, W]` tensor.
public struct Image: Sendable, Equatable {
    /// Columns.
    public let width: Int
    /// Rows.
    public let height: Int
    /// Values per pixel.
    public let channels: Int
    /// `height * width * channels` values, pixel by pixel along each row, rows top to bottom.
    public var pixels: [UInt8]

    /// An image over `pixels`, which must hold `height * width * channels` values.
    public init(width: Int, height: Int, channels: Int = 1, pixels: [UInt8]) {
        precondition(width >= 0 && height >= 0 && channels > 0, "Image: invalid size \(width)x\(height)x\(channels)")
        precondition(
            pixels.count == width * height * channels,
            "Image: \(width)x\(height) with \(channels) channels needs \(width * height * channels) values, got \(pixels.count)")
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }

    /// The value of channel `channel` at column `x`, row `y`.
    public subscript(x x: Int, y y: Int, channel channel: Int = 0) -> UInt8 {
        pixels[(y * width + x) * channels + channel]
    }
}
