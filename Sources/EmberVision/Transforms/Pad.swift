/// How `Pad` fills the border (torchvision's `padding_mode`).
public enum PaddingMode: String, Sendable, Equatable {
    /// `"constant"`: the fill value.
    case constant
    /// `"edge"`: the last pixel repeated.
    case edge
    /// `"reflect"`: mirrored without repeating the edge (`[1, 2, 3]` → `3 2 | 1 2 3 | 2 1`).
    case reflect
    /// `"symmetric"`: mirrored repeating the edge (`[1, 2, 3]` → `2 1 | 1 2 3 | 3 2`).
    case symmetric
}

/// Padding as torchvision takes it: one value for every side, two for left/right and
/// top/bottom, or four for left, top, right and bottom.
func paddingSides(_ padding: [Int], _ caller: String) -> (left: Int, top: Int, right: Int, bottom: Int) {
    precondition(padding.allSatisfy { $0 >= 0 }, "\(caller): padding must not be negative, got \(padding)")
    switch padding.count {
    case 1: return (padding[0], padding[0], padding[0], padding[0])
    case 2: return (padding[0], padding[1], padding[0], padding[1])
    case 4: return (padding[0], padding[1], padding[2], padding[3])
    default: preconditionFailure("\(caller): padding must have 1, 2 or 4 values, got \(padding.count)")
    }
}

/// The source index for position `i` (which may be outside `0..<n`) under `mode`, as
/// NumPy's `np.pad` computes it (which torchvision uses for PIL images).
func sourceIndex(_ i: Int, _ n: Int, _ mode: PaddingMode) -> Int {
    if (0..<n).contains(i) { return i }
    switch mode {
    case .constant: return -1
    case .edge: return i < 0 ? 0 : n - 1
    case .reflect:
        if n == 1 { return 0 }
        let period = 2 * (n - 1)
        var j = i % period
        if j < 0 { j += period }
        return j < n ? j : period - j
    case .symmetric:
        let period = 2 * n
        var j = i % period
        if j < 0 { j += period }
        return j < n ? j : period - 1 - j
    }
}

/// `image` with `left`, `top`, `right` and `bottom` extra columns and rows (torchvision's
/// `F.pad` on a PIL image): `.constant` fills them with `fill` in every channel, the other
/// modes copy pixels as `np.pad` does.
public func pad(_ image: Image, left: Int, top: Int, right: Int, bottom: Int, fill: UInt8 = 0,
                paddingMode: PaddingMode = .constant) -> Image {
    precondition(left >= 0 && top >= 0 && right >= 0 && bottom >= 0, "pad: padding must not be negative")
    let c = image.channels
    let width = image.width + left + right, height = image.height + top + bottom
    if paddingMode != .constant { precondition(image.width > 0 && image.height > 0, "pad: the image is empty") }
    let xs = (0..<width).map { sourceIndex($0 - left, image.width, paddingMode) }
    var out = [UInt8](repeating: fill, count: width * height * c)
    for y in 0..<height {
        let sy = sourceIndex(y - top, image.height, paddingMode)
        if sy < 0 { continue }
        for x in 0..<width where xs[x] >= 0 {
            let from = (sy * image.width + xs[x]) * c, to = (y * width + x) * c
            for ch in 0..<c { out[to + ch] = image.pixels[from + ch] }
        }
    }
    return Image(width: width, height: height, channels: c, pixels: out)
}

/// `image` padded by `padding` (1, 2 or 4 values, as torchvision's `F.pad`).
public func pad(_ image: Image, padding: [Int], fill: UInt8 = 0, paddingMode: PaddingMode = .constant) -> Image {
    let s = paddingSides(padding, "pad")
    return pad(image, left: s.left, top: s.top, right: s.right, bottom: s.bottom, fill: fill, paddingMode: paddingMode)
}

/// Pads images (`transforms.Pad(padding, fill, padding_mode)`): `Pad(3)` adds 3 pixels on
/// every side, `Pad([2, 5])` 2 left and right and 5 top and bottom, `Pad([l, t, r, b])` each
/// side its own.
public struct Pad: Transform {
    /// Left, top, right, bottom.
    public let padding: [Int]
    /// The value of every channel of a `.constant` border.
    public let fill: UInt8
    /// How the border is filled.
    public let paddingMode: PaddingMode

    /// `Pad(padding, fill=0, padding_mode="constant")` with the same padding on every side.
    public init(_ padding: Int, fill: UInt8 = 0, paddingMode: PaddingMode = .constant) {
        self.init([padding], fill: fill, paddingMode: paddingMode)
    }

    /// `Pad([left/right, top/bottom])` or `Pad([left, top, right, bottom])`.
    public init(_ padding: [Int], fill: UInt8 = 0, paddingMode: PaddingMode = .constant) {
        let s = paddingSides(padding, "Pad")
        self.padding = [s.left, s.top, s.right, s.bottom]
        self.fill = fill
        self.paddingMode = paddingMode
    }

    /// The padded image.
    public func callAsFunction(_ image: Image) -> Image {
        pad(image, padding: padding, fill: fill, paddingMode: paddingMode)
    }
}
