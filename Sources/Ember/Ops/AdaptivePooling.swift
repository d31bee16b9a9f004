import CEmberKernels

/// `F.adaptive_avg_pool2d`: averages `[N, C, H, W]` or `[C, H, W]` input down to
/// `outputSize` (height, width; nil keeps the input's). Output cell i covers rows
/// `floor(i * H / outH) ..< ceil((i + 1) * H / outH)`, so windows may overlap or differ in
/// size when the sizes do not divide.
public func adaptiveAvgPool2d(_ input: Tensor, outputSize: (height: Int?, width: Int?)) -> Tensor {
    let (oh, ow) = AdaptivePool2d.resolve("adaptive_avg_pool2d", input, outputSize)
    return Pool2d.batched(input) { x in
        let (ih, iw) = (x.shape[2], x.shape[3]), planes = x.shape[0] * x.shape[1]
        let args = (Int64(ih), Int64(iw), Int64(oh), Int64(ow)), work = ih * iw
        let out = Tensor(uninitialized: [x.shape[0], x.shape[1], oh, ow])
        let px = x.detach().contiguous(), o = out.floatPointer
        Pool2d.overPlanes(planes, work: work) { lo, hi in
            ember_adaptive_avg_pool2d_f32(px.floatPointer, args.0, args.1, args.2, args.3, lo, hi, o)
        }
        return Tensor.record("AdaptiveAvgPool2DBackward", output: out, inputs: [x]) { g in
            let g = g.contiguous(), gx = Tensor.zeros(x.shape)
            let pg = g.floatPointer, o = gx.floatPointer
            Pool2d.overPlanes(planes, work: work) { lo, hi in
                ember_adaptive_avg_pool2d_backward_f32(pg, args.0, args.1, args.2, args.3, lo, hi, o)
            }
            return [gx]
        }
    }
}

/// `F.adaptive_avg_pool2d` with one size for both dimensions.
public func adaptiveAvgPool2d(_ input: Tensor, outputSize: IntPair) -> Tensor {
    adaptiveAvgPool2d(input, outputSize: (outputSize.height, outputSize.width))
}

/// `F.adaptive_max_pool2d(..., return_indices=True)`: the maximum of each adaptive window
/// (the windows of `adaptiveAvgPool2d`) and its flat position in the input plane.
public func adaptiveMaxPool2dWithIndices(
    _ input: Tensor, outputSize: (height: Int?, width: Int?)
) -> (values: Tensor, indices: Tensor) {
    let (oh, ow) = AdaptivePool2d.resolve("adaptive_max_pool2d", input, outputSize)
    let (values, indices) = Pool2d.batched(input) { x in
        let (ih, iw) = (x.shape[2], x.shape[3]), planes = x.shape[0] * x.shape[1]
        let shape = [x.shape[0], x.shape[1], oh, ow]
        let values = Tensor(uninitialized: shape), indices = Tensor(uninitialized: shape, dtype: .int64)
        let px = x.detach().contiguous(), o = values.floatPointer, idx = indices.int64Pointer
        Pool2d.overPlanes(planes, work: ih * iw) { lo, hi in
            ember_adaptive_max_pool2d_f32(px.floatPointer, Int64(ih), Int64(iw), Int64(oh), Int64(ow), lo, hi, o, idx)
        }
        let out = Tensor.record("AdaptiveMaxPool2DBackward", output: values, inputs: [x]) { g in
            [Pool2d.scatter(g, indices: indices, into: x.shape, accumulate: true)]
        }
        return (out, indices)
    }
    return (values, indices!)
}

/// `F.adaptive_max_pool2d`: the maximum of each adaptive window.
public func adaptiveMaxPool2d(_ input: Tensor, outputSize: (height: Int?, width: Int?)) -> Tensor {
    adaptiveMaxPool2dWithIndices(input, outputSize: outputSize).values
}

/// `F.adaptive_max_pool2d` with one size for both dimensions.
public func adaptiveMaxPool2d(_ input: Tensor, outputSize: IntPair) -> Tensor {
    adaptiveMaxPool2d(input, outputSize: (outputSize.height, outputSize.width))
}

enum AdaptivePool2d {
    /// Checks `input` and fills in nil output sizes from it.
    static func resolve(_ op: String, _ input: Tensor, _ size: (height: Int?, width: Int?)) -> (Int, Int) {
        precondition((input.ndim == 3 || input.ndim == 4) && input.dtype == .float32,
                     "\(op)(): Expected 3D or 4D tensor, but got \(input.shape)")
        precondition(input.shape.dropFirst(input.ndim - 2).allSatisfy { $0 > 0 },
                     "\(op)(): Expected input to have non-zero size for non-batch dimensions, but input has sizes \(input.shape)")
        let oh = size.height ?? input.shape[input.ndim - 2], ow = size.width ?? input.shape[input.ndim - 1]
        precondition(oh >= 0 && ow >= 0, "\(op)(): output_size must be non-negative, got (\(oh), \(ow))")
        return (oh, ow)
    }
}
