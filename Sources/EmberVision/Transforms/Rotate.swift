import Foundation

/// Python's `round(x, 15)`: the nearest value with 15 decimals, as a correctly rounded
/// decimal conversion gives it.
private func round15(_ x: Double) -> Double {
    Double(String(format: "%.15f", x)) ?? x
}

/// `image` turned `angle` degrees counter-clockwise about its centre (torchvision's
/// `F.rotate` on a PIL image, which is PIL's `Image.rotate`): `.nearest` (the default) or
/// `.bilinear` sampling through PIL's affine transform, pixels from outside the image `fill`.
/// With `expand`, the result is large enough to hold the whole turned image.
public func rotate(_ image: Image, _ angle: Double, interpolation: InterpolationMode = .nearest,
                   expand: Bool = false, fill: UInt8 = 0) -> Image {
    precondition(interpolation != .bicubic, "rotate: bicubic interpolation is not supported; use .nearest or .bilinear")
    var turn = fmod(angle, 360)
    if turn < 0 { turn += 360 }
    if turn == 0 { return image }
    if turn == 180 { return vflip(hflip(image)) }
    if (turn == 90 || turn == 270) && (expand || image.width == image.height) {
        return quarterTurn(image, counterClockwise: turn == 90)
    }
    var w = Double(image.width), h = Double(image.height)
    let radians = -turn * (Double.pi / 180)
    var m = [round15(cos(radians)), round15(sin(radians)), 0, round15(-sin(radians)), round15(cos(radians)), 0]
    func apply(_ x: Double, _ y: Double) -> (Double, Double) {
        (m[0] * x + m[1] * y + m[2], m[3] * x + m[4] * y + m[5])
    }
    let center = (w / 2, h / 2)
    (m[2], m[5]) = apply(-center.0, -center.1)
    m[2] += center.0
    m[5] += center.1
    if expand {
        let corners = [(0.0, 0.0), (w, 0), (w, h), (0, h)].map { apply($0.0, $0.1) }
        let xs = corners.map(\.0), ys = corners.map(\.1)
        let nw = xs.max()!.rounded(.up) - xs.min()!.rounded(.down)
        let nh = ys.max()!.rounded(.up) - ys.min()!.rounded(.down)
        (m[2], m[5]) = apply(-(nw - w) / 2, -(nh - h) / 2)
        w = nw
        h = nh
    }
    let width = Int(w), height = Int(h)
    return interpolation == .nearest
        ? PillowAffine.nearest(image, width: width, height: height, matrix: m, fill: fill)
        : PillowAffine.bilinear(image, width: width, height: height, matrix: m, fill: fill)
}

/// `image` turned a quarter (PIL's `transpose(ROTATE_90)` / `ROTATE_270`).
private func quarterTurn(_ image: Image, counterClockwise: Bool) -> Image {
    let c = image.channels, w = image.width, h = image.height
    var out = [UInt8](repeating: 0, count: image.pixels.count)
    for y in 0..<w {
        for x in 0..<h {
            let (sx, sy) = counterClockwise ? (w - 1 - y, x) : (y, h - 1 - x)
            let from = (sy * w + sx) * c, to = (y * h + x) * c
            for ch in 0..<c { out[to + ch] = image.pixels[from + ch] }
        }
    }
    return Image(width: h, height: w, channels: c, pixels: out)
}

/// PIL's `Image.transform(size, AFFINE, matrix)`: output pixel `(x, y)` samples the input
/// at `(a x' + b y' + c, d x' + e y' + f)` for its centre `(x', y') = (x + 0.5, y + 0.5)`.
enum PillowAffine {
    /// NEAREST, in PIL's 16.16 fixed point (`affine_fixed`).
    static func nearest(_ image: Image, width: Int, height: Int, matrix a: [Double], fill: UInt8) -> Image {
        func fix(_ v: Double) -> Int {
            let v = v * 65536 + 0.5
            return v < 0 ? Int(v.rounded(.down)) : Int(v)
        }
        let c = image.channels
        var out = [UInt8](repeating: fill, count: width * height * c)
        let a0 = fix(a[0]), a1 = fix(a[1]), a3 = fix(a[3]), a4 = fix(a[4])
        var a2 = fix(a[2] + a[0] * 0.5 + a[1] * 0.5), a5 = fix(a[5] + a[3] * 0.5 + a[4] * 0.5)
        for y in 0..<height {
            var xx = a2, yy = a5
            for x in 0..<width {
                let xin = xx >> 16, yin = yy >> 16
                if xin >= 0 && xin < image.width && yin >= 0 && yin < image.height {
                    let from = (yin * image.width + xin) * c, to = (y * width + x) * c
                    for ch in 0..<c { out[to + ch] = image.pixels[from + ch] }
                }
                xx += a0
                yy += a3
            }
            a2 += a1
            a5 += a4
        }
        return Image(width: width, height: height, channels: c, pixels: out)
    }

