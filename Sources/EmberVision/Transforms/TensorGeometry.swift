import Ember

// The geometric transforms' functional forms on tensor images `[..., H, W]`, as torchvision's
// `F.hflip`, `F.vflip`, `F.crop` and `F.center_crop` accept tensors. Each is differentiable.

/// `tensor` mirrored left to right (`F.hflip` on a tensor).
public func hflip(_ tensor: Tensor) -> Tensor { tensor.flip(dims: [-1]) }

/// `tensor` upside down (`F.vflip` on a tensor).
public func vflip(_ tensor: Tensor) -> Tensor { tensor.flip(dims: [-2]) }

/// The `height × width` region whose top-left corner is at row `top`, column `left`
/// (`F.crop` on a tensor); parts outside the image are zeros, as torchvision pads them.
public func crop(_ tensor: Tensor, top: Int, left: Int, height: Int, width: Int) -> Tensor {
    precondition(tensor.ndim >= 2 && height >= 0 && width >= 0,
                 "crop: expected a [..., H, W] tensor and non-negative sizes, got \(tensor.shape) and \(height)x\(width)")
    let (h, w) = (tensor.shape[tensor.ndim - 2], tensor.shape[tensor.ndim - 1])
    let padding = (left: max(-left, 0), right: max(left + width - w, 0), top: max(-top, 0), bottom: max(top + height - h, 0))
    let source = padding == (0, 0, 0, 0) ? tensor : pad(tensor, padding)
    return source.narrow(dim: -2, start: top + padding.top, length: height)
        .narrow(dim: -1, start: left + padding.left, length: width)
}

/// The central `height × width` region (`F.center_crop` on a tensor), with torchvision's
/// padding and rounding.
public func centerCrop(_ tensor: Tensor, height: Int, width: Int) -> Tensor {
    precondition(tensor.ndim >= 2, "centerCrop: expected a [..., H, W] tensor, got \(tensor.shape)")
    let plan = CenterCropPlan(height: tensor.shape[tensor.ndim - 2], width: tensor.shape[tensor.ndim - 1],
                              cropHeight: height, cropWidth: width)
    let padded = plan.needsPadding ? pad(tensor, plan.padding) : tensor
    return crop(padded, top: plan.top, left: plan.left, height: height, width: width)
}
