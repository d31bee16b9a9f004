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
    return batchedConvolution(input) { x in
        let (c, ih, iw) = (x.shape[1], x.shape[2], x.shape[3])
        precondition(c == weight.shape[1] * groups,
                     "\(name): Given groups=\(groups), weight of size \(weight.shape), expected input\(x.shape) to have \(weight.shape[1] * groups) channels, but got \(c) channels instead")
        let (paddedH, paddedW) = (ih + sides.top + sides.bottom, iw + sides.left + sides.right)
        let (spanH, spanW) = (dilation.height * (kernel.height - 1) + 1, dilation.width * (kernel.width - 1) + 1)
        precondition(paddedH >= spanH && paddedW >= spanW,
                     "\(name): Calculated padded input size per channel: (\(paddedH) x \(paddedW)). Kernel size: (\(spanH) x \(spanW)). Kernel size can't be greater than actual input size")
        // A kernel that covers the whole unpadded input is a matrix product. oneDNN falls
        // back to its reference kernel for some of these (DCGAN's last 512 -> 1 layer: 33 ms
        // for the input gradient at batch 64), whereas GEMM takes well under a millisecond.
        if groups == 1 && sides == (0, 0, 0, 0) && dilation == IntPair(1) && kernel == IntPair(ih, iw) {
            let (n, features) = (x.shape[0], c * ih * iw)
            let product = x.reshape([n, features]).matmul(weight.reshape([weight.shape[0], features]).t())
            return (bias.map { product + $0 } ?? product).view(n, weight.shape[0], 1, 1)
        }
        let geometry = ConvolutionGeometry(
            image: x.shape, responseChannels: weight.shape[0],
            responseSize: IntPair((paddedH - spanH) / stride.height + 1, (paddedW - spanW) / stride.width + 1),
            kernel: kernel, stride: stride, dilation: dilation, groups: groups,
            padding: sides, hasBias: bias != nil)
        let primitives = ConvolutionPrimitives.forGeometry(geometry)
        let winograd = WinogradConvolution.applies(to: geometry)
        let w = weight.detach().contiguous()
        let image = x.detach().contiguous()
        let b = bias?.detach().contiguous()
        let result = winograd
            ? WinogradConvolution.respond(to: image, weight: w, bias: b, geometry: geometry)
            : primitives.respond(to: primitives.imageOperand(image), weight: w, bias: b)
        // Each gradient needs only the other operand: keep just what will be used. The image
        // is kept as the NCHW tensor, not the channel-blocked copy the forward read: the layer
        // before (a ReLU, a residual sum) usually keeps that tensor anyway, and a second copy
        // per layer made a ResNet-18 training step hold every activation twice. The backward
        // reorders it again instead (one pass over the activation).
        let (savedWeight, savedImage) = (x.requiresGrad ? w : nil, weight.requiresGrad ? image : nil)
        return recordConvolution(result, input: x, weight: weight, bias: bias) { g in
            // oneDNN's kernels read the gradient reordered (once for both of them); Winograd
            // reads it as it is.
            let winogradWeights = winograd && WinogradConvolution.computesWeightGradient(of: geometry)
            let plain = winograd ? g.contiguous() : g
            let reordered = (savedImage != nil && !winogradWeights) || !winograd ? primitives.responseOperand(g) : nil
            let parameters = savedImage.map { image in
                winogradWeights
                    ? (weight: WinogradConvolution.weightGradient(image: image, response: plain, geometry: geometry),
                       bias: bias.map { _ in plain.sum(dims: [0, 2, 3]) })
                    : primitives.weightGradient(image: primitives.imageOperand(image), response: reordered!)
            }
            let imageGradient = savedWeight.map { w in
                winograd ? WinogradConvolution.image(from: plain, weight: w, geometry: geometry)
                    : primitives.image(from: reordered!, weight: w)
            }
            return [imageGradient, parameters?.weight, parameters?.bias]
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
        // oneDNN wants the last window to end inside the padded image; output padding beyond
        // the stride (possible with dilation) adds rows and columns that no window reaches:
        // they are computed as zeros by padding the result.
        let after = IntPair(padding.height - (outputPadding.height < stride.height ? 0 : outputPadding.height),
                            padding.width - (outputPadding.width < stride.width ? 0 : outputPadding.width))
        let (trimH, trimW) = (Swift.max(0, -after.height), Swift.max(0, -after.width))
        // The convolution whose image is this op's output and whose response is its input.
        let primitives = ConvolutionPrimitives.forGeometry(ConvolutionGeometry(
            image: [x.shape[0], weight.shape[1] * groups, oh - trimH, ow - trimW], responseChannels: c,
            responseSize: IntPair(h, w), kernel: IntPair(kh, kw), stride: stride, dilation: dilation, groups: groups,
            padding: (padding.width, after.width + trimW, padding.height, after.height + trimH), hasBias: false))
        let wm = weight.detach().contiguous()
        let response = primitives.responseOperand(x.detach().contiguous())
        let (savedWeight, savedResponse) = (x.requiresGrad ? wm : nil, weight.requiresGrad ? response : nil)
        var result = primitives.image(from: response, weight: wm)
        if trimH > 0 || trimW > 0 { result = pad(result, (0, trimW, 0, trimH)) }
        if let bias { result = result + bias.detach().reshape([1, bias.numel, 1, 1]) }
        return recordConvolution(result, input: x, weight: weight, bias: bias) { g in
            let gradient = primitives.imageOperand(
                g.narrow(dim: 2, start: 0, length: oh - trimH).narrow(dim: 3, start: 0, length: ow - trimW).contiguous())
            return [savedWeight.map { primitives.respond(to: gradient, weight: $0, bias: nil) },
                    savedResponse.map { primitives.weightGradient(image: gradient, response: $0).weight }, nil]
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

/// Records a convolution's node: `gradients(g)` returns the input, weight and bias
/// gradients (nil where not needed); a bias gradient it leaves out is `g` summed over batch
/// and space.
private func recordConvolution(
    _ output: Tensor, input: Tensor, weight: Tensor, bias: Tensor?, gradients: @escaping (Tensor) -> [Tensor?]
) -> Tensor {
    let needBias = bias?.requiresGrad ?? false
    let inputs = [input, weight] + (bias.map { [$0] } ?? [])
    return Tensor.record("ConvolutionBackward", output: output, inputs: inputs) { g in
        let g = g.contiguous()
        var grads = gradients(g)
        if needBias && grads[2] == nil { grads[2] = g.sum(dims: [0, 2, 3]) }
        return Array(grads.prefix(inputs.count))
    }
}
