import Ember

/// `tensor` (`[..., H, W]`, float) resized to `height × width` as torchvision's `F.resize`
/// does on tensors (`antialias=True`, its default): bilinear and bicubic filters widened
/// when shrinking, with the same weights as Pillow's, applied in float as separable matrix
/// products (so the result is differentiable); nearest takes input `floor(i * in / out)`,
/// as `interpolate(mode="nearest")`.
public func resize(_ tensor: Tensor, height: Int, width: Int, interpolation: InterpolationMode = .bilinear) -> Tensor {
    precondition(tensor.ndim >= 2 && height > 0 && width > 0,
                 "resize: expected a [..., H, W] tensor and positive sizes, got \(tensor.shape) and \(height)x\(width)")
    let (h, w) = (tensor.shape[tensor.ndim - 2], tensor.shape[tensor.ndim - 1])
    switch interpolation {
    case .nearest:
        func sources(_ inSize: Int, _ outSize: Int) -> Tensor {
            let scale = Float(inSize) / Float(outSize)
            return Tensor(shape: [outSize], scalars: (0..<outSize).map { Int64(min(Int(Float($0) * scale), inSize - 1)) })
        }
        return tensor.indexSelect(dim: tensor.ndim - 2, index: sources(h, height))
            .indexSelect(dim: tensor.ndim - 1, index: sources(w, width))
    case .bilinear, .bicubic:
        let filter: PillowResample.Filter = interpolation == .bilinear ? .bilinear : .bicubic
        let rows = PillowResample.matrix(inSize: h, outSize: height, filter: filter)
        let columns = PillowResample.matrix(inSize: w, outSize: width, filter: filter)
        return rows.matmul(tensor.matmul(columns.t()))
    }
}

/// `tensor` with its smaller edge resized to `size`, the other in proportion (`F.resize(t, size)`).
public func resize(_ tensor: Tensor, size: Int, interpolation: InterpolationMode = .bilinear) -> Tensor {
    let (h, w) = resizedSize(height: tensor.shape[tensor.ndim - 2], width: tensor.shape[tensor.ndim - 1], size: [size])
    return resize(tensor, height: h, width: w, interpolation: interpolation)
}

/// `tensor` padded by `left`, `top`, `right`, `bottom` (`F.pad` on a tensor): `.constant`
/// with `fill`, `.edge` repeating the border, `.reflect` mirroring without it, `.symmetric`
/// mirroring with it.
public func pad(_ tensor: Tensor, left: Int, top: Int, right: Int, bottom: Int, fill: Float = 0,
                paddingMode: PaddingMode = .constant) -> Tensor {
    precondition(tensor.ndim >= 2, "pad: expected a [..., H, W] tensor, got \(tensor.shape)")
    if paddingMode == .constant { return Ember.pad(tensor, (left, right, top, bottom), value: fill) }
    func sources(_ size: Int, before: Int, after: Int) -> Tensor {
        Tensor(shape: [size + before + after], scalars: (-before..<(size + after)).map { Int64(sourceIndex($0, size, paddingMode)) })
    }
    let (h, w) = (tensor.shape[tensor.ndim - 2], tensor.shape[tensor.ndim - 1])
    return tensor.indexSelect(dim: tensor.ndim - 2, index: sources(h, before: top, after: bottom))
        .indexSelect(dim: tensor.ndim - 1, index: sources(w, before: left, after: right))
}

/// `[..., 3, H, W]` RGB to gray (`F.rgb_to_grayscale` on a float tensor):
/// `0.2989 R + 0.587 G + 0.114 B`, repeated into 3 channels when asked.
public func toGrayscale(_ tensor: Tensor, numOutputChannels: Int = 1) -> Tensor {
    precondition(tensor.ndim >= 3 && tensor.shape[tensor.ndim - 3] == 3 && [1, 3].contains(numOutputChannels),
                 "toGrayscale: expected [..., 3, H, W] and 1 or 3 output channels, got \(tensor.shape), \(numOutputChannels)")
    let d = tensor.ndim - 3
    let gray = tensor.select(dim: d, index: 0) * 0.2989 + tensor.select(dim: d, index: 1) * 0.587
        + tensor.select(dim: d, index: 2) * 0.114
    let single = gray.unsqueeze(dim: d)
    return numOutputChannels == 1 ? single : Tensor.cat([single, single, single], dim: d)
}
