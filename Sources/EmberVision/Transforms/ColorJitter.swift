import Foundation

/// PIL's `Image.blend(degenerate, image, factor)`, as `ImageEnhance` uses it: per value
/// `degenerate + factor * (image - degenerate)` in single precision, truncated, and clipped
/// to 0...255 when `factor` is outside 0...1.
func pillowBlend(_ degenerate: [UInt8], _ image: Image, factor: Double) -> Image {
    let alpha = Float(factor)
    if alpha == 0 { return Image(width: image.width, height: image.height, channels: image.channels, pixels: degenerate) }
    if alpha == 1 { return image }
    var out = [UInt8](repeating: 0, count: image.pixels.count)
    let inside = alpha >= 0 && alpha <= 1
    for i in 0..<out.count {
        let a = Int(degenerate[i]), b = Int(image.pixels[i])
        let v = Float(a) + alpha * Float(b - a)
        out[i] = inside ? UInt8(v) : (v <= 0 ? 0 : v >= 255 ? 255 : UInt8(v))
    }
    return Image(width: image.width, height: image.height, channels: image.channels, pixels: out)
}

/// `image` brighter (`factor > 1`) or darker (torchvision's `F.adjust_brightness`, PIL's
/// `ImageEnhance.Brightness`): a blend with black.
public func adjustBrightness(_ image: Image, _ factor: Double) -> Image {
    precondition(factor >= 0, "adjustBrightness: factor must not be negative, got \(factor)")
    return pillowBlend([UInt8](repeating: 0, count: image.pixels.count), image, factor: factor)
}

/// `image` with more (`factor > 1`) or less contrast (torchvision's `F.adjust_contrast`, PIL's
/// `ImageEnhance.Contrast`): a blend with the image's mean gray level, rounded.
public func adjustContrast(_ image: Image, _ factor: Double) -> Image {
    precondition(factor >= 0, "adjustContrast: factor must not be negative, got \(factor)")
    let gray = toGrayscale(image).pixels
    let total = gray.reduce(0) { $0 + Int($1) }
    let mean = gray.isEmpty ? 0 : UInt8(Int(Double(total) / Double(gray.count) + 0.5))
    return pillowBlend([UInt8](repeating: mean, count: image.pixels.count), image, factor: factor)
}

/// `image` more (`factor > 1`) or less saturated (torchvision's `F.adjust_saturation`, PIL's
/// `ImageEnhance.Color`): a blend with its gray version. A gray image is unchanged.
public func adjustSaturation(_ image: Image, _ factor: Double) -> Image {
    precondition(factor >= 0, "adjustSaturation: factor must not be negative, got \(factor)")
    guard image.channels >= 3 else { return image }
    return pillowBlend(toGrayscale(image, numOutputChannels: image.channels == 3 ? 3 : 1).pixels, image, factor: factor)
}

