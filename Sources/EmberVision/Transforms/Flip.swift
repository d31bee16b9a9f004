/// `image` mirrored left to right (torchvision's `F.hflip`).
public func hflip(_ image: Image) -> Image {
    let c = image.channels, w = image.width
    var out = image.pixels
    for y in 0..<image.height {
        for x in 0..<w {
            let from = (y * w + x) * c, to = (y * w + (w - 1 - x)) * c
            for ch in 0..<c { out[to + ch] = image.pixels[from + ch] }
        }
    }
    return Image(width: w, height: image.height, channels: c, pixels: out)
}

/// `image` upside down (torchvision's `F.vflip`).
public func vflip(_ image: Image) -> Image {
    let stride = image.width * image.channels, h = image.height
    var out = image.pixels
    for y in 0..<h {
        out[(h - 1 - y) * stride..<(h - y) * stride] = image.pixels[y * stride..<(y + 1) * stride]
    }
    return Image(width: image.width, height: h, channels: image.channels, pixels: out)
}

/// A uniform draw in [0, 1) from Ember's default generator (`torch.rand(1).item()`), so
/// `manualSeed` makes random transforms reproducible.
func randomUniform() -> Double {
    Double(Tensor.rand([1]).toArray()[0])
}

/// An integer in `low..<high` from Ember's default generator (`torch.randint(low, high, (1,))`).
func randomInt(_ low: Int, _ high: Int) -> Int {
    Int(Tensor.randint(low, high, [1]).toArray(as: Int64.self)[0])
}

/// Mirrors images left to right with probability `p` (`transforms.RandomHorizontalFlip`),
/// drawing from Ember's default generator.
public struct RandomHorizontalFlip: Transform {
    /// The probability of flipping.
    public let p: Double

    /// `RandomHorizontalFlip(p=0.5)`.
    public init(p: Double = 0.5) {
        precondition((0...1).contains(p), "RandomHorizontalFlip: p must be in 0...1, got \(p)")
        self.p = p
    }

    /// The image, flipped when a uniform draw is below `p`.
    public func callAsFunction(_ image: Image) -> Image { randomUniform() < p ? hflip(image) : image }
}

/// Turns images upside down with probability `p` (`transforms.RandomVerticalFlip`),
/// drawing from Ember's default generator.
public struct RandomVerticalFlip: Transform {
    /// The probability of flipping.
    public let p: Double

    /// `RandomVerticalFlip(p=0.5)`.
    public init(p: Double = 0.5) {
        precondition((0...1).contains(p), "RandomVerticalFlip: p must be in 0...1, got \(p)")
        self.p = p
    }

    /// The image, flipped when a uniform draw is below `p`.
    public func callAsFunction(_ image: Image) -> Image { randomUniform() < p ? vflip(image) : image }
}
