import CEmberKernels

/// The padding of a convolution: explicit sizes per side (`1` or `[1, 2]`), or PyTorch's
/// `"same"` (output as large as the input; stride 1 only) and `"valid"` (no padding).
public enum ConvPadding: Equatable, Sendable, CustomStringConvertible, ExpressibleByIntegerLiteral,
    ExpressibleByArrayLiteral
{
    /// Zeros added on each side (height, width).
    case explicit(IntPair)
    /// Enough padding for an output the size of the input.
    case same
    /// No padding.
    case valid

    /// The same padding on all four sides: `padding: 1`.
    public init(integerLiteral value: Int) { self = .explicit(IntPair(value)) }

    /// Separate paddings for height and width: `padding: [1, 2]`.
    public init(arrayLiteral elements: Int...) {
        precondition(elements.count == 2, "expected a pair of paddings (height, width), got \(elements)")
        self = .explicit(IntPair(elements[0], elements[1]))
    }

    /// As PyTorch's conv reprs print it: `(1, 1)`, `same` or `valid`.
    public var description: String {
        switch self {
        case .explicit(let pair): pair.pairDescription
        case .same: "same"
        case .valid: "valid"
        }
    }

    /// Padding (left, right, top, bottom) for `kernelSize` and `dilation`: for "same" the
    /// total `dilation * (kernel - 1)` per dimension, any odd extra on the right/bottom.
    func sides(kernelSize: IntPair, dilation: IntPair) -> (left: Int, right: Int, top: Int, bottom: Int) {
        switch self {
        case .explicit(let p): return (p.width, p.width, p.height, p.height)
        case .valid: return (0, 0, 0, 0)
        case .same:
            let totalH = dilation.height * (kernelSize.height - 1), totalW = dilation.width * (kernelSize.width - 1)
            return (totalW / 2, totalW - totalW / 2, totalH / 2, totalH - totalH / 2)
        }
    }
}

/// `F.conv2d`: 2-D cross-correlation of `[N, C_in, H, W]` (or unbatched `[C_in, H, W]`)
/// input with `weight [C_out, C_in / groups, kH, kW]`, plus `bias [C_out]`. The output is
/// `[N, C_out, H_out, W_out]` with `H_out = (H + 2 pH - dH (kH - 1) - 1) / sH + 1`.
/// `groups` splits the channels into independent convolutions (`groups == C_in`:
/// depthwise). `padding` may be `.same` (stride 1 only; an odd total puts the extra on the
/// bottom/right) or `.valid`. One recorded op, "ConvolutionBackward", gives the gradients
/// of input, weight and bias.
public func conv2d(
    _ input: Tensor, weight: Tensor, bias: Tensor? = nil, stride: IntPair = 1, padding: ConvPadding = 0,
    dilation: IntPair = 1, groups: Int = 1
) -> Tensor {
    convolution2d("conv2d", input, weight: weight, bias: bias, stride: stride, padding: padding,
                  dilation: dilation, groups: groups)
}

