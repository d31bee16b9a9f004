import CEmberKernels

/// `F.max_pool2d`: the largest value of each `kernelSize` window of `[N, C, H, W]` or
/// unbatched `[C, H, W]` input. `stride` defaults to `kernelSize`; `padding` (implicit
/// -inf, at most half the effective kernel) and `dilation` are per side; `ceilMode` rounds
/// the output size up, keeping only windows that start inside the input or left padding.
public func maxPool2d(
    _ input: Tensor, kernelSize: IntPair, stride: IntPair? = nil, padding: IntPair = 0,
    dilation: IntPair = 1, ceilMode: Bool = false
) -> Tensor {
    // Indices are only needed for the backward pass; without them the 2x2 kernel is branch-free.
    Pool2d.maxPool(input, kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation,
                   ceilMode: ceilMode, indices: GradMode.isEnabled && input.requiresGrad).values
}

/// `F.max_pool2d(..., return_indices=True)`: the pooled values and, as int64, the flat
/// position (`h * W + w`) of each maximum within its input plane; on ties the first one in
/// the window, which is also where the gradient goes.
public func maxPool2dWithIndices(
    _ input: Tensor, kernelSize: IntPair, stride: IntPair? = nil, padding: IntPair = 0,
    dilation: IntPair = 1, ceilMode: Bool = false
) -> (values: Tensor, indices: Tensor) {
    let (values, indices) = Pool2d.maxPool(input, kernelSize: kernelSize, stride: stride, padding: padding,
                                           dilation: dilation, ceilMode: ceilMode, indices: true)
    return (values, indices!)
}

/// `F.avg_pool2d`: the mean of each window. Padding counts as zeros in the divisor when
/// `countIncludePad` (windows are clipped to the padded input); `divisorOverride` replaces
/// the divisor altogether.
public func avgPool2d(
    _ input: Tensor, kernelSize: IntPair, stride: IntPair? = nil, padding: IntPair = 0,
    ceilMode: Bool = false, countIncludePad: Bool = true, divisorOverride: Int? = nil
) -> Tensor {
    if let divisorOverride {
        precondition(divisorOverride != 0, "avg_pool2d: divisor must be not zero")
    }
    let geometry = Pool2d.geometry("avg_pool2d", input, kernelSize: kernelSize, stride: stride ?? kernelSize,
                                   padding: padding, dilation: 1, ceilMode: ceilMode)
    let divisor = Int64(divisorOverride ?? 0)
    return Pool2d.batched(input) { x in
        let (planes, outShape) = Pool2d.planes(x, geometry)
        let work = Int(geometry.oh * geometry.ow * geometry.kh * geometry.kw)
        let out = Tensor(uninitialized: outShape)
        let px = x.detach().contiguous(), o = out.floatPointer
        Pool2d.overPlanes(planes, work: work) { lo, hi in
            ember_avg_pool2d_f32(px.floatPointer, geometry, countIncludePad, divisor, lo, hi, o)
        }
        return Tensor.record("AvgPool2DBackward", output: out, inputs: [x]) { g in
            let g = g.contiguous(), gx = Tensor.zeros(x.shape)
            let pg = g.floatPointer, o = gx.floatPointer
            Pool2d.overPlanes(planes, work: work) { lo, hi in
                ember_avg_pool2d_backward_f32(pg, geometry, countIncludePad, divisor, lo, hi, o)
            }
            return [gx]
        }
    }
}

