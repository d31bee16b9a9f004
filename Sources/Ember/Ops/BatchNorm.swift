import CEmberKernels

/// `F.batch_norm`: normalises each channel (dimension 1) of `[N, C, *]` input, as one
/// recorded op whose backward computes the input, weight and bias gradients together.
///
/// With `training`, the batch's mean and biased variance normalise the input, and
/// `runningMean`/`runningVar` (when given) move towards the batch's mean and *unbiased*
/// variance by `momentum`: `running = (1 - momentum) * running + momentum * batch`.
/// Without it, the running statistics normalise the input and stay unchanged.
///
/// The backward pass is computed with fused kernels, so it supports first-order gradients
/// only (no `createGraph` through this op).
public func batchNorm(
    _ input: Tensor, runningMean: Tensor?, runningVar: Tensor?, weight: Tensor? = nil,
    bias: Tensor? = nil, training: Bool = false, momentum: Float = 0.1, eps: Float = 1e-5
) -> Tensor {
    precondition(input.ndim >= 2 && input.dtype == .float32,
                 "batch_norm: expected float32 input of shape [N, C, *], got \(input.dtype) \(input.shape)")
    let (n, c) = (input.shape[0], input.shape[1])
    let s = input.shape.dropFirst(2).reduce(1, *)
    for (name, t) in [("weight", weight), ("bias", bias), ("running_mean", runningMean), ("running_var", runningVar)] {
        guard let t else { continue }
        precondition(t.shape == [c] && t.dtype == .float32,
                     "batch_norm: \(name) should be float32 of shape [\(c)] for input \(input.shape), got \(t.dtype) \(t.shape)")
    }
    let count = n * s
    let x = input.detach().contiguous()
    let mean: [Float], variance: [Float]
    if training {
        precondition(count > 1, "batch_norm: expected more than 1 value per channel when training, got input size \(input.shape)")
        (mean, variance) = BatchNormKernels.statistics(x, n: n, c: c, s: s)
        let unbiased = Float(count) / Float(count - 1)
        if let runningMean { BatchNormKernels.blend(runningMean, toward: mean, momentum: momentum) }
        if let runningVar { BatchNormKernels.blend(runningVar, toward: variance.map { $0 * unbiased }, momentum: momentum) }
    } else {
        guard let runningMean, let runningVar else {
            preconditionFailure("batch_norm: running_mean and running_var are required when not training")
        }
        (mean, variance) = (runningMean.toArray(), runningVar.toArray())
    }
    let invstd = variance.map { 1 / ($0 + eps).squareRoot() }
    let (scale, shift) = BatchNormKernels.scaleAndShift(mean: mean, invstd: invstd, weight: weight, bias: bias)
    let out = BatchNormKernels.affine(x, y: nil, n: n, c: c, s: s, a: scale, b: nil, d: shift)

    let inputs = [input] + [weight, bias].compactMap { $0 }
    let (needInput, needWeight, needBias) = (input.requiresGrad, weight?.requiresGrad ?? false, bias?.requiresGrad ?? false)
    return Tensor.record("NativeBatchNormBackward", output: out, inputs: inputs) { g in
        let g = g.contiguous()
        let needSums = needWeight || needBias || (needInput && training)
        let zeros = [Float](repeating: 0, count: c)
        let (sumG, sumGDev) = needSums ? BatchNormKernels.gradientSums(g, x, mean: mean, n: n, c: c, s: s) : (zeros, zeros)
        var gradInput: Tensor?
        if needInput {
            // dx = scale * (g - mean(g) - (x - mean) * invstd^2 * mean(g * (x - mean))) with
            // batch statistics, dx = scale * g with running ones; both are g * p + x * q + r.
            let m = Float(count)
            let q = (0..<c).map { training ? -scale[$0] * invstd[$0] * invstd[$0] * sumGDev[$0] / m : 0 }
            let r = (0..<c).map { training ? -q[$0] * mean[$0] - scale[$0] * sumG[$0] / m : 0 }
            gradInput = BatchNormKernels.affine(g, y: training ? x : nil, n: n, c: c, s: s, a: scale, b: q, d: r)
        }
        let gradWeight = needWeight ? Tensor(shape: [c], scalars: (0..<c).map { sumGDev[$0] * invstd[$0] }) : nil
        let gradBias = needBias ? Tensor(shape: [c], scalars: sumG) : nil
        return [gradInput] + (weight == nil ? [] : [gradWeight]) + (bias == nil ? [] : [gradBias])
    }
}

/// Dispatch of the batch-norm kernels over channel ranges.
enum BatchNormKernels {
    /// Runs `body(cBegin, cEnd)` over all channels, in parallel chunks when there is work.
    static func overChannels(n: Int, c: Int, s: Int, _ body: (Int64, Int64) -> Void) {
        parallelFor(c, grain: Swift.max(1, elementwiseGrain / Swift.max(n * s, 1))) { range in
            body(Int64(range.lowerBound), Int64(range.upperBound))
        }
    }