/// PIL's `convert("HSV")` of one RGB pixel.
func pillowHSV(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> (UInt8, UInt8, UInt8) {
    let maxc = max(r, g, b), minc = min(r, g, b)
    if maxc == minc { return (0, 0, maxc) }
    let cr = Float(maxc - minc)
    let s = cr / Float(maxc)
    let rc = Float(maxc - r) / cr, gc = Float(maxc - g) / cr, bc = Float(maxc - b) / cr
    var h: Float
    if r == maxc { h = bc - gc } else if g == maxc { h = Float(2.0 + Double(rc) - Double(bc)) } else {
        h = Float(4.0 + Double(gc) - Double(rc))
    }
    h = Float(fmod(Double(h) / 6.0 + 1.0, 1.0))
    func clip8(_ v: Int) -> UInt8 { UInt8(clamping: v) }
    return (clip8(Int(Double(h) * 255.0)), clip8(Int(Double(s) * 255.0)), maxc)
}

/// PIL's `convert("RGB")` of one HSV pixel.
func pillowRGB(_ h: UInt8, _ s: UInt8, _ v: UInt8) -> (UInt8, UInt8, UInt8) {
    if s == 0 { return (v, v, v) }
    let i = Int((Double(Float(h)) * 6.0 / 255.0).rounded(.down))
    let f = Float(Double(Float(h)) * 6.0 / 255.0 - Double(Float(i)))
    let fs = Float(Double(Float(s)) / 255.0)
    let fv = Double(Float(v))
    let p = UInt8(clamping: Int((fv * (1.0 - Double(fs))).rounded()))
    let q = UInt8(clamping: Int((fv * (1.0 - Double(fs) * Double(f))).rounded()))
    let t = UInt8(clamping: Int((fv * (1.0 - Double(fs) * (1.0 - Double(f)))).rounded()))
    return hsvSector(i, v: v, p: p, q: q, t: t)
}

/// The RGB of an HSV pixel in hue sector `sector` (0...5, wrapped), from the value `v`
/// and the three mixes `p`, `q`, `t` that PIL's and torchvision's conversions both use.
func hsvSector<T>(_ sector: Int, v: T, p: T, q: T, t: T) -> (T, T, T) {
    switch (sector % 6 + 6) % 6 {
    case 0: return (v, t, p)
    case 1: return (q, v, p)
    case 2: return (p, v, t)
    case 3: return (p, q, v)
    case 4: return (t, p, v)
    default: return (v, p, q)
    }
}

/// `image` with its hue turned by `factor` of a full turn, `factor` in -0.5...0.5
/// (torchvision's `F.adjust_hue` on a PIL image): PIL's 8-bit HSV, the hue byte shifted by
/// `Int8(factor * 255)` with wrap-around, and back to RGB. A gray image is unchanged.
public func adjustHue(_ image: Image, _ factor: Double) -> Image {
    precondition((-0.5...0.5).contains(factor), "adjustHue: factor must be in -0.5...0.5, got \(factor)")
    guard image.channels == 3 else { return image }
    let shift = UInt8(truncatingIfNeeded: Int(factor * 255))
    var out = image.pixels
    for i in stride(from: 0, to: out.count, by: 3) {
        let (h, s, v) = pillowHSV(out[i], out[i + 1], out[i + 2])
        let (r, g, b) = pillowRGB(h &+ shift, s, v)
        out[i] = r; out[i + 1] = g; out[i + 2] = b
    }
    return Image(width: image.width, height: image.height, channels: 3, pixels: out)
}

/// Random changes of brightness, contrast, saturation and hue (`transforms.ColorJitter`):
/// each factor is drawn uniformly from its range and the four adjustments are applied in a
/// random order, drawn as torchvision draws them (`randperm(4)`, then the factors), from
/// Ember's default generator.
public struct ColorJitter: Transform {
    /// The range of the brightness factor, or nil.
    public let brightness: ClosedRange<Double>?
    /// The range of the contrast factor, or nil.
    public let contrast: ClosedRange<Double>?
    /// The range of the saturation factor, or nil.
    public let saturation: ClosedRange<Double>?
    /// The range of the hue factor, or nil.
    public let hue: ClosedRange<Double>?

    /// `ColorJitter(brightness, contrast, saturation, hue)`: a value `x` means the factor range
    /// `max(0, 1 - x)...1 + x` (for hue, `-x...x`, with `x <= 0.5`); 0 leaves it out.
    public init(brightness: Double = 0, contrast: Double = 0, saturation: Double = 0, hue: Double = 0) {
        func range(_ x: Double, _ name: String) -> ClosedRange<Double>? {
            precondition(x >= 0, "ColorJitter: \(name) must not be negative, got \(x)")
            return x == 0 ? nil : max(0, 1 - x)...(1 + x)
        }
        precondition((0...0.5).contains(hue), "ColorJitter: hue must be in 0...0.5, got \(hue)")
        self.init(brightness: range(brightness, "brightness"), contrast: range(contrast, "contrast"),
                  saturation: range(saturation, "saturation"), hue: hue == 0 ? nil : -hue...hue)
    }

    /// `ColorJitter` with explicit `(min, max)` ranges, as torchvision accepts them.
    public init(brightness: ClosedRange<Double>?, contrast: ClosedRange<Double>?, saturation: ClosedRange<Double>?,
                hue: ClosedRange<Double>?) {
        if let hue { precondition(hue.lowerBound >= -0.5 && hue.upperBound <= 0.5, "ColorJitter: hue must lie in -0.5...0.5") }
        self.brightness = brightness
        self.contrast = contrast
        self.saturation = saturation
        self.hue = hue
    }

    /// The order (0 brightness, 1 contrast, 2 saturation, 3 hue) and factors
    /// (`ColorJitter.get_params`); a nil factor is not applied.
    public func parameters() -> (order: [Int], factors: [Double?]) {
        let order = Tensor.randperm(4).toArray(as: Int64.self).map { Int($0) }
        let factors = [brightness, contrast, saturation, hue].map { r in
            r.map { $0.lowerBound + Double(Float($0.upperBound - $0.lowerBound) * Float(randomUniform())) }
        }
        return (order, factors)
    }

    /// The jittered image.
    public func callAsFunction(_ image: Image) -> Image {
        let (order, factors) = parameters()
        var image = image
        for index in order {
            guard let f = factors[index] else { continue }
            switch index {
            case 0: image = adjustBrightness(image, f)
            case 1: image = adjustContrast(image, f)
            case 2: image = adjustSaturation(image, f)
            default: image = adjustHue(image, f)
            }
        }
        return image
    }
}
