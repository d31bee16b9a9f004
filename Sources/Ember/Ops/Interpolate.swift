import CEmberKernels

/// The resampling algorithm of `interpolate` and `Upsample`.
public enum InterpolationMode: String, Sendable {
    /// Copies the nearest source pixel: source index `min(floor(dst * scale), in - 1)`.
    case nearest
    /// Linear interpolation along height and width of 4-D input.
    case bilinear
}

/// `F.interpolate` for `[N, C, H, W]` input: resizes each plane to `size`, or by
/// `scaleFactor` (output `floor(in * scale)`), with PyTorch's source-index formulas. For
/// bilinear, `alignCorners` maps the corner pixels onto each other
/// (`src = dst * (in - 1) / (out - 1)`); otherwise pixel centres are aligned
/// (`src = max((dst + 0.5) / scale - 0.5, 0)`). Nearest takes no `alignCorners`.
public func interpolate(
    _ input: Tensor, size: IntPair? = nil, scaleFactor: (height: Double, width: Double)? = nil,
    mode: InterpolationMode = .nearest, alignCorners: Bool? = nil
) -> Tensor {
    precondition(input.ndim == 4 && input.dtype == .float32,
                 "interpolate: expected a float32 4D input [N, C, H, W] for \(mode.rawValue) 2-D resizing, got \(input.dtype) \(input.shape)")
    precondition((size == nil) != (scaleFactor == nil), "interpolate: only one of size or scale_factor should be defined")
    precondition(mode != .nearest || alignCorners == nil,
                 "interpolate: align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear")
    let (ih, iw) = (input.shape[2], input.shape[3])
    let (oh, ow) = size.map { ($0.height, $0.width) }
        ?? (Int((Double(ih) * scaleFactor!.height).rounded(.down)), Int((Double(iw) * scaleFactor!.width).rounded(.down)))
    precondition(oh > 0 && ow > 0, "interpolate: Input and output sizes should be greater than 0, but got input (H: \(ih), W: \(iw)) output (H: \(oh), W: \(ow))")
    let align = alignCorners ?? false
    // PyTorch's per-dimension scale: the inverse of a given scale factor, else in / out;
    // with align_corners, (in - 1) / (out - 1).
    func scale(_ input: Int, _ output: Int, _ factor: Double?) -> Float {
        if mode == .bilinear && align { return output > 1 ? Float(input - 1) / Float(output - 1) : 0 }
        if let factor, factor > 0 { return Float(1.0 / factor) }
        return Float(input) / Float(output)
    }
    let sh = scale(ih, oh, scaleFactor?.height), sw = scale(iw, ow, scaleFactor?.width)
    let planes = input.shape[0] * input.shape[1], work = oh * ow
    let args = (Int64(ih), Int64(iw), Int64(oh), Int64(ow))
    // One kernel call for both directions: forward reads x into out, backward adds g into gx.
    func run(_ src: Tensor, into dst: Tensor, backward: Bool) {
        let ps = src.floatPointer, pd = dst.floatPointer
        Pool2d.overPlanes(planes, work: work) { lo, hi in
            switch mode {
            case .nearest:
                ember_upsample_nearest2d_f32(ps, args.0, args.1, args.2, args.3, sh, sw, backward, lo, hi, pd)
            case .bilinear:
                ember_upsample_bilinear2d_f32(ps, args.0, args.1, args.2, args.3, sh, sw, align, backward, lo, hi, pd)
            }
        }
    }
    let x = input.detach().contiguous()
    let out = Tensor(uninitialized: [input.shape[0], input.shape[1], oh, ow])
    run(x, into: out, backward: false)
    let name = mode == .nearest ? "UpsampleNearest2DBackward" : "UpsampleBilinear2DBackward"
    return Tensor.record(name, output: out, inputs: [input]) { g in
        let gx = Tensor.zeros(input.shape)
        run(g.contiguous(), into: gx, backward: true)
        return [gx]
    }
}

/// `F.interpolate` with one scale factor for both dimensions.
public func interpolate(
    _ input: Tensor, scaleFactor: Double, mode: InterpolationMode = .nearest, alignCorners: Bool? = nil
) -> Tensor {
    interpolate(input, scaleFactor: (scaleFactor, scaleFactor), mode: mode, alignCorners: alignCorners)
}