    /// Per-channel mean and biased variance of contiguous `[n, c, s]` input.
    static func statistics(_ x: Tensor, n: Int, c: Int, s: Int) -> (mean: [Float], variance: [Float]) {
        var mean = [Float](repeating: 0, count: c), variance = [Float](repeating: 0, count: c)
        mean.withUnsafeMutableBufferPointer { m in
            variance.withUnsafeMutableBufferPointer { v in
                overChannels(n: n, c: c, s: s) { lo, hi in
                    ember_batchnorm_stats_f32(x.floatPointer, Int64(n), Int64(c), Int64(s), lo, hi, m.baseAddress, v.baseAddress)
                }
            }
        }
        return (mean, variance)
    }

    /// Per-channel sums of `g` and of `g * (x - mean)`.
    static func gradientSums(_ g: Tensor, _ x: Tensor, mean: [Float], n: Int, c: Int, s: Int) -> (sumG: [Float], sumGDev: [Float]) {
        var sumG = [Float](repeating: 0, count: c), sumGDev = [Float](repeating: 0, count: c)
        sumG.withUnsafeMutableBufferPointer { sg in
            sumGDev.withUnsafeMutableBufferPointer { sd in
                overChannels(n: n, c: c, s: s) { lo, hi in
                    ember_batchnorm_grad_sums_f32(g.floatPointer, x.floatPointer, Int64(n), Int64(c), Int64(s), lo, hi,
                                                  mean, sg.baseAddress, sd.baseAddress)
                }
            }
        }
        return (sumG, sumGDev)
    }

    /// `x * a[ch] + y * b[ch] + d[ch]` for contiguous `[n, c, s]` tensors (y optional).
    static func affine(_ x: Tensor, y: Tensor?, n: Int, c: Int, s: Int, a: [Float], b: [Float]?, d: [Float]) -> Tensor {
        let out = Tensor(uninitialized: x.shape)
        let px = x.floatPointer, py = y?.floatPointer, o = out.floatPointer
        overChannels(n: n, c: c, s: s) { lo, hi in
            ember_batchnorm_affine_f32(px, py, Int64(n), Int64(c), Int64(s), lo, hi, a, b, d, o)
        }
        return out
    }

    /// Normalisation as one affine map per channel: `x * scale + shift`.
    static func scaleAndShift(mean: [Float], invstd: [Float], weight: Tensor?, bias: Tensor?) -> (scale: [Float], shift: [Float]) {
        let c = mean.count
        let gamma = weight.map { $0.toArray() } ?? [Float](repeating: 1, count: c)
        let beta = bias.map { $0.toArray() } ?? [Float](repeating: 0, count: c)
        let scale = (0..<c).map { invstd[$0] * gamma[$0] }
        return (scale, (0..<c).map { beta[$0] - mean[$0] * scale[$0] })
    }

    /// `running = (1 - momentum) * running + momentum * batch`, in place.
    static func blend(_ running: Tensor, toward batch: [Float], momentum: Float) {
        precondition(running.isContiguous, "batch_norm: running statistics must be contiguous")
        let p = running.floatPointer
        for i in batch.indices { p[i] = (1 - momentum) * p[i] + momentum * batch[i] }
    }
}

/// Evaluation-mode batch norm with the running statistics, clamped to `[low, high]` in the
/// same pass (`relu` is `0...inf`, `relu6` `0...6`), recording nothing for autograd: what
/// `BatchNorm.callAsFunction(_:then:)` runs when no gradient is wanted.
func batchNormInferenceClamped(
    _ input: Tensor, runningMean: Tensor, runningVar: Tensor, weight: Tensor?, bias: Tensor?, eps: Float,
    low: Float, high: Float
) -> Tensor {
    precondition(input.ndim >= 2 && input.dtype == .float32 && runningMean.shape == [input.shape[1]],
                 "batch_norm: expected float32 input of shape [N, \(runningMean.numel), *], got \(input.dtype) \(input.shape)")
    let (n, c) = (input.shape[0], input.shape[1])
    let s = input.shape.dropFirst(2).reduce(1, *)
    let x = input.contiguous()
    let invstd = runningVar.toArray().map { 1 / ($0 + eps).squareRoot() }
    let (scale, shift) = BatchNormKernels.scaleAndShift(mean: runningMean.toArray(), invstd: invstd, weight: weight, bias: bias)
    let out = Tensor(uninitialized: x.shape)
    let px = x.floatPointer, o = out.floatPointer
    BatchNormKernels.overChannels(n: n, c: c, s: s) { lo, hi in
        ember_batchnorm_affine_clamp_f32(px, Int64(n), Int64(c), Int64(s), lo, hi, scale, shift, low, high, o)
    }
    return out
}