/// `F.max_unpool2d`: the partial inverse of max pooling. Each value goes to the flat
/// position `indices` gives within its output plane; everything else is zero. The output
/// plane is `(in - 1) * stride - 2 * padding + kernel` per side unless `outputSize` gives
/// it (`[H, W]`, or a full shape whose last two entries are used).
public func maxUnpool2d(
    _ input: Tensor, indices: Tensor, kernelSize: IntPair, stride: IntPair? = nil, padding: IntPair = 0,
    outputSize: [Int]? = nil
) -> Tensor {
    precondition(input.ndim == 3 || input.ndim == 4, "max_unpool2d: Input to max_unpooling2d should be a 3d or 4d Tensor, but got a tensor with \(input.ndim) dimensions.")
    precondition(indices.dtype == .int64 && indices.shape == input.shape,
                 "max_unpool2d: Expected shape of indices to be same as that of the input tensor (\(input.shape)) but got indices tensor with shape: \(indices.shape) (\(indices.dtype))")
    let stride = stride ?? kernelSize
    let (h, w) = (input.shape[input.ndim - 2], input.shape[input.ndim - 1])
    var size = [(h - 1) * stride.height - 2 * padding.height + kernelSize.height,
                (w - 1) * stride.width - 2 * padding.width + kernelSize.width]
    if let outputSize {
        precondition(outputSize.count >= 2, "max_unpool2d: output_size must have at least 2 elements, got \(outputSize)")
        size = Array(outputSize.suffix(2))
    }
    let (oh, ow) = (size[0], size[1])
    let planeIndices = indices.contiguous()
    if let bad = planeIndices.toArray(as: Int64.self).first(where: { $0 < 0 || $0 >= oh * ow }) {
        preconditionFailure("max_unpool2d: Found an invalid max index: \(bad) (output volumes are of size \(oh)x\(ow))")
    }
    let outShape = Array(input.shape.dropLast(2)) + [oh, ow]
    let x = input.detach().contiguous()
    let out = Tensor.zeros(outShape)
    let planes = input.shape.dropLast(2).reduce(1, *), n = h * w
    let px = x.floatPointer, o = out.floatPointer
    Pool2d.overPlanes(planes, work: n) { lo, hi in
        ember_pool_scatter_f32(px, planeIndices.int64Pointer, Int64(n), Int64(oh * ow), false, lo, hi, o)
    }
    return Tensor.record("MaxUnpool2DBackward", output: out, inputs: [input]) { g in
        let g = g.contiguous(), gx = Tensor(uninitialized: input.shape)
        let pg = g.floatPointer, o = gx.floatPointer
        Pool2d.overPlanes(planes, work: n) { lo, hi in
            ember_pool_gather_f32(pg, planeIndices.int64Pointer, Int64(oh * ow), Int64(n), lo, hi, o)
        }
        return [gx]
    }
}

/// Shape rules and plumbing shared by the 2-D pooling ops.
enum Pool2d {
    /// Max pooling, computing the indices when asked or when a gradient will need them.
    static func maxPool(
        _ input: Tensor, kernelSize: IntPair, stride: IntPair?, padding: IntPair, dilation: IntPair,
        ceilMode: Bool, indices wantIndices: Bool
    ) -> (values: Tensor, indices: Tensor?) {
        let geometry = geometry("max_pool2d", input, kernelSize: kernelSize, stride: stride ?? kernelSize,
                                padding: padding, dilation: dilation, ceilMode: ceilMode)
        return batched(input) { x in
            let (planes, outShape) = planes(x, geometry)
            let values = Tensor(uninitialized: outShape)
            let indices = wantIndices ? Tensor(uninitialized: outShape, dtype: .int64) : nil
            let px = x.detach().contiguous(), o = values.floatPointer, idx = indices?.int64Pointer
            overPlanes(planes, work: Int(geometry.oh * geometry.ow * geometry.kh * geometry.kw)) { lo, hi in
                ember_max_pool2d_f32(px.floatPointer, geometry, lo, hi, o, idx)
            }
            guard let indices else { return (values, nil) }
            // Windows that tile the input (the usual 2x2 pool of an even plane) take a dense
            // kernel that writes each input gradient once; the general case scatters, which
            // also keeps the gradient differentiable under `createGraph`.
            let tiles = geometry.kh == 2 && geometry.kw == 2 && geometry.sh == 2 && geometry.sw == 2
                && geometry.ph == 0 && geometry.pw == 0 && geometry.dh == 1 && geometry.dw == 1
                && geometry.ih == 2 * geometry.oh && geometry.iw == 2 * geometry.ow
            let out = Tensor.record("MaxPool2DWithIndicesBackward", output: values, inputs: [x]) { g in
                guard tiles && !GradMode.isEnabled else {
                    return [scatter(g, indices: indices, into: x.shape, accumulate: true)]
                }
                let g = g.contiguous(), gx = Tensor(uninitialized: x.shape)
                let pg = g.floatPointer, pi = indices.int64Pointer, o = gx.floatPointer
                overPlanes(planes, work: Int(geometry.ih * geometry.iw)) { lo, hi in
                    ember_max_pool2d_2x2_backward_f32(pg, pi, geometry, lo, hi, o)
                }
                return [gx]
            }
            return (out, indices)
        }
    }

    /// PyTorch's pooled size: floor (or ceil) of the sliding-window count, where in ceil
    /// mode the last window must start inside the input or the left padding.
    static func outputSize(_ input: Int, kernel: Int, stride: Int, padding: Int, dilation: Int, ceilMode: Bool) -> Int {
        let span = input + 2 * padding - dilation * (kernel - 1) - 1 + (ceilMode ? stride - 1 : 0)
        // Floor division: span is negative when the kernel exceeds the padded input.
        var size = (span >= 0 ? span / stride : -((stride - 1 - span) / stride)) + 1
        if ceilMode, (size - 1) * stride >= input + padding { size -= 1 }
        return size
    }