/// `F.conv2d` under the name of the op or layer that errors report.
func convolution2d(
    _ name: String, _ input: Tensor, weight: Tensor, bias: Tensor?, stride: IntPair, padding: ConvPadding,
    dilation: IntPair, groups: Int
) -> Tensor {
    checkConvArguments(name, input, weight: weight, bias: bias, stride: stride, dilation: dilation, groups: groups)
    precondition(padding != .same || (stride.height == 1 && stride.width == 1),
                 "\(name): padding='same' is not supported for strided convolutions")
    let kernel = IntPair(weight.shape[2], weight.shape[3])
    let sides = padding.sides(kernelSize: kernel, dilation: dilation)
    precondition(Swift.min(sides.left, sides.top) >= 0, "\(name): negative padding is not supported, got \(padding)")
    // An odd "same" total: pad the extra row/column explicitly, the rest symmetrically.
    var x = input
    if sides.right != sides.left || sides.bottom != sides.top {
        x = pad(input, (0, sides.right - sides.left, 0, sides.bottom - sides.top))
    }
    return batchedConvolution(x) { x in
        let (c, ih, iw) = (x.shape[1], x.shape[2], x.shape[3])
        let out = weight.shape[0]
        precondition(c == weight.shape[1] * groups,
                     "\(name): Given groups=\(groups), weight of size \(weight.shape), expected input\(x.shape) to have \(weight.shape[1] * groups) channels, but got \(c) channels instead")
        let (paddedH, paddedW) = (ih + 2 * sides.top, iw + 2 * sides.left)
        let (spanH, spanW) = (dilation.height * (kernel.height - 1) + 1, dilation.width * (kernel.width - 1) + 1)
        precondition(paddedH >= spanH && paddedW >= spanW,
                     "\(name): Calculated padded input size per channel: (\(paddedH) x \(paddedW)). Kernel size: (\(spanH) x \(spanW)). Kernel size can't be greater than actual input size")
        let geometry = ember_window2d_geometry(
            ih: Int64(ih), iw: Int64(iw),
            oh: Int64((paddedH - spanH) / stride.height + 1), ow: Int64((paddedW - spanW) / stride.width + 1),
            kh: Int64(kernel.height), kw: Int64(kernel.width), sh: Int64(stride.height), sw: Int64(stride.width),
            ph: Int64(sides.top), pw: Int64(sides.left), dh: Int64(dilation.height), dw: Int64(dilation.width))
        let lowering = ConvLowering(geometry: geometry, imageChannels: c, columnChannels: out, groups: groups)
        let image = x.detach().contiguous()
        let w = weight.detach().contiguous().reshape([out, lowering.groupRows])
        let result = lowering.unfoldMultiply(image: image, weight: w, bias: bias)
        // Each gradient needs only the other operand: keep just what will be used.
        let (savedWeight, savedImage) = (x.requiresGrad ? w : nil, weight.requiresGrad ? image : nil)
        return recordConvolution(result, input: x, weight: weight, bias: bias) { g in
            [savedWeight.map { lowering.multiplyFold(columns: g, weight: $0, bias: nil) },
             savedImage.map { lowering.weightGradient(image: $0, columns: g).reshape(weight.shape) }]
        }
    }
}

/// `F.conv_transpose2d`: the adjoint of `conv2d` (its gradient with respect to the input),
/// mapping `[N, C_in, H, W]` (or unbatched) through `weight [C_in, C_out / groups, kH, kW]`
/// to `[N, C_out, H_out, W_out]`, `H_out = (H - 1) sH - 2 pH + dH (kH - 1) + opH + 1`,
/// plus `bias [C_out]`. `outputPadding` (smaller than the stride or the dilation) picks
/// among the output sizes a strided conv maps onto the same input size.
public func convTranspose2d(
    _ input: Tensor, weight: Tensor, bias: Tensor? = nil, stride: IntPair = 1, padding: IntPair = 0,
    outputPadding: IntPair = 0, groups: Int = 1, dilation: IntPair = 1
) -> Tensor {
    convolutionTranspose2d("conv_transpose2d", input, weight: weight, bias: bias, stride: stride, padding: padding,
                           outputPadding: outputPadding, groups: groups, dilation: dilation)
}

