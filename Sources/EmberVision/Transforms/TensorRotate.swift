import Ember
import Foundation

/// `tensor` (`[..., C, H, W]`, float) rotated by `angle` degrees counter-clockwise about
/// its centre (`F.rotate` on a tensor): torchvision's inverse affine matrix and affine
/// grid, sampled as `grid_sample(align_corners=False)` with zeros outside (nearest rounds
/// half to even; bilinear weighs the four neighbours). `expand` grows the output to hold
/// the whole rotated image, with torchvision's size rule.
public func rotate(_ tensor: Tensor, _ angle: Double, interpolation: InterpolationMode = .nearest,
                   expand: Bool = false) -> Tensor {
    precondition(tensor.ndim >= 3, "rotate: expected a [..., C, H, W] tensor, got \(tensor.shape)")
    precondition(interpolation != .bicubic, "rotate: only nearest and bilinear are supported for tensors, as in torchvision")
    let (h, w) = (tensor.shape[tensor.ndim - 2], tensor.shape[tensor.ndim - 1])
    let radians = -angle * .pi / 180
    // torchvision's _get_inverse_affine_matrix for a rotation about the centre.
    let m = [Foundation.cos(radians), Foundation.sin(radians), 0, -Foundation.sin(radians), Foundation.cos(radians), 0]
    let (outWidth, outHeight) = expand ? expandedSize(m, width: w, height: h) : (w, h)
    let planes = tensor.numel / (h * w)
    let source = tensor.detach().contiguous().toArray()
    var out = [Float](repeating: 0, count: planes * outHeight * outWidth)
    // The affine grid in float32, as torchvision builds it (a tie in nearest sampling is
    // decided at that precision): output pixel centres relative to the centre, through the
    // matrix divided by half the input size, then grid_sample's unnormalisation.
    let (halfWidth, halfHeight) = (Float(w) * 0.5, Float(h) * 0.5)
    let theta = [Float(m[0]) / halfWidth, Float(m[1]) / halfWidth, Float(m[2]) / halfWidth,
                 Float(m[3]) / halfHeight, Float(m[4]) / halfHeight, Float(m[5]) / halfHeight]
    let xs = linspace(-Float(outWidth) * 0.5 + 0.5, Float(outWidth) * 0.5 - 0.5, outWidth)
    let ys = linspace(-Float(outHeight) * 0.5 + 0.5, Float(outHeight) * 0.5 - 0.5, outHeight)
    for oy in 0..<outHeight {
        for ox in 0..<outWidth {
            let (bx, by) = (xs[ox], ys[oy])
            let gx = bx * theta[0] + by * theta[1] + theta[2]
            let gy = bx * theta[3] + by * theta[4] + theta[5]
            let ix = ((gx + 1) * Float(w) - 1) / 2, iy = ((gy + 1) * Float(h) - 1) / 2
            for plane in 0..<planes {
                out[(plane * outHeight + oy) * outWidth + ox] = sample(source, plane: plane, x: ix, y: iy, width: w,
                                                                       height: h, bilinear: interpolation == .bilinear)
            }
        }
    }
    return Tensor(shape: Array(tensor.shape.dropLast(2)) + [outHeight, outWidth], scalars: out)
}

/// `torch.linspace(start, end, count)` in float32: from the start for the first half and
/// from the end for the second, as PyTorch's kernel computes it.
private func linspace(_ start: Float, _ end: Float, _ count: Int) -> [Float] {
    guard count > 1 else { return [start] }
    let step = (end - start) / Float(count - 1)
    let half = count / 2
    return (0..<count).map { i in i < half ? start + step * Float(i) : end - step * Float(count - 1 - i) }
}

/// One value of `grid_sample` with zero padding.
private func sample(_ values: [Float], plane: Int, x: Float, y: Float, width: Int, height: Int, bilinear: Bool) -> Float {
    func at(_ col: Int, _ row: Int) -> Float {
        guard (0..<width).contains(col), (0..<height).contains(row) else { return 0 }
        return values[(plane * height + row) * width + col]
    }
    guard bilinear else { return at(Int(x.rounded(.toNearestOrEven)), Int(y.rounded(.toNearestOrEven))) }
    let (x0, y0) = (Int(x.rounded(.down)), Int(y.rounded(.down)))
    let (fx, fy) = (x - Float(x0), y - Float(y0))
    return at(x0, y0) * (1 - fx) * (1 - fy) + at(x0 + 1, y0) * fx * (1 - fy)
        + at(x0, y0 + 1) * (1 - fx) * fy + at(x0 + 1, y0 + 1) * fx * fy
}

/// torchvision's `_compute_affine_output_size`: the rotated corners' bounding box, with
/// its 1e-4 tolerance before rounding out.
private func expandedSize(_ m: [Double], width w: Int, height h: Int) -> (Int, Int) {
    let corners = [(-0.5 * Double(w), -0.5 * Double(h)), (-0.5 * Double(w), 0.5 * Double(h)),
                   (0.5 * Double(w), 0.5 * Double(h)), (0.5 * Double(w), -0.5 * Double(h))]
    let xs = corners.map { Float(m[0] * $0.0 + m[1] * $0.1 + m[2]) + Float(w) * 0.5 }
    let ys = corners.map { Float(m[3] * $0.0 + m[4] * $0.1 + m[5]) + Float(h) * 0.5 }
    let tolerance: Float = 1e-4
    func span(_ values: [Float]) -> Int {
        let high = ((values.max()! / tolerance).rounded(.towardZero) * tolerance).rounded(.up)
        let low = ((values.min()! / tolerance).rounded(.towardZero) * tolerance).rounded(.down)
        return Int(high - low)
    }
    return (span(xs), span(ys))
}