    /// Validates the arguments against `input` ([C, H, W] or [N, C, H, W]) and returns the
    /// kernel geometry, stopping with PyTorch's messages.
    static func geometry(
        _ op: String, _ input: Tensor, kernelSize k: IntPair, stride s: IntPair, padding p: IntPair,
        dilation d: IntPair, ceilMode: Bool
    ) -> ember_window2d_geometry {
        precondition((input.ndim == 3 || input.ndim == 4) && input.numel > 0 && input.dtype == .float32,
                     "\(op): non-empty 3D or 4D (batch mode) float32 tensor expected for input, got \(input.dtype) \(input.shape)")
        precondition(k.height > 0 && k.width > 0, "\(op): kernel size should be greater than zero, but got kH: \(k.height) kW: \(k.width)")
        precondition(s.height > 0 && s.width > 0, "\(op): stride should be greater than zero, but got dH: \(s.height) dW: \(s.width)")
        precondition(d.height > 0 && d.width > 0, "\(op): dilation should be greater than zero, but got dilationH: \(d.height) dilationW: \(d.width)")
        for (pad, kernel, dilation) in [(p.height, k.height, d.height), (p.width, k.width, d.width)] {
            precondition(pad >= 0 && pad <= ((kernel - 1) * dilation + 1) / 2,
                         "\(op): pad should be at most half of effective kernel size, but got pad=\(pad), kernel_size=\(kernel) and dilation=\(dilation)")
        }
        precondition(k.width / 2 >= p.width && k.height / 2 >= p.height,
                     "\(op): pad should be smaller than or equal to half of kernel size, but got padW = \(p.width), padH = \(p.height), kW = \(k.width), kH = \(k.height)")
        let (c, ih, iw) = (input.shape[input.ndim - 3], input.shape[input.ndim - 2], input.shape[input.ndim - 1])
        let oh = outputSize(ih, kernel: k.height, stride: s.height, padding: p.height, dilation: d.height, ceilMode: ceilMode)
        let ow = outputSize(iw, kernel: k.width, stride: s.width, padding: p.width, dilation: d.width, ceilMode: ceilMode)
        precondition(oh >= 1 && ow >= 1,
                     "\(op): Given input size: (\(c)x\(ih)x\(iw)). Calculated output size: (\(c)x\(oh)x\(ow)). Output size is too small")
        return ember_window2d_geometry(
            ih: Int64(ih), iw: Int64(iw), oh: Int64(oh), ow: Int64(ow), kh: Int64(k.height), kw: Int64(k.width),
            sh: Int64(s.height), sw: Int64(s.width), ph: Int64(p.height), pw: Int64(p.width),
            dh: Int64(d.height), dw: Int64(d.width))
    }

    /// The number of planes of 4-D `x` and the output shape for `geometry`.
    static func planes(_ x: Tensor, _ geometry: ember_window2d_geometry) -> (Int, [Int]) {
        (x.shape[0] * x.shape[1], [x.shape[0], x.shape[1], Int(geometry.oh), Int(geometry.ow)])
    }

    /// Runs `body` on 4-D input, adding and then removing a batch dimension for [C, H, W].
    static func batched(_ input: Tensor, _ body: (Tensor) -> Tensor) -> Tensor {
        input.ndim == 3 ? body(input.unsqueeze(0)).squeeze(dim: 0) : body(input)
    }

    /// `batched` for ops that also return indices.
    static func batched(
        _ input: Tensor, _ body: (Tensor) -> (values: Tensor, indices: Tensor?)
    ) -> (values: Tensor, indices: Tensor?) {
        guard input.ndim == 3 else { return body(input) }
        let (values, indices) = body(input.unsqueeze(0))
        return (values.squeeze(dim: 0), indices?.squeeze(dim: 0))
    }

    /// Runs `body(pBegin, pEnd)` over all planes, in parallel chunks when there is work.
    static func overPlanes(_ planes: Int, work: Int, _ body: (Int64, Int64) -> Void) {
        parallelFor(planes, grain: Swift.max(1, elementwiseGrain / Swift.max(work, 1))) { range in
            body(Int64(range.lowerBound), Int64(range.upperBound))
        }
    }

    /// Sends each element of `g` to its per-plane `indices` position in a zero tensor of
    /// `shape`, adding up collisions when `accumulate` (the backward of max pooling).
    static func scatter(_ g: Tensor, indices: Tensor, into shape: [Int], accumulate: Bool) -> Tensor {
        let g = g.contiguous(), out = Tensor.zeros(shape)
        let planes = shape[0] * shape[1], nSrc = g.numel / Swift.max(planes, 1), nDst = shape[2] * shape[3]
        let pg = g.floatPointer, pi = indices.int64Pointer, o = out.floatPointer
        overPlanes(planes, work: nSrc) { lo, hi in
            ember_pool_scatter_f32(pg, pi, Int64(nSrc), Int64(nDst), accumulate, lo, hi, o)
        }
        return out
    }
}