    /// BILINEAR (`bilinear_filter8` and its RGB form), truncated to bytes.
    static func bilinear(_ image: Image, width: Int, height: Int, matrix a: [Double], fill: UInt8) -> Image {
        let c = image.channels, w = image.width, h = image.height
        var out = [UInt8](repeating: fill, count: width * height * c)
        func floor(_ v: Double) -> Int { v < 0 ? Int(v.rounded(.down)) : Int(v) }
        for y in 0..<height {
            for x in 0..<width {
                let px = Double(x) + 0.5, py = Double(y) + 0.5
                var xin = a[0] * px + a[1] * py + a[2]
                var yin = a[3] * px + a[4] * py + a[5]
                guard xin >= 0 && xin < Double(w) && yin >= 0 && yin < Double(h) else { continue }
                xin -= 0.5
                yin -= 0.5
                let ix = floor(xin), iy = floor(yin)
                let dx = xin - Double(ix), dy = yin - Double(iy)
                let x0 = min(max(ix, 0), w - 1), x1 = min(max(ix + 1, 0), w - 1)
                let row0 = min(max(iy, 0), h - 1)
                let hasRow1 = iy + 1 >= 0 && iy + 1 < h
                for ch in 0..<c {
                    func at(_ row: Int, _ col: Int) -> Double { Double(image.pixels[(row * w + col) * c + ch]) }
                    let top = at(row0, x0) + (at(row0, x1) - at(row0, x0)) * dx
                    let bottom = hasRow1 ? at(iy + 1, x0) + (at(iy + 1, x1) - at(iy + 1, x0)) * dx : top
                    out[(y * width + x) * c + ch] = UInt8(top + (bottom - top) * dy)
                }
            }
        }
        return Image(width: width, height: height, channels: c, pixels: out)
    }
}

/// Turns images by a random angle (`transforms.RandomRotation(degrees, interpolation, expand,
/// fill)`), the angle uniform in `degrees` from Ember's default generator.
public struct RandomRotation: Transform {
    /// The range of angles, in degrees counter-clockwise.
    public let degrees: ClosedRange<Double>
    /// `.nearest` or `.bilinear`.
    public let interpolation: InterpolationMode
    /// Whether the result grows to hold the whole turned image.
    public let expand: Bool
    /// The value of pixels from outside the image.
    public let fill: UInt8

    /// `RandomRotation(degrees)`: angles in `-degrees...degrees`.
    public init(_ degrees: Double, interpolation: InterpolationMode = .nearest, expand: Bool = false, fill: UInt8 = 0) {
        precondition(degrees >= 0, "RandomRotation: degrees must not be negative, got \(degrees)")
        self.init(-degrees...degrees, interpolation: interpolation, expand: expand, fill: fill)
    }

    /// `RandomRotation((min, max))`.
    public init(_ degrees: ClosedRange<Double>, interpolation: InterpolationMode = .nearest, expand: Bool = false,
                fill: UInt8 = 0) {
        precondition(interpolation != .bicubic, "RandomRotation: use .nearest or .bilinear")
        self.degrees = degrees
        self.interpolation = interpolation
        self.expand = expand
        self.fill = fill
    }

    /// The turned image.
    public func callAsFunction(_ image: Image) -> Image {
        let angle = degrees.lowerBound + Double(Float(degrees.upperBound - degrees.lowerBound) * Float(randomUniform()))
        return rotate(image, angle, interpolation: interpolation, expand: expand, fill: fill)
    }
}
