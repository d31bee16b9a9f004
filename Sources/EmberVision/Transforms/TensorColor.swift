import Ember

// torchvision's colour adjustments on float tensor images `[..., C, H, W]` in 0...1
// (`F.adjust_*` on tensors): each blends the image with a reference and clamps to 0...1.

/// `ratio * image + (1 - ratio) * other`, clamped to 0...1 (torchvision's `_blend`).
private func blend(_ image: Tensor, _ other: Tensor, _ ratio: Float) -> Tensor {
    (image * ratio + other * (1 - ratio)).clamp(min: 0, max: 1)
}

/// Brightness scaled by `factor` (`F.adjust_brightness` on a tensor).
public func adjustBrightness(_ tensor: Tensor, _ factor: Double) -> Tensor {
    let factor = Float(factor)
    precondition(factor >= 0, "adjustBrightness: factor must be non-negative, got \(factor)")
    return blend(tensor, Tensor.zerosLike(tensor), factor)
}

/// Contrast: a blend with the mean of the image's gray levels (`F.adjust_contrast` on a tensor).
public func adjustContrast(_ tensor: Tensor, _ factor: Double) -> Tensor {
    let factor = Float(factor)
    precondition(factor >= 0 && tensor.ndim >= 3, "adjustContrast: expected [..., C, H, W] and factor >= 0")
    let gray = tensor.shape[tensor.ndim - 3] == 3 ? toGrayscale(tensor) : tensor
    let n = tensor.ndim
    return blend(tensor, gray.mean(dims: [n - 3, n - 2, n - 1], keepDim: true), factor)
}

/// Saturation: a blend with the gray image (`F.adjust_saturation` on a tensor).
public func adjustSaturation(_ tensor: Tensor, _ factor: Double) -> Tensor {
    let factor = Float(factor)
    precondition(factor >= 0 && tensor.ndim >= 3, "adjustSaturation: expected [..., C, H, W] and factor >= 0")
    if tensor.shape[tensor.ndim - 3] == 1 { return tensor }
    return blend(tensor, toGrayscale(tensor), factor)
}

/// Hue shifted by `factor` turns of the colour wheel, -0.5...0.5 (`F.adjust_hue` on a
/// tensor): through HSV with torchvision's formulas, pixel by pixel.
public func adjustHue(_ tensor: Tensor, _ factor: Double) -> Tensor {
    let factor = Float(factor)
    precondition((-0.5...0.5).contains(factor), "adjustHue: factor must be in -0.5...0.5, got \(factor)")
    precondition(tensor.ndim >= 3, "adjustHue: expected [..., C, H, W], got \(tensor.shape)")
    let channels = tensor.shape[tensor.ndim - 3]
    if channels == 1 { return tensor }
    precondition(channels == 3, "adjustHue: expected 1 or 3 channels, got \(channels)")
    let values = tensor.detach().contiguous().toArray()
    let plane = tensor.shape[tensor.ndim - 2] * tensor.shape[tensor.ndim - 1]
    var out = [Float](repeating: 0, count: values.count)
    for image in stride(from: 0, to: values.count, by: 3 * plane) {
        for p in 0..<plane {
            let (r, g, b) = (values[image + p], values[image + plane + p], values[image + 2 * plane + p])
            var (h, s, v) = hsv(r, g, b)
            h = (h + factor).truncatingRemainder(dividingBy: 1)
            if h < 0 { h += 1 }
            let (r2, g2, b2) = rgb(h, s, v)
            (out[image + p], out[image + plane + p], out[image + 2 * plane + p]) = (r2, g2, b2)
        }
    }
    return Tensor(shape: tensor.shape, scalars: out)
}

/// torchvision's `_rgb2hsv` for one pixel.
private func hsv(_ r: Float, _ g: Float, _ b: Float) -> (Float, Float, Float) {
    let maxc = max(r, g, b), minc = min(r, g, b)
    let equal = maxc == minc, range = maxc - minc
    let s = range / (equal ? 1 : maxc)
    let divisor = equal ? 1 : range
    let (rc, gc, bc) = ((maxc - r) / divisor, (maxc - g) / divisor, (maxc - b) / divisor)
    let h = maxc == r ? bc - gc : maxc == g ? 2 + rc - bc : 4 + gc - rc
    return ((h / 6 + 1).truncatingRemainder(dividingBy: 1), s, maxc)
}

/// torchvision's `_hsv2rgb` for one pixel.
private func rgb(_ h: Float, _ s: Float, _ v: Float) -> (Float, Float, Float) {
    let i = (h * 6).rounded(.down)
    let f = h * 6 - i
    let p = min(max(v * (1 - s), 0), 1), q = min(max(v * (1 - s * f), 0), 1), t = min(max(v * (1 - s * (1 - f)), 0), 1)
    return hsvSector(Int(i), v: v, p: p, q: q, t: t)
}