/// `F.conv_transpose2d` under the name of the op or layer that errors report.
func convolutionTranspose2d(
    _ name: String, _ input: Tensor, weight: Tensor, bias: Tensor?, stride: IntPair, padding: IntPair,
    outputPadding: IntPair, groups: Int, dilation: IntPair
) -> Tensor {
    checkConvArguments(name, input, weight: weight, bias: bias, stride: stride, dilation: dilation, groups: groups,
                       outChannels: weight.ndim == 4 ? weight.shape[1] * groups : 0)
    precondition(padding.height >= 0 && padding.width >= 0, "\(name): negative padding is not supported, got \(padding)")
    precondition(
        outputPadding.height >= 0 && outputPadding.width >= 0
            && (outputPadding.height < stride.height || outputPadding.height < dilation.height)
            && (outputPadding.width < stride.width || outputPadding.width < dilation.width),
        "\(name): output padding must be smaller than either stride or dilation, but got output_padding_height: \(outputPadding.height) output_padding_width: \(outputPadding.width) stride_height: \(stride.height) stride_width: \(stride.width) dilation_height: \(dilation.height) dilation_width: \(dilation.width)")
    return batchedConvolution(input) { x in
        let (c, h, w) = (x.shape[1], x.shape[2], x.shape[3])
        precondition(c == weight.shape[0],
                     "\(name): Given transposed=1, weight of size \(weight.shape), expected input\(x.shape) to have \(weight.shape[0]) channels, but got \(c) channels instead")
        let (kh, kw) = (weight.shape[2], weight.shape[3])
        let oh = (h - 1) * stride.height - 2 * padding.height + dilation.height * (kh - 1) + outputPadding.height + 1
        let ow = (w - 1) * stride.width - 2 * padding.width + dilation.width * (kw - 1) + outputPadding.width + 1
        precondition(oh > 0 && ow > 0,
                     "\(name): Given input size per channel: (\(h) x \(w)). Calculated output size per channel: (\(oh) x \(ow)). Output size is too small")
        let out = weight.shape[1] * groups
        // The conv whose input is this op's output and whose output is this op's input.
        let geometry = ember_window2d_geometry(
            ih: Int64(oh), iw: Int64(ow), oh: Int64(h), ow: Int64(w), kh: Int64(kh), kw: Int64(kw),
            sh: Int64(stride.height), sw: Int64(stride.width), ph: Int64(padding.height), pw: Int64(padding.width),
            dh: Int64(dilation.height), dw: Int64(dilation.width))
        let lowering = ConvLowering(geometry: geometry, imageChannels: out, columnChannels: c, groups: groups)
        let columns = x.detach().contiguous()
        let wm = weight.detach().contiguous().reshape([c, lowering.groupRows])
        let result = lowering.multiplyFold(columns: columns, weight: wm, bias: bias)
        let (savedWeight, savedColumns) = (x.requiresGrad ? wm : nil, weight.requiresGrad ? columns : nil)
        return recordConvolution(result, input: x, weight: weight, bias: bias) { g in
            [savedWeight.map { lowering.unfoldMultiply(image: g, weight: $0, bias: nil) },
             savedColumns.map { lowering.weightGradient(image: g, columns: $0).reshape(weight.shape) }]
        }
    }
}

/// Checks shared by both convolutions: ranks, positive stride/dilation/groups, channel
/// divisibility and the bias size (`outChannels`, default `weight.shape[0]`).
private func checkConvArguments(
    _ name: String, _ input: Tensor, weight: Tensor, bias: Tensor?, stride: IntPair, dilation: IntPair,
    groups: Int, outChannels: Int? = nil
) {
    precondition(input.ndim == 3 || input.ndim == 4,
                 "\(name): Expected 3D (unbatched) or 4D (batched) input to \(name), but got input of size: \(input.shape)")
    precondition(weight.ndim == 4, "\(name): weight should have 4 dimensions [out, in / groups, kH, kW], got weight of size \(weight.shape)")
    precondition(input.dtype == .float32 && weight.dtype == .float32,
                 "\(name): expected float32 input and weight, got \(input.dtype) and \(weight.dtype)")
    precondition(groups > 0, "\(name): non-positive groups is not supported, got groups=\(groups)")
    precondition(stride.height > 0 && stride.width > 0, "\(name): non-positive stride is not supported, got \(stride)")
    precondition(dilation.height > 0 && dilation.width > 0, "\(name): dilation should be greater than zero, got \(dilation)")
    precondition(weight.shape[0] % groups == 0,
                 "\(name): Given groups=\(groups), expected weight to be divisible by \(groups) at dimension 0, but got weight of size \(weight.shape) instead")
    let out = outChannels ?? weight.shape[0]
    if let bias {
        precondition(bias.shape == [out] && bias.dtype == .float32,
                     "\(name): Given weight of size \(weight.shape), expected bias to be 1-dimensional with \(out) elements, but got bias of size \(bias.shape) instead")
    }
}

/// Runs `body` on 4-D input, adding and removing the batch dimension of unbatched input.
private func batchedConvolution(_ input: Tensor, _ body: (Tensor) -> Tensor) -> Tensor {
    input.ndim == 3 ? body(input.unsqueeze(0)).squeeze(dim: 0) : body(input)
}

/// Records a convolution's node: `gradients(g)` returns the input and weight gradients
/// (nil where not needed); the bias gradient is the sum of `g` over batch and space.
private func recordConvolution(
    _ output: Tensor, input: Tensor, weight: Tensor, bias: Tensor?, gradients: @escaping (Tensor) -> [Tensor?]
) -> Tensor {
    let needBias = bias?.requiresGrad ?? false
    let inputs = [input, weight] + (bias.map { [$0] } ?? [])
    return Tensor.record("ConvolutionBackward", output: output, inputs: inputs) { g in
        let g = g.contiguous()
        let grads = gradients(g) + [needBias ? g.sum(dims: [0, 2, 3]) : nil]
        return Array(grads.prefix(inputs.count))
    }
}
