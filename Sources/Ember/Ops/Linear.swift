/// `F.linear`: `input @ weight^T + bias` as one recorded op over one GEMM.
///
/// The bias is broadcast into the output first and the product is accumulated onto it
/// (sgemm with beta = 1), so the layer costs one pass over its output. Inputs of any rank
/// `[..., in]` are folded into rows; the transposes of the forward and backward products
/// are GEMM flags, never copies.
///
/// - Parameters:
///   - input: `[..., in_features]` (a vector `[in_features]` gives `[out_features]`).
///   - weight: `[out_features, in_features]`, PyTorch's layout.
///   - bias: `[out_features]`, or nil.
public func linear(_ input: Tensor, weight: Tensor, bias: Tensor? = nil) -> Tensor {
    precondition(weight.ndim == 2, "linear: weight must be 2-D [out_features, in_features], got shape \(weight.shape)")
    let (outFeatures, inFeatures) = (weight.shape[0], weight.shape[1])
    precondition(
        input.ndim >= 1 && input.shape[input.ndim - 1] == inFeatures,
        "linear: mat1 and mat2 shapes cannot be multiplied (input \(input.shape) and weight.T [\(inFeatures), \(outFeatures)])")
    precondition(
        input.dtype == .float32 && weight.dtype == .float32,
        "linear: expected float32 input and weight, got \(input.dtype) and \(weight.dtype)")
    if let bias {
        precondition(bias.shape == [outFeatures] && bias.dtype == .float32,
                     "linear: bias must be float32 of shape [\(outFeatures)], got \(bias.dtype) \(bias.shape)")
    }
    let inputShape = input.shape
    let rows = inputShape.dropLast().reduce(1, *)
    let x = input.detach().reshape([rows, inFeatures])
    let w = weight.detach()
    let out = Tensor(uninitialized: [rows, outFeatures])
    if let bias {
        let b = bias.detach().contiguous().floatPointer, o = out.floatPointer
        for r in 0..<rows { (o + r * outFeatures).update(from: b, count: outFeatures) }
    }
    GEMM.multiply(GEMM.operand(x), GEMM.operand(w.t()), into: out.floatPointer,
                  m: rows, n: outFeatures, k: inFeatures, accumulate: bias != nil)
    let outShape = Array(inputShape.dropLast()) + [outFeatures]
    let result = out.aliased(shape: outShape, strides: Shape.contiguousStrides(outShape))

    // Each product needs only the other operand: keep just what will be used.
    let savedWeight = input.requiresGrad ? w : nil
    let savedInput = weight.requiresGrad ? x : nil
    let needBias = bias?.requiresGrad ?? false
    // In PyTorch's order, addmm(bias, input, weight.t()): the bias's gradient is
    // accumulated first, which is the order DistributedDataParallel's buckets follow.
    let inputs = (bias.map { [$0] } ?? []) + [input, weight]
    let hasBias = bias != nil
    return Tensor.record(hasBias ? "AddmmBackward" : "MmBackward", output: result, inputs: inputs) { g in
        let g2 = g.reshape([rows, outFeatures])
        let inputGrad = savedWeight.map { g2.mm($0).reshape(inputShape) }
        let weightGrad = savedInput.map { g2.t().mm($0) }
        return hasBias ? [needBias ? g2.sum(dim: 0) : nil, inputGrad, weightGrad] : [inputGrad, weightGrad]
    }
}
