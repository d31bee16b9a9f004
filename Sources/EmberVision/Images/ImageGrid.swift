import Ember
import Foundation

/// Tensors as pictures, as `torchvision.utils` and `transforms.ToPILImage` do.
extension Image {
    /// A float `[C, H, W]` (or `[H, W]`) tensor with values in 0...1 as an 8-bit image,
    /// `value * 255 + 0.5` clamped to 0...255 (`save_image`'s rounding); 1, 3 or 4 channels.
    public init(tensor: Tensor) {
        let chw = tensor.ndim == 2 ? tensor.unsqueeze(dim: 0) : tensor
        precondition(chw.ndim == 3 && [1, 2, 3, 4].contains(chw.shape[0]),
                     "Image(tensor:): expected [C, H, W] with 1 to 4 channels or [H, W], got \(tensor.shape)")
        let (c, h, w) = (chw.shape[0], chw.shape[1], chw.shape[2])
        let values = withNoGrad { (chw.to(.float32) * 255 + 0.5).clamp(min: 0, max: 255).permute(1, 2, 0).contiguous() }.toArray()
        self.init(width: w, height: h, channels: c, pixels: values.map { UInt8($0) })
    }
}

/// Lays a batch of images out in a grid (`torchvision.utils.make_grid`): `nrow` images per
/// row, `padding` pixels of `padValue` around each. A `[B, C, H, W]` batch (or one `[C, H,
/// W]` image) gives `[3, rows * (H + padding) + padding, nrow * (W + padding) + padding]`;
/// one-channel images are repeated into three, as torchvision does. With `normalize`, values
/// are shifted and scaled into 0...1 from `valueRange`, or from the batch's minimum and
/// maximum (each image's own with `scaleEach`).
public func makeGrid(
    _ tensor: Tensor, nrow: Int = 8, padding: Int = 2, normalize: Bool = false,
    valueRange: (Float, Float)? = nil, scaleEach: Bool = false, padValue: Float = 0
) -> Tensor {
    withNoGrad {
        var batch = tensor.detach().to(.float32)
        if batch.ndim == 2 { batch = batch.unsqueeze(dim: 0) }
        if batch.ndim == 3 {
            if batch.shape[0] == 1 { batch = Tensor.cat([batch, batch, batch], dim: 0) }
            batch = batch.unsqueeze(dim: 0)
        }
        precondition(batch.ndim == 4, "makeGrid: expected a [B, C, H, W] batch or a [C, H, W] image, got \(tensor.shape)")
        precondition(nrow > 0 && padding >= 0, "makeGrid: nrow must be positive and padding non-negative")
        if batch.shape[1] == 1 { batch = Tensor.cat([batch, batch, batch], dim: 1) }
        if normalize {
            func scaled(_ t: Tensor) -> Tensor {
                let (low, high) = valueRange ?? (t.min().item(), t.max().item())
                return (t.clamp(min: low, max: high) - low) / Swift.max(high - low, 1e-5)
            }
            batch = scaleEach ? Tensor.stack((0..<batch.shape[0]).map { scaled(batch[$0]) }) : scaled(batch)
        }
        let (count, channels, h, w) = (batch.shape[0], batch.shape[1], batch.shape[2], batch.shape[3])
        if count == 1 { return batch.squeeze(dim: 0) }
        let columns = Swift.min(nrow, count), rows = (count + columns - 1) / columns
        let (cellHeight, cellWidth) = (h + padding, w + padding)
        let grid = Tensor.full([channels, rows * cellHeight + padding, columns * cellWidth + padding], padValue)
        for k in 0..<count {
            let (y, x) = (k / columns, k % columns)
            grid.narrow(dim: 1, start: y * cellHeight + padding, length: h)
                .narrow(dim: 2, start: x * cellWidth + padding, length: w).copy(from: batch[k])
        }
        return grid
    }
}

/// Writes a tensor, or a batch as a grid, to an image file (`torchvision.utils.save_image`);
/// the options are `makeGrid`'s, the format is the file name's (`.png`, `.jpg`).
public func saveImage(
    _ tensor: Tensor, to url: URL, nrow: Int = 8, padding: Int = 2, normalize: Bool = false,
    valueRange: (Float, Float)? = nil, scaleEach: Bool = false, padValue: Float = 0
) throws {
    let grid = makeGrid(tensor, nrow: nrow, padding: padding, normalize: normalize, valueRange: valueRange,
                        scaleEach: scaleEach, padValue: padValue)
    try Image(tensor: grid).write(to: url)
}

/// The tutorial's `imshow`: undoes `Normalize(mean, std)` on a `[C, H, W]` image or a batch
/// (laid out by `makeGrid`), clips to 0...1 and writes the picture to `url`.
public func imshow(_ tensor: Tensor, mean: [Float], std: [Float], to url: URL, nrow: Int = 8) throws {
    let grid = makeGrid(tensor, nrow: nrow)
    precondition(mean.count == std.count && (mean.count == 1 || mean.count == grid.shape[0]),
                 "imshow: mean and std need one value or one per channel (\(grid.shape[0])), got \(mean.count) and \(std.count)")
    let shape = [mean.count, 1, 1]
    let restored = grid * Tensor(shape: shape, scalars: std) + Tensor(shape: shape, scalars: mean)
    try Image(tensor: restored.clamp(min: 0, max: 1)).write(to: url)
}
